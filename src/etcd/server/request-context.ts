// A client request's context, as Go's context.Context reaches etcd's server: an AbortSignal
// that fires when the client's deadline passes (gRPC's grpc-timeout header, the gateway's
// Grpc-Timeout) or the client goes away (stream reset, HTTP request closed). The reason
// says which, so the client hears Go's words: "context deadline exceeded" or "context canceled".
import type { Cancel, Clock } from '../../platform/clock.ts';
import { Errors, ServerError } from './errors.ts';

/** The request of a client that is gone or out of time; etcd's ctx.Err(). */
export function contextErrorOf(signal: AbortSignal): ServerError {
  const reason: unknown = signal.reason;
  if (reason instanceof ServerError && (reason.code === 'DeadlineExceeded' || reason.code === 'Canceled')) return reason;
  // AbortSignal.timeout() aborts with a TimeoutError; anything else is a cancel.
  if ((reason as { name?: string } | undefined)?.name === 'TimeoutError') return Errors.contextDeadlineExceeded();
  return Errors.contextCanceled();
}

/** Whether the signal fired because of a deadline (not a cancel). */
export function isDeadline(signal: AbortSignal): boolean {
  return contextErrorOf(signal).code === 'DeadlineExceeded';
}

/**
 * Calls onAbort once if the signal fires; the returned function stops listening (call it
 * when the request is answered, so a long-lived signal does not collect listeners).
 */
export function whenAborted(signal: AbortSignal | undefined, onAbort: () => void): Cancel {
  if (!signal) return () => {};
  if (signal.aborted) {
    onAbort();
    return () => {};
  }
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

/** One request's context: its signal, how to cancel it, and how to release its timer. */
export interface RequestContext {
  readonly signal: AbortSignal;
  /** The client went away: "context canceled". */
  cancel(): void;
  /** The request is answered: stop the deadline timer. */
  done(): void;
}

/** A context that reaches its deadline timeoutMs from now on `clock` (none when undefined). */
export function requestContext(clock: Clock, timeoutMs?: number): RequestContext {
  const ac = new AbortController();
  const stopTimer = timeoutMs === undefined ? () => {} : clock.after(Math.max(0, timeoutMs), () => ac.abort(Errors.contextDeadlineExceeded()));
  return {
    signal: ac.signal,
    cancel: () => {
      stopTimer();
      if (!ac.signal.aborted) ac.abort(Errors.contextCanceled());
    },
    done: stopTimer,
  };
}
