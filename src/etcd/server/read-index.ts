// Linearizable reads, batched like etcd's linearizableReadLoop: every read waiting when a
// round starts shares one ReadIndex request; it is retried every 500 ms while unanswered,
// fails with "leader changed" when a new leader appears mid-round, and each read gives up
// after the request timeout.
import type { Clock, Cancel } from '../../platform/clock.ts';
import { Errors } from './errors.ts';
import { contextErrorOf, whenAborted } from './request-context.ts';

interface Waiter {
  resolve: () => void;
  reject: (e: Error) => void;
  cancelTimer: Cancel;
  stopListening: Cancel;
  done: boolean;
}

export const READ_INDEX_RETRY_MS = 500;

export class ReadIndexer {
  private waiting: Waiter[] = [];
  private round: { ctx: Uint8Array; key: string; sentAt: number; waiters: Waiter[]; index?: number } | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs: number,
    private readonly newCtx: () => Uint8Array,
    /** Sends a ReadIndex request to raft (may be dropped when there is no leader). */
    private readonly send: (ctx: Uint8Array) => void,
    private readonly appliedIndex: () => number,
  ) {}

  /**
   * Resolves once the local state machine has applied everything committed before the call.
   * When the signal fires first, the read stops waiting with the context's error.
   */
  wait(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(contextErrorOf(signal));
      const w: Waiter = { resolve, reject, cancelTimer: () => {}, stopListening: () => {}, done: false };
      w.cancelTimer = this.clock.after(this.timeoutMs, () => this.finish(w, Errors.timeout()));
      w.stopListening = whenAborted(signal, () => this.finish(w, contextErrorOf(signal!)));
      this.waiting.push(w);
      this.startRound();
    });
  }

  /** A ReadState arrived from raft. */
  onReadState(ctx: Uint8Array, index: number): void {
    if (!this.round || keyOf(ctx) !== this.round.key) return;
    this.round.index = index;
    this.onApplied();
  }

  /** The applied index moved; release a round whose index is reached. */
  onApplied(): void {
    const r = this.round;
    if (!r || r.index === undefined || this.appliedIndex() < r.index) return;
    this.round = undefined;
    for (const w of r.waiters) this.finish(w);
    this.startRound();
  }

  /** etcd fails reads in flight when a new leader is elected. */
  onLeaderChanged(): void {
    const r = this.round;
    if (!r) return;
    this.round = undefined;
    for (const w of r.waiters) this.finish(w, Errors.leaderChanged());
    this.startRound();
  }

  /** Called on every tick: resend an unanswered request. */
  onTick(): void {
    const r = this.round;
    // A round whose readers all gave up is not worth asking again.
    if (r && r.waiters.every((w) => w.done)) {
      this.round = undefined;
      this.startRound();
      return;
    }
    if (r && r.index === undefined && this.clock.monotonic() - r.sentAt >= READ_INDEX_RETRY_MS) {
      r.sentAt = this.clock.monotonic();
      this.send(r.ctx);
    }
  }

  stop(err: Error): void {
    const all = [...this.waiting, ...(this.round?.waiters ?? [])];
    this.waiting = [];
    this.round = undefined;
    for (const w of all) this.finish(w, err);
  }

  private startRound(): void {
    if (this.round) return;
    const waiters = this.waiting.filter((w) => !w.done);
    this.waiting = [];
    if (waiters.length === 0) return;
    const ctx = this.newCtx();
    this.round = { ctx, key: keyOf(ctx), sentAt: this.clock.monotonic(), waiters };
    this.send(ctx);
  }

  private finish(w: Waiter, err?: Error): void {
    if (w.done) return;
    w.done = true;
    w.cancelTimer();
    w.stopListening();
    if (err) w.reject(err);
    else w.resolve();
  }
}

function keyOf(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}
