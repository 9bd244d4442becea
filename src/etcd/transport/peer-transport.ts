// How members exchange raft messages. The server only needs send + onMessage; peers are
// added and removed as membership changes. Implementations: InMemoryPeerNetwork (tests,
// simulation) and NetworkPeerTransport (framed messages over platform Network).
import type { Message, NodeId } from '../../raft/types.ts';
import type { Clock } from '../../platform/clock.ts';

export interface PeerTransport {
  /** Best effort: a message to an unknown or unreachable peer is dropped (raft retries). */
  send(msgs: Message[]): void;
  onMessage(handler: (m: Message) => void): void;
  addPeer(id: NodeId, peerUrls: string[]): void;
  removePeer(id: NodeId): void;
  /** Peers this member currently reaches (for etcd's "active peers" checks). */
  activeSince?(id: NodeId): number | undefined;
  close(): void;
}

/**
 * A switchboard for members in one process: each message is delivered after `delayMs` on
 * the shared clock; a test can cut links or take a member off the network.
 */
export class InMemoryPeerNetwork {
  private handlers = new Map<NodeId, (m: Message) => void>();
  private cut = new Set<string>();
  private down = new Set<NodeId>();
  delivered = 0;
  dropped = 0;

  constructor(
    private readonly clock: Clock,
    private readonly delayMs = 1,
  ) {}

  transportFor(id: NodeId): PeerTransport {
    const net = this;
    const peers = new Set<NodeId>();
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
      close() {
        net.handlers.delete(id);
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
    if (!peers.has(m.to) || this.cut.has(`${from}->${m.to}`) || this.down.has(from) || this.down.has(m.to)) {
      this.dropped++;
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
          if (!h || this.cut.has(`${f}->${msg.to}`) || this.down.has(f) || this.down.has(msg.to)) {
            this.dropped++;
            continue;
          }
          this.delivered++;
          h(msg);
        }
      });
    }
  }
  private inFlight: { from: NodeId; m: Message }[] = [];
}
