// awk: pattern scanning and processing (POSIX awk; messages as Debian's mawk words them).
import { resolvePath, isFsError, bytesToString } from '../../platform/filesystem.ts';
import { AwkInterpreter, AwkRuntimeError } from '../awk/interpreter.ts';
import { AwkSyntaxError } from '../awk/lexer.ts';
import { parseAwk } from '../awk/parser.ts';
import type { Program } from '../awk/ast.ts';
import type { Command, CommandContext } from '../types.ts';
import { cpuBudget } from '../cpu-budget.ts';
import { splitByRegex, type Regex } from '../regex/index.ts';

const USAGE = `usage: awk [-F value] [-v var=value] [--] 'program text' [file ...]
usage: awk [-F value] [-v var=value] [-f program-file] [--] [file ...]
`;

export const awk: Command = {
  name: 'awk',
  summary: 'pattern scanning and text processing language',
  async run(ctx) {
    const err = (s: string) => ctx.stderr.write(s);
    const vars: Record<string, string> = {};
    let fs: string | undefined;
    let programText: string | undefined;
    const args = ctx.argv.slice(1);
    let i = 0;
    for (; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--') {
        i++;
        break;
      }
      if (a === '--help' || a === '-W' && args[i + 1] === 'usage') {
        await ctx.stdout.write(USAGE);
        return 0;
      }
      if (a === '--version' || (a === '-W' && args[i + 1] === 'version')) {
        await ctx.stdout.write('mawk 1.3.4 20200120\nCopyright 2008-2019,2020, Thomas E. Dickey\nCopyright 1991-1996,2014, Michael D. Brennan\n\n');
        return 0;
      }
      if (a.startsWith('-F')) {
        const v = a.length > 2 ? a.slice(2) : args[++i];
        if (v === undefined) return usageError(ctx, 'option requires an argument -- F');
        fs = v === 't' ? '\t' : v;
      } else if (a.startsWith('-v')) {
        const v = a.length > 2 ? a.slice(2) : args[++i];
        const eq = v?.indexOf('=') ?? -1;
        if (!v || eq <= 0) {
          await err(`awk: improper assignment: -v ${v ?? ''}\n`);
          return 2;
        }
        vars[v.slice(0, eq)] = v.slice(eq + 1);
      } else if (a.startsWith('-f')) {
        const path = a.length > 2 ? a.slice(2) : args[++i];
        if (!path) return usageError(ctx, 'option requires an argument -- f');
        try {
          programText = (programText ?? '') + bytesToString(ctx.fs.readFile(resolvePath(ctx.cwd, path))) + '\n';
        } catch (e) {
          await err(`awk: couldn't open file ${path}${isFsError(e) ? ` (${e.reason()})` : ''}\n`);
          return 2;
        }
      } else if (a.startsWith('-') && a !== '-') {
        await err(`awk: not an option: ${a}\n`);
        return 2;
      } else break;
    }
    if (programText === undefined) {
      programText = args[i++];
      if (programText === undefined) {
        await err(USAGE);
        return 2;
      }
    }
    let program: Program;
    try {
      program = parseAwk(programText);
    } catch (e) {
      if (e instanceof AwkSyntaxError) {
        await err(`awk: ${e.message}\n`);
        return 2;
      }
      throw e;
    }
    const operands = args.slice(i);
    // Loops, calls and records: a runaway program yields the event loop and ends at the CPU limit.
    const budget = cpuBudget(ctx);
    const interp = new AwkInterpreter(
      program,
      {
        write: async (text) => {
          await ctx.stdout.write(text);
        },
        writeFile: (path, text, append) => {
          const p = resolvePath(ctx.cwd, path);
          if (append) ctx.fs.appendFile(p, text);
          else ctx.fs.writeFile(p, text);
        },
        tick: () => (budget.step() ? budget.tick() : undefined),
      },
      fs === undefined ? vars : { ...vars, FS: fs },
      ['awk', ...operands],
      ctx.env,
    );

    let filename = '';
    let nr = 0;
    try {
      if (!(await interp.begin())) return await interp.end(false);
      if (!interp.needsInput()) return await interp.end(false);
      const inputs = operands.filter((o) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(o));
      let keepGoing = true;
      const sources = inputs.length ? operands : ['-'];
      for (const src of sources) {
        if (!keepGoing) break;
        const assign = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(src);
        if (assign && inputs.length) {
          interp.assignCommandLine(assign[1]!, assign[2]!);
          continue;
        }
        filename = src;
        interp.setFilename(src === '-' ? '' : src);
        for await (const rec of records(ctx, src, () => interp.separator, (re) => interp.regex(re))) {
          if (ctx.signal.aborted) return 130;
          if (budget.step()) await budget.tick();
          nr++;
          if (!(await interp.processRecord(rec))) {
            keepGoing = false;
            break;
          }
        }
      }
      return await interp.end(true);
    } catch (e) {
      if (e instanceof OpenError) {
        await err(`awk: cannot open ${e.path} (${e.reason})\n`);
        return 2;
      }
      if (e instanceof AwkRuntimeError) {
        if (ctx.signal.aborted) return 130;
        await err(`awk: run time error: ${e.message}\n\tFILENAME="${filename}" FNR=${nr} NR=${nr}\n`);
        return 2;
      }
      if (isFsError(e)) {
        await err(`awk: ${e.reason()}\n`);
        return 2;
      }
      throw e;
    }
  },
};

class OpenError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(path);
  }
}

async function usageError(ctx: CommandContext, msg: string): Promise<number> {
  await ctx.stderr.write(`awk: ${msg}\n${USAGE}`);
  return 2;
}

/** Records of one input; newline-separated input streams record by record (so pipes from `watch` flow). */
async function* records(ctx: CommandContext, src: string, rs: () => string, regex: (src: string) => Regex): AsyncGenerator<string> {
  let data: string | undefined;
  if (src !== '-') {
    try {
      data = bytesToString(ctx.fs.readFile(resolvePath(ctx.cwd, src)));
    } catch (e) {
      throw new OpenError(src, isFsError(e) ? e.reason() : String(e));
    }
  }
  if (data === undefined && rs() === '\n') {
    const dec = new TextDecoder();
    let buf = '';
    for (let c = await ctx.stdin.read(); c !== null; c = await ctx.stdin.read()) {
      buf += dec.decode(c, { stream: true });
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        yield buf.slice(0, nl);
        buf = buf.slice(nl + 1);
      }
    }
    buf += dec.decode();
    if (buf) yield buf;
    return;
  }
  if (data === undefined) {
    const dec = new TextDecoder();
    data = '';
    for (let c = await ctx.stdin.read(); c !== null; c = await ctx.stdin.read()) data += dec.decode(c, { stream: true });
  }
  const sep = rs();
  let recs: string[];
  if (sep === '') recs = data.replace(/^\n+/, '').split(/\n\n+/);
  else if (sep.length === 1) recs = data.split(sep);
  else recs = splitByRegex(regex(sep), data);
  if (recs.length && recs[recs.length - 1] === '') recs.pop();
  if (sep === '' && recs.length) recs[recs.length - 1] = recs[recs.length - 1]!.replace(/\n+$/, '');
  yield* recs;
}
