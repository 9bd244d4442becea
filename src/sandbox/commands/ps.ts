// ps: report a snapshot of the host's processes (procps-ng 4.0 wording and columns):
// ps, ps aux (BSD letters), ps -ef / -e / -f, -u USER, -p PIDS, -C NAME, -o FORMAT, --no-headers.
import type { Command, CommandContext, ProcessInfo } from '../types.ts';
import { MEM_TOTAL_KB } from '../meminfo.ts';
import { monthName, pad2 } from './common.ts';

const USAGE = `
Usage:
 ps [options]

 Try 'ps --help <simple|list|output|threads|misc|all>'
  or 'ps --help <s|l|o|t|m|a>'
 for additional help text.

For more details see ps(1).
`;

const HELP = `
Usage:
 ps [options]

Basic options:
 -A, -e               all processes
 -a                   all with tty, except session leaders
  a                   all with tty, including other users
 -d                   all except session leaders
  r                   only running processes
  T                   all processes on this terminal
  x                   processes without controlling ttys

Selection by list:
 -C <command>         command name
 -p, p, --pid <PID>   process id
 -u, U, --user <UID>  effective user id or name

Output formats:
 -F                   extra full
 -f                   full-format, including command lines
  u                   user-oriented format
 -o, o, --format <format>
                      user-defined format
 --no-headers         do not print header at all

For more details see ps(1).
`;

/** What the host's process list gives (VirtualHost.processes): ProcessInfo with its session and accounts. */
interface Proc extends ProcessInfo {
  sid?: number;
  cpuMs?: number;
  residentBytes?: number;
}

interface Column {
  header: string;
  right: boolean;
  value: (p: Proc) => string;
}

/**
 * VSZ is not modelled: each program gets a steady, plausible one. RSS is what the process
 * table accounts for the process (the figure systemctl status and free add up), in KiB as
 * whole 4 KiB pages.
 */
function memory(p: Proc): { vsz: number; rss: number } {
  const comm = commOf(p);
  const known: Record<string, number> = { bash: 8264, sleep: 5476, etcd: 11284556, ps: 11332, systemd: 168732, sudo: 11456, tail: 5508 };
  let h = 0;
  for (const ch of comm) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  const rss = Math.ceil((p.residentBytes ?? 0) / 4096) * 4;
  return { vsz: Math.max(known[comm] ?? 5000 + (h % 20000), rss), rss };
}

/** CPU milliseconds the process table charged to p. */
const cpuMsOf = (p: Proc) => p.cpuMs ?? 0;

/** procps' TIME: [DD-]HH:MM:SS of the CPU time, whole seconds. */
function cpuTime(p: Proc): string {
  const t = Math.floor(cpuMsOf(p) / 1000);
  const days = Math.floor(t / 86400);
  const hms = `${pad2(Math.floor((t % 86400) / 3600))}:${pad2(Math.floor((t % 3600) / 60))}:${pad2(t % 60)}`;
  return days ? `${days}-${hms}` : hms;
}

/** procps' %CPU: CPU time over the seconds since the process started, in tenths; 0 in its first second. */
function pcpu(p: Proc, now: number): string {
  const seconds = Math.floor((now - p.startedAt) / 1000);
  const tenths = seconds > 0 ? Math.floor(cpuMsOf(p) / seconds) : 0;
  return tenths > 999 ? String(Math.floor(tenths / 10)) : `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

/** procps' %MEM: RSS over the host's MemTotal, in tenths, at most 99.9. */
function pmem(p: Proc): string {
  const tenths = Math.min(999, Math.floor((memory(p).rss * 1000) / MEM_TOTAL_KB));
  return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

export function commOf(p: ProcessInfo): string {
  if (p.pid === 1) return 'systemd';
  return (p.argv[0] ?? '').replace(/^-/, '').split('/').pop()!.slice(0, 15);
}

/** procps-ng 4.0.2's width of each -o column (a wider value widens it; the last column is not padded). */
const FORMAT_WIDTHS: Record<string, number> = {
  pid: 5, ppid: 5, sid: 5, sess: 5, pgid: 5, uid: 5, user: 8, uname: 8, comm: 15, ucmd: 15, cmd: 27, args: 27, command: 27,
  tty: 8, tname: 8, stat: 4, s: 1, etime: 11, time: 8, bsdtime: 6, start: 8, stime: 5, bsdstart: 6, '%cpu': 4, '%mem': 4,
  vsz: 6, rss: 5, c: 2, unit: 31,
};

export const ps: Command = {
  name: 'ps',
  summary: 'report a snapshot of the current processes',
  async run(ctx: CommandContext) {
    const args = ctx.argv.slice(1);
    const now = ctx.clock.now();
    const users = ctx.host.users;
    const me = ctx.proc;
    let all = false;
    let bsdA = false;
    let bsdX = false;
    let full = false;
    let userFmt = false;
    let headers = true;
    let format: string[] | undefined;
    const pidSel: number[] = [];
    const userSel: number[] = [];
    const cmdSel: string[] = [];
    const fail = async (msg: string) => {
      await ctx.stderr.write(`error: ${msg}\n${USAGE}`);
      return 1;
    };
    const userId = (s: string) => (/^\d+$/.test(s) ? Number(s) : users.byName(s)?.uid);
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      const listArg = (rest: string) => (rest ? rest : args[++i]);
      if (a === '--help') {
        await ctx.stdout.write(HELP);
        return 0;
      }
      if (a === '--version' || a === '-V' || a === 'V') {
        await ctx.stdout.write('ps from procps-ng 4.0.2\n');
        return 0;
      }
      if (a === '--no-headers' || a === '--no-heading') {
        headers = false;
        continue;
      }
      if (a.startsWith('--')) {
        const [name, val] = a.slice(2).split('=', 2) as [string, string | undefined];
        const v = val ?? args[++i];
        if (name === 'pid' && v) pidSel.push(...v.split(',').map(Number));
        else if (name === 'user' && v) {
          for (const u of v.split(',')) {
            const id = userId(u);
            if (id === undefined) return fail('user name does not exist');
            userSel.push(id);
          }
        } else if (name === 'format' && v) format = v.split(/[,\s]+/);
        else return fail('unknown gnu long option');
        continue;
      }
      if (a.startsWith('-')) {
        for (let j = 1; j < a.length; j++) {
          const c = a[j]!;
          if (c === 'e' || c === 'A') all = true;
          else if (c === 'f' || c === 'F') full = true;
          else if (c === 'a' || c === 'd' || c === 'l' || c === 'y' || c === 'w' || c === 'H' || c === 'j') continue;
          else if (c === 'p' || c === 'u' || c === 'U' || c === 'C' || c === 'o') {
            const v = listArg(a.slice(j + 1));
            if (v === undefined) return fail('list of process IDs must follow -p'.replace('process IDs', c === 'p' ? 'process IDs' : c === 'o' ? 'format specifiers' : c === 'C' ? 'command names' : 'users'));
            if (c === 'p') pidSel.push(...v.split(',').map(Number));
            else if (c === 'o') format = [...(format ?? []), ...v.split(/[,\s]+/)];
            else if (c === 'C') cmdSel.push(...v.split(','));
            else {
              for (const u of v.split(',')) {
                const id = userId(u);
                if (id === undefined) return fail('user name does not exist');
                userSel.push(id);
              }
            }
            break;
          } else return fail('unsupported SysV option');
        }
        continue;
      }
      // BSD-style letters.
      for (let j = 0; j < a.length; j++) {
        const c = a[j]!;
        if (c === 'a') bsdA = true;
        else if (c === 'x') bsdX = true;
        else if (c === 'u') userFmt = true;
        else if (c === 'w' || c === 'f' || c === 'e' || c === 'r') continue;
        else if (c === 'h') headers = false;
        else if (c === 'p' || c === 'U' || c === 'o') {
          const v = listArg(a.slice(j + 1));
          if (v === undefined) return fail('unsupported option (BSD syntax)');
          if (c === 'p') pidSel.push(...v.split(',').map(Number));
          else if (c === 'o') format = v.split(/[,\s]+/);
          else {
            const id = userId(v);
            if (id === undefined) return fail('user name does not exist');
            userSel.push(id);
          }
          break;
        } else return fail('unsupported option (BSD syntax)');
      }
    }

    const procs = ctx.host.processes() as Proc[];
    const selected = procs.filter((p) => {
      if (pidSel.length || userSel.length || cmdSel.length) {
        return pidSel.includes(p.pid) || userSel.includes(p.cred.uid) || cmdSel.includes(commOf(p));
      }
      if (all || (bsdA && bsdX)) return true;
      if (bsdA) return p.tty !== undefined;
      if (bsdX) return p.cred.uid === me.cred.uid;
      return p.cred.uid === me.cred.uid && p.tty === me.tty;
    });

    const tty = (p: Proc) => p.tty ?? '?';
    const stat = (p: Proc) => (p.pid === me.pid ? 'R' : 'S') + (p.sid === p.pid ? 's' : '') + (p.tty && p.pid === me.pid ? '+' : '');
    const hms = (secs: number) => `${pad2(Math.floor(secs / 3600))}:${pad2(Math.floor(secs / 60) % 60)}:${pad2(secs % 60)}`;
    const start = (p: Proc) => {
      const d = new Date(p.startedAt);
      if (now - p.startedAt < 24 * 3600 * 1000) return `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
      return `${monthName(d.getUTCMonth())}${pad2(d.getUTCDate())}`;
    };
    const etime = (p: Proc) => {
      const s = Math.max(0, Math.floor((now - p.startedAt) / 1000));
      const days = Math.floor(s / 86400);
      const rest = s % 86400;
      const h = Math.floor(rest / 3600);
      const base = `${pad2(Math.floor(rest / 60) % 60)}:${pad2(rest % 60)}`;
      return days ? `${days}-${pad2(h)}:${base}` : h ? `${pad2(h)}:${base}` : base;
    };
    const userName = (p: Proc) => {
      const n = users.byUid(p.cred.uid)?.name ?? String(p.cred.uid);
      return n.length > 8 ? n.slice(0, 7) + '+' : n;
    };
    const args0 = (p: Proc) => (p.pid === 1 ? '/sbin/init' : p.argv.join(' '));
    const COLS: Record<string, Column> = {
      pid: { header: 'PID', right: true, value: (p) => String(p.pid) },
      ppid: { header: 'PPID', right: true, value: (p) => String(p.ppid) },
      user: { header: 'USER', right: false, value: userName },
      uid: { header: 'UID', right: true, value: (p) => String(p.cred.uid) },
      uname: { header: 'UID', right: false, value: userName },
      comm: { header: 'COMMAND', right: false, value: commOf },
      ucmd: { header: 'CMD', right: false, value: commOf },
      cmd: { header: 'CMD', right: false, value: args0 },
      args: { header: 'COMMAND', right: false, value: args0 },
      command: { header: 'COMMAND', right: false, value: args0 },
      tty: { header: 'TT', right: false, value: tty },
      tname: { header: 'TTY', right: false, value: tty },
      stat: { header: 'STAT', right: false, value: stat },
      s: { header: 'S', right: false, value: (p) => stat(p).charAt(0) },
      etime: { header: 'ELAPSED', right: true, value: etime },
      time: { header: 'TIME', right: true, value: cpuTime },
      bsdtime: { header: 'TIME', right: true, value: (p) => { const t = Math.floor(cpuMsOf(p) / 1000); return `${Math.floor(t / 60)}:${pad2(t % 60)}`; } },
      start: { header: 'STARTED', right: true, value: start },
      stime: { header: 'STIME', right: false, value: start },
      bsdstart: { header: 'START', right: true, value: start },
      '%cpu': { header: '%CPU', right: true, value: (p) => pcpu(p, now) },
      '%mem': { header: '%MEM', right: true, value: pmem },
      vsz: { header: 'VSZ', right: true, value: (p) => String(memory(p).vsz) },
      rss: { header: 'RSS', right: true, value: (p) => String(memory(p).rss) },
      sid: { header: 'SID', right: true, value: (p) => String(p.sid ?? p.pid) },
      sess: { header: 'SESS', right: true, value: (p) => String(p.sid ?? p.pid) },
      pgid: { header: 'PGID', right: true, value: (p) => String(p.pid) },
      c: { header: 'C', right: true, value: () => '0' },
      unit: { header: 'UNIT', right: false, value: (p) => p.unit ?? '-' },
    };
    const alias: Record<string, string> = { pcpu: '%cpu', pmem: '%mem', euser: 'user', ruser: 'user', euid: 'uid', ucomm: 'comm', tt: 'tty', cputime: 'time', lstart: 'start' };
    type Spec = { col: Column; header: string; width?: number };
    let specs: Spec[];
    if (format) {
      specs = [];
      for (const f of format.filter(Boolean)) {
        const [key, custom] = f.split('=', 2) as [string, string | undefined];
        const name = alias[key.toLowerCase()] ?? key.toLowerCase();
        const col = COLS[name];
        if (!col) {
          await ctx.stderr.write(`error: unknown user-defined format specifier "${key}"\n${USAGE}`);
          return 1;
        }
        specs.push({ col, header: custom ?? col.header, width: FORMAT_WIDTHS[name] });
      }
      if (format.every((f) => f.endsWith('='))) headers = headers && false;
    } else if (userFmt) {
      specs = [
        { col: COLS.user!, header: 'USER', width: 8 },
        { col: COLS.pid!, header: 'PID', width: 5 },
        { col: COLS['%cpu']!, header: '%CPU', width: 4 },
        { col: COLS['%mem']!, header: '%MEM', width: 4 },
        { col: COLS.vsz!, header: 'VSZ', width: 6 },
        { col: COLS.rss!, header: 'RSS', width: 5 },
        { col: COLS.tname!, header: 'TTY', width: 8 },
        { col: COLS.stat!, header: 'STAT', width: 4 },
        { col: COLS.bsdstart!, header: 'START', width: 5 },
        { col: COLS.bsdtime!, header: 'TIME', width: 6 },
        { col: COLS.args!, header: 'COMMAND' },
      ];
    } else if (full) {
      specs = [
        { col: COLS.uname!, header: 'UID', width: 8 },
        { col: COLS.pid!, header: 'PID', width: 5 },
        { col: COLS.ppid!, header: 'PPID', width: 5 },
        { col: COLS.c!, header: 'C', width: 2 },
        { col: COLS.stime!, header: 'STIME', width: 5 },
        { col: COLS.tname!, header: 'TTY', width: 8 },
        { col: COLS.time!, header: 'TIME', width: 8 },
        { col: COLS.cmd!, header: 'CMD' },
      ];
    } else if (bsdA || bsdX) {
      specs = [
        { col: COLS.pid!, header: 'PID', width: 5 },
        { col: COLS.tname!, header: 'TTY', width: 8 },
        { col: COLS.stat!, header: 'STAT', width: 4 },
        { col: COLS.bsdtime!, header: 'TIME', width: 6 },
        { col: COLS.args!, header: 'COMMAND' },
      ];
    } else {
      specs = [
        { col: COLS.pid!, header: 'PID', width: 5 },
        { col: COLS.tname!, header: 'TTY', width: 8 },
        { col: COLS.time!, header: 'TIME', width: 8 },
        { col: COLS.ucmd!, header: 'CMD' },
      ];
    }
    const rows = selected.map((p) => specs.map((s) => s.col.value(p)));
    const widths = specs.map((s, i) => Math.max(s.width ?? 0, s.header.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) =>
      cells
        .map((c, i) => (i === cells.length - 1 && !specs[i]!.col.right ? c : specs[i]!.col.right ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
        .join(' ')
        .trimEnd();
    let out = headers ? line(specs.map((s) => s.header)) + '\n' : '';
    for (const r of rows) out += line(r) + '\n';
    await ctx.stdout.write(out);
    return selected.length || !(pidSel.length || userSel.length || cmdSel.length) ? 0 : 1;
  },
};
