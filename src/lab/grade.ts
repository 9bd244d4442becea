// Grading: run a command script in a fresh sandbox for a lab, then run every check once
// and report, as JSON or as JUnit XML for CI systems.
import { createCheckContext } from './check-context.ts';
import { runOneCheck } from './run-checks.ts';
import type { SandboxProvider } from './sandbox-port.ts';
import { TerminalDriver } from './terminal-driver.ts';
import type { LabDefinition } from './types.ts';

export interface GradedTask {
  id: string;
  title: string;
  passed: boolean;
  message: string;
  durationMs: number;
}

export interface GradedLine {
  line: string;
  output: string;
  /** False when the prompt did not come back within the time limit. */
  completed: boolean;
}

export interface GradeReport {
  lab: string;
  title: string;
  passed: number;
  total: number;
  ok: boolean;
  tasks: GradedTask[];
  transcript: GradedLine[];
  durationMs: number;
}

export interface GradeOptions {
  provider: SandboxProvider;
  /** Per command line (default 15 s). */
  lineTimeoutMs?: number;
}

/** Splits a script into the lines a learner would type (blank lines and full-line comments dropped). */
export function scriptLines(text: string): string[] {
  return text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .filter((l, i) => !(i === 0 && l.startsWith('#!')))
    .filter((l) => l.trim() !== '' && !/^\s*#/.test(l));
}

export async function gradeScript(lab: LabDefinition, lines: string[], opts: GradeOptions): Promise<GradeReport> {
  const started = Date.now();
  const sandbox = await opts.provider.create(lab);
  const transcript: GradedLine[] = [];
  const tasks: GradedTask[] = [];
  try {
    const term = new TerminalDriver(sandbox, { host: lab.topology.hosts[0]!.name });
    await term.ready();
    for (const line of lines) {
      const r = await term.run(line, { timeoutMs: opts.lineTimeoutMs ?? 15_000 });
      transcript.push(r);
      if (!r.completed) term.keys('\x03'); // a stuck command is interrupted, as a learner would
      if (term.exited !== undefined) break;
    }
    const ctx = createCheckContext(sandbox);
    for (const task of lab.tasks) {
      const t0 = Date.now();
      const result = await runOneCheck(task, ctx);
      tasks.push({ id: task.id, title: task.title, passed: result.ok, message: result.message, durationMs: Date.now() - t0 });
    }
    term.close();
  } finally {
    sandbox.dispose();
  }
  const passed = tasks.filter((t) => t.passed).length;
  return { lab: lab.id, title: lab.title, passed, total: tasks.length, ok: passed === tasks.length, tasks, transcript, durationMs: Date.now() - started };
}

const xml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // eslint-disable-next-line no-control-regex
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, '');

export function toJunit(report: GradeReport): string {
  const failures = report.total - report.passed;
  const secs = (ms: number) => (ms / 1000).toFixed(3);
  const cases = report.tasks
    .map((t) => {
      const open = `    <testcase classname="${xml(report.lab)}" name="${xml(`${t.id}: ${t.title}`)}" time="${secs(t.durationMs)}"`;
      if (t.passed) return `${open}>\n      <system-out>${xml(t.message)}</system-out>\n    </testcase>`;
      return `${open}>\n      <failure message="${xml(t.message)}">${xml(t.message)}</failure>\n    </testcase>`;
    })
    .join('\n');
  const transcript = report.transcript.map((l) => l.output).join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="hardway-lab" tests="${report.total}" failures="${failures}" time="${secs(report.durationMs)}">\n` +
    `  <testsuite name="${xml(`${report.lab} ${report.title}`)}" tests="${report.total}" failures="${failures}" errors="0" time="${secs(report.durationMs)}">\n` +
    `${cases}\n` +
    `    <system-out>${xml(transcript)}</system-out>\n` +
    `  </testsuite>\n</testsuites>\n`
  );
}

export function toText(report: GradeReport): string {
  const lines = report.tasks.map((t) => `${t.passed ? 'PASS' : 'FAIL'}  ${t.id}  ${t.title}\n      ${t.message}`);
  return `${report.lab} — ${report.title}\n${lines.join('\n')}\n${report.passed}/${report.total} tasks passed\n`;
}
