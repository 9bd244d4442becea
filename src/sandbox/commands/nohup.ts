// nohup: run a command immune to hangups (GNU coreutils). It becomes the command (execve):
// `nohup etcd > etcd.log 2>&1 &` leaves one process, named etcd, that ignores SIGHUP and so
// survives the end of the terminal or ssh session. Terminal output goes to nohup.out.
import { resolvePath } from '../../platform/filesystem.ts';
import { DEFAULT_PATH } from '../host.ts';
import { emptyInput, type OutputStream } from '../io.ts';
import type { Command, CommandContext } from '../types.ts';
import { coreutilsVersion, quote, reason } from './common.ts';

const HELP = `Usage: nohup COMMAND [ARG]...
  or:  nohup OPTION
Run COMMAND, ignoring hangup signals.

      --help        display this help and exit
      --version     output version information and exit

If standard input is a terminal, redirect it from an unreadable file.
If standard output is a terminal, append output to 'nohup.out' if possible,
'$HOME/nohup.out' otherwise.
If standard error is a terminal, redirect it to standard output.
To save output to FILE, use 'nohup COMMAND > FILE'.
`;

/** An output stream that appends to a file with the process's permissions. */
function fileOutput(ctx: CommandContext, path: string): OutputStream {
  return { isTTY: false, write: (chunk) => ctx.fs.appendFile(path, chunk, { mode: 0o600 }) };
}

export const nohup: Command = {
  name: 'nohup',
  summary: 'run a command immune to hangups, with output to a non-tty',
  async run(ctx) {
    const args = ctx.argv.slice(1);
    if (args[0] === '--help') {
      await ctx.stdout.write(HELP);
      return 0;
    }
    if (args[0] === '--version') {
      await ctx.stdout.write(coreutilsVersion('nohup'));
      return 0;
    }
    if (args[0] === '--') args.shift();
    else if (args[0]?.startsWith('-') && args[0].length > 1) {
      await ctx.stderr.write(`nohup: ${args[0].startsWith('--') ? `unrecognized option '${args[0]}'` : `invalid option -- '${args[0][1]}'`}\nTry 'nohup --help' for more information.\n`);
      return 125;
    }
    if (!args.length) {
      await ctx.stderr.write("nohup: missing operand\nTry 'nohup --help' for more information.\n");
      return 125;
    }
    const ignoringInput = ctx.stdin.isTTY;
    let stdout = ctx.stdout;
    let stderr = ctx.stderr;
    let notice = '';
    if (ctx.stdout.isTTY) {
      let file = resolvePath(ctx.cwd, 'nohup.out');
      let shown = 'nohup.out';
      try {
        ctx.fs.appendFile(file, '', { mode: 0o600 });
      } catch {
        file = resolvePath(ctx.env.HOME ?? '/', 'nohup.out');
        shown = file;
        try {
          ctx.fs.appendFile(file, '', { mode: 0o600 });
        } catch (e) {
          await ctx.stderr.write(`nohup: failed to open ${quote(shown)}: ${reason(e)}\n`);
          return 125;
        }
      }
      stdout = fileOutput(ctx, file);
      notice = `${ignoringInput ? 'ignoring input and ' : ''}appending output to ${quote(shown)}`;
    } else if (ignoringInput) notice = 'ignoring input';
    if (ctx.stderr.isTTY) {
      stderr = stdout;
      if (!ctx.stdout.isTTY) notice = `${ignoringInput ? 'ignoring input and ' : ''}redirecting stderr to stdout`;
    }
    if (notice) await ctx.stderr.write(`nohup: ${notice}\n`);
    const r = ctx.host.resolveProgram(args[0]!, { path: ctx.env.PATH ?? DEFAULT_PATH, cwd: ctx.cwd, cred: ctx.proc.cred });
    if (!r.ok) {
      await stderr.write(`nohup: failed to run command ${quote(args[0]!)}: ${r.error === 'ENOENT' ? 'No such file or directory' : r.error === 'EISDIR' ? 'Permission denied' : 'Permission denied'}\n`);
      return r.error === 'ENOENT' ? 127 : 126;
    }
    const stdin = ignoringInput ? emptyInput : ctx.stdin;
    if (ctx.execve) return ctx.execve(r.command, args, { ignoreSignals: ['SIGHUP'], stdin, stdout, stderr });
    return ctx.spawn.exec(args, { stdin, stdout, stderr, signal: ctx.signal });
  },
};
