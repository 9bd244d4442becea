// What the interop tests share: free loopback ports and our etcd started in this process
// on real TCP and the real disk, as `npx tsx src/cli/etcd.ts` would run it.
import net from 'node:net';
import path from 'node:path';
import { realClock } from '../../src/platform/clock.ts';
import { realRandom } from '../../src/platform/random.ts';
import { NodeFileSystem } from '../../src/platform/node-fs.ts';
import { NodeNetwork } from '../../src/platform/node-network.ts';
import { runEtcd } from '../../src/etcd/cli/etcd-main.ts';

/** A port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

export interface OurEtcd {
  /** Everything it wrote to stderr (its JSON log lines), as written. */
  logs: string[];
  /** SIGTERM; resolves with its exit status. */
  stop(): Promise<number>;
}

/** Starts our etcd with these flags (argv without "etcd") in `cwd`; resolves once it serves. */
export async function startOurEtcd(args: string[], cwd: string): Promise<OurEtcd> {
  const ac = new AbortController();
  const logs: string[] = [];
  let ready: () => void = () => {};
  const readyP = new Promise<void>((r) => (ready = r));
  const exited = runEtcd({
    argv: ['etcd', ...args],
    env: {},
    cwd: path.resolve(cwd),
    fs: new NodeFileSystem(),
    net: new NodeNetwork(),
    clock: realClock,
    random: realRandom,
    stdout: { write: () => {} },
    stderr: { write: (c) => void logs.push(String(c)) },
    signal: ac.signal,
    onReady: () => ready(),
  });
  const first = await Promise.race([readyP.then(() => undefined), exited]);
  if (first !== undefined) throw new Error(`our etcd exited with ${first}:\n${logs.join('')}`);
  return {
    logs,
    stop: () => {
      ac.abort('SIGTERM');
      return exited;
    },
  };
}
