// etcd: our TypeScript etcd as a program on a virtual host. The installed file names the
// version it reports (ctx.programVersion); the disk, network and clock are the host's.
import type { Command } from '../types.ts';
import { realRandom } from '../../platform/random.ts';
import { runEtcd, DEFAULT_VERSION } from '../../etcd/cli/etcd-main.ts';
import { sdNotify } from '../systemd/notify.ts';

export function makeEtcdCommand(defaults: { version?: string } = {}): Command {
  return {
    name: 'etcd',
    summary: 'etcd, the distributed reliable key-value store (server)',
    run: (ctx) =>
      runEtcd({
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
      }),
  };
}

export const etcd: Command = makeEtcdCommand();
