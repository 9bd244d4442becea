// Our etcdctl against the REAL etcdctl 3.4 for the user / role / auth sequence, each against
// its own REAL etcd 3.4: same stdout, same exit status, same "Error: …" lines (and the stty
// complaints of the password prompt when stdin is not a terminal). Left out: the clientv3
// warning lines (3.4 and 3.6 log differently).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { ctl as ours } from '../../src/etcdctl/test-support.ts';
import { freePort, missingRealTools, realEtcdctl, REAL_ETCD, REAL_ETCDCTL, startRealEtcd, type ToolOutput } from './support.ts';
import { AUTH_STEPS, normaliseStep as normalise } from './auth-steps.ts';

const missing = missingRealTools([REAL_ETCD, REAL_ETCDCTL]);

const real = (args: string[], stdin = ''): Promise<ToolOutput> => realEtcdctl(args, { stdin, boundMs: 15_000, boundSignal: 'SIGINT' });

async function startReal(dir: string): Promise<{ proc: ChildProcess; ep: string }> {
  const [client, peer] = [await freePort(), await freePort()];
  const ep = `127.0.0.1:${client}`;
  const proc = await startRealEtcd([`--data-dir=${dir}`, `--listen-client-urls=http://${ep}`, `--advertise-client-urls=http://${ep}`, `--listen-peer-urls=http://127.0.0.1:${peer}`], { healthEndpoint: ep });
  return { proc, ep };
}

describe('our etcdctl and the real etcdctl: users, roles and auth', { skip: missing.length ? `not installed: ${missing.join(', ')}` : false }, () => {
  let dir = '';
  const procs: ChildProcess[] = [];
  let forReal = '';
  let forOurs = '';

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth-etcdctl-vs-real-'));
    const [a, b] = await Promise.all([startReal(path.join(dir, 'a')), startReal(path.join(dir, 'b'))]);
    procs.push(a.proc, b.proc);
    forReal = a.ep;
    forOurs = b.ep;
  });

  after(() => {
    for (const p of procs) p.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints the same for every step', async () => {
    const theirs: (ToolOutput & { step: string })[] = [];
    const mine: (ToolOutput & { step: string })[] = [];
    for (const [args, stdin] of AUTH_STEPS) {
      const step = args.join(' ');
      theirs.push({ step, ...normalise(await real([`--endpoints=${forReal}`, ...args], stdin ?? ''), forReal.split(':')[1]!) });
      mine.push({ step, ...normalise(await ours([`--endpoints=${forOurs}`, ...args], { stdin: stdin ?? '' }), forOurs.split(':')[1]!) });
    }
    assert.equal(mine.find((o) => o.step === 'user add bob')!.stdout, 'Password of bob: \nType password of bob again for confirmation: \nUser bob created\n');
    for (let i = 0; i < theirs.length; i++) assert.deepEqual(mine[i], theirs[i], `step "${theirs[i]!.step}"`);
  });
});
