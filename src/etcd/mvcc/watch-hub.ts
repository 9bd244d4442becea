// Watchers over key ranges, fed from the store's writes and, for watchers that start in the
// past or fall behind, from the store's history (etcd's watchableStore, synced/unsynced).
//
// Delivery and back-pressure. A watcher is handed a `sink`; the hub calls it synchronously
// with one WatchResponse per write revision (or per catch-up batch of up to
// CATCH_UP_MAX_REVISIONS revisions). The sink returns false when its consumer cannot take
// more (e.g. a socket's write() returned false). The watcher is then paused: the hub keeps
// NO buffer for it, only the next revision it owes. When the consumer drains, it calls
// resume(), and the hub replays the missed revisions from the store's history. So memory
// per watcher is constant however slow the consumer is; the history itself is bounded by
// compaction, and a watcher that fell behind a compaction gets etcd's answer: a response
// with compactRevision set, canceled.
//
// A new watcher delivers nothing until start() is called, so the caller can first announce
// it (etcd's "created" response) and the events follow in order.
import type { KeyRange } from './bytes.ts';
import { inRange, toKeyRange } from './bytes.ts';
import type { Change, KvStore } from './kv-store.ts';
import type { WatchEvent, WatchResponse } from './types.ts';

export const CATCH_UP_MAX_REVISIONS = 1000;

export interface WatchOptions {
  key: Uint8Array;
  rangeEnd?: Uint8Array;
  /** First revision to report; 0 or absent = the next write. */
  startRevision?: number;
  prevKv?: boolean;
  noPut?: boolean;
  noDelete?: boolean;
  /** Receive progress notifications (empty batches with the current revision). */
  progressNotify?: boolean;
  /** Id to report in responses; the hub numbers watchers itself when absent. */
  watchId?: number;
}

/** Receives responses; returning false pauses the watcher until resume(). */
export type WatchSink = (resp: WatchResponse) => boolean | void;

export class Watcher {
  /** The next revision this watcher owes its consumer. */
  nextRevision: number;
  private started = false;
  private paused = false;
  canceled = false;

  constructor(
    private readonly hub: WatchHub,
    readonly id: number,
    readonly range: KeyRange,
    readonly opts: WatchOptions,
    readonly sink: WatchSink,
    startRevision: number,
  ) {
    this.nextRevision = startRevision;
  }

  /** True when the watcher is receiving writes as they happen (etcd's "synced"). */
  get synced(): boolean {
    return this.started && !this.paused && !this.canceled && this.nextRevision > this.hub.currentRevision;
  }

  get active(): boolean {
    return this.started && !this.paused && !this.canceled;
  }

  /** Begins delivery: replays history from the start revision, then follows new writes. */
  start(): void {
    if (this.canceled || this.started) return;
    this.started = true;
    this.catchUp();
  }

  /** The consumer drained: replay what it missed, then follow new writes again. */
  resume(): void {
    if (this.canceled || !this.started) return;
    this.paused = false;
    this.catchUp();
  }

  cancel(): void {
    if (this.canceled) return;
    this.canceled = true;
    this.hub.remove(this);
  }

  /** Hands a response to the sink; pauses on false, cancels if the sink throws. */
  send(resp: WatchResponse): void {
    let ok: boolean | void;
    try {
      ok = this.sink(resp);
    } catch {
      this.cancel();
      return;
    }
    if (ok === false) this.paused = true;
  }

  private catchUp(): void {
    const kv = this.hub.kv;
    // Bounded: each pass advances nextRevision by at least one revision or stops.
    while (this.active && this.nextRevision <= kv.currentRevision) {
      if (this.nextRevision < kv.compactRevision) {
        this.send(this.hub.response(this, [], { compactRevision: kv.compactRevision, canceled: true }));
        this.cancel();
        return;
      }
      const cur = kv.currentRevision;
      const batch = kv.changesBetween(this.nextRevision, cur, CATCH_UP_MAX_REVISIONS);
      const revs = new Set(batch.map((c) => c.main)).size;
      const upTo = revs < CATCH_UP_MAX_REVISIONS ? cur : batch[batch.length - 1]!.main;
      const events = this.hub.eventsFor(this, batch);
      this.nextRevision = upTo + 1;
      if (events.length > 0) this.send(this.hub.response(this, events));
    }
  }
}

export class WatchHub {
  private watchers = new Set<Watcher>();
  private nextId = 0;

  constructor(public kv: KvStore) {}

  /** The store's data was replaced (snapshot restore): every started watcher catches up from it. */
  rebind(kv: KvStore): void {
    this.kv = kv;
    for (const w of [...this.watchers]) if (w.active) w.resume();
  }

  get currentRevision(): number {
    return this.kv.currentRevision;
  }

  get size(): number {
    return this.watchers.size;
  }

  /** Registers a watcher; call start() on it to begin delivery. */
  watch(opts: WatchOptions, sink: WatchSink): Watcher {
    const start = opts.startRevision && opts.startRevision > 0 ? opts.startRevision : this.kv.currentRevision + 1;
    const id = opts.watchId ?? this.nextId++;
    const w = new Watcher(this, id, toKeyRange(opts.key, opts.rangeEnd), opts, sink, start);
    this.watchers.add(w);
    return w;
  }

  remove(w: Watcher): void {
    this.watchers.delete(w);
  }

  /** Called by the store after every write txn that changed something. */
  notify(changes: readonly Change[], revision: number): void {
    if (changes.length === 0) return;
    for (const w of [...this.watchers]) {
      // Paused or not started: they replay this revision from history on resume()/start().
      if (!w.active) continue;
      // A start revision still in the future.
      if (w.nextRevision > revision) continue;
      // Behind (cannot normally happen while active): replay from history.
      if (w.nextRevision < revision) {
        w.resume();
        continue;
      }
      const events = this.eventsFor(w, changes);
      w.nextRevision = revision + 1;
      if (events.length > 0) w.send(this.response(w, events));
    }
  }

  /** etcd's periodic progress notification: synced watchers that asked for it learn the revision. */
  progressNotify(): void {
    for (const w of [...this.watchers]) {
      if (w.opts.progressNotify && w.synced) w.send(this.response(w, []));
    }
  }

  /** A client's RequestProgress: answered only when the watcher is synced, as etcd does. */
  requestProgress(w: Watcher): boolean {
    if (!w.synced) return false;
    w.send(this.response(w, []));
    return true;
  }

  eventsFor(w: Watcher, changes: readonly Change[]): WatchEvent[] {
    const out: WatchEvent[] = [];
    for (const c of changes) {
      if (c.main < w.nextRevision || !inRange(w.range, c.key)) continue;
      if (c.tombstone ? w.opts.noDelete : w.opts.noPut) continue;
      const ev: WatchEvent = { type: c.tombstone ? 'DELETE' : 'PUT', kv: c.kv };
      if (w.opts.prevKv) {
        const prev = this.kv.previousOf(c);
        if (prev) ev.prevKv = prev;
      }
      out.push(ev);
    }
    return out;
  }

  response(w: Watcher, events: WatchEvent[], extra?: { compactRevision: number; canceled: boolean }): WatchResponse {
    return {
      // etcd's compacted notice carries no revision in its header.
      header: { revision: extra?.compactRevision ? 0 : this.kv.currentRevision },
      watchId: w.id,
      events,
      compactRevision: extra?.compactRevision ?? 0,
      canceled: extra?.canceled ?? false,
      cancelReason: '',
    };
  }
}
