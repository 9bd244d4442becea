// For tests: etcd members run in this process on real loopback TCP (each with its own
// in-memory disk that survives its restarts), with fast raft timers.
import net from 'node:net';
import { realClock } from '../../platform/clock.ts';
import { realRandom } from '../../platform/random.ts';
import { NodeNetwork } from '../../platform/node-network.ts';
import { SimFileSystem } from '../../platform/sim-fs.ts';
import type { EtcdServer } from '../server/etcd-server.ts';
import { runEtcd } from './etcd-main.ts';

const handedOut = new Set<number>();

/**
 * A loopback port that was free a moment ago, for a server a test starts next. Chosen at
 * random below Linux's ephemeral range (32768–60999): a port the kernel picked with
 * listen(0) comes from that range, where any outgoing connection (of this or another test
 * process) may take it as its local port before the server binds it, as happened under load.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (handedOut.has(port)) continue;
    const s = net.createServer();
    const ok = await new Promise<boolean>((resolve) => {
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (!ok) continue;
    await new Promise<void>((r) => s.close(() => r()));
    handedOut.add(port);
    return port;
  }
  throw new Error('no free loopback port found in 20000-31999');
}

export interface TestMember {
  name: string;
  peer: number;
  client: number;
  fs: SimFileSystem;
  /** Aborting it stops the member (the reason is the signal, e.g. 'SIGTERM'); renewed on each start. */
  ac: AbortController;
  exited?: Promise<number>;
  server?: EtcdServer;
  /** Its log lines (stderr), across restarts. */
  logs: string[];
}

export async function newMember(name: string): Promise<TestMember> {
  return { name, peer: await freePort(), client: await freePort(), fs: new SimFileSystem(), ac: new AbortController(), logs: [] };
}

/** `--initial-cluster` for these members. */
export const initialClusterOf = (members: TestMember[]): string => members.map((m) => `${m.name}=http://127.0.0.1:${m.peer}`).join(',');

/** Starts (or restarts) a member; resolves once it serves, rejects if it exits first. */
export function startMember(m: TestMember, initialCluster: string, state: 'new' | 'existing' = 'new'): Promise<void> {
  m.ac = new AbortController();
  let ready: () => void = () => {};
  const readyP = new Promise<void>((r) => (ready = r));
  m.exited = runEtcd({
    argv: [
      'etcd', '--name', m.name, '--data-dir', `/var/lib/etcd/${m.name}`,
      '--listen-peer-urls', `http://127.0.0.1:${m.peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${m.peer}`,
      '--listen-client-urls', `http://127.0.0.1:${m.client}`, '--advertise-client-urls', `http://127.0.0.1:${m.client}`,
      '--initial-cluster', initialCluster, '--initial-cluster-state', state,
      '--heartbeat-interval', '20', '--election-timeout', '200',
    ],
    env: {},
    cwd: '/',
    fs: m.fs,
    net: new NodeNetwork(),
    clock: realClock,
    random: realRandom,
    stdout: { write: () => {} },
    stderr: { write: (c) => void m.logs.push(String(c)) },
    signal: m.ac.signal,
    onReady: (s) => {
      m.server = s;
      ready();
    },
  });
  return Promise.race([readyP, m.exited.then((c) => Promise.reject(new Error(`${m.name} exited ${c}: ${m.logs.join('')}`)))]);
}
