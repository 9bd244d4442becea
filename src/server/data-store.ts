// Where learner state lives between page loads and server restarts: one directory per
// learner under the data dir, a progress file, and per lab the sandbox's disk snapshot
// and the terminal tabs. Writes go to a temporary file first and are renamed into place
// so a crash mid-write leaves the previous version, never half a file.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TaskState } from '../lab/types.ts';

export interface SavedTab {
  id: string;
  host: string;
}

export interface LearnerProgress {
  labs: Record<string, TaskState[]>;
}

/** What the instructor view needs besides progress: the chosen name and when things happened. */
export interface LearnerProfile {
  /** Set by the learner; absent means "use the pseudonym". */
  displayName?: string;
  /** Last input, page attach or check (ms since epoch). */
  lastActivityAt?: number;
  /** Per lab, per task: when its check last ran (ms since epoch). */
  checkedAt?: Record<string, Record<string, number>>;
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

  readProfile(learner: string): LearnerProfile {
    const parsed = readJson(path.join(this.learnerDir(learner), 'profile.json'));
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    const p = parsed as Record<string, unknown>;
    const out: LearnerProfile = {};
    if (typeof p.displayName === 'string') out.displayName = p.displayName;
    if (typeof p.lastActivityAt === 'number') out.lastActivityAt = p.lastActivityAt;
    if (p.checkedAt && typeof p.checkedAt === 'object') out.checkedAt = p.checkedAt as LearnerProfile['checkedAt'];
    return out;
  }

  writeProfile(learner: string, profile: LearnerProfile): void {
    writeAtomic(path.join(this.learnerDir(learner), 'profile.json'), JSON.stringify(profile));
  }

  /** Whether anything was ever saved for this learner. */
  hasLearner(learner: string): boolean {
    return isValidLearnerId(learner) && existsSync(this.learnerDir(learner));
  }

  /** Every learner with saved state (directory names that are valid ids). */
  listLearners(): string[] {
    try {
      return readdirSync(path.join(this.dir, 'learners'), { withFileTypes: true })
        .filter((e) => e.isDirectory() && isValidLearnerId(e.name))
        .map((e) => e.name)
        .sort();
    } catch {
      return [];
    }
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
