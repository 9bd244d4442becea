// pgrep / pkill: look up or signal processes by name (procps-ng 4.0): ERE on the process
// name (15 chars) or, with -f, the whole command line; -a -l -c -d -n -o -x -v -u -U, pkill -SIG.
import type { Command, CommandContext, ProcessInfo } from '../types.ts';
import { commOf } from './ps.ts';
import { compile, RegexSyntaxError, type Regex } from '../regex/index.ts';
import { sendSignal } from './kill.ts';
import { signalNumber } from './signals.ts';

function usage(prog: string, kill: boolean): string {
  return `
Usage:
 ${prog} [options] <pattern>

Options:
${kill ? ' -<sig>, --signal <sig>    signal to send (either number or name)\n -e, --echo                display what is killed\n' : ' -d, --delimiter <string>  specify output delimiter\n -l, --list-name           list PID and process name\n -a, --list-full           list PID and full command line\n -v, --inverse             negates the matching\n'} -c, --count               count of matching processes
 -f, --full                use full process name to match
 -i, --ignore-case         match case insensitively
 -n, --newest              select most recently started
 -o, --oldest              select least recently started
 -P, --parent <PPID,...>   match only child processes of the given parent
 -u, --euid <ID,...>       match by effective IDs
 -U, --uid <ID,...>        match by real IDs
 -x, --exact               match exactly with the command name
 -h, --help     display this help and exit
 -V, --version  output version information and exit

For more details see ${prog}(1).
`;
}

function make(name: 'pgrep' | 'pkill'): Command {
  const isKill = name === 'pkill';
  return {
    name,
    summary: isKill ? 'signal processes based on name and other attributes' : 'look up processes based on name and other attributes',
    async run(ctx: CommandContext) {
      const prog = name;
      const args = ctx.argv.slice(1);
      const o = { list: false, full: false, count: false, fullMatch: false, ignoreCase: false, newest: false, oldest: false, exact: false, invert: false, echo: false };
      let delim = '\n';
      let sig = 15;
      const uids: number[] = [];
      const ppids: number[] = [];
      let pattern: string | undefined;
      const users = ctx.host.users;
      const bad = async (msg: string) => {
        await ctx.stderr.write(`${prog}: ${msg}\nTry \`${prog} --help' for more information.\n`);
        return 2;
      };
      for (let i = 0; i < args.length; i++) {
        const a = args[i]!;
        const val = () => args[++i];
        if (a === '-h' || a === '--help') {
          await ctx.stdout.write(usage(prog, isKill));
          return 0;
        }
        if (a === '-V' || a === '--version') {
          await ctx.stdout.write(`${prog} from procps-ng 4.0.2\n`);
          return 0;
        }
        if (a === '--signal') {
          const n = signalNumber(val() ?? '');
          if (n === undefined) return bad('Unknown signal');
          sig = n;
          continue;
        }
        if (a === '-u' || a === '--euid' || a === '-U' || a === '--uid') {
          for (const u of (val() ?? '').split(',')) {
            const id = /^\d+$/.test(u) ? Number(u) : users.byName(u)?.uid;
            if (id === undefined) return bad(`invalid user name: ${u}`);
            uids.push(id);
          }
          continue;
        }
        if (a === '-P' || a === '--parent') {
          ppids.push(...(val() ?? '').split(',').map(Number));
          continue;
        }
        if (a === '-d' || a === '--delimiter') {
          delim = val() ?? '\n';
          continue;
        }
        if (a.startsWith('-') && a.length > 1 && pattern === undefined) {
          if (isKill && /^-([A-Za-z]+|\d+)$/.test(a) && signalNumber(a.slice(1)) !== undefined) {
            sig = signalNumber(a.slice(1))!;
            continue;
          }
          const long: Record<string, keyof typeof o> = { '--list-name': 'list', '--list-full': 'fullMatch', '--full': 'full', '--count': 'count', '--ignore-case': 'ignoreCase', '--newest': 'newest', '--oldest': 'oldest', '--exact': 'exact', '--inverse': 'invert', '--echo': 'echo' };
          if (a.startsWith('--')) {
            const k = long[a];
            if (!k) return bad(`unrecognized option '${a}'`);
            o[k] = true;
            continue;
          }
          for (const c of a.slice(1)) {
            const map: Record<string, keyof typeof o> = { l: 'list', a: 'fullMatch', f: 'full', c: 'count', i: 'ignoreCase', n: 'newest', o: 'oldest', x: 'exact', v: 'invert', e: 'echo' };
            const k = map[c];
            if (!k || (isKill && (c === 'l' || c === 'a' || c === 'v')) || (!isKill && c === 'e')) return bad(`invalid option -- '${c}'`);
            o[k] = true;
          }
          continue;
        }
        if (pattern !== undefined) return bad('only one pattern can be provided');
        pattern = a;
      }
      if (pattern === undefined && !uids.length && !ppids.length) return bad('no matching criteria specified');
      let re: Regex | undefined;
      if (pattern !== undefined) {
        try {
          re = compile(o.exact ? `^(${pattern})$` : pattern, { syntax: 'extended', ignoreCase: o.ignoreCase });
        } catch (e) {
          if (e instanceof RegexSyntaxError) return bad(`invalid regular expression: ${e.message}`);
          throw e;
        }
      }
      const self = ctx.proc.pid;
      // pgrep/pkill never match themselves (nor the sudo that runs them).
      const ancestors = new Set<number>([self]);
      for (let p = ctx.proc.ppid, guard = 0; guard < 64; guard++) {
        const parent = ctx.host.processes().find((x) => x.pid === p);
        if (!parent || !/^sudo$/.test(commOf(parent))) break;
        ancestors.add(parent.pid);
        p = parent.ppid;
      }
      let matched: ProcessInfo[] = ctx.host.processes().filter((p) => {
        if (ancestors.has(p.pid)) return false;
        if (uids.length && !uids.includes(p.cred.uid)) return false;
        if (ppids.length && !ppids.includes(p.ppid)) return false;
        if (!re) return true;
        const subject = o.full ? (p.pid === 1 ? '/sbin/init' : p.argv.join(' ')) : commOf(p);
        return re.test(subject) !== o.invert;
      });
      if (o.newest && matched.length) matched = [matched.reduce((a, b) => (b.startedAt >= a.startedAt ? b : a))];
      if (o.oldest && matched.length) matched = [matched.reduce((a, b) => (b.startedAt < a.startedAt ? b : a))];
      if (isKill) {
        let any = false;
        for (const p of matched) {
          const r = sendSignal(ctx, p.pid, sig);
          if (r === 'ok') {
            any = true;
            if (o.echo) await ctx.stdout.write(`${commOf(p)} killed (pid ${p.pid})\n`);
          } else if (r === 'EPERM') await ctx.stderr.write(`pkill: killing pid ${p.pid} failed: Operation not permitted\n`);
        }
        if (o.count) await ctx.stdout.write(`${matched.length}\n`);
        return any ? 0 : matched.length ? 3 : 1;
      }
      if (o.count) {
        await ctx.stdout.write(`${matched.length}\n`);
        return matched.length ? 0 : 1;
      }
      const lines = matched.map((p) => (o.fullMatch ? `${p.pid} ${p.pid === 1 ? '/sbin/init' : p.argv.join(' ')}` : o.list ? `${p.pid} ${commOf(p)}` : String(p.pid)));
      if (lines.length) await ctx.stdout.write(lines.join(delim) + '\n');
      return matched.length ? 0 : 1;
    },
  };
}

export const pgrep = make('pgrep');
export const pkill = make('pkill');
