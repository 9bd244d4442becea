// Running our etcd (runEtcd) on 127.0.0.1 random ports for API tests, with an in-memory disk.
import { realClock } from '../../platform/clock.ts';
import { realRandom } from '../../platform/random.ts';
import { NodeNetwork } from '../../platform/node-network.ts';
import { SimFileSystem } from '../../platform/sim-fs.ts';
import type { FileSystem } from '../../platform/filesystem.ts';
import { runEtcd } from '../cli/etcd-main.ts';
import type { EtcdServer } from '../server/etcd-server.ts';
import type { ClientEndpoints } from './client-server.ts';

export interface RunningEtcd {
  url: string;
  server: EtcdServer;
  logs: string[];
  stop(): Promise<number>;
}

export async function startTestEtcd(extraArgs: string[] = [], opts: { fs?: FileSystem; scheme?: 'http' | 'https' } = {}): Promise<RunningEtcd> {
  const fs = opts.fs ?? new SimFileSystem();
  if (!fs.exists('/work')) fs.mkdir('/work');
  const scheme = opts.scheme ?? 'http';
  const logs: string[] = [];
  const ac = new AbortController();
  let ready: (v: { server: EtcdServer; clients: ClientEndpoints }) => void = () => {};
  const readyP = new Promise<{ server: EtcdServer; clients: ClientEndpoints }>((r) => (ready = r));
  const exited = runEtcd({
    argv: ['etcd', '--listen-client-urls', `${scheme}://127.0.0.1:0`, '--advertise-client-urls', `${scheme}://127.0.0.1:0`, '--listen-peer-urls', 'http://127.0.0.1:0', ...extraArgs],
    env: {},
    cwd: '/work',
    fs,
    net: new NodeNetwork(),
    clock: realClock,
    random: realRandom,
    stdout: { write: () => {} },
    stderr: { write: (c) => void logs.push(String(c)) },
    signal: ac.signal,
    onReady: (server, clients) => ready({ server, clients }),
  });
  const first = await Promise.race([readyP, exited.then((code) => code)]);
  if (typeof first === 'number') throw new Error(`etcd exited with ${first}:\n${logs.join('')}`);
  const port = first.clients.addresses[0]!.port;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    server: first.server,
    logs,
    stop: async () => {
      ac.abort('SIGTERM');
      return exited;
    },
  };
}
