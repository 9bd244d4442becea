// Pending linearizable reads on a leader (ReadIndex, §6.4 of the Raft thesis): a read
// records the commit index when it arrives and is released once a quorum has answered a
// heartbeat sent after it, proving the leader was still the leader at that moment.

import type { Message, NodeId } from './types.ts';

export type ReadOnlyOption = 'ReadOnlySafe' | 'ReadOnlyLeaseBased';

export interface ReadIndexStatus {
  /** The MsgReadIndex (local or forwarded by a follower) that asked. */
  req: Message;
  index: number;
  acks: Set<NodeId>;
}

/** Request contexts are opaque bytes; we key maps by their latin1 string. */
export function contextKey(ctx: Uint8Array | undefined): string {
  if (!ctx) return '';
  let s = '';
  for (const b of ctx) s += String.fromCharCode(b);
  return s;
}

export class ReadOnly {
  readonly option: ReadOnlyOption;
  private pending = new Map<string, ReadIndexStatus>();
  private queue: string[] = [];

  constructor(option: ReadOnlyOption) {
    this.option = option;
  }

  /** Queues a read at commit index `index`; a duplicate context is ignored. */
  addRequest(index: number, m: Message): void {
    const key = contextKey(m.entries[0]?.data);
    if (this.pending.has(key)) return;
    this.pending.set(key, { req: m, index, acks: new Set() });
    this.queue.push(key);
  }

  /** Records a heartbeat acknowledgement carrying ctx; returns who acked so far. */
  recvAck(id: NodeId, ctx: Uint8Array | undefined): Set<NodeId> | undefined {
    const rs = this.pending.get(contextKey(ctx));
    if (!rs) return undefined;
    rs.acks.add(id);
    return rs.acks;
  }

  /**
   * Releases every read queued up to and including the one with context ctx (reads are
   * ordered, so a quorum for a later read confirms the earlier ones too).
   */
  advance(ctx: Uint8Array | undefined): ReadIndexStatus[] {
    const key = contextKey(ctx);
    const idx = this.queue.indexOf(key);
    if (idx < 0) return [];
    const released = this.queue.slice(0, idx + 1);
    this.queue = this.queue.slice(idx + 1);
    const out: ReadIndexStatus[] = [];
    for (const k of released) {
      const rs = this.pending.get(k);
      if (rs) out.push(rs);
      this.pending.delete(k);
    }
    return out;
  }

  /** Context of the newest pending read, sent along with heartbeats. */
  lastPendingRequestCtx(): Uint8Array | undefined {
    const key = this.queue[this.queue.length - 1];
    if (key === undefined) return undefined;
    return this.pending.get(key)?.req.entries[0]?.data;
  }

  pendingCount(): number {
    return this.queue.length;
  }
}
