// The sandbox's event log: what happened and when (process started/ended, quorum lost,
// watch started …), so lab checks can ask about the past, not only the present state.
import type { Clock } from '../platform/clock.ts';

export interface SandboxEvent {
  /** Wall-clock ms (the sandbox clock). */
  at: number;
  /** The host it happened on. */
  host: string;
  type: string;
  data: Record<string, unknown>;
}

const MAX_EVENTS = 10_000;

export class EventLog {
  private readonly events: SandboxEvent[] = [];
  private readonly listeners = new Set<(e: SandboxEvent) => void>();

  constructor(private readonly clock: Clock) {}

  record(host: string, type: string, data: Record<string, unknown> = {}): void {
    const e: SandboxEvent = { at: this.clock.now(), host, type, data };
    this.events.push(e);
    // Oldest first out: a long session must not grow without bound.
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
    for (const l of this.listeners) l(e);
  }

  /** Events, oldest first, optionally of one type and/or host. */
  list(filter: { type?: string; host?: string } = {}): SandboxEvent[] {
    return this.events.filter((e) => (!filter.type || e.type === filter.type) && (!filter.host || e.host === filter.host));
  }

  /** Calls fn for every new event; returns the unsubscribe function. */
  subscribe(fn: (e: SandboxEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  toJSON(): SandboxEvent[] {
    return [...this.events];
  }

  load(events: SandboxEvent[]): void {
    this.events.splice(0, this.events.length, ...events.slice(-MAX_EVENTS));
  }
}
