// A small in-memory cluster of RawNodes for tests: each node persists its Ready into a
// MemoryStorage, applies committed entries to a list, and its messages go to a queue
// that the test delivers, drops, reorders or partitions as it likes.

import type { Entry, Message, NodeId, Ready, Snapshot } from './types.ts';
import { RawNode } from './raw-node.ts';
import type { RaftConfig } from './raw-node.ts';
import { MemoryStorage } from './storage.ts';
import { decodeConfChange } from './conf-change.ts';
import { SeededRandom } from '../platform/random.ts';
import type { Random } from '../platform/random.ts';

export interface SimNode {
  id: NodeId;
  node: RawNode;
  storage: MemoryStorage;
  /** Normal entries applied, in order (empty leader entries included). */
  applied: Entry[];
  readStates: Array<{ index: number; ctx: string }>;
  /** false while crashed: ticks and messages are ignored. */
  up: boolean;
}

export interface SimClusterOptions {
  /** The initial members, bootstrapped. */
  ids: NodeId[];
  /** Nodes that exist (empty) but are not members until added. */
  spares?: NodeId[];
  seed?: number;
  random?: Random;
  electionTick?: number;
  heartbeatTick?: number;
  preVote?: boolean;
  checkQuorum?: boolean;
  maxSizePerMsg?: number;
  maxInflightMsgs?: number;
}

export class SimCluster {
  readonly nodes = new Map<NodeId, SimNode>();
  /** Messages sent and not yet delivered. */
  queue: Message[] = [];
  /** Links cut by partition(): "a->b". */
  private cut = new Set<string>();
  private readonly opts: SimClusterOptions;
  readonly random: Random;
  /** Called for every entry a node applies (normal and conf change), in order. */
  onApply: ((id: NodeId, e: Entry) => void) | undefined;
  /** Called when a node replaces its state with a snapshot's. */
  onRestore: ((id: NodeId, applied: Entry[], index: number) => void) | undefined;

  constructor(opts: SimClusterOptions) {
    this.opts = opts;
    this.random = opts.random ?? new SeededRandom(opts.seed ?? 1);
    for (const id of opts.ids) {
      const storage = new MemoryStorage();
      const node = new RawNode(this.config(id, storage));
      node.bootstrap(opts.ids);
      this.nodes.set(id, { id, node, storage, applied: [], readStates: [], up: true });
    }
    // Spares start empty, outside the cluster, waiting to be added by a conf change.
    for (const id of opts.spares ?? []) {
      const storage = new MemoryStorage();
      this.nodes.set(id, { id, node: new RawNode(this.config(id, storage)), storage, applied: [], readStates: [], up: true });
    }
  }

  private config(id: NodeId, storage: MemoryStorage, applied?: number): RaftConfig {
    return {
      id,
      storage,
      electionTick: this.opts.electionTick ?? 10,
      heartbeatTick: this.opts.heartbeatTick ?? 1,
      preVote: this.opts.preVote ?? false,
      checkQuorum: this.opts.checkQuorum ?? false,
      random: this.random,
      ...(applied !== undefined ? { applied } : {}),
      ...(this.opts.maxSizePerMsg !== undefined ? { maxSizePerMsg: this.opts.maxSizePerMsg } : {}),
      ...(this.opts.maxInflightMsgs !== undefined ? { maxInflightMsgs: this.opts.maxInflightMsgs } : {}),
    };
  }

  get(id: NodeId): SimNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  /** Handles every pending Ready of node id the way a correct application would. */
  processReady(id: NodeId): boolean {
    const n = this.get(id);
    if (!n.up || !n.node.hasReady()) return false;
    const rd: Ready = n.node.ready();
    if (rd.snapshot) {
      n.storage.applySnapshot(rd.snapshot);
    }
    n.storage.append(rd.entries);
    if (rd.hardState) n.storage.setHardState(rd.hardState);
    if (rd.snapshot) {
      // The snapshot's data is the applied list up to its index, as JSON.
      const decoded = JSON.parse(new TextDecoder().decode(rd.snapshot.data)) as Array<{ term: number; index: number; data: string }>;
      n.applied = decoded.map((e) => ({ term: e.term, index: e.index, type: 'normal', data: new TextEncoder().encode(e.data) }));
      this.onRestore?.(id, n.applied, rd.snapshot.metadata.index);
    }
    for (const e of rd.committedEntries) {
      this.onApply?.(id, e);
      if (e.type === 'confchange') {
        n.node.applyConfChange(decodeConfChange(e.data));
      } else {
        n.applied.push(e);
      }
    }
    for (const rs of rd.readStates) n.readStates.push({ index: rs.index, ctx: new TextDecoder().decode(rs.requestCtx) });
    n.node.advance(rd);
    // Messages go out after the Ready is persisted. A snapshot is sent as the current
    // applied state, as etcd does (createMergedSnapshotMessage): the one in storage may
    // predate the recipient's membership, and the recipient would refuse it.
    for (const m of rd.messages) this.queue.push(m.type === 'MsgSnap' ? { ...m, snapshot: this.currentSnapshot(id) } : m);
    return true;
  }

  /** The node's state machine at its applied index, as a snapshot. */
  currentSnapshot(id: NodeId): Snapshot {
    const n = this.get(id);
    const st = n.node.status();
    const data = n.applied
      .filter((e) => e.index <= st.applied)
      .map((e) => ({ term: e.term, index: e.index, data: new TextDecoder().decode(e.data) }));
    return {
      data: new TextEncoder().encode(JSON.stringify(data)),
      metadata: { index: st.applied, term: n.node.raft.raftLog.term(st.applied), confState: st.confState },
    };
  }

  /** Takes a snapshot of node id at its applied index and compacts its log there. */
  compact(id: NodeId, index?: number): void {
    const n = this.get(id);
    const st = n.node.status();
    const at = index ?? st.applied;
    if (at <= n.storage.snapshot().metadata.index || at < n.storage.firstIndex()) return;
    const data = n.applied
      .filter((e) => e.index <= at)
      .map((e) => ({ term: e.term, index: e.index, data: new TextDecoder().decode(e.data) }));
    n.storage.createSnapshot(at, st.confState, new TextEncoder().encode(JSON.stringify(data)));
    n.storage.compact(at);
  }

  isCut(from: NodeId, to: NodeId): boolean {
    return this.cut.has(`${from}->${to}`);
  }

  /** Cuts every link between group and the rest of the cluster. */
  isolate(group: NodeId[]): void {
    for (const a of group) {
      for (const b of this.nodes.keys()) {
        if (group.includes(b)) continue;
        this.cut.add(`${a}->${b}`);
        this.cut.add(`${b}->${a}`);
      }
    }
  }

  heal(): void {
    this.cut.clear();
  }

  deliver(m: Message): void {
    const to = this.nodes.get(m.to);
    if (!to || !to.up || this.isCut(m.from, m.to)) return;
    try {
      to.node.step(m);
    } catch (e) {
      // A forwarded proposal can be dropped by a node without a leader; that is fine.
      if (!(e instanceof Error) || e.name !== 'RaftError') throw e;
    }
  }

  /** Delivers messages and processes Readys until nothing moves (bounded). */
  stabilize(maxRounds = 1000): void {
    for (let round = 0; round < maxRounds; round++) {
      let moved = false;
      for (const id of this.nodes.keys()) if (this.processReady(id)) moved = true;
      const msgs = this.queue;
      this.queue = [];
      for (const m of msgs) {
        this.deliver(m);
        moved = true;
      }
      if (!moved) return;
    }
    throw new Error('cluster did not stabilize');
  }

  tickAll(n = 1): void {
    for (let i = 0; i < n; i++) {
      for (const node of this.nodes.values()) if (node.up) node.node.tick();
    }
  }

  leader(): SimNode | undefined {
    const leaders = [...this.nodes.values()].filter((n) => n.up && n.node.state === 'StateLeader');
    if (leaders.length === 0) return undefined;
    // Several may think so across terms; the highest term wins.
    return leaders.sort((a, b) => b.node.status().hardState.term - a.node.status().hardState.term)[0];
  }

  /** Simulates a crash: unpersisted state is lost; the node restarts from its storage. */
  crash(id: NodeId): void {
    const n = this.get(id);
    n.up = false;
  }

  restart(id: NodeId): void {
    const n = this.get(id);
    // Applied state is rebuilt from the snapshot (if any) and then by replaying the log.
    const snap = n.storage.snapshot();
    let applied: Entry[] = [];
    if (snap.metadata.index > 0) {
      const decoded = JSON.parse(new TextDecoder().decode(snap.data)) as Array<{ term: number; index: number; data: string }>;
      applied = decoded.map((e) => ({ term: e.term, index: e.index, type: 'normal', data: new TextEncoder().encode(e.data) }));
    }
    n.applied = applied;
    n.node = new RawNode(this.config(id, n.storage));
    n.up = true;
  }
}
