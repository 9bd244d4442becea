// uptime: how long the host has been up (procps-ng 4.0), from the host's boot time; one
// user per open terminal session (a tty with a login shell on it).
import type { Command } from '../types.ts';
import { pad2 } from './common.ts';

export const uptime: Command = {
  name: 'uptime',
  summary: 'tell how long the system has been running',
  async run(ctx) {
    const arg = ctx.argv[1];
    if (arg === '-h' || arg === '--help') {
      await ctx.stdout.write('\nUsage:\n uptime [options]\n\nOptions:\n -p, --pretty   show uptime in pretty format\n -h, --help     display this help and exit\n -s, --since    system up since\n -V, --version  output version information and exit\n\nFor more details see uptime(1).\n');
      return 0;
    }
    const now = ctx.clock.now();
    const booted = (ctx.host as { bootedAt?: number }).bootedAt ?? now;
    const up = Math.max(0, Math.floor((now - booted) / 60000));
    const days = Math.floor(up / 1440);
    const hours = Math.floor((up % 1440) / 60);
    const mins = up % 60;
    if (arg === '-s' || arg === '--since') {
      const d = new Date(booted);
      await ctx.stdout.write(`${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}\n`);
      return 0;
    }
    if (arg === '-p' || arg === '--pretty') {
      const parts: string[] = [];
      if (days) parts.push(`${days} day${days > 1 ? 's' : ''}`);
      if (hours) parts.push(`${hours} hour${hours > 1 ? 's' : ''}`);
      if (mins || !parts.length) parts.push(`${mins} minute${mins === 1 ? '' : 's'}`);
      await ctx.stdout.write(`up ${parts.join(', ')}\n`);
      return 0;
    }
    if (arg !== undefined) {
      await ctx.stderr.write(`uptime: invalid option -- '${arg.replace(/^-+/, '').charAt(0)}'\n\nUsage:\n uptime [options]\n`);
      return 1;
    }
    const d = new Date(now);
    const clock = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
    const upText = (days ? `${days} day${days > 1 ? 's' : ''}, ` : '') + (hours ? `${String(hours).padStart(2)}:${pad2(mins)}` : `${mins} min`);
    const users = new Set(ctx.host.processes().filter((p) => p.tty && p.argv[0]?.startsWith('-')).map((p) => p.tty)).size;
    await ctx.stdout.write(` ${clock} up ${upText},  ${users} user${users === 1 ? '' : 's'},  load average: 0.00, 0.00, 0.00\n`);
    return 0;
  },
};
