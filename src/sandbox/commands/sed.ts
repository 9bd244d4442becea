// sed (GNU sed 4.9): the stream editor — -n, -e, -f, -i[SUFFIX], -E/-r, -s; addresses
// (N, $, /re/, \cREc, first~step, A,B, A,+N, !), commands s y p P d D n N a i c q Q = h H
// g G x b t T : { }, with GNU's one-line a/i/c. BRE and ERE are translated to JavaScript
// regular expressions. Errors are sed's: "sed: -e expression #1, char 5: unterminated `s' command".
// The parser, executor and regex translation live in src/sandbox/sed/; this file is the
// command line: options, script pieces, in-place writing and exit codes.
import { resolvePath } from '../../platform/filesystem.ts';
import { Runner } from '../sed/executor.ts';
import { readInputs } from '../sed/inputs.ts';
import { parseScript, type ScriptPiece } from '../sed/parser.ts';
import { SedError, type Cmd } from '../sed/script.ts';
import type { Command } from '../types.ts';
import { cpuBudget } from '../cpu-budget.ts';
import { reason } from './common.ts';

const USAGE = `Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...

  -n, --quiet, --silent
                 suppress automatic printing of pattern space
  -e script, --expression=script
                 add the script to the commands to be executed
  -f script-file, --file=script-file
                 add the contents of script-file to the commands to be executed
  -i[SUFFIX], --in-place[=SUFFIX]
                 edit files in place (makes backup if SUFFIX supplied)
  -E, -r, --regexp-extended
                 use extended regular expressions in the script
                 (for portability use POSIX -E).
  -s, --separate
                 consider files as separate rather than as a single
                 continuous long stream.
      --help     display this help and exit
      --version  output version information and exit

If no -e, --expression, -f, or --file option is given, then the first
non-option argument is taken as the sed script to interpret.  All
remaining arguments are names of input files; if no input files are
specified, then the standard input is read.

GNU sed home page: <https://www.gnu.org/software/sed/>.
General help using GNU software: <https://www.gnu.org/gethelp/>.
`;

export const sed: Command = {
  name: 'sed',
  summary: 'stream editor for filtering and transforming text',
  async run(ctx) {
    let quiet = false;
    let extended = false;
    let inPlace: string | undefined;
    let separate = false;
    const scripts: ScriptPiece[] = [];
    const files: string[] = [];
    const args = ctx.argv.slice(1);
    let eCount = 0;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      const need = async (flag: string): Promise<string | undefined> => {
        if (i + 1 < args.length) return args[++i];
        await ctx.stderr.write(`sed: option requires an argument -- '${flag}'\n${USAGE}`);
        return undefined;
      };
      if (a === '--') {
        files.push(...args.slice(i + 1));
        break;
      }
      if (a === '--help') {
        await ctx.stdout.write(USAGE);
        return 0;
      }
      if (a === '--version') {
        await ctx.stdout.write('sed (GNU sed) 4.9\n');
        return 0;
      }
      if (a === '-n' || a === '--quiet' || a === '--silent') quiet = true;
      else if (a === '-E' || a === '-r' || a === '--regexp-extended') extended = true;
      else if (a === '-s' || a === '--separate') separate = true;
      else if (a === '--posix' || a === '-u' || a === '--unbuffered') continue;
      else if (a === '-i' || a.startsWith('--in-place')) {
        inPlace = a.includes('=') ? a.slice(a.indexOf('=') + 1) : '';
        separate = true;
      } else if (/^-i./.test(a) && !a.startsWith('-in')) {
        inPlace = a.slice(2);
        separate = true;
      } else if (a === '-e' || a.startsWith('--expression')) {
        const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : await need('e');
        if (v === undefined) return 1;
        scripts.push({ text: v, origin: { expression: ++eCount } });
      } else if (/^-e./.test(a)) scripts.push({ text: a.slice(2), origin: { expression: ++eCount } });
      else if (a === '-f' || a.startsWith('--file')) {
        const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : await need('f');
        if (v === undefined) return 1;
        try {
          scripts.push({ text: new TextDecoder().decode(ctx.fs.readFile(resolvePath(ctx.cwd, v))), origin: { file: v } });
        } catch (e) {
          await ctx.stderr.write(`sed: couldn't open file ${v}: ${reason(e)}\n`);
          return 1;
        }
      } else if (/^-[nEsr]+$/.test(a)) {
        for (const f of a.slice(1)) {
          if (f === 'n') quiet = true;
          else if (f === 's') separate = true;
          else extended = true;
        }
      } else if (a.startsWith('-') && a !== '-') {
        await ctx.stderr.write(`sed: invalid option -- '${a[1]}'\n${USAGE}`);
        return 1;
      } else files.push(a);
    }
    if (scripts.length === 0) {
      if (files.length === 0) {
        await ctx.stderr.write(USAGE);
        return 1;
      }
      scripts.push({ text: files.shift()!, origin: { expression: 1 } });
    }
    let cmds: Cmd[];
    try {
      cmds = parseScript(scripts, extended);
    } catch (e) {
      if (e instanceof SedError) {
        await ctx.stderr.write(`sed: ${e.message}\n`);
        return e.status ?? 1;
      }
      throw e;
    }
    if (inPlace !== undefined && files.length === 0) {
      await ctx.stderr.write('sed: no input files\n');
      return 1;
    }
    const { inputs, status } = await readInputs(ctx, files);
    // Each cycle and jump checks the CPU budget (`:a;ba` must not freeze the server);
    // output goes out as it grows, except for -i, which writes the file at the end.
    const budget = cpuBudget(ctx);
    const runner = new Runner(cmds, quiet, inPlace !== undefined ? { budget } : { budget, flush: (text) => Promise.resolve(ctx.stdout.write(text)) });
    try {
      if (separate) {
        for (const inp of inputs) {
          runner.out = '';
          if (inPlace !== undefined) runner.lineNo = 0;
          await runner.runStream(inp.lines, inp.finalNewline, true);
          if (inPlace !== undefined) {
            const p = resolvePath(ctx.cwd, inp.name);
            try {
              if (inPlace) ctx.fs.writeFile(`${p}${inPlace}`, ctx.fs.readFile(p));
              ctx.fs.writeFile(p, runner.out);
            } catch (e) {
              await ctx.stderr.write(`sed: couldn't open temporary file ${resolvePath(p, '..')}/sed${inp.name.split('/').pop()}: ${reason(e)}\n`);
              return 4;
            }
          } else await runner.flushOut();
          if (runner.quit !== undefined) break;
        }
      } else {
        const all = inputs.flatMap((x) => x.lines);
        const lastNl = inputs.length ? inputs[inputs.length - 1]!.finalNewline : true;
        await runner.runStream(all, lastNl, true);
        await runner.flushOut();
      }
    } catch (e) {
      if (e instanceof SedError) {
        await ctx.stderr.write(`sed: ${e.message}\n`);
        return e.status ?? 4;
      }
      throw e;
    }
    return runner.quit ?? status;
  },
};

