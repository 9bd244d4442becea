// kill: send a signal to processes (procps-ng 4.0 /usr/bin/kill; bash's builtin words it differently).
import type { Command, CommandContext } from '../types.ts';
import { hostSignal, signalName, signalNumber, SIGNALS } from './signals.ts';

const USAGE = `
Usage:
 kill [options] <pid> [...]

Options:
 <pid> [...]            send signal to every <pid> listed
 -<signal>, -s, --signal <signal>
                        specify the <signal> to be sent
 -q, --queue <value>    integer value to be sent with the signal
 -l, --list=[<signal>]  list all signal names, or convert one to a name
 -L, --table            list all signal names in a nice table

 -h, --help     display this help and exit
 -V, --version  output version information and exit

For more details see kill(1).
`;

export function signalTable(): string {
  const cells = SIGNALS.map((n, i) => `${String(i + 1).padStart(2)} ${n.padEnd(7)}`);
  const rows: string[] = [];
  for (let i = 0; i < cells.length; i += 7) rows.push(cells.slice(i, i + 7).join(' ').trimEnd());
  return rows.join('\n') + '\n';
}

export function signalList(): string {
  return `${SIGNALS.slice(0, 16).join(' ')}\n${SIGNALS.slice(16).join(' ')}\n`;
}

/** Sends signal number `n` to pid as the calling process; returns the errno-ish outcome. */
export function sendSignal(ctx: CommandContext, pid: number, n: number): 'ok' | 'ESRCH' | 'EPERM' {
  const exists = ctx.host.processes().find((p) => p.pid === pid);
  if (!exists) return 'ESRCH';
  const cred = ctx.proc.cred;
  if (cred.uid !== 0 && cred.uid !== exists.cred.uid) return 'EPERM';
  const sig = hostSignal(n);
  if (n === 0 || !sig) return 'ok';
  return ctx.host.kill(pid, sig, cred) ? 'ok' : 'EPERM';
}

export const kill: Command = {
  name: 'kill',
  summary: 'send a signal to a process',
  async run(ctx) {
    const prog = ctx.argv[0] ?? 'kill';
    const args = ctx.argv.slice(1);
    let sig = 15;
    const pids: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (pids.length || a === '--') {
        if (a !== '--') pids.push(a);
        else pids.push(...args.slice(i + 1));
        if (a === '--') break;
        continue;
      }
      if (a === '-h' || a === '--help') {
        await ctx.stdout.write(USAGE);
        return 0;
      }
      if (a === '-V' || a === '--version') {
        await ctx.stdout.write('kill from procps-ng 4.0.2\n');
        return 0;
      }
      if (a === '-L' || a === '--table') {
        await ctx.stdout.write(signalTable());
        return 0;
      }
      if (a === '-l' || a === '--list' || a.startsWith('--list=')) {
        const what = a.startsWith('--list=') ? a.slice(7) : args[i + 1];
        if (what === undefined) {
          await ctx.stdout.write(signalList());
          return 0;
        }
        const n = signalNumber(what);
        if (n === undefined || n === 0) {
          await ctx.stderr.write(`${prog}: unknown signal name ${what}\n`);
          return 1;
        }
        await ctx.stdout.write(/^\d+$/.test(what) ? `${signalName(n)}\n` : `${n}\n`);
        return 0;
      }
      if (a === '-s' || a === '--signal' || a === '-n') {
        const v = args[++i];
        const n = v === undefined ? undefined : signalNumber(v);
        if (n === undefined) {
          await ctx.stderr.write(`${prog}: invalid argument ${v ?? ''}\n${USAGE}`);
          return 1;
        }
        sig = n;
        continue;
      }
      if (/^-[A-Za-z0-9]+$/.test(a)) {
        const n = signalNumber(a.slice(1));
        if (n === undefined) {
          await ctx.stderr.write(`${prog}: invalid argument ${a.slice(1, 2)}\n${USAGE}`);
          return 1;
        }
        sig = n;
        continue;
      }
      pids.push(a);
    }
    if (!pids.length) {
      await ctx.stderr.write(USAGE);
      return 1;
    }
    let status = 0;
    for (const p of pids) {
      if (!/^-?\d+$/.test(p)) {
        await ctx.stderr.write(`${prog}: cannot find process "${p}".\n`);
        status = 1;
        continue;
      }
      const r = sendSignal(ctx, Number(p), sig);
      if (r !== 'ok') {
        await ctx.stderr.write(`${prog}: (${p}): ${r === 'ESRCH' ? 'No such process' : 'Operation not permitted'}\n`);
        status = 1;
      }
    }
    return status;
  },
};
