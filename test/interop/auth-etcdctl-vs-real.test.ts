// Our etcdctl against the REAL etcdctl 3.4 for the user / role / auth sequence, each against
// its own REAL etcd 3.4: same stdout, same exit status, same "Error: …" lines (and the stty
// complaints of the password prompt when stdin is not a terminal). Left out: the clientv3
// warning lines (3.4 and 3.6 log differently).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ctl as ours } from '../../src/etcdctl/test-support.ts';
import { freePort } from './support.ts';
import { AUTH_STEPS } from './auth-steps.ts';

const ETCD = '/usr/bin/etcd';
const ETCDCTL = '/usr/bin/etcdctl';
const missing = [ETCD, ETCDCTL].filter((p) => !fs.existsSync(p));

interface Out {
  status: number;
  stdout: string;
  stderr: string;
}

function real(args: string[], stdin = '', boundMs = 15_000): Promise<Out> {
  return new Promise((resolve) => {
    const p = spawn(ETCDCTL, args, { env: { ...process.env, ETCDCTL_API: '3' } });
    let stdout = '';
    let stderr = '';
    const bound = setTimeout(() => p.kill('SIGINT'), boundMs);
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => {
      clearTimeout(bound);
      resolve({ status: code ?? -1, stdout, stderr });
    });
    p.stdin.on('error', () => undefined);
    p.stdin.end(stdin);
  });
}

async function startRealEtcd(dir: string): Promise<{ proc: ChildProcess; ep: string }> {
  const [client, peer] = [await freePort(), await freePort()];
  const ep = `127.0.0.1:${client}`;
  const proc = spawn(ETCD, [`--data-dir=${dir}`, `--listen-client-urls=http://${ep}`, `--advertise-client-urls=http://${ep}`, `--listen-peer-urls=http://127.0.0.1:${peer}`], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    if ((await real([`--endpoints=${ep}`, 'endpoint', 'health', '--command-timeout=1s'], '', 2000)).status === 0) return { proc, ep };
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill();
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

describe('our etcdctl and the real etcdctl: users, roles and auth', { skip: missing.length ? `not installed: ${missing.join(', ')}` : false }, () => {
  let dir = '';
  const procs: ChildProcess[] = [];
  let forReal = '';
  let forOurs = '';

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth-etcdctl-vs-real-'));
    const [a, b] = await Promise.all([startRealEtcd(path.join(dir, 'a')), startRealEtcd(path.join(dir, 'b'))]);
    procs.push(a.proc, b.proc);
    forReal = a.ep;
    forOurs = b.ep;
  });

  after(() => {
    for (const p of procs) p.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints the same for every step', async () => {
    const theirs: (Out & { step: string })[] = [];
    const mine: (Out & { step: string })[] = [];
    for (const [args, stdin] of AUTH_STEPS) {
      const step = args.join(' ');
      theirs.push({ step, ...normalise(await real([`--endpoints=${forReal}`, ...args], stdin ?? ''), forReal.split(':')[1]!) });
      mine.push({ step, ...normalise(await ours([`--endpoints=${forOurs}`, ...args], { stdin: stdin ?? '' }), forOurs.split(':')[1]!) });
    }
    assert.equal(mine.find((o) => o.step === 'user add bob')!.stdout, 'Password of bob: \nType password of bob again for confirmation: \nUser bob created\n');
    for (let i = 0; i < theirs.length; i++) assert.deepEqual(mine[i], theirs[i], `step "${theirs[i]!.step}"`);
  });
});
