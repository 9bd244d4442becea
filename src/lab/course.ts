// The course: every lesson under lessons/ in file-name order, each joined to its lab
// under labs/<id>/lab.ts. Loaded once at start; a lesson that names a missing lab or a
// task its lab does not define is an error here, not a blank card in the browser.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseLesson, renderLesson, type ParsedLesson } from './lesson.ts';
import type { LabDefinition } from './types.ts';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface CourseLesson {
  id: string;
  /** Position in the course, from the file name ('01-…' → 1). */
  number: number;
  title: string;
  summary: string;
  lesson: ParsedLesson;
  lab: LabDefinition | undefined;
  /** Rendered HTML of the lesson. */
  html: string;
}

export interface Course {
  lessons: CourseLesson[];
  /** Labs by id, including labs that no lesson uses (a playground). */
  labs: Map<string, LabDefinition>;
  /** Rendered HTML of labs/<id>/intro.md, for labs that have one (a playground's page). */
  intros: Map<string, string>;
  lesson(id: string): CourseLesson | undefined;
  /** Finds a lab by full id ('01-first-contact') or by its number ('01', '1'). */
  lab(idOrNumber: string): LabDefinition | undefined;
}

export async function loadLab(labsDir: string, id: string): Promise<LabDefinition> {
  const file = path.join(labsDir, id, 'lab.ts');
  const mod = (await import(pathToFileURL(file).href)) as { default?: LabDefinition; lab?: LabDefinition };
  const lab = mod.default ?? mod.lab;
  if (!lab || typeof lab !== 'object') throw new Error(`${file}: exports no lab (export default { id, title, topology, tasks, solution })`);
  validateLab(file, lab);
  return lab;
}

export function validateLab(file: string, lab: LabDefinition): void {
  const problems: string[] = [];
  if (!lab.id) problems.push('no id');
  if (!lab.title) problems.push('no title');
  if (!lab.topology?.hosts?.length) problems.push('topology has no hosts');
  const ids = new Set<string>();
  for (const t of lab.tasks ?? []) {
    if (ids.has(t.id)) problems.push(`task ${t.id} defined twice`);
    ids.add(t.id);
    if (typeof t.check !== 'function') problems.push(`task ${t.id} has no check`);
  }
  if (!Array.isArray(lab.solution)) problems.push('no solution (an array of command lines)');
  if (problems.length) throw new Error(`${file}: ${problems.join('; ')}`);
}

export async function loadCourse(root = PROJECT_ROOT): Promise<Course> {
  const lessonsDir = path.join(root, 'lessons');
  const labsDir = path.join(root, 'labs');
  const labs = new Map<string, LabDefinition>();
  const intros = new Map<string, string>();
  if (existsSync(labsDir)) {
    for (const entry of readdirSync(labsDir, { withFileTypes: true })) {
      if (entry.isDirectory() && existsSync(path.join(labsDir, entry.name, 'lab.ts'))) {
        const lab = await loadLab(labsDir, entry.name);
        if (lab.id !== entry.name) throw new Error(`labs/${entry.name}/lab.ts: id is ${JSON.stringify(lab.id)}, expected ${JSON.stringify(entry.name)}`);
        labs.set(lab.id, lab);
        const introFile = path.join(labsDir, entry.name, 'intro.md');
        if (existsSync(introFile)) intros.set(lab.id, renderLesson(parseLesson(`${entry.name}/intro`, readFileSync(introFile, 'utf8'))));
      }
    }
  }
  const lessons: CourseLesson[] = [];
  const files = existsSync(lessonsDir) ? readdirSync(lessonsDir).filter((f) => /^\d+-[\w-]+\.md$/.test(f)).sort() : [];
  for (const f of files) {
    const id = f.replace(/\.md$/, '');
    const parsed = parseLesson(id, readFileSync(path.join(lessonsDir, f), 'utf8'));
    const labId = parsed.meta.lab;
    const lab = labId ? labs.get(labId) : undefined;
    if (labId && !lab) throw new Error(`lessons/${f}: names lab ${labId}, but labs/${labId}/lab.ts does not exist`);
    if (lab) {
      const known = new Set(lab.tasks.map((t) => t.id));
      for (const t of parsed.taskIds) {
        if (!known.has(t)) throw new Error(`lessons/${f}: task ${t} is not defined in labs/${lab.id}/lab.ts`);
      }
      for (const t of known) {
        if (!parsed.taskIds.includes(t)) throw new Error(`lessons/${f}: lab task ${t} has no ::: task block in the lesson`);
      }
    }
    const taskTitles = Object.fromEntries((lab?.tasks ?? []).map((t) => [t.id, t.title]));
    lessons.push({
      id,
      number: Number(id.split('-')[0]),
      title: parsed.meta.title,
      summary: parsed.meta.summary ?? '',
      lesson: parsed,
      lab,
      html: renderLesson(parsed, { taskTitles }),
    });
  }
  return {
    lessons,
    labs,
    intros,
    lesson: (id) => lessons.find((l) => l.id === id),
    lab(idOrNumber) {
      const direct = labs.get(idOrNumber);
      if (direct) return direct;
      if (/^\d+$/.test(idOrNumber)) {
        const n = Number(idOrNumber);
        for (const [id, lab] of labs) if (Number(id.split('-')[0]) === n) return lab;
      }
      return undefined;
    },
  };
}
