// etcdctl and etcdutl as programs on a virtual host: the host's network, disk (with the
// process's permissions) and clock; the version is the one the installed file names.
import type { Command } from '../types.ts';
import { runEtcdctl } from '../../etcdctl/main.ts';
import { runEtcdutl } from '../../etcdctl/etcdutl.ts';
import { emptyInput } from '../io.ts';
import { terminalInput } from '../shell/tty.ts';

const DEFAULT_VERSION = '3.6.4';

export function makeEtcdctlCommand(defaults: { version?: string } = {}): Command {
  return {
    name: 'etcdctl',
    summary: 'A simple command line client for etcd3.',
    run: (ctx) =>
      runEtcdctl({
        argv: ctx.argv.slice(1),
        env: ctx.env,
        cwd: ctx.cwd,
        stdin: ctx.stdin,
        stdout: ctx.stdout,
        stderr: ctx.stderr,
        net: ctx.net,
        fs: ctx.fs,
        signal: ctx.signal,
        clock: ctx.clock,
        version: (ctx.programVersion ?? defaults.version ?? DEFAULT_VERSION).replace(/^v/, ''),
        // Go's exec.Cmd without Stdin reads /dev/null (watch -- cmd, lock name cmd).
        exec: (argv, env) => ctx.spawn.exec(argv, { env, signal: ctx.signal, stdin: emptyInput }),
        ...(terminalInput(ctx.stdin) ? { setEcho: (on: boolean) => terminalInput(ctx.stdin)?.setEcho(on) } : {}),
      }),
  };
}

export const etcdctl: Command = makeEtcdctlCommand();

export const etcdutl: Command = {
  name: 'etcdutl',
  summary: 'An administrative command line tool for etcd3.',
  run: (ctx) =>
    runEtcdutl({
      argv: ctx.argv.slice(1),
      stdout: ctx.stdout,
      stderr: ctx.stderr,
      fs: ctx.fs,
      cwd: ctx.cwd,
      clock: ctx.clock,
      version: (ctx.programVersion ?? DEFAULT_VERSION).replace(/^v/, ''),
    }),
};
