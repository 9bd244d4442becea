// The log storage raft reads from, and an in-memory implementation of it (as in
// etcd-io/raft's storage.go). The application owns durability: it writes entries and
// snapshots to its WAL and mirrors them into a MemoryStorage that raft reads.

import type { ConfState, Entry, HardState, Snapshot } from './types.ts';

export { RaftError, ErrCompacted, ErrSnapOutOfDate, ErrUnavailable, ErrSnapshotTemporarilyUnavailable } from './errors.ts';
import { RaftError, ErrCompacted, ErrSnapOutOfDate, ErrUnavailable } from './errors.ts';

export interface InitialState {
  hardState: HardState;
  confState: ConfState;
}

/**
 * What raft needs from stable storage. All methods are synchronous: the application keeps
 * what it persisted in memory (MemoryStorage) and raft reads that.
 */
export interface Storage {
  initialState(): InitialState;
  /** Entries in [lo, hi), at most maxSize bytes but always at least one entry if any. */
  entries(lo: number, hi: number, maxSize?: number): Entry[];
  /** Term of entry i; i may be firstIndex()-1 (the snapshot's index). */
  term(i: number): number;
  lastIndex(): number;
  /** Index of the first entry that may be read (snapshot index + 1). */
  firstIndex(): number;
  snapshot(): Snapshot;
}

export function emptyHardState(): HardState {
  return { term: 0, vote: '', commit: 0 };
}

export function isEmptyHardState(hs: HardState): boolean {
  return hs.term === 0 && hs.vote === '' && hs.commit === 0;
}

export function emptySnapshot(): Snapshot {
  return { data: new Uint8Array(0), metadata: { confState: { voters: [], learners: [] }, index: 0, term: 0 } };
}

export function isEmptySnapshot(s: Snapshot | undefined): boolean {
  return s === undefined || s.metadata.index === 0;
}

/** Approximate encoded size of an entry, for maxSize limits (protobuf-ish overhead). */
export function entrySize(e: Entry): number {
  return e.data.length + 12;
}

/** The longest prefix of ents whose total size is within maxSize, but at least one entry. */
export function limitSize(ents: Entry[], maxSize: number | undefined): Entry[] {
  if (maxSize === undefined || ents.length === 0) return ents;
  let size = entrySize(ents[0]!);
  let limit = 1;
  for (; limit < ents.length; limit++) {
    size += entrySize(ents[limit]!);
    if (size > maxSize) break;
  }
  return ents.slice(0, limit);
}

function cloneConfState(cs: ConfState): ConfState {
  return { voters: [...cs.voters], learners: [...cs.learners] };
}

/**
 * Storage backed by arrays. ents[0] is a dummy entry holding the index and term of the
 * last compacted entry (or of the snapshot), so term(firstIndex()-1) always answers.
 */
export class MemoryStorage implements Storage {
  private hardState: HardState = emptyHardState();
  private snap: Snapshot = emptySnapshot();
  private ents: Entry[] = [{ term: 0, index: 0, type: 'normal', data: new Uint8Array(0) }];

  initialState(): InitialState {
    return { hardState: { ...this.hardState }, confState: cloneConfState(this.snap.metadata.confState) };
  }

  setHardState(hs: HardState): void {
    this.hardState = { ...hs };
  }

  private get offset(): number {
    return this.ents[0]!.index;
  }

  entries(lo: number, hi: number, maxSize?: number): Entry[] {
    const offset = this.offset;
    if (lo <= offset) throw ErrCompacted;
    if (hi > this.lastIndex() + 1) {
      throw new RaftError(`entries' hi(${hi}) is out of bound lastindex(${this.lastIndex()})`);
    }
    // Only the dummy entry: nothing to return.
    if (this.ents.length === 1) throw ErrUnavailable;
    return limitSize(this.ents.slice(lo - offset, hi - offset), maxSize);
  }

  term(i: number): number {
    const offset = this.offset;
    if (i < offset) throw ErrCompacted;
    if (i - offset >= this.ents.length) throw ErrUnavailable;
    return this.ents[i - offset]!.term;
  }

  lastIndex(): number {
    return this.offset + this.ents.length - 1;
  }

  firstIndex(): number {
    return this.offset + 1;
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  /** Replaces the contents with a snapshot (a follower that received MsgSnap). */
  applySnapshot(snap: Snapshot): void {
    if (this.snap.metadata.index >= snap.metadata.index) throw ErrSnapOutOfDate;
    this.snap = snap;
    this.ents = [{ term: snap.metadata.term, index: snap.metadata.index, type: 'normal', data: new Uint8Array(0) }];
  }

  /**
   * Makes a snapshot of the state machine at applied index i (which must be in the log),
   * for compact() and for followers that fell behind.
   */
  createSnapshot(i: number, cs: ConfState | undefined, data: Uint8Array): Snapshot {
    if (i <= this.snap.metadata.index) throw ErrSnapOutOfDate;
    const offset = this.offset;
    if (i > this.lastIndex()) {
      throw new RaftError(`snapshot ${i} is out of bound lastindex(${this.lastIndex()})`);
    }
    const confState = cs ? cloneConfState(cs) : cloneConfState(this.snap.metadata.confState);
    this.snap = { data, metadata: { index: i, term: this.ents[i - offset]!.term, confState } };
    return this.snap;
  }

  /** Discards entries up to and including compactIndex (it becomes the dummy entry). */
  compact(compactIndex: number): void {
    const offset = this.offset;
    if (compactIndex <= offset) throw ErrCompacted;
    if (compactIndex > this.lastIndex()) {
      throw new RaftError(`compact ${compactIndex} is out of bound lastindex(${this.lastIndex()})`);
    }
    const i = compactIndex - offset;
    const head = this.ents[i]!;
    this.ents = [{ term: head.term, index: head.index, type: 'normal', data: new Uint8Array(0) }, ...this.ents.slice(i + 1)];
  }

  /**
   * Appends entries, truncating any existing ones from the first new index on (a new
   * leader overwrote them). Entries already compacted are ignored.
   */
  append(entries: Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const last = entries[0]!.index + entries.length - 1;
    if (last < first) return;
    if (first > entries[0]!.index) entries = entries.slice(first - entries[0]!.index);
    const offset = entries[0]!.index - this.offset;
    if (offset > this.ents.length) {
      throw new RaftError(`missing log entry [last: ${this.lastIndex()}, append at: ${entries[0]!.index}]`);
    }
    // Appending at the end (the common case) must not copy the whole log.
    if (offset < this.ents.length) this.ents.length = offset;
    for (const e of entries) this.ents.push(e);
  }
}
