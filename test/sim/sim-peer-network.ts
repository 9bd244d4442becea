// A hostile peer network for the simulation: every raft message may be delayed by a
// random amount (so messages reorder), dropped or duplicated, and links can be cut.
// All randomness comes from the seed, all time from the simulated clock.
import type { Clock } from '../../src/platform/clock.ts';
import type { Random } from '../../src/platform/random.ts';
import type { Message, NodeId } from '../../src/raft/types.ts';
import { SendReports, type PeerTransport } from '../../src/etcd/transport/peer-transport.ts';

export interface LinkFaults {
  dropRate: number;
  duplicateRate: number;
  minDelayMs: number;
  maxDelayMs: number;
}

export class SimPeerNetwork {
  private handlers = new Map<NodeId, (m: Message) => void>();
  private cut = new Set<string>();
  private reports = new Map<NodeId, SendReports>();
  faults: LinkFaults = { dropRate: 0, duplicateRate: 0, minDelayMs: 1, maxDelayMs: 5 };
  stats = { sent: 0, delivered: 0, dropped: 0, duplicated: 0, snapshots: 0 };

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  transportFor(id: NodeId): PeerTransport {
    const net = this;
    const reports = new SendReports();
    this.reports.set(id, reports);
    return {
      send(msgs) {
        for (const m of msgs) net.send(id, m);
      },
      onMessage(handler) {
        net.handlers.set(id, handler);
      },
      addPeer() {},
      removePeer() {},
      onUnreachable(handler) {
        reports.unreachable = handler;
      },
      onSnapshotStatus(handler) {
        reports.snapshot = handler;
      },
      close() {
        net.handlers.delete(id);
      },
    };
  }

  /** Cuts the link a → b (one direction). */
  cutLink(a: NodeId, b: NodeId): void {
    this.cut.add(`${a}>${b}`);
  }

  /** Splits members into two sides that cannot talk to each other. */
  partition(sideA: NodeId[], sideB: NodeId[]): void {
    for (const a of sideA)
      for (const b of sideB) {
        this.cutLink(a, b);
        this.cutLink(b, a);
      }
  }

  heal(): void {
    this.cut.clear();
  }

  isCut(a: NodeId, b: NodeId): boolean {
    return this.cut.has(`${a}>${b}`);
  }

  private send(from: NodeId, m: Message): void {
    this.stats.sent++;
    if (m.type === 'MsgSnap') this.stats.snapshots++;
    if (this.isCut(from, m.to) || this.random.next() < this.faults.dropRate) {
      this.stats.dropped++;
      this.report(from, m, false);
      return;
    }
    const copies = this.random.next() < this.faults.duplicateRate ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    for (let i = 0; i < copies; i++) {
      const copy = structuredClone(m);
      const span = this.faults.maxDelayMs - this.faults.minDelayMs;
      const delay = this.faults.minDelayMs + (span > 0 ? this.random.int(span + 1) : 0);
      this.clock.after(delay, () => {
        const h = this.handlers.get(m.to);
        if (!h || this.isCut(from, m.to)) {
          this.stats.dropped++;
          if (i === 0) this.report(from, m, false);
          return;
        }
        this.stats.delivered++;
        h(copy);
        if (i === 0) this.report(from, m, true);
      });
    }
  }

  /** Tells the sender (after the current task) whether its message arrived, as a connection error would. */
  private report(from: NodeId, m: Message, delivered: boolean): void {
    const r = this.reports.get(from);
    if (!r || !this.handlers.has(from)) return;
    queueMicrotask(() => (delivered ? r.delivered(m) : r.lost(m)));
  }
}
