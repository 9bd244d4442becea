// Where learner state lives between page loads and server restarts: one directory per
// learner under the data dir, a progress file, and per lab the sandbox's disk snapshot
// and the terminal tabs. Writes go to a temporary file first and are renamed into place
// so a crash mid-write leaves the previous version, never half a file.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { TaskState } from '../lab/types.ts';

export interface SavedTab {
  id: string;
  host: string;
}

export interface LearnerProgress {
  labs: Record<string, TaskState[]>;
}

const LEARNER_ID = /^[A-Za-z0-9_-]{8,64}$/;
const LAB_ID = /^[A-Za-z0-9][\w-]{0,80}$/;

export function isValidLearnerId(id: string): boolean {
  return LEARNER_ID.test(id);
}

export class DataStore {
  constructor(readonly dir: string) {
    mkdirSync(path.join(dir, 'learners'), { recursive: true });
  }

  private learnerDir(learner: string): string {
    if (!isValidLearnerId(learner)) throw new Error(`invalid learner id ${JSON.stringify(learner)}`);
    return path.join(this.dir, 'learners', learner);
  }

  private labDir(learner: string, labId: string): string {
    if (!LAB_ID.test(labId)) throw new Error(`invalid lab id ${JSON.stringify(labId)}`);
    return path.join(this.learnerDir(learner), 'labs', labId);
  }

  readProgress(learner: string): LearnerProgress {
    const parsed = readJson(path.join(this.learnerDir(learner), 'progress.json'));
    if (parsed && typeof parsed === 'object' && 'labs' in parsed && typeof parsed.labs === 'object' && parsed.labs) {
      return parsed as LearnerProgress;
    }
    return { labs: {} };
  }

  writeLabProgress(learner: string, labId: string, tasks: TaskState[]): void {
    const progress = this.readProgress(learner);
    progress.labs[labId] = tasks;
    writeAtomic(path.join(this.learnerDir(learner), 'progress.json'), JSON.stringify(progress, null, 2));
  }

  clearLabProgress(learner: string, labId: string): void {
    const progress = this.readProgress(learner);
    delete progress.labs[labId];
    writeAtomic(path.join(this.learnerDir(learner), 'progress.json'), JSON.stringify(progress, null, 2));
  }

  readSnapshot(learner: string, labId: string): Uint8Array | undefined {
    const file = path.join(this.labDir(learner, labId), 'sandbox.snapshot');
    if (!existsSync(file)) return undefined;
    return new Uint8Array(readFileSync(file));
  }

  writeSnapshot(learner: string, labId: string, data: Uint8Array): void {
    writeAtomic(path.join(this.labDir(learner, labId), 'sandbox.snapshot'), data);
  }

  readTabs(learner: string, labId: string): SavedTab[] | undefined {
    const parsed = readJson(path.join(this.labDir(learner, labId), 'tabs.json'));
    if (!Array.isArray(parsed)) return undefined;
    return parsed.filter((t): t is SavedTab => !!t && typeof t.id === 'string' && typeof t.host === 'string');
  }

  writeTabs(learner: string, labId: string, tabs: SavedTab[]): void {
    writeAtomic(path.join(this.labDir(learner, labId), 'tabs.json'), JSON.stringify(tabs));
  }

  /** Forgets a lab's host state (Reset). Progress is cleared separately. */
  dropLab(learner: string, labId: string): void {
    rmSync(this.labDir(learner, labId), { recursive: true, force: true });
  }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

let tmpCounter = 0;
function writeAtomic(file: string, data: string | Uint8Array): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${tmpCounter++}`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}
