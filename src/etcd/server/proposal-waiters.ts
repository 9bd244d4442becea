// Proposals on their way through raft: each caller waits on a promise settled when its
// entry is applied here, fails, or times out. While no leader is known the proposal itself
// is held too (raft would drop it; etcd's node keeps it until a leader appears).
import type { Cancel, Clock } from '../../platform/clock.ts';
import type { ConfChange } from '../../raft/types.ts';
import type { ServerMetrics } from './metrics.ts';
import type { ApplyResult } from './server-options.ts';

interface Waiter {
  resolve: (r: ApplyResult) => void;
  reject: (e: Error) => void;
  cancelTimer: Cancel;
}

/** A proposal raft could not take yet. */
export interface HeldProposal {
  id: string;
  data: Uint8Array;
  conf?: ConfChange;
}

export class ProposalWaiters {
  private readonly waiters = new Map<string, Waiter>();
  private held: HeldProposal[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs: number,
    private readonly metrics: ServerMetrics,
    /** The error a caller gets when its proposal times out (depends on leader changes). */
    private readonly timeoutError: (startedAt: number) => Error,
  ) {}

  /** Whether a caller still waits for proposal `id` (it may have timed out). */
  has(id: string): boolean {
    return this.waiters.has(id);
  }

  /** Registers proposal `id`, then runs submit (which hands it to raft or holds it); a throw fails it. */
  track(id: string, submit: () => void): Promise<ApplyResult> {
    return new Promise<ApplyResult>((resolve, reject) => {
      const startedAt = this.clock.monotonic();
      const w: Waiter = {
        resolve: (r) => {
          this.metrics.proposalsPending--;
          resolve(r);
        },
        reject: (e) => {
          this.metrics.proposalsPending--;
          reject(e);
        },
        cancelTimer: () => {},
      };
      w.cancelTimer = this.clock.after(this.timeoutMs, () => {
        if (this.waiters.get(id) !== w) return;
        this.settle(id, undefined, this.timeoutError(startedAt));
      });
      this.waiters.set(id, w);
      try {
        submit();
      } catch (e) {
        this.settle(id, undefined, e as Error);
      }
    });
  }

  /** Answers the caller of proposal `id` (if it still waits) with a result or an error. */
  settle(id: string, result?: ApplyResult, err?: Error): void {
    const w = this.waiters.get(id);
    if (!w) return;
    this.waiters.delete(id);
    w.cancelTimer();
    if (err) {
      this.metrics.proposalsFailed++;
      w.reject(err);
    } else w.resolve(result!);
  }

  hold(p: HeldProposal): void {
    this.held.push(p);
  }

  get holding(): number {
    return this.held.length;
  }

  /** Forgets held proposals whose caller has given up (timed out). */
  dropAbandoned(): void {
    if (this.held.length > 0) this.held = this.held.filter((p) => this.waiters.has(p.id));
  }

  /**
   * Hands the held proposals to raft in order; `submit` returns false when raft drops one,
   * which keeps it and every later one held (their order is the callers' order).
   */
  flush(submit: (p: HeldProposal) => boolean): void {
    const queue = this.held;
    this.held = [];
    for (let i = 0; i < queue.length; i++) {
      const p = queue[i]!;
      if (!this.waiters.has(p.id)) continue;
      if (!submit(p)) {
        this.held.push(...queue.slice(i));
        break;
      }
    }
  }

  /** Fails every waiting caller (the server stops). */
  failAll(err: Error): void {
    for (const id of [...this.waiters.keys()]) this.settle(id, undefined, err);
    this.held = [];
  }
}
