// clear: clear the terminal screen and its scrollback (ncurses' clear, as xterm's terminfo says).
import type { Command } from '../types.ts';

export const clear: Command = {
  name: 'clear',
  summary: 'clear the terminal screen',
  async run(ctx) {
    const args = ctx.argv.slice(1);
    if (args.includes('-V')) {
      await ctx.stdout.write('ncurses 6.4.20221231\n');
      return 0;
    }
    const bad = args.find((a) => a !== '-x' && a !== '-T' && !a.startsWith('-T'));
    if (bad) {
      await ctx.stderr.write(`clear: invalid option -- '${bad.replace(/^-/, '').charAt(0)}'\nUsage: clear [options]\n\nOptions:\n  -T TERM     use this instead of $TERM\n  -V          print curses-version\n  -x          do not try to clear scrollback\n`);
      return 1;
    }
    await ctx.stdout.write(args.includes('-x') ? '\x1b[H\x1b[2J' : '\x1b[H\x1b[2J\x1b[3J');
    return 0;
  },
};
