// xargs: build and run command lines from standard input (GNU findutils): -n -L -I -0 -d -r -t -a.
import { resolvePath } from '../../platform/filesystem.ts';
import { DEFAULT_PATH } from '../host.ts';
import { readAll } from '../io.ts';
import type { Command } from '../types.ts';
import { HELP_VERSION, lq, parseOrFail, reason } from './common.ts';

const HELP = `Usage: xargs [OPTION]... COMMAND [INITIAL-ARGS]...
Run COMMAND with arguments INITIAL-ARGS and more arguments read from input.

Mandatory and optional arguments to long options are also
mandatory or optional for the corresponding short option.
  -0, --null                   items are separated by a null, not whitespace;
                                 disables quote and backslash processing and
                                 logical EOF processing
  -a, --arg-file=FILE          read arguments from FILE, not standard input
  -d, --delimiter=CHARACTER    items in input stream are separated by CHARACTER,
                                 not by whitespace; disables quote and backslash
                                 processing and logical EOF processing
  -I R                         same as --replace=R
  -i, --replace[=R]            replace R in INITIAL-ARGS with names read
                                 from standard input, split at newlines;
                                 if R is unspecified, assume {}
  -L, --max-lines=MAX-LINES    use at most MAX-LINES non-blank input lines per
                                 command line
  -n, --max-args=MAX-ARGS      use at most MAX-ARGS arguments per command line
  -P, --max-procs=MAX-PROCS    run at most MAX-PROCS processes at a time
  -r, --no-run-if-empty        if there are no arguments, then do not run COMMAND;
                                 if this option is not given, COMMAND will be
                                 run at least once
  -t, --verbose                print commands before executing them
      --help                   display this help and exit
      --version                output version information and exit
`;

/** Splits xargs input the default way: blanks separate, quotes and backslashes group. */
export function splitItems(text: string): string[] | string {
  const items: string[] = [];
  let cur = '';
  let has = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      const nl = text.indexOf('\n', i + 1);
      if (end < 0 || (nl >= 0 && nl < end)) return `unmatched ${c === "'" ? 'single' : 'double'} quote; by default quotes are special to xargs unless you use the -0 option`;
      cur += text.slice(i + 1, end);
      has = true;
      i = end;
    } else if (c === '\\' && i + 1 < text.length) {
      cur += text[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has) items.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) items.push(cur);
  return items;
}

export const xargs: Command = {
  name: 'xargs',
  summary: 'build and execute command lines from standard input',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'xargs', {
      ...HELP_VERSION,
      null: { short: '0' },
      'arg-file': { short: 'a', arg: true },
      delimiter: { short: 'd', arg: true },
      I: { short: 'I', arg: true },
      replace: { short: 'i', arg: 'optional' },
      'max-lines': { short: 'L', arg: true },
      'max-args': { short: 'n', arg: true },
      'max-procs': { short: 'P', arg: true },
      'no-run-if-empty': { short: 'r' },
      verbose: { short: 't' },
      'max-chars': { short: 's', arg: true },
      exit: { short: 'x' },
      interactive: { short: 'p' },
    }, { posixly: true });
    if (typeof args === 'number') return args;
    if (args.has('help')) {
      await ctx.stdout.write(HELP);
      return 0;
    }
    if (args.has('version')) {
      await ctx.stdout.write('xargs (GNU findutils) 4.9.0\n');
      return 0;
    }
    const cmd = args.operands.length ? args.operands : ['echo'];
    let data: Uint8Array;
    const file = args.value('arg-file');
    try {
      data = file !== undefined ? ctx.fs.readFile(resolvePath(ctx.cwd, file)) : await readAll(ctx.stdin);
    } catch (e) {
      await ctx.stderr.write(`xargs: ${file}: ${reason(e)}\n`);
      return 1;
    }
    const text = new TextDecoder().decode(data);
    const replace = args.value('I') ?? (args.has('replace') ? (args.value('replace') ?? '{}') : undefined);
    const delim = args.has('null') ? '\0' : args.value('delimiter')?.replace(/^\\n$/, '\n').replace(/^\\t$/, '\t');
    let items: string[];
    let groups: string[][];
    if (delim !== undefined) {
      items = text.split(delim);
      if (items[items.length - 1] === '' || (delim !== '\n' && items[items.length - 1] === '\n')) items.pop();
    } else if (replace !== undefined || args.has('max-lines')) {
      const lines = text.split('\n').filter((l) => l.trim() !== '');
      if (replace !== undefined) items = lines.map((l) => l.replace(/^\s+/, ''));
      else {
        const perLine = lines.map((l) => splitItems(l));
        const bad = perLine.find((x) => typeof x === 'string');
        if (typeof bad === 'string') {
          await ctx.stderr.write(`xargs: ${bad}\n`);
          return 1;
        }
        const n = Number(args.value('max-lines'));
        groups = [];
        for (let i = 0; i < perLine.length; i += n) groups.push((perLine.slice(i, i + n) as string[][]).flat());
        items = groups.flat();
      }
    } else {
      const r = splitItems(text);
      if (typeof r === 'string') {
        await ctx.stderr.write(`xargs: ${r}\n`);
        return 1;
      }
      items = r;
    }
    const maxArgs = args.value('max-args');
    if (replace !== undefined) groups = items.map((i) => [i]);
    else if (maxArgs !== undefined) {
      const n = Number(maxArgs);
      if (!Number.isInteger(n) || n < 1) {
        await ctx.stderr.write(`xargs: invalid number ${lq(maxArgs)} for -n option\n`);
        return 1;
      }
      groups = [];
      for (let i = 0; i < items.length; i += n) groups.push(items.slice(i, i + n));
    } else if (!args.has('max-lines')) groups = [items];
    groups ??= [items];
    if (groups.length === 0 || (groups.length === 1 && groups[0]!.length === 0)) {
      if (args.has('no-run-if-empty') || replace !== undefined) return 0;
      groups = [[]];
    }
    const r = ctx.host.resolveProgram(cmd[0]!, { path: ctx.env.PATH ?? DEFAULT_PATH, cwd: ctx.cwd, cred: ctx.proc.cred });
    if (!r.ok) {
      await ctx.stderr.write(`xargs: ${cmd[0]}: ${r.error === 'ENOENT' ? 'No such file or directory' : 'Permission denied'}\n`);
      return r.error === 'ENOENT' ? 127 : 126;
    }
    let status = 0;
    for (const g of groups) {
      const argv = replace !== undefined ? cmd.map((a) => a.split(replace).join(g[0] ?? '')) : [...cmd, ...g];
      if (args.has('verbose')) await ctx.stderr.write(argv.join(' ') + '\n');
      const s = await ctx.spawn.exec(argv, { signal: ctx.signal });
      if (s === 255) {
        await ctx.stderr.write(`xargs: ${cmd[0]}: exited with status 255; aborting\n`);
        return 124;
      }
      if (s > 128 && s < 128 + 32) {
        await ctx.stderr.write(`xargs: ${cmd[0]}: terminated by signal ${s - 128}\n`);
        return 125;
      }
      if (s === 127 || s === 126) return s;
      if (s !== 0) status = 123;
    }
    return status;
  },
};
