// find: search for files in a directory hierarchy (GNU findutils 4.9): -name -iname -path
// -type -maxdepth -mindepth -newer -size -empty -perm -user -group, ! -a -o ( ), -print
// -print0 -printf -delete -prune -exec … \; and -exec … {} +.
import { resolvePath } from '../../platform/filesystem.ts';
import type { Command, CommandContext } from '../types.ts';
import type { VfsStat } from '../vfs.ts';
import { fsOf, groupName, lq, reason, userName } from './common.ts';
import { compileGlob } from '../regex/glob.ts';
import type { Regex } from '../regex/index.ts';
import { cpuBudget } from '../cpu-budget.ts';

const HELP = `Usage: find [-H] [-L] [-P] [-Olevel] [-D debugopts] [path...] [expression]

default path is the current directory; default expression is -print
expression may consist of: operators, options, tests, and actions:
operators (decreasing precedence; -and is implicit where no others are given):
      ( EXPR )   ! EXPR   -not EXPR   EXPR1 -a EXPR2   EXPR1 -and EXPR2
      EXPR1 -o EXPR2   EXPR1 -or EXPR2   EXPR1 , EXPR2
positional options (always true):
      -daystart -follow -nowarn -regextype -warn
normal options (always true, specified before other expressions):
      -depth -files0-from FILE -maxdepth LEVELS -mindepth LEVELS
       -mount -noleaf -xdev -ignore_readdir_race -noignore_readdir_race
tests (N can be +N or -N or N):
      -empty -executable -false -group NAME -iname PATTERN -ipath PATTERN
      -name PATTERN -newer FILE -path PATTERN -perm [-/]MODE -readable
      -size N[bcwkMG] -true -type [bcdpflsD] -user NAME -writable
actions: -delete -print0 -printf FORMAT -prune -print -quit
      -exec COMMAND ; -exec COMMAND {} + -ok COMMAND ;
`;

/** A shell glob (fnmatch without FNM_PATHNAME) as a whole-text matcher (linear time: regex/glob.ts). */
export function globToRegExp(glob: string, ignoreCase = false): Regex {
  return compileGlob(glob, 'whole', ignoreCase);
}

interface Entry {
  path: string;
  shown: string;
  st: VfsStat;
  depth: number;
}

type Pred = (e: Entry) => Promise<boolean>;

class FindError extends Error {}

export const find: Command = {
  name: 'find',
  summary: 'search for files in a directory hierarchy',
  async run(ctx: CommandContext) {
    const argv = ctx.argv.slice(1);
    if (argv[0] === '--help' || argv[0] === '-help') {
      await ctx.stdout.write(HELP);
      return 0;
    }
    if (argv[0] === '--version' || argv[0] === '-version') {
      await ctx.stdout.write('find (GNU findutils) 4.9.0\n');
      return 0;
    }
    const fs = fsOf(ctx);
    let i = 0;
    while (i < argv.length && /^-[HLP]$/.test(argv[i]!)) i++;
    const starts: string[] = [];
    while (i < argv.length && !(argv[i]!.startsWith('-') && argv[i]!.length > 1) && argv[i] !== '(' && argv[i] !== '!') starts.push(argv[i++]!);
    const tokens = argv.slice(i);
    let maxDepth = Infinity;
    let minDepth = 0;
    let hasAction = false;
    let status = 0;
    const pendingBatches: { cmd: string[]; files: string[] }[] = [];
    const pruned = new Set<string>();
    let quit = false;
    let depthFirst = false;
    let pos = 0;
    const need = (name: string): string => {
      const v = tokens[pos++];
      if (v === undefined) throw new FindError(`missing argument to \`${name}'`);
      return v;
    };
    const num = (spec: string, name: string) => {
      if (!/^[+-]?\d+$/.test(spec)) throw new FindError(`invalid argument ${lq(spec)} to ${lq(name)}`);
      const n = Number(spec.replace(/^[+-]/, ''));
      return (v: number) => (spec.startsWith('+') ? v > n : spec.startsWith('-') ? v < n : v === n);
    };
    // A walk over a big tree is a long loop: charged, yielding, ended at the CPU limit.
    const budget = cpuBudget(ctx);
    const runCmd = async (cmd: string[]) => {
      const r = ctx.host.resolveProgram(cmd[0]!, { path: ctx.env.PATH ?? '', cwd: ctx.cwd, cred: ctx.proc.cred });
      if (!r.ok) {
        await ctx.stderr.write(`find: ${lq(cmd[0]!)}: No such file or directory\n`);
        status = 1;
        return 127;
      }
      try {
        return await ctx.spawn.exec(cmd, { signal: ctx.signal });
      } finally {
        // The child's run was the child's CPU time, not find's.
        budget.resume();
      }
    };
    const primary = (): Pred => {
      const t = tokens[pos++]!;
      switch (t) {
        case '(': {
          const e = orExpr();
          if (tokens[pos++] !== ')') throw new FindError("invalid expression; I was expecting to find a ')' somewhere but did not see one.");
          return e;
        }
        case '!':
        case '-not': {
          const e = primary();
          return async (x) => !(await e(x));
        }
        case '-name':
        case '-iname': {
          const re = globToRegExp(need(t), t === '-iname');
          return async (e) => re.test(e.shown === '/' ? '/' : e.shown.replace(/\/+$/, '').split('/').pop()!);
        }
        case '-path':
        case '-wholename':
        case '-ipath': {
          const re = globToRegExp(need(t), t === '-ipath');
          return async (e) => re.test(e.shown);
        }
        case '-type': {
          const v = need(t);
          const types = v.split(',');
          for (const x of types) if (!/^[bcdpflsD]$/.test(x)) throw new FindError(`Unknown argument to -type: ${x}`);
          return async (e) => types.some((x) => (x === 'f' && e.st.type === 'file') || (x === 'd' && e.st.type === 'dir') || (x === 'l' && e.st.type === 'symlink'));
        }
        case '-maxdepth':
        case '-mindepth': {
          const v = need(t);
          if (!/^\d+$/.test(v)) throw new FindError(`Expected a positive decimal integer argument to ${t}, but got ${lq(v)}`);
          if (t === '-maxdepth') maxDepth = Number(v);
          else minDepth = Number(v);
          return async () => true;
        }
        case '-newer': {
          const f = need(t);
          let ref: number;
          try {
            ref = fs.stat(resolvePath(ctx.cwd, f)).mtimeMs;
          } catch (e) {
            throw new FindError(`${lq(f)}: ${reason(e)}`);
          }
          return async (e) => e.st.mtimeMs > ref;
        }
        case '-size': {
          const v = need(t);
          const m = /^([+-]?)(\d+)([bcwkMG]?)$/.exec(v);
          if (!m) throw new FindError(`invalid -size type ${lq(v)}`);
          const unit = { b: 512, c: 1, w: 2, k: 1024, M: 1 << 20, G: 1 << 30, '': 512 }[m[3]!]!;
          const cmp = num(m[1]! + m[2]!, '-size');
          return async (e) => cmp(Math.ceil(e.st.size / unit));
        }
        case '-empty':
          return async (e) => {
            if (e.st.type !== 'dir') return e.st.type === 'file' && e.st.size === 0;
            try {
              return fs.readdir(e.path).length === 0;
            } catch {
              return false;
            }
          };
        case '-perm': {
          const v = need(t);
          const m = /^([-/]?)([0-7]{1,4})$/.exec(v);
          if (!m) throw new FindError(`invalid mode ${lq(v)}`);
          const mode = parseInt(m[2]!, 8);
          return async (e) => (m[1] === '-' ? (e.st.mode & mode) === mode : m[1] === '/' ? mode === 0 || (e.st.mode & mode) !== 0 : (e.st.mode & 0o7777) === mode);
        }
        case '-user':
        case '-group': {
          const v = need(t);
          const users = ctx.host.users;
          const id = /^\d+$/.test(v) ? Number(v) : t === '-user' ? users.byName(v)?.uid : users.groupByName(v)?.gid;
          if (id === undefined) throw new FindError(`${t === '-user' ? 'user' : 'group'} name ${lq(v)} is unknown`);
          return async (e) => (t === '-user' ? e.st.uid : e.st.gid) === id;
        }
        case '-readable':
          return async (e) => fs.access(e.path, 4);
        case '-writable':
          return async (e) => fs.access(e.path, 2);
        case '-executable':
          return async (e) => fs.access(e.path, 1);
        case '-depth':
          depthFirst = true;
          return async () => true;
        case '-true':
          return async () => true;
        case '-false':
          return async () => false;
        case '-print':
        case '-print0': {
          hasAction = true;
          const end = t === '-print' ? '\n' : '\0';
          return async (e) => (await ctx.stdout.write(e.shown + end), true);
        }
        case '-printf': {
          hasAction = true;
          const f = need(t);
          return async (e) => {
            const name = e.shown.replace(/\/+$/, '').split('/').pop() ?? e.shown;
            const out = f
              .replace(/\\n/g, '\n')
              .replace(/\\t/g, '\t')
              .replace(/%([%pfhPsmugUGdkt])/g, (_m, c: string) => {
                switch (c) {
                  case '%':
                    return '%';
                  case 'p':
                    return e.shown;
                  case 'f':
                    return name;
                  case 'h':
                    return e.shown.includes('/') ? e.shown.slice(0, e.shown.lastIndexOf('/')) || '/' : '.';
                  case 'P':
                    return e.shown.replace(/^[^/]*\/?/, '');
                  case 's':
                    return String(e.st.size);
                  case 'm':
                    return (e.st.mode & 0o7777).toString(8);
                  case 'u':
                    return userName(ctx, e.st.uid);
                  case 'g':
                    return groupName(ctx, e.st.gid);
                  case 'U':
                    return String(e.st.uid);
                  case 'G':
                    return String(e.st.gid);
                  case 'd':
                    return String(e.depth);
                  case 'k':
                    return String(e.st.blocks / 2);
                  default:
                    return new Date(e.st.mtimeMs).toUTCString();
                }
              });
            await ctx.stdout.write(out);
            return true;
          };
        }
        case '-delete':
          hasAction = true;
          // -delete implies -depth: a directory goes after its contents.
          depthFirst = true;
          return async (e) => {
            try {
              if (e.st.type === 'dir') fs.rmdir(e.path);
              else fs.unlink(e.path);
            } catch (err) {
              await ctx.stderr.write(`find: cannot delete ${lq(e.shown)}: ${reason(err)}\n`);
              status = 1;
            }
            return true;
          };
        case '-prune':
          return async (e) => (pruned.add(e.path), true);
        case '-quit':
          return async () => ((quit = true), true);
        case '-exec':
        case '-ok':
        case '-execdir': {
          hasAction = true;
          const cmd: string[] = [];
          while (pos < tokens.length && tokens[pos] !== ';' && !(tokens[pos] === '+' && cmd[cmd.length - 1] === '{}')) cmd.push(tokens[pos++]!);
          const term = tokens[pos++];
          if (term === undefined || !cmd.length) throw new FindError(`missing argument to \`${t}'`);
          if (term === '+') {
            const batch = { cmd: cmd.slice(0, -1), files: [] as string[] };
            pendingBatches.push(batch);
            return async (e) => (batch.files.push(e.shown), true);
          }
          return async (e) => (await runCmd(cmd.map((a) => a.split('{}').join(e.shown)))) === 0;
        }
        default:
          if (t.startsWith('-')) throw new FindError(`unknown predicate \`${t}'`);
          throw new FindError(`paths must precede expression: \`${t}'`);
      }
    };
    const andExpr = (): Pred => {
      let left = primary();
      while (pos < tokens.length && tokens[pos] !== '-o' && tokens[pos] !== '-or' && tokens[pos] !== ')' && tokens[pos] !== ',') {
        if (tokens[pos] === '-a' || tokens[pos] === '-and') pos++;
        const l = left;
        const r = primary();
        left = async (e) => (await l(e)) && (await r(e));
      }
      return left;
    };
    const orExpr = (): Pred => {
      let left = andExpr();
      while (tokens[pos] === '-o' || tokens[pos] === '-or' || tokens[pos] === ',') {
        const comma = tokens[pos] === ',';
        pos++;
        const l = left;
        const r = andExpr();
        left = comma ? async (e) => (await l(e), await r(e)) : async (e) => (await l(e)) || (await r(e));
      }
      return left;
    };
    let expr: Pred;
    try {
      expr = tokens.length ? orExpr() : async () => true;
      if (pos < tokens.length) throw new FindError(tokens[pos] === ')' ? "invalid expression; you have too many ')'" : `paths must precede expression: \`${tokens[pos]}'`);
    } catch (e) {
      if (!(e instanceof FindError)) throw e;
      await ctx.stderr.write(`find: ${e.message}\n`);
      return 1;
    }
    const test = hasAction ? expr : async (e: Entry) => ((await expr(e)) && (await ctx.stdout.write(e.shown + '\n')), true);
    const visit = async (path: string, shown: string, depth: number, top: boolean): Promise<void> => {
      if (quit) return;
      if (budget.step()) await budget.tick();
      let st: VfsStat;
      try {
        st = top ? fs.stat(path) : fs.lstat(path);
      } catch (e) {
        await ctx.stderr.write(`find: ${lq(shown)}: ${reason(e)}\n`);
        status = 1;
        return;
      }
      const entry = { path, shown, st, depth };
      const selectable = depth >= minDepth && depth <= maxDepth;
      if (selectable && !depthFirst) await test(entry);
      if (st.type !== 'dir' || depth >= maxDepth || pruned.has(path)) {
        if (selectable && depthFirst) await test(entry);
        return;
      }
      let names: string[];
      try {
        names = fs.readdir(path);
      } catch (e) {
        await ctx.stderr.write(`find: ${lq(shown)}: ${reason(e)}\n`);
        status = 1;
        return;
      }
      for (const n of names) await visit(resolvePath(path, n), shown.endsWith('/') ? shown + n : `${shown}/${n}`, depth + 1, false);
      if (selectable && depthFirst) await test(entry);
    };
    for (const s of starts.length ? starts : ['.']) await visit(resolvePath(ctx.cwd, s), s, 0, true);
    for (const b of pendingBatches) if (b.files.length && (await runCmd([...b.cmd, ...b.files])) !== 0) status = 1;
    return status;
  },
};
