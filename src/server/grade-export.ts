// The instructor's grade export for a workshop: every learner's recorded task states for
// one lab or all labs, as CSV (a spreadsheet), JSON (the shape of `npm run grade`'s
// report, one per learner and lab) or JUnit XML (one testsuite per learner, one testcase
// per task, the check's message as the failure message; a task never checked is skipped).
import type { InstructorLab, InstructorLearner, InstructorOverview, InstructorTask } from './instructor-types.ts';

export type ExportFormat = 'csv' | 'json' | 'junit';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'json', 'junit'];

export interface GradeExport {
  body: string;
  contentType: string;
  fileName: string;
}

export function exportGrades(overview: InstructorOverview, format: ExportFormat, generatedAt: Date): GradeExport {
  const stamp = generatedAt.toISOString().replace(/[:.]/g, '-');
  const scope = overview.labs.length === 1 ? overview.labs[0]!.id : 'all-labs';
  const fileName = `hardway-lab-grades-${scope}-${stamp}`;
  if (format === 'csv') return { body: toCsv(overview), contentType: 'text/csv; charset=utf-8', fileName: `${fileName}.csv` };
  if (format === 'junit') return { body: toJunitSuites(overview, generatedAt), contentType: 'application/xml; charset=utf-8', fileName: `${fileName}.xml` };
  return { body: JSON.stringify(toJson(overview, generatedAt), null, 2) + '\n', contentType: 'application/json; charset=utf-8', fileName: `${fileName}.json` };
}

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());

function rows(overview: InstructorOverview): { learner: InstructorLearner; lab: InstructorLab; task: InstructorTask }[] {
  const out = [];
  for (const learner of overview.learners) {
    for (const lab of overview.labs) {
      for (const task of learner.labs[lab.id]?.tasks ?? []) out.push({ learner, lab, task });
    }
  }
  return out;
}

export const CSV_HEADER = ['learner_id', 'learner_name', 'lab', 'task', 'task_title', 'status', 'passed_at', 'checked_at', 'message'];

/** RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or line break. */
function toCsv(overview: InstructorOverview): string {
  const lines = [CSV_HEADER.map(csvField).join(',')];
  for (const { learner, lab, task } of rows(overview)) {
    lines.push([learner.id, learner.name, lab.id, task.id, task.title, task.status, iso(task.passedAt), iso(task.checkedAt), task.message].map(csvField).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

function csvField(value: string): string {
  // A cell starting with = + - @ would be a formula in a spreadsheet; a leading quote keeps it text.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function toJson(overview: InstructorOverview, generatedAt: Date) {
  return {
    generatedAt: generatedAt.toISOString(),
    labs: overview.labs,
    learners: overview.learners.map((l) => ({
      id: l.id,
      name: l.name,
      lastActivityAt: iso(l.lastActivityAt) || null,
      // Each entry has the fields of `npm run grade --format json` (lab, title, passed, total, ok, tasks).
      reports: overview.labs.map((lab) => {
        const r = l.labs[lab.id];
        const tasks = (r?.tasks ?? []).map((t) => ({
          id: t.id,
          title: t.title,
          status: t.status,
          passed: t.status === 'passed',
          message: t.message,
          checkedAt: iso(t.checkedAt) || null,
          passedAt: iso(t.passedAt) || null,
        }));
        const passed = tasks.filter((t) => t.passed).length;
        return { lab: lab.id, title: lab.title, passed, total: tasks.length, ok: tasks.length > 0 && passed === tasks.length, tasks };
      }),
    })),
  };
}

const xml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // eslint-disable-next-line no-control-regex
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g, '');

function toJunitSuites(overview: InstructorOverview, generatedAt: Date): string {
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  const suites = overview.learners.map((learner) => {
    const cases: string[] = [];
    let f = 0;
    let s = 0;
    for (const lab of overview.labs) {
      for (const t of learner.labs[lab.id]?.tasks ?? []) {
        const open = `    <testcase classname="${xml(lab.id)}" name="${xml(`${t.id}: ${t.title}`)}" time="0"`;
        if (t.status === 'passed') cases.push(`${open}>\n      <system-out>${xml(t.message)}</system-out>\n    </testcase>`);
        else if (t.status === 'failed') {
          f++;
          cases.push(`${open}>\n      <failure message="${xml(t.message)}">${xml(t.message)}</failure>\n    </testcase>`);
        } else {
          s++;
          cases.push(`${open}>\n      <skipped message="not checked yet"/>\n    </testcase>`);
        }
      }
    }
    tests += cases.length;
    failures += f;
    skipped += s;
    const when = learner.lastActivityAt === null ? '' : ` timestamp="${new Date(learner.lastActivityAt).toISOString().replace(/\.\d+Z$/, '')}"`;
    return (
      `  <testsuite name="${xml(learner.name)}" tests="${cases.length}" failures="${f}" errors="0" skipped="${s}" time="0"${when}>\n` +
      `    <properties>\n      <property name="learner.id" value="${xml(learner.id)}"/>\n      <property name="learner.name" value="${xml(learner.name)}"/>\n    </properties>\n` +
      (cases.length ? `${cases.join('\n')}\n` : '') +
      `  </testsuite>`
    );
  });
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="hardway-lab ${xml(overview.labs.length === 1 ? overview.labs[0]!.id : 'all labs')} ${generatedAt.toISOString()}" tests="${tests}" failures="${failures}" skipped="${skipped}" time="0">\n` +
    (suites.length ? `${suites.join('\n')}\n` : '') +
    `</testsuites>\n`
  );
}
