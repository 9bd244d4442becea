// setsid: run a program in a new session (util-linux). From an interactive shell the
// caller leads its process group, so setsid forks: the program runs detached (no
// terminal, not hung up with the session) and setsid returns at once, unless -w.
import { DEFAULT_PATH } from '../host.ts';
import type { Command } from '../types.ts';

const HELP = `
Usage:
 setsid [options] <program> [arguments ...]

Run a program in a new session.

Options:
 -c, --ctty     set the controlling terminal to the current one
 -f, --fork     always fork
 -w, --wait     wait program to exit, and use the same return

 -h, --help     display this help
 -V, --version  display version

For more details see setsid(1).
`;

export const setsid: Command = {
  name: 'setsid',
  summary: 'run a program in a new session',
  async run(ctx) {
    const args = ctx.argv.slice(1);
    let wait = false;
    while (args.length && args[0]!.startsWith('-')) {
      const a = args.shift()!;
      if (a === '--') break;
      if (a === '-h' || a === '--help') {
        await ctx.stdout.write(HELP);
        return 0;
      }
      if (a === '-V' || a === '--version') {
        await ctx.stdout.write('setsid from util-linux 2.38.1\n');
        return 0;
      }
      if (a === '-w' || a === '--wait') wait = true;
      else if (a === '-f' || a === '--fork' || a === '-c' || a === '--ctty') continue;
      else if (/^-[cfw]+$/.test(a)) wait ||= a.includes('w');
      else {
        await ctx.stderr.write(`setsid: ${a.startsWith('--') ? `unrecognized option '${a}'` : `invalid option -- '${a[1]}'`}\nTry 'setsid --help' for more information.\n`);
        return 1;
      }
    }
    if (!args.length) {
      await ctx.stderr.write("setsid: no command specified\nTry 'setsid --help' for more information.\n");
      return 1;
    }
    const r = ctx.host.resolveProgram(args[0]!, { path: ctx.env.PATH ?? DEFAULT_PATH, cwd: ctx.cwd, cred: ctx.proc.cred });
    if (!r.ok) {
      await ctx.stderr.write(`setsid: failed to execute ${args[0]}: ${r.error === 'ENOENT' ? 'No such file or directory' : 'Permission denied'}\n`);
      return r.error === 'ENOENT' ? 127 : 126;
    }
    const child = ctx.spawn.exec(args, { detached: true });
    if (wait) return child;
    child.catch(() => {});
    return 0;
  },
};
