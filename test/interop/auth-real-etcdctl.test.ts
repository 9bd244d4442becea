// The REAL etcdctl (Debian's 3.4 build) runs the same user / role / auth sequence against our
// etcd and against the REAL etcd 3.4: both must print the same, from creating users and roles
// through `auth enable` to what each user may then read and write, and refusing the rest.
// Only the clientv3 warning lines (timestamps, client ids) and ports are left out, and two
// calls where etcd 3.6 (our reference) answers unlike 3.4 are not compared: `role get root`
// (3.6 lists root's [, <open ended> permission) and `endpoint status` as a non-root user (3.6
// wants the root role for Maintenance calls).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startOurEtcd, type OurEtcd } from './support.ts';
import { AUTH_STEPS as STEPS, alice } from './auth-steps.ts';

const ETCD = '/usr/bin/etcd';
const ETCDCTL = '/usr/bin/etcdctl';
const missing = [ETCD, ETCDCTL].filter((p) => !fs.existsSync(p));

interface Out {
  status: number;
  stdout: string;
  stderr: string;
}

function etcdctl(endpoint: string, args: string[], stdin = '', boundMs = 15_000): Promise<Out> {
  return new Promise((resolve) => {
    const p = spawn(ETCDCTL, [`--endpoints=${endpoint}`, ...args], { env: { ...process.env, ETCDCTL_API: '3' } });
    let stdout = '';
    let stderr = '';
    const bound = setTimeout(() => p.kill('SIGINT'), boundMs);
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => {
      clearTimeout(bound);
      resolve({ status: code ?? -1, stdout, stderr });
    });
    p.stdin.end(stdin);
  });
}

async function startRealEtcd(dir: string, clientPort: number, peerPort: number): Promise<ChildProcess> {
  const p = spawn(ETCD, [`--data-dir=${dir}`, `--listen-client-urls=http://127.0.0.1:${clientPort}`, `--advertise-client-urls=http://127.0.0.1:${clientPort}`, `--listen-peer-urls=http://127.0.0.1:${peerPort}`], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const h = await etcdctl(`127.0.0.1:${clientPort}`, ['endpoint', 'health', '--command-timeout=1s'], '', 2000);
    if (h.status === 0) return p;
    await new Promise((r) => setTimeout(r, 100));
  }
  p.kill();
  throw new Error('real etcd did not become healthy');
}

function normalise(o: Out, port: string): Out {
  const clean = (s: string) =>
    s
      .split('\n')
      .filter((l) => !l.startsWith('{"level":'))
      .join('\n')
      .replaceAll(port, 'PORT');
  return { status: o.status, stdout: clean(o.stdout), stderr: clean(o.stderr) };
}

async function runSteps(endpoint: string): Promise<(Out & { step: string })[]> {
  const port = endpoint.split(':')[1]!;
  const outs: (Out & { step: string })[] = [];
  for (const [args, stdin] of STEPS) outs.push({ step: args.join(' '), ...normalise(await etcdctl(endpoint, args, stdin ?? ''), port) });
  return outs;
}

describe('the real etcdctl: users, roles and auth against our etcd and the real etcd', { skip: missing.length ? `not installed: ${missing.join(', ')}` : false }, () => {
  let dir = '';
  let real: ChildProcess | undefined;
  let ours: OurEtcd | undefined;
  let realEp = '';
  let ourEp = '';

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth-real-etcdctl-'));
    const [rc, rp, oc, op] = [await freePort(), await freePort(), await freePort(), await freePort()];
    realEp = `127.0.0.1:${rc}`;
    ourEp = `127.0.0.1:${oc}`;
    const ourArgs = [`--data-dir=${path.join(dir, 'ours')}`, `--listen-client-urls=http://127.0.0.1:${oc}`, `--advertise-client-urls=http://127.0.0.1:${oc}`, `--listen-peer-urls=http://127.0.0.1:${op}`];
    [real, ours] = await Promise.all([startRealEtcd(path.join(dir, 'real'), rc, rp), startOurEtcd(ourArgs, dir)]);
  });

  after(async () => {
    real?.kill('SIGTERM');
    await ours?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints the same for every step', async () => {
    const [theirs, mine] = await Promise.all([runSteps(realEp), runSteps(ourEp)]);
    if (process.env.AUTH_INTEROP_DUMP) fs.writeFileSync(process.env.AUTH_INTEROP_DUMP, JSON.stringify({ theirs, mine }, null, 1));
    // A few answers that show the steps did what they say (so equal output is not equal silence).
    const at = (step: string) => mine.find((o) => o.step === step)!;
    assert.equal(at('user add root --new-user-password=rootpw').stdout, 'User root created\n');
    assert.equal(at('auth enable').stdout, 'Authentication Enabled\n');
    assert.equal(at(`${alice} get /app/x`).stdout, '/app/x\n1\n');
    assert.equal(at(`${alice} put /other 1`).stderr, 'Error: etcdserver: permission denied\n');
    assert.equal(at('put k v').stderr, 'Error: etcdserver: user name is empty\n');
    for (let i = 0; i < theirs.length; i++) assert.deepEqual(mine[i], theirs[i], `step "${theirs[i]!.step}"`);
  });
});
