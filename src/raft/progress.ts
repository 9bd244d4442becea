// What a leader knows about one follower's log, and how it paces appends to it
// (etcd-io/raft's tracker/progress.go and inflights.go).

export type ProgressState = 'StateProbe' | 'StateReplicate' | 'StateSnapshot';

/**
 * Indexes of the last entry of each MsgApp in flight to one follower; the leader stops
 * sending when the window is full and frees slots as acknowledgements arrive.
 */
export class Inflights {
  private buffer: number[] = [];
  readonly size: number;

  constructor(size: number) {
    this.size = size;
  }

  add(index: number): void {
    if (this.full()) throw new Error('cannot add into a full inflights');
    this.buffer.push(index);
  }

  /** Frees every in-flight message whose last index is <= to. */
  freeLE(to: number): void {
    let i = 0;
    while (i < this.buffer.length && this.buffer[i]! <= to) i++;
    if (i > 0) this.buffer = this.buffer.slice(i);
  }

  /** Frees the oldest in-flight message (a heartbeat response showed the link works). */
  freeFirstOne(): void {
    this.buffer = this.buffer.slice(1);
  }

  full(): boolean {
    return this.buffer.length >= this.size;
  }

  count(): number {
    return this.buffer.length;
  }

  reset(): void {
    this.buffer = [];
  }
}

export class Progress {
  /** Highest index known to be replicated on the follower. */
  match = 0;
  /** Index of the next entry to send. Invariant: match < next. */
  next: number;
  state: ProgressState = 'StateProbe';
  /** In StateSnapshot: the index of the snapshot being sent. */
  pendingSnapshot = 0;
  /** Heard from since the last check-quorum round. */
  recentActive = false;
  /** In StateProbe: one MsgApp was sent and we wait for an answer (or a heartbeat response). */
  probeSent = false;
  inflights: Inflights;
  isLearner: boolean;

  constructor(next: number, maxInflight: number, isLearner: boolean) {
    this.next = next;
    this.inflights = new Inflights(maxInflight);
    this.isLearner = isLearner;
  }

  private resetState(state: ProgressState): void {
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.state = state;
    this.inflights.reset();
  }

  becomeProbe(): void {
    // After a snapshot, resume right after it (or after what the follower has, if more).
    if (this.state === 'StateSnapshot') {
      const pending = this.pendingSnapshot;
      this.resetState('StateProbe');
      this.next = Math.max(this.match + 1, pending + 1);
    } else {
      this.resetState('StateProbe');
      this.next = this.match + 1;
    }
  }

  becomeReplicate(): void {
    this.resetState('StateReplicate');
    this.next = this.match + 1;
  }

  becomeSnapshot(snapshotIndex: number): void {
    this.resetState('StateSnapshot');
    this.pendingSnapshot = snapshotIndex;
  }

  /** The follower acknowledged up to n; returns false if that is old news. */
  maybeUpdate(n: number): boolean {
    let updated = false;
    if (this.match < n) {
      this.match = n;
      updated = true;
      this.probeSent = false;
    }
    this.next = Math.max(this.next, n + 1);
    return updated;
  }

  /** Optimistically assume entries up to n will arrive (StateReplicate pipelining). */
  optimisticUpdate(n: number): void {
    this.next = n + 1;
  }

  /**
   * The follower rejected a MsgApp at index `rejected`; its log has a matching prefix at
   * most up to matchHint. Returns false if the rejection is stale.
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === 'StateReplicate') {
      // Stale if it is about an index we already know matches.
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    // In probe state only the latest probe (at next-1) counts.
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), 1);
    this.probeSent = false;
    return true;
  }

  /** Whether the leader should hold back MsgApp to this follower for now. */
  isPaused(): boolean {
    switch (this.state) {
      case 'StateProbe':
        return this.probeSent;
      case 'StateReplicate':
        return this.inflights.full();
      case 'StateSnapshot':
        return true;
    }
  }

  toString(): string {
    let s = `${this.state} match=${this.match} next=${this.next}`;
    if (this.isLearner) s += ' learner';
    if (this.isPaused()) s += ' paused';
    if (this.pendingSnapshot > 0) s += ` pendingSnap=${this.pendingSnapshot}`;
    if (!this.recentActive) s += ' inactive';
    const n = this.inflights.count();
    if (n > 0) s += ` inflight=${n}${this.inflights.full() ? '[full]' : ''}`;
    return s;
  }
}
