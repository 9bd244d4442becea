// For tests: one `etcd` run (runEtcd) on loopback TCP with any FileSystem, argv and env,
// its log lines kept, ready/exit as promises and a stop that sends a signal. Members of
// one data dir keep their ports across restarts (test-members.ts is the cluster helper).
import type { FileSystem } from '../../platform/filesystem.ts';
import { realClock } from '../../platform/clock.ts';
import { realRandom } from '../../platform/random.ts';
import { NodeNetwork } from '../../platform/node-network.ts';
import type { EtcdServer } from '../server/etcd-server.ts';
import { runEtcd } from './etcd-main.ts';
import { freePort } from './test-members.ts';

export interface TestPorts {
  peer: number;
  client: number;
}

export async function testPorts(): Promise<TestPorts> {
  return { peer: await freePort(), client: await freePort() };
}

/** The flags of a single member named `name` on these ports (fast raft timers). */
export function singleMemberArgs(p: TestPorts, name = 'default'): string[] {
  const peer = `http://127.0.0.1:${p.peer}`;
  const client = `http://127.0.0.1:${p.client}`;
  return [
    '--name', name,
    '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer,
    '--listen-client-urls', client, '--advertise-client-urls', client,
    '--initial-cluster', `${name}=${peer}`,
    '--heartbeat-interval', '20', '--election-timeout', '200',
  ];
}

export interface TestEtcdRun {
  /** Log lines (stderr) as written. */
  stderr: string[];
  /** JSON log records parsed from stderr. */
  records(): Record<string, unknown>[];
  /** Resolves once the member serves clients; rejects with the logs if it exits first. */
  ready: Promise<EtcdServer>;
  exited: Promise<number>;
  /** Sends a signal (default SIGTERM) and waits for the exit code. */
  stop(signal?: string): Promise<number>;
}

export function runTestEtcd(o: { fs: FileSystem; args: string[]; env?: Record<string, string>; cwd?: string }): TestEtcdRun {
  const ac = new AbortController();
  const stderr: string[] = [];
  let onReady: (s: EtcdServer) => void = () => {};
  const readyP = new Promise<EtcdServer>((r) => (onReady = r));
  const exited = runEtcd({
    argv: ['etcd', ...o.args],
    env: o.env ?? {},
    cwd: o.cwd ?? '/',
    fs: o.fs,
    net: new NodeNetwork(),
    clock: realClock,
    random: realRandom,
    stdout: { write: () => {} },
    stderr: { write: (c) => void stderr.push(String(c)) },
    signal: ac.signal,
    onReady: (s) => onReady(s),
  });
  const records = () =>
    stderr
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const ready = Promise.race([readyP, exited.then((c) => Promise.reject(new Error(`etcd exited ${c}: ${stderr.join('')}`)))]);
  // A run expected to fail is awaited through `exited`; its `ready` rejection is not an error.
  ready.catch(() => {});
  return {
    stderr,
    records,
    ready,
    exited,
    stop: (signal = 'SIGTERM') => {
      ac.abort(signal);
      return exited;
    },
  };
}
