// --client-cert-auth with auth on: a client certificate's common name is the user when no
// token is given. The REAL etcdctl 3.4 with certificates for CN root, alice and a stranger
// gets the same answers from our etcd as from the REAL etcd 3.4.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { makeCert } from '../../src/etcd/api/test-helpers.ts';
import { freePort, missingRealTools, realEtcdctl, REAL_ETCD, REAL_ETCDCTL, startOurEtcd, startRealEtcd, withoutClientLogs, type OurEtcd, type ToolOutput } from './support.ts';

const missing = missingRealTools([REAL_ETCD, REAL_ETCDCTL]);

/** The real etcdctl, its clientv3 warning lines left out. */
async function etcdctl(args: string[]): Promise<ToolOutput> {
  const o = await realEtcdctl(args, { boundMs: 15_000, boundSignal: 'SIGINT' });
  return { status: o.status, stdout: o.stdout, stderr: withoutClientLogs(o.stderr) };
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
      real = await startRealEtcd([`--data-dir=${path.join(dir, 'real')}`, ...urls(rc, rp), ...serverArgs], { healthEndpoint: `https://127.0.0.1:${rc}`, healthArgs: asRoot });
      ours = await startOurEtcd([`--data-dir=${path.join(dir, 'ours')}`, ...urls(oc, op), ...serverArgs], dir);
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
        const outs: ToolOutput[] = [];
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
