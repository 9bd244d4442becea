// --client-cert-auth with auth on: a client certificate's common name is the user when no
// token is given. The REAL etcdctl 3.4 with certificates for CN root, alice and a stranger
// gets the same answers from our etcd as from the REAL etcd 3.4.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeCert } from '../../src/etcd/api/test-helpers.ts';
import { freePort, startOurEtcd, type OurEtcd } from './support.ts';

const ETCD = '/usr/bin/etcd';
const ETCDCTL = '/usr/bin/etcdctl';
const missing = [ETCD, ETCDCTL].filter((p) => !fs.existsSync(p));

interface Out {
  status: number;
  stdout: string;
  stderr: string;
}

function etcdctl(args: string[], boundMs = 15_000): Promise<Out> {
  return new Promise((resolve) => {
    const p = spawn(ETCDCTL, args, { env: { ...process.env, ETCDCTL_API: '3' } });
    let stdout = '';
    let stderr = '';
    const bound = setTimeout(() => p.kill('SIGINT'), boundMs);
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => {
      clearTimeout(bound);
      resolve({ status: code ?? -1, stdout, stderr: stderr.split('\n').filter((l) => !l.startsWith('{"level":')).join('\n') });
    });
    p.stdin.end();
  });
}

describe('client certificate CN as the user', { skip: missing.length ? `not installed: ${missing.join(', ')}` : false }, () => {
  it('answers as the real etcd for root, alice and a stranger', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth-cn-'));
    const ca = makeCert('etcd-ca', { isCa: true });
    const server = makeCert('etcd-server', { ca, sans: ['localhost', '127.0.0.1'] });
    const write = (name: string, text: string) => {
      const p = path.join(dir, name);
      fs.writeFileSync(p, text, { mode: 0o600 });
      return p;
    };
    const caFile = write('ca.pem', ca.cert);
    const certArgs = (cn: string) => {
      const c = makeCert(cn, { ca });
      return [`--cacert=${caFile}`, `--cert=${write(`${cn}.pem`, c.cert)}`, `--key=${write(`${cn}-key.pem`, c.key)}`];
    };
    const [asRoot, asAlice, asStranger] = [certArgs('root'), certArgs('alice'), certArgs('mallory')];
    const serverArgs = [`--cert-file=${write('server.pem', server.cert)}`, `--key-file=${write('server-key.pem', server.key)}`, `--trusted-ca-file=${caFile}`, '--client-cert-auth'];
    const [rc, rp, oc, op] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const urls = (c: number, p: number) => [`--listen-client-urls=https://127.0.0.1:${c}`, `--advertise-client-urls=https://127.0.0.1:${c}`, `--listen-peer-urls=http://127.0.0.1:${p}`];
    let real: ChildProcess | undefined;
    let ours: OurEtcd | undefined;
    try {
      real = spawn(ETCD, [`--data-dir=${path.join(dir, 'real')}`, ...urls(rc, rp), ...serverArgs], { stdio: 'ignore' });
      ours = await startOurEtcd([`--data-dir=${path.join(dir, 'ours')}`, ...urls(oc, op), ...serverArgs], dir);
      for (let i = 0; i < 100; i++) {
        if ((await etcdctl([`--endpoints=https://127.0.0.1:${rc}`, ...asRoot, 'endpoint', 'health', '--command-timeout=1s'], 2000)).status === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const steps: string[][] = [
        [...asRoot, 'user', 'add', 'root', '--new-user-password=rootpw'],
        [...asRoot, 'user', 'add', 'alice', '--new-user-password=alicepw'],
        [...asRoot, 'role', 'add', 'app'],
        [...asRoot, 'role', 'grant-permission', 'app', 'readwrite', '/app/', '--prefix'],
        [...asRoot, 'user', 'grant-role', 'alice', 'app'],
        [...asRoot, 'auth', 'enable'],
        [...asRoot, 'put', '/top', 'secret'],
        [...asRoot, 'user', 'list'],
        [...asAlice, 'put', '/app/x', '1'],
        [...asAlice, 'get', '/app/x'],
        [...asAlice, 'get', '/top'],
        [...asAlice, 'user', 'list'],
        [...asStranger, 'get', '/app/x'],
        [...asStranger, 'put', '/app/x', '2'],
        [...asAlice, '--user=root:rootpw', 'get', '/top', '--print-value-only'],
        [...asRoot, 'auth', 'disable'],
      ];
      const runAll = async (port: number) => {
        const outs: Out[] = [];
        for (const s of steps) outs.push(await etcdctl([`--endpoints=https://127.0.0.1:${port}`, ...s]));
        return outs;
      };
      const [theirs, mine] = await Promise.all([runAll(rc), runAll(oc)]);
      assert.equal(mine[9]!.stdout, '/app/x\n1\n', 'alice by her certificate');
      assert.equal(mine[10]!.stderr, 'Error: etcdserver: permission denied\n');
      assert.equal(mine[7]!.stdout, 'alice\nroot\n', 'root by its certificate');
      for (let i = 0; i < steps.length; i++) assert.deepEqual(mine[i], theirs[i], steps[i]!.slice(3).join(' '));
    } finally {
      real?.kill('SIGTERM');
      await ours?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
