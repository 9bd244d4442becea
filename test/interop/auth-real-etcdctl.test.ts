// The REAL etcdctl (Debian's 3.4 build) runs the same user / role / auth sequence against our
// etcd and against the REAL etcd 3.4: both must print the same, from creating users and roles
// through `auth enable` to what each user may then read and write, and refusing the rest.
// Only the clientv3 warning lines (timestamps, client ids) and ports are left out, and two
// calls where etcd 3.6 (our reference) answers unlike 3.4 are not compared: `role get root`
// (3.6 lists root's [, <open ended> permission) and `endpoint status` as a non-root user (3.6
// wants the root role for Maintenance calls).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { freePort, missingRealTools, realEtcdctl, REAL_ETCD, REAL_ETCDCTL, startOurEtcd, startRealEtcd, type OurEtcd, type ToolOutput } from './support.ts';
import { AUTH_STEPS as STEPS, alice, normaliseStep as normalise } from './auth-steps.ts';

const missing = missingRealTools([REAL_ETCD, REAL_ETCDCTL]);

const etcdctl = (endpoint: string, args: string[], stdin = ''): Promise<ToolOutput> =>
  realEtcdctl([`--endpoints=${endpoint}`, ...args], { stdin, boundMs: 15_000, boundSignal: 'SIGINT' });

async function runSteps(endpoint: string): Promise<(ToolOutput & { step: string })[]> {
  const port = endpoint.split(':')[1]!;
  const outs: (ToolOutput & { step: string })[] = [];
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
    const realArgs = [`--data-dir=${path.join(dir, 'real')}`, `--listen-client-urls=http://127.0.0.1:${rc}`, `--advertise-client-urls=http://127.0.0.1:${rc}`, `--listen-peer-urls=http://127.0.0.1:${rp}`];
    [real, ours] = await Promise.all([startRealEtcd(realArgs, { healthEndpoint: realEp }), startOurEtcd(ourArgs, dir)]);
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
