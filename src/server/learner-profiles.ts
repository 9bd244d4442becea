// Learner profiles in memory, written back to the data dir in batches: the display name
// (written at once), last activity and when each task's check last ran (written by the
// maintenance round, so a page polling every two seconds does not rewrite a file each time).
import type { DataStore, LearnerProfile } from './data-store.ts';

export class LearnerProfiles {
  private readonly cache = new Map<string, LearnerProfile>();
  private readonly dirty = new Set<string>();

  constructor(
    private readonly store: DataStore,
    private readonly log: (msg: string, err?: unknown) => void,
    private readonly maxCached = 5000,
  ) {}

  get(learner: string): LearnerProfile {
    let p = this.cache.get(learner);
    if (!p) {
      p = this.store.hasLearner(learner) ? this.store.readProfile(learner) : {};
      this.cache.set(learner, p);
      this.trim();
    }
    return p;
  }

  setName(learner: string, name: string): void {
    const p = this.get(learner);
    if (name) p.displayName = name;
    else delete p.displayName;
    this.dirty.add(learner);
    this.flushOne(learner);
  }

  touch(learner: string, at: number): void {
    const p = this.get(learner);
    if ((p.lastActivityAt ?? 0) >= at) return;
    p.lastActivityAt = at;
    this.dirty.add(learner);
  }

  /** Records that these tasks' checks ran at `at`. */
  checked(learner: string, labId: string, taskIds: readonly string[], at: number): void {
    if (taskIds.length === 0) return;
    const p = this.get(learner);
    const lab = ((p.checkedAt ??= {})[labId] ??= {});
    for (const id of taskIds) lab[id] = at;
    this.dirty.add(learner);
    this.touch(learner, at);
  }

  /** Forgets a lab's check times (Reset), written at once like the progress it goes with. */
  clearLab(learner: string, labId: string): void {
    const p = this.get(learner);
    if (p.checkedAt) delete p.checkedAt[labId];
    this.dirty.add(learner);
    this.flushOne(learner);
  }

  flush(): void {
    for (const learner of [...this.dirty]) this.flushOne(learner);
    this.trim();
  }

  private flushOne(learner: string): void {
    const p = this.cache.get(learner);
    this.dirty.delete(learner);
    if (!p) return;
    try {
      this.store.writeProfile(learner, p);
    } catch (e) {
      this.dirty.add(learner);
      this.log(`could not save the profile of learner ${learner}`, e);
    }
  }

  /** Keeps memory bounded: clean entries are dropped oldest first (they are on disk). */
  private trim(): void {
    if (this.cache.size <= this.maxCached) return;
    for (const k of this.cache.keys()) {
      if (this.cache.size <= this.maxCached) break;
      if (!this.dirty.has(k)) this.cache.delete(k);
    }
  }
}
