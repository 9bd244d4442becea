// env: run a program in a modified environment, or print the environment (GNU coreutils).
// The program replaces env in its process (execve), so `env X=1 etcd` is one process, etcd.
import { DEFAULT_PATH } from '../host.ts';
import type { Command } from '../types.ts';
import { abs, HELP_VERSION, helpOrVersion, lq, parseOrFail } from './common.ts';

const HELP = `Usage: env [OPTION]... [-] [NAME=VALUE]... [COMMAND [ARG]...]
Set each NAME to VALUE in the environment and run COMMAND.

Mandatory arguments to long options are mandatory for short options too.
  -i, --ignore-environment  start with an empty environment
  -0, --null           end each output line with NUL, not newline
  -u, --unset=NAME     remove variable from the environment
  -C, --chdir=DIR      change working directory to DIR
      --help        display this help and exit
      --version     output version information and exit

A mere - implies -i.  If no COMMAND, print the resulting environment.
`;

export const env: Command = {
  name: 'env',
  summary: 'run a program in a modified environment',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'env', { ...HELP_VERSION, 'ignore-environment': { short: 'i' }, null: { short: '0' }, unset: { short: 'u', arg: true }, chdir: { short: 'C', arg: true } }, { posixly: true, status: 125 });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    const ops = [...args.operands];
    let vars: Record<string, string> = args.has('ignore-environment') ? {} : { ...ctx.env };
    if (ops[0] === '-') {
      vars = {};
      ops.shift();
    }
    for (const u of args.values('unset')) delete vars[u];
    while (ops.length && /^[^=]+=/.test(ops[0]!)) {
      const a = ops.shift()!;
      const i = a.indexOf('=');
      vars[a.slice(0, i)] = a.slice(i + 1);
    }
    if (!ops.length) {
      const end = args.has('null') ? '\0' : '\n';
      await ctx.stdout.write(Object.entries(vars).map(([k, v]) => `${k}=${v}${end}`).join(''));
      return 0;
    }
    if (args.has('null')) {
      await ctx.stderr.write("env: cannot specify --null (-0) with command\nTry 'env --help' for more information.\n");
      return 125;
    }
    let cwd = ctx.cwd;
    const dir = args.value('chdir');
    if (dir !== undefined) {
      cwd = abs(ctx, dir);
      try {
        if (ctx.fs.stat(cwd).type !== 'dir') throw new Error('Not a directory');
      } catch (e) {
        await ctx.stderr.write(`env: cannot change directory to ${lq(dir)}: ${e instanceof Error && 'reason' in e ? (e as { reason(): string }).reason() : 'Not a directory'}\n`);
        return 125;
      }
    }
    const name = ops[0]!;
    const r = ctx.host.resolveProgram(name, { path: vars.PATH ?? DEFAULT_PATH, cwd, cred: ctx.proc.cred });
    if (!r.ok) {
      await ctx.stderr.write(`env: ${lq(name)}: ${r.error === 'ENOENT' ? 'No such file or directory' : 'Permission denied'}\n`);
      return r.error === 'ENOENT' ? 127 : 126;
    }
    if (ctx.execve && cwd === ctx.cwd) return ctx.execve(r.command, ops, { env: vars });
    return ctx.spawn.exec(ops, { env: vars, cwd, signal: ctx.signal });
  },
};
