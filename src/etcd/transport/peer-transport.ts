// How members exchange raft messages. The server only needs send + onMessage; peers are
// added and removed as membership changes. Implementations: InMemoryPeerNetwork (tests,
// simulation) and NetworkPeerTransport (framed messages over platform Network).
import type { Message, NodeId } from '../../raft/types.ts';
import type { Clock } from '../../platform/clock.ts';

/**
 * What the receiving member answers a message with: 'removed' when its sender was removed
 * from the cluster (etcd's rafthttp answers 410 Gone and the sender stops for good).
 */
export type PeerVerdict = 'removed' | void;

export interface PeerTransport {
  /** Best effort: a message to an unknown or unreachable peer is dropped (raft retries). */
  send(msgs: Message[]): void;
  onMessage(handler: (m: Message) => PeerVerdict): void;
  addPeer(id: NodeId, peerUrls: string[]): void;
  removePeer(id: NodeId): void;
  /** Peers this member currently reaches (for etcd's "active peers" checks). */
  activeSince?(id: NodeId): number | undefined;
  /**
   * Told when a message to `to` could not be sent (raft's ReportUnreachable: the leader
   * stops pipelining to that follower and probes instead).
   */
  onUnreachable?(handler: (to: NodeId) => void): void;
  /**
   * Told what became of each MsgSnap: delivered (failed=false) or lost (failed=true). Raft
   * keeps a follower paused while its snapshot is in flight; without this report a lost
   * snapshot would leave it paused for good (raft's ReportSnapshot).
   */
  onSnapshotStatus?(handler: (to: NodeId, failed: boolean) => void): void;
  /** Told when a peer refused this member because it was removed from the cluster. */
  onRemoved?(handler: () => void): void;
  close(): void;
}

/** The two report handlers a transport keeps; both default to doing nothing. */
export class SendReports {
  unreachable: (to: NodeId) => void = () => {};
  snapshot: (to: NodeId, failed: boolean) => void = () => {};
  removed: () => void = () => {};

  /** A message was lost on its way to m.to. */
  lost(m: Message): void {
    this.unreachable(m.to);
    if (m.type === 'MsgSnap') this.snapshot(m.to, true);
  }

  /** A message reached m.to. */
  delivered(m: Message): void {
    if (m.type === 'MsgSnap') this.snapshot(m.to, false);
  }
}

/**
 * A switchboard for members in one process: each message is delivered after `delayMs` on
 * the shared clock; a test can cut links or take a member off the network.
 */
export class InMemoryPeerNetwork {
  private handlers = new Map<NodeId, (m: Message) => PeerVerdict>();
  private cut = new Set<string>();
  private down = new Set<NodeId>();
  delivered = 0;
  dropped = 0;
  /**
   * Tests: a message for which this returns true is lost on the wire (the sender is told,
   * as a real connection error would tell it).
   */
  lose: ((from: NodeId, m: Message) => boolean) | undefined;
  private reports = new Map<NodeId, SendReports>();

  constructor(
    private readonly clock: Clock,
    private readonly delayMs = 1,
  ) {}

  transportFor(id: NodeId): PeerTransport {
    const net = this;
    const peers = new Set<NodeId>();
    const reports = new SendReports();
    this.reports.set(id, reports);
    return {
      send(msgs) {
        for (const m of msgs) net.deliver(id, m, peers);
      },
      onMessage(handler) {
        net.handlers.set(id, handler);
      },
      addPeer(peer) {
        peers.add(peer);
      },
      removePeer(peer) {
        peers.delete(peer);
      },
      onUnreachable(handler) {
        reports.unreachable = handler;
      },
      onSnapshotStatus(handler) {
        reports.snapshot = handler;
      },
      onRemoved(handler) {
        reports.removed = handler;
      },
      close() {
        net.handlers.delete(id);
        if (net.reports.get(id) === reports) net.reports.delete(id);
      },
    };
  }

  /** Blocks traffic both ways between a and b. */
  partition(a: NodeId, b: NodeId): void {
    this.cut.add(`${a}->${b}`);
    this.cut.add(`${b}->${a}`);
  }

  /** Cuts one member off from everybody (its process keeps running). */
  isolate(id: NodeId): void {
    this.down.add(id);
  }

  heal(): void {
    this.cut.clear();
    this.down.clear();
  }

  private deliver(from: NodeId, m: Message, peers: Set<NodeId>): void {
    if (!peers.has(m.to)) {
      this.dropped++;
      return;
    }
    if (this.cut.has(`${from}->${m.to}`) || this.down.has(from) || this.down.has(m.to)) {
      this.dropped++;
      this.report(from, m, false);
      return;
    }
    // Messages sent in the same moment travel together: one timer delivers the batch, in order.
    this.inFlight.push({ from, m: structuredClone(m) });
    if (this.inFlight.length === 1) {
      this.clock.after(this.delayMs, () => {
        const batch = this.inFlight;
        this.inFlight = [];
        for (const { from: f, m: msg } of batch) {
          const h = this.handlers.get(msg.to);
          if (!h || this.cut.has(`${f}->${msg.to}`) || this.down.has(f) || this.down.has(msg.to) || this.lose?.(f, msg)) {
            this.dropped++;
            this.report(f, msg, false);
            continue;
          }
          this.delivered++;
          const verdict = h(msg);
          this.report(f, msg, true);
          if (verdict === 'removed') {
            const r = this.reports.get(f);
            if (r) queueMicrotask(() => r.removed());
          }
        }
      });
    }
  }
  private inFlight: { from: NodeId; m: Message }[] = [];

  /** Tells the sender, after the current task (never inside its own send), what happened. */
  private report(from: NodeId, m: Message, delivered: boolean): void {
    const r = this.reports.get(from);
    if (!r || !this.handlers.has(from)) return;
    queueMicrotask(() => (delivered ? r.delivered(m) : r.lost(m)));
  }
}
