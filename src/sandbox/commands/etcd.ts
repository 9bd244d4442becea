// etcd: our TypeScript etcd as a program on a virtual host. The installed file names the
// version it reports (ctx.programVersion); the disk, network and clock are the host's.
import type { Command } from '../types.ts';
import { realRandom } from '../../platform/random.ts';
import { runEtcd, DEFAULT_VERSION } from '../../etcd/cli/etcd-main.ts';
import { sdNotify } from '../systemd/notify.ts';
import { declareUsage } from '../processes.ts';
import type { EtcdServer } from '../../etcd/server/etcd-server.ts';

/**
 * What a real etcd process holds before it stores anything, measured from Debian 12's etcd
 * 3.4.23 (/usr/bin/etcd) started on 127.0.0.1 with an empty temporary data dir and left idle
 * a few seconds: /proc/PID/status said VmRSS 24204 kB (RssAnon 4868 kB, RssFile 19336 kB)
 * and Threads 7. The data this member holds is added on top (EtcdServer.memoryBytes).
 */
const ETCD_BASELINE_RSS_BYTES = 24_204 * 1024;
const ETCD_IDLE_THREADS = 7;

export function makeEtcdCommand(defaults: { version?: string } = {}): Command {
  return {
    name: 'etcd',
    summary: 'etcd, the distributed reliable key-value store (server)',
    run: (ctx) => {
      let server: EtcdServer | undefined;
      declareUsage(ctx.proc, { threads: ETCD_IDLE_THREADS, memoryBytes: () => ETCD_BASELINE_RSS_BYTES + (server?.memoryBytes() ?? 0) });
      return runEtcd({
        argv: ctx.argv,
        env: ctx.env,
        cwd: ctx.cwd,
        fs: ctx.fs,
        net: ctx.net,
        clock: ctx.clock,
        random: realRandom,
        stdout: ctx.stdout,
        stderr: ctx.stderr,
        signal: ctx.signal,
        version: (ctx.programVersion ?? defaults.version ?? DEFAULT_VERSION).replace(/^v/, ''),
        onEvent: (type, data) => ctx.host.recordEvent(type, { ...data, pid: ctx.proc.pid }),
        // etcd tells systemd it is ready (Type=notify units become active then).
        notifyReady: () => void sdNotify(ctx, 'READY=1'),
        onReady: (s) => (server = s),
      });
    },
  };
}

export const etcd: Command = makeEtcdCommand();
