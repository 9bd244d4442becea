// A minimal data-driven test format, after cockroachdb/datadriven as etcd-io/raft uses it:
//
//   # comment
//   command arg key=value key=(a,b)
//   ----
//   expected output
//   <blank line>
//
// Output never contains blank lines (the runner drops them). With REWRITE=1 the file is
// rewritten with the actual output; review the diff before committing it.

export interface CmdArg {
  key: string;
  vals: string[];
}

export interface TestCase {
  /** 1-based line of the command, for error messages. */
  line: number;
  /** The command line as written. */
  input: string;
  cmd: string;
  args: CmdArg[];
  expected: string;
}

/** Splits on whitespace outside parentheses: `a=(1, 2) b` -> [`a=(1, 2)`, `b`]. */
function tokenize(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (const ch of line) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (/\s/.test(ch) && depth === 0) {
      if (cur) out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  if (cur) out.push(cur);
  return out;
}

export function parseArgs(tokens: string[]): CmdArg[] {
  return tokens.map((t) => {
    const eq = t.indexOf('=');
    if (eq < 0) return { key: t, vals: [] };
    const key = t.slice(0, eq);
    let v = t.slice(eq + 1);
    if (v.startsWith('(') && v.endsWith(')')) {
      v = v.slice(1, -1);
      return { key, vals: v.split(/[,\s]+/).filter((x) => x.length > 0) };
    }
    return { key, vals: [v] };
  });
}

export function parseTestFile(text: string): TestCase[] {
  const lines = text.split('\n');
  const cases: TestCase[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '' || line.startsWith('#')) {
      i++;
      continue;
    }
    const start = i + 1;
    const input = line.trim();
    i++;
    if (lines[i] !== '----') throw new Error(`line ${start}: expected ---- after command "${input}"`);
    i++;
    const expected: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '') {
      expected.push(lines[i]!);
      i++;
    }
    const tokens = tokenize(input);
    cases.push({ line: start, input, cmd: tokens[0]!, args: parseArgs(tokens.slice(1)), expected: expected.join('\n') });
  }
  return cases;
}

/** Comments before a case are kept on rewrite: we rebuild the file case by case. */
export function rewriteTestFile(text: string, actual: string[]): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let i = 0;
  let k = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '' || line.startsWith('#')) {
      out.push(line);
      i++;
      continue;
    }
    out.push(line, '----');
    i += 2;
    while (i < lines.length && lines[i]!.trim() !== '') i++;
    const got = actual[k++] ?? '';
    if (got) out.push(got);
  }
  return out.join('\n');
}

export function normalizeOutput(s: string): string {
  return s
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''))
    .filter((l) => l.trim() !== '')
    .join('\n');
}
