// Proposals on their way through raft: each caller waits on a promise settled when its
// entry is applied here, fails, times out, or its client's context ends (deadline or
// cancel). While no leader is known the proposal itself is held too: etcd's raft node does
// not take proposals then, and node.Propose blocks until a leader appears or the context
// ends, so a held proposal whose context ends is dropped and never reaches raft.
import type { Cancel, Clock } from '../../platform/clock.ts';
import type { ConfChange } from '../../raft/types.ts';
import { Errors } from './errors.ts';
import type { ServerMetrics } from './metrics.ts';
import { contextErrorOf, whenAborted } from './request-context.ts';
import type { ApplyResult } from './server-options.ts';

interface Waiter {
  resolve: (r: ApplyResult) => void;
  reject: (e: Error) => void;
  cancelTimer: Cancel;
  stopListening: Cancel;
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

  /**
   * Registers proposal `id`, then runs submit (which hands it to raft or holds it); a throw
   * fails it. With a signal, the caller stops waiting when it fires (see onContextEnd).
   */
  track(id: string, submit: () => void, signal?: AbortSignal): Promise<ApplyResult> {
    return new Promise<ApplyResult>((resolve, reject) => {
      // A client already gone proposes nothing (etcd's node.Propose returns ctx.Err()).
      if (signal?.aborted) {
        this.metrics.proposalsFailed++;
        reject(contextErrorOf(signal));
        return;
      }
      const startedAt = this.clock.monotonic();
      this.metrics.proposalsPending++;
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
        stopListening: () => {},
      };
      // The server's own request timeout is a context deadline too: a proposal still held
      // then never reached raft and fails as node.Propose does; one in raft's hands fails
      // as etcd's parseProposeCtxErr words it.
      w.cancelTimer = this.clock.after(this.timeoutMs, () => {
        if (this.waiters.get(id) !== w) return;
        this.settle(id, undefined, this.isHeld(id) ? Errors.contextDeadlineExceeded() : this.timeoutError(startedAt));
      });
      this.waiters.set(id, w);
      if (signal) w.stopListening = whenAborted(signal, () => this.onContextEnd(id, w, signal, startedAt));
      try {
        submit();
      } catch (e) {
        this.settle(id, undefined, e as Error);
      }
    });
  }

  /**
   * The client's context ended. A proposal still held here is dropped: it never reaches
   * raft, so it can never be applied. One already handed to raft cannot be recalled (it may
   * sit in the leader's log, or be on its way there): the caller stops waiting, but the
   * entry may still commit and apply, exactly as in etcd.
   */
  private onContextEnd(id: string, w: Waiter, signal: AbortSignal, startedAt: number): void {
    if (this.waiters.get(id) !== w) return;
    const ctxErr = contextErrorOf(signal);
    if (this.isHeld(id)) this.settle(id, undefined, ctxErr);
    else this.settle(id, undefined, ctxErr.code === 'Canceled' ? Errors.canceled() : this.timeoutError(startedAt));
  }

  private isHeld(id: string): boolean {
    return this.held.some((p) => p.id === id);
  }

  /** Answers the caller of proposal `id` (if it still waits) with a result or an error. */
  settle(id: string, result?: ApplyResult, err?: Error): void {
    const w = this.waiters.get(id);
    if (!w) return;
    this.waiters.delete(id);
    w.cancelTimer();
    w.stopListening();
    // A caller that stopped waiting takes its held proposal with it: it must never reach raft.
    if (this.held.length > 0) this.held = this.held.filter((p) => p.id !== id);
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
