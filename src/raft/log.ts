// Raft's log: what storage holds (persisted) followed by what is unstable (accepted, not
// yet persisted), plus the commit and applied indexes. Modelled on etcd-io/raft's log.go.

import type { Entry, Snapshot } from './types.ts';
import { ErrCompacted, ErrUnavailable, RaftError, limitSize } from './storage.ts';
import type { Storage } from './storage.ts';
import { UnstableLog } from './log-unstable.ts';

export class RaftLog {
  readonly storage: Storage;
  readonly unstable: UnstableLog;
  /** Highest index known to be stored on a quorum. */
  committed: number;
  /** Highest index the application has applied. Invariant: applied <= committed. */
  applied: number;
  /** Byte limit for one batch of committed entries handed out in a Ready. */
  maxNextEntsSize: number | undefined;

  constructor(storage: Storage, maxNextEntsSize?: number) {
    this.storage = storage;
    this.maxNextEntsSize = maxNextEntsSize;
    const first = storage.firstIndex();
    const last = storage.lastIndex();
    this.unstable = new UnstableLog(last + 1);
    // A fresh log starts with everything up to the snapshot committed and applied.
    this.committed = first - 1;
    this.applied = first - 1;
  }

  toString(): string {
    return `committed=${this.committed}, applied=${this.applied}, unstable.offset=${this.unstable.offset}, len(unstable.Entries)=${this.unstable.entries.length}`;
  }

  firstIndex(): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  /** Term of entry i; throws ErrCompacted / ErrUnavailable when it is out of range. */
  term(i: number): number {
    const dummy = this.firstIndex() - 1;
    if (i < dummy) throw ErrCompacted;
    if (i > this.lastIndex()) throw ErrUnavailable;
    const t = this.unstable.maybeTerm(i);
    if (t !== undefined) return t;
    return this.storage.term(i);
  }

  /** Term of entry i, or 0 when it is compacted or not there yet. */
  termOrZero(i: number): number {
    try {
      return this.term(i);
    } catch (e) {
      if (e === ErrCompacted || e === ErrUnavailable) return 0;
      throw e;
    }
  }

  lastTerm(): number {
    return this.term(this.lastIndex());
  }

  matchTerm(i: number, t: number): boolean {
    try {
      return this.term(i) === t;
    } catch (e) {
      if (e === ErrCompacted || e === ErrUnavailable) return false;
      throw e;
    }
  }

  /**
   * Appends ents after (index, logTerm) if our log has that entry, as a follower does with
   * MsgApp; returns the index of the last new entry, or undefined if the log did not match.
   */
  maybeAppend(index: number, logTerm: number, committed: number, ents: Entry[]): number | undefined {
    if (!this.matchTerm(index, logTerm)) return undefined;
    const lastNew = index + ents.length;
    const ci = this.findConflict(ents);
    if (ci !== 0) {
      if (ci <= this.committed) {
        throw new RaftError(`entry ${ci} conflicts with committed entry [committed(${this.committed})]`);
      }
      this.append(ents.slice(ci - (index + 1)));
    }
    this.commitTo(Math.min(committed, lastNew));
    return lastNew;
  }

  append(ents: Entry[]): number {
    if (ents.length === 0) return this.lastIndex();
    const after = ents[0]!.index - 1;
    if (after < this.committed) {
      throw new RaftError(`after(${after}) is out of range [committed(${this.committed})]`);
    }
    this.unstable.truncateAndAppend(ents);
    return this.lastIndex();
  }

  /**
   * The index of the first entry of ents that is new or conflicts with ours (same index,
   * different term), or 0 if we already have all of them.
   */
  findConflict(ents: Entry[]): number {
    for (const e of ents) {
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * The largest index <= index whose term is <= term, with that term: where a leader can
   * resume after a rejection, skipping whole terms at once (fast backtracking). Returns
   * term 0 if the entry's term cannot be known (compacted).
   */
  findConflictByTerm(index: number, term: number): [number, number] {
    for (; index > 0; index--) {
      let ours: number;
      try {
        ours = this.term(index);
      } catch (e) {
        if (e === ErrCompacted || e === ErrUnavailable) return [index, 0];
        throw e;
      }
      if (ours <= term) return [index, ours];
    }
    return [0, 0];
  }

  unstableEntries(): Entry[] {
    return this.unstable.entries;
  }

  /** Committed entries not yet applied, to hand to the application. */
  nextEnts(): Entry[] {
    const off = Math.max(this.applied + 1, this.firstIndex());
    if (this.committed + 1 > off) return this.slice(off, this.committed + 1, this.maxNextEntsSize);
    return [];
  }

  hasNextEnts(): boolean {
    const off = Math.max(this.applied + 1, this.firstIndex());
    return this.committed + 1 > off;
  }

  hasPendingSnapshot(): boolean {
    return this.unstable.snapshot !== undefined && this.unstable.snapshot.metadata.index !== 0;
  }

  snapshot(): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot();
  }

  commitTo(toCommit: number): void {
    if (this.committed < toCommit) {
      if (this.lastIndex() < toCommit) {
        throw new RaftError(`tocommit(${toCommit}) is out of range [lastIndex(${this.lastIndex()})]. Was the raft log corrupted, truncated, or lost?`);
      }
      this.committed = toCommit;
    }
  }

  appliedTo(i: number): void {
    if (i === 0) return;
    if (this.committed < i || i < this.applied) {
      throw new RaftError(`applied(${i}) is out of range [prevApplied(${this.applied}), committed(${this.committed})]`);
    }
    this.applied = i;
  }

  stableTo(i: number, t: number): void {
    this.unstable.stableTo(i, t);
  }

  stableSnapTo(i: number): void {
    this.unstable.stableSnapTo(i);
  }

  /** Whether a log ending at (lastIndex, term) is at least as up to date as ours (§5.4.1). */
  isUpToDate(lastIndex: number, term: number): boolean {
    const ourTerm = this.lastTerm();
    return term > ourTerm || (term === ourTerm && lastIndex >= this.lastIndex());
  }

  /** Commits maxIndex if it is from `term` (a leader commits only its own term's entries). */
  maybeCommit(maxIndex: number, term: number): boolean {
    if (maxIndex > this.committed && this.termOrZero(maxIndex) === term) {
      this.commitTo(maxIndex);
      return true;
    }
    return false;
  }

  restore(s: Snapshot): void {
    this.committed = s.metadata.index;
    this.unstable.restore(s);
  }

  /** Entries from i to the end, at most maxSize bytes (but at least one). */
  entries(i: number, maxSize?: number): Entry[] {
    if (i > this.lastIndex()) return [];
    return this.slice(i, this.lastIndex() + 1, maxSize);
  }

  allEntries(): Entry[] {
    try {
      return this.entries(this.firstIndex());
    } catch (e) {
      // A concurrent compaction could race; in this single-threaded model it cannot.
      if (e === ErrCompacted) return this.allEntries();
      throw e;
    }
  }

  /** Entries in [lo, hi), from storage and then the unstable part. */
  slice(lo: number, hi: number, maxSize?: number): Entry[] {
    if (lo > hi) throw new RaftError(`invalid slice ${lo} > ${hi}`);
    const fi = this.firstIndex();
    if (lo < fi) throw ErrCompacted;
    const li = this.lastIndex();
    if (hi > li + 1) throw new RaftError(`slice[${lo},${hi}) out of bound [${fi},${li}]`);
    if (lo === hi) return [];
    let ents: Entry[] = [];
    const uoff = this.unstable.offset;
    if (lo < uoff) {
      const stored = this.storage.entries(lo, Math.min(hi, uoff), maxSize);
      // Storage stopped early because of the size limit: that is all we return.
      if (stored.length < Math.min(hi, uoff) - lo) return stored;
      ents = stored;
    }
    if (hi > uoff) {
      const unstable = this.unstable.slice(Math.max(lo, uoff), hi);
      ents = ents.length > 0 ? [...ents, ...unstable] : unstable;
    }
    return limitSize(ents, maxSize);
  }
}
