// `npm run grade -- --lab 01 --script file.sh [--format text|json|junit] [--output file]`
// Runs the script's command lines in a fresh sandbox of the lab, as typed into a
// terminal, then every check. Exit status: 0 all tasks passed, 1 some failed, 2 usage.
import { readFileSync, writeFileSync } from 'node:fs';
import { loadCourse } from '../lab/course.ts';
import { gradeScript, scriptLines, toJunit, toText } from '../lab/grade.ts';
import { realSandboxProvider } from '../lab/sandbox-provider.ts';

const USAGE = 'usage: npm run grade -- --lab <id|number> --script <file|-> [--format text|json|junit] [--output <file>] [--solution]';

interface Args {
  lab?: string;
  script?: string;
  format: 'text' | 'json' | 'junit';
  output?: string;
  solution: boolean;
}

function parseArgs(argv: string[]): Args | string {
  const a: Args = { format: 'text', solution: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${name} needs a value`);
      return v;
    };
    try {
      if (name === '--lab') a.lab = value();
      else if (name === '--script') a.script = value();
      else if (name === '--output' || name === '-o') a.output = value();
      else if (name === '--solution') a.solution = true;
      else if (name === '--format') {
        const f = value();
        if (f !== 'text' && f !== 'json' && f !== 'junit') return `unknown format ${JSON.stringify(f)} (text, json or junit)`;
        a.format = f;
      } else if (name === '--help' || name === '-h') return 'help';
      else return `unknown argument ${JSON.stringify(arg)}`;
    } catch (e) {
      return (e as Error).message;
    }
  }
  if (!a.lab) return '--lab is required';
  if (!a.script && !a.solution) return '--script (or --solution) is required';
  return a;
}

async function main(): Promise<number> {
  process.on('unhandledRejection', (e) => console.error('grade: unhandled rejection in the sandbox:', e));
  const args = parseArgs(process.argv.slice(2));
  if (args === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (typeof args === 'string') {
    console.error(`grade: ${args}\n${USAGE}`);
    return 2;
  }
  const course = await loadCourse();
  const lab = course.lab(args.lab!);
  if (!lab) {
    console.error(`grade: no lab ${JSON.stringify(args.lab)} (labs: ${[...course.labs.keys()].join(', ') || 'none'})`);
    return 2;
  }
  let lines: string[];
  if (args.solution) lines = lab.solution;
  else {
    try {
      lines = scriptLines(readFileSync(args.script === '-' ? 0 : args.script!, 'utf8'));
    } catch (e) {
      console.error(`grade: cannot read ${args.script}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      return 2;
    }
  }
  const report = await gradeScript(lab, lines, { provider: realSandboxProvider });
  const out = args.format === 'json' ? JSON.stringify(report, null, 2) + '\n' : args.format === 'junit' ? toJunit(report) : toText(report);
  if (args.output) writeFileSync(args.output, out);
  else process.stdout.write(out);
  return report.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`grade: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(2);
  },
);
