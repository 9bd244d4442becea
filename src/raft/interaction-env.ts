// Interprets the transcript command language of testdata/*.txt (after etcd-io/raft's
// rafttest.InteractionEnv): a set of RawNodes on MemoryStorage, a shared message list,
// and commands to tick, campaign, propose, deliver, drop and inspect. Every command
// returns the text it produced (raft's log lines included), which the transcript compares.
//
// Commands: log-level L | add-nodes N [voters=(..)] [learners=(..)] [index=I] [prevote=true]
// [checkquorum=true] [inflight=N] [max-msg-size=N] [read-only=lease-based] [content=S] |
// campaign ID | propose ID DATA | propose-conf-change ID v2|l4|r3|u5 | tick-election ID |
// tick-heartbeat ID | process-ready ID... | deliver-msgs [ID...] [drop=(ID,...)] |
// stabilize [ID...] | status ID | raft-state | raft-log ID | read-index ID CTX |
// transfer-leadership from=ID to=ID | compact ID INDEX | report-unreachable ID PEER |
// report-snapshot ID PEER [failed=true] | cut A B | isolate ID | partition ID... | heal |
// restart ID. Links are checked when a message is delivered: a cut link drops it.

import type { ConfChange, ConfState, Entry, Message, NodeId, Ready, Snapshot } from './types.ts';
import { RawNode } from './raw-node.ts';
import type { RaftConfig } from './raw-node.ts';
import { MemoryStorage, RaftError } from './storage.ts';
import type { RaftLogger } from './logger.ts';
import type { Random } from '../platform/random.ts';
import { decodeConfChange, describeConfChange } from './conf-change.ts';
import { describeEntries, describeMessage, fmtId } from './util.ts';
import { sortIds } from './quorum.ts';
import type { CmdArg, TestCase } from './datadriven.ts';
import { describeReady } from './interaction-format.ts';

const levels = ['debug', 'info', 'warn', 'error', 'none'] as const;
type Level = (typeof levels)[number];

/** The state machine of a test node: it appends every applied entry's data to a string. */
interface AppliedState {
  index: number;
  term: number;
  data: string;
  confState: ConfState;
}

/**
 * MemoryStorage whose snapshot() is the node's latest applied state (as etcd-io/raft's
 * interaction env does, and as an application that snapshots on demand would): a member
 * added after the last compaction then receives a snapshot that includes it.
 */
class EnvStorage extends MemoryStorage {
  latest: (() => Snapshot | undefined) | undefined;
  override snapshot(): Snapshot {
    const snap = this.latest?.();
    const stored = super.snapshot();
    return snap && snap.metadata.index >= stored.metadata.index ? snap : stored;
  }
}

interface EnvNode {
  id: NodeId;
  node: RawNode;
  storage: EnvStorage;
  config: RaftConfig;
  history: AppliedState[];
}

/** Election timeouts are not randomised in transcripts: tick-election is exact. */
const noJitter: Random = { next: () => 0, int: () => 0 };

export function formatEntryData(e: Entry): string {
  if (e.type === 'confchange') {
    try {
      return describeConfChange(decodeConfChange(e.data));
    } catch {
      return '<invalid conf change>';
    }
  }
  return JSON.stringify(new TextDecoder().decode(e.data));
}

export class InteractionEnv {
  nodes: EnvNode[] = [];
  messages: Message[] = [];
  private cut = new Set<string>();
  private out: string[] = [];
  private indent = '';
  private level: Level = 'info';

  private write(line: string): void {
    for (const l of line.split('\n')) this.out.push(this.indent + l);
  }

  private logger(): RaftLogger {
    const log = (lvl: Level, msg: string) => {
      if (levels.indexOf(lvl) >= levels.indexOf(this.level)) this.write(`${lvl.toUpperCase()} ${msg}`);
    };
    return {
      debug: (m) => log('debug', m),
      info: (m) => log('info', m),
      warn: (m) => log('warn', m),
      error: (m) => log('error', m),
    };
  }

  private withIndent(fn: () => void): void {
    const saved = this.indent;
    this.indent += '  ';
    try {
      fn();
    } finally {
      this.indent = saved;
    }
  }

  /** Runs one transcript command; returns its output. */
  handle(tc: TestCase): string {
    this.out = [];
    this.indent = '';
    try {
      this.dispatch(tc.cmd, tc.args);
    } catch (e) {
      if (e instanceof Error) this.write(e instanceof RaftError ? e.message : `error: ${e.message}`);
      else throw e;
    }
    return this.out.join('\n');
  }

  private dispatch(cmd: string, args: CmdArg[]): void {
    switch (cmd) {
      case 'log-level':
        this.setLevel(args[0]?.key ?? 'info');
        this.write('ok');
        return;
      case 'add-nodes':
        return this.addNodes(args);
      case 'campaign':
        return this.node(args[0]).node.campaign();
      case 'propose':
        return this.node(args[0]).node.propose(new TextEncoder().encode(args[1]?.key ?? ''));
      case 'propose-conf-change':
        return this.node(args[0]).node.proposeConfChange(parseConfChange(args[1]?.key ?? ''));
      case 'tick-election':
        return this.tick(args[0], this.node(args[0]).config.electionTick);
      case 'tick-heartbeat':
        return this.tick(args[0], this.node(args[0]).config.heartbeatTick);
      case 'process-ready':
        for (const a of args) {
          const n = this.node(a);
          if (!n.node.hasReady()) continue;
          if (args.length > 1) this.write(`> ${n.id} handling Ready`);
          this.withIndentIf(args.length > 1, () => this.processReady(n));
        }
        return;
      case 'deliver-msgs':
        return this.deliverMsgs(args);
      case 'stabilize':
        return this.stabilize(args.length > 0 ? args.map((a) => this.node(a)) : this.nodes);
      case 'status':
        return this.status(this.node(args[0]));
      case 'raft-state':
        return this.raftState();
      case 'raft-log':
        return this.raftLog(this.node(args[0]));
      case 'read-index':
        return this.node(args[0]).node.readIndex(new TextEncoder().encode(args[1]?.key ?? ''));
      case 'transfer-leadership': {
        const from = this.argValue(args, 'from');
        const to = this.argValue(args, 'to');
        return this.node({ key: from, vals: [] }).node.transferLeader(to);
      }
      case 'compact':
        return this.compact(this.node(args[0]), Number(args[1]?.key));
      case 'report-unreachable':
        return this.node(args[0]).node.reportUnreachable(args[1]?.key ?? '');
      case 'report-snapshot':
        return this.node(args[0]).node.reportSnapshot(args[1]?.key ?? '', this.argValue(args, 'failed', 'false') === 'true');
      case 'cut':
        for (const [a, b] of [[args[0]?.key, args[1]?.key], [args[1]?.key, args[0]?.key]]) this.cut.add(`${a}->${b}`);
        this.write('ok');
        return;
      case 'isolate': {
        const id = this.node(args[0]).id;
        for (const n of this.nodes) {
          if (n.id === id) continue;
          this.cut.add(`${id}->${n.id}`);
          this.cut.add(`${n.id}->${id}`);
        }
        this.write('ok');
        return;
      }
      case 'partition': {
        // partition 1 2: nodes 1 and 2 can talk to each other, not to the rest.
        const group = new Set(args.map((a) => this.node(a).id));
        for (const a of group) {
          for (const n of this.nodes) {
            if (group.has(n.id)) continue;
            this.cut.add(`${a}->${n.id}`);
            this.cut.add(`${n.id}->${a}`);
          }
        }
        this.write('ok');
        return;
      }
      case 'heal':
        this.cut.clear();
        this.write('ok');
        return;
      case 'restart':
        return this.restart(this.node(args[0]));
      default:
        throw new Error(`unknown command ${cmd}`);
    }
  }

  private withIndentIf(cond: boolean, fn: () => void): void {
    if (cond) this.withIndent(fn);
    else fn();
  }

  private argValue(args: CmdArg[], key: string, dflt?: string): string {
    const a = args.find((x) => x.key === key);
    const v = a?.vals[0] ?? dflt;
    if (v === undefined) throw new Error(`missing argument ${key}=`);
    return v;
  }

  private setLevel(l: string): void {
    if (!(levels as readonly string[]).includes(l)) throw new Error(`unknown log level ${l}`);
    this.level = l as Level;
  }

  private node(a: CmdArg | undefined): EnvNode {
    const n = this.nodes.find((x) => x.id === a?.key);
    if (!n) throw new Error(`no node ${a?.key ?? '(missing id)'}`);
    return n;
  }

  private addNodes(args: CmdArg[]): void {
    const count = Number(args[0]?.key);
    const voters: NodeId[] = [];
    const learners: NodeId[] = [];
    let index = 0;
    let content = '';
    const base: Omit<RaftConfig, 'id' | 'storage' | 'logger'> = { electionTick: 3, heartbeatTick: 1, random: noJitter };
    for (const a of args.slice(1)) {
      const v = a.vals[0] ?? '';
      switch (a.key) {
        case 'voters':
          voters.push(...a.vals);
          break;
        case 'learners':
          learners.push(...a.vals);
          break;
        case 'index':
          index = Number(v);
          break;
        case 'content':
          content = v;
          break;
        case 'prevote':
          base.preVote = v === 'true';
          break;
        case 'checkquorum':
          base.checkQuorum = v === 'true';
          break;
        case 'inflight':
          base.maxInflightMsgs = Number(v);
          break;
        case 'max-msg-size':
          base.maxSizePerMsg = Number(v);
          break;
        case 'read-only':
          base.readOnlyOption = v === 'lease-based' ? 'ReadOnlyLeaseBased' : 'ReadOnlySafe';
          break;
        default:
          throw new Error(`unknown add-nodes argument ${a.key}`);
      }
    }
    const bootstrap = voters.length > 0 || learners.length > 0;
    if (bootstrap && index <= 1) throw new Error('index must be specified as > 1 due to bootstrap');
    for (let i = 0; i < count; i++) {
      const id = String(this.nodes.length + 1);
      const storage = new EnvStorage();
      const confState = { voters: [...voters], learners: [...learners] };
      const initial: AppliedState = { index: 0, term: 0, data: '', confState: { voters: [], learners: [] } };
      if (bootstrap) {
        const snap = { data: new TextEncoder().encode(content), metadata: { index, term: 1, confState } };
        storage.applySnapshot(snap);
        Object.assign(initial, { index, term: 1, data: content, confState });
      }
      const config: RaftConfig = { ...base, id, storage, logger: this.logger(), ...(bootstrap ? { applied: index } : {}) };
      const node = new RawNode(config);
      const envNode: EnvNode = { id, node, storage, config, history: [initial] };
      storage.latest = () => {
        const h = envNode.history[envNode.history.length - 1]!;
        if (h.index === 0) return undefined;
        return { data: new TextEncoder().encode(h.data), metadata: { index: h.index, term: h.term, confState: h.confState } };
      };
      this.nodes.push(envNode);
    }
  }

  private tick(a: CmdArg | undefined, times: number): void {
    const n = this.node(a);
    for (let i = 0; i < times; i++) n.node.tick();
  }

  /** Persists, applies and advances one Ready, printing it; messages join the network. */
  private processReady(n: EnvNode): void {
    if (!n.node.hasReady()) return;
    const rd: Ready = n.node.ready();
    this.write(describeReady(rd, formatEntryData));
    if (rd.snapshot) {
      n.storage.applySnapshot(rd.snapshot);
      const md = rd.snapshot.metadata;
      n.history.push({ index: md.index, term: md.term, data: new TextDecoder().decode(rd.snapshot.data), confState: md.confState });
    }
    n.storage.append(rd.entries);
    if (rd.hardState) n.storage.setHardState(rd.hardState);
    for (const e of rd.committedEntries) this.apply(n, e);
    this.messages.push(...rd.messages);
    n.node.advance(rd);
  }

  private apply(n: EnvNode, e: Entry): void {
    const last = n.history[n.history.length - 1]!;
    let confState = last.confState;
    let update = '';
    if (e.type === 'confchange') {
      const cc = decodeConfChange(e.data);
      confState = n.node.applyConfChange(cc);
      update = new TextDecoder().decode(cc.context);
    } else {
      update = new TextDecoder().decode(e.data);
    }
    n.history.push({ index: e.index, term: e.term, data: last.data + update, confState });
  }

  private deliverMsgs(args: CmdArg[]): void {
    const drop = new Set(args.filter((a) => a.key === 'drop').flatMap((a) => a.vals));
    let recipients = args.filter((a) => a.key !== 'drop').map((a) => this.node(a).id);
    if (recipients.length === 0 && drop.size === 0) recipients = this.nodes.map((n) => n.id);
    for (const id of sortIds(drop)) {
      const [mine, rest] = this.split(id);
      this.messages = rest;
      for (const m of mine) this.write(`dropped: ${describeMessage(m, formatEntryData)}`);
    }
    for (const id of recipients) {
      const n = this.node({ key: id, vals: [] });
      const [mine, rest] = this.split(id);
      this.messages = rest;
      if (mine.length === 0) continue;
      this.deliver(n, mine);
    }
  }

  private split(to: NodeId): [Message[], Message[]] {
    return [this.messages.filter((m) => m.to === to), this.messages.filter((m) => m.to !== to)];
  }

  private deliver(n: EnvNode, msgs: Message[]): void {
    for (const m of msgs) {
      if (this.cut.has(`${m.from}->${m.to}`)) {
        this.write(`dropped: ${describeMessage(m, formatEntryData)}`);
        continue;
      }
      this.write(describeMessage(m, formatEntryData));
      this.withIndent(() => {
        try {
          n.node.step(m);
        } catch (e) {
          if (e instanceof RaftError) this.write(e.message);
          else throw e;
        }
      });
    }
  }

  private stabilize(nodes: EnvNode[]): void {
    for (let round = 0; round < 1000; round++) {
      let done = true;
      for (const n of nodes) {
        if (!n.node.hasReady()) continue;
        done = false;
        this.write(`> ${n.id} handling Ready`);
        this.withIndent(() => this.processReady(n));
      }
      for (const n of nodes) {
        const [mine, rest] = this.split(n.id);
        if (mine.length === 0) continue;
        this.messages = rest;
        done = false;
        this.write(`> ${n.id} receiving messages`);
        this.withIndent(() => this.deliver(n, mine));
      }
      if (done) return;
    }
    throw new Error('stabilize did not converge');
  }

  private status(n: EnvNode): void {
    const st = n.node.status();
    const hs = st.hardState;
    let head = `node ${n.id}: ${st.softState.raftState} term=${hs.term} vote=${fmtId(hs.vote)} commit=${hs.commit} applied=${st.applied} lead=${fmtId(st.softState.lead)}`;
    if (st.leadTransferee) head += ` leadTransferee=${st.leadTransferee}`;
    this.write(head);
    if (st.softState.raftState !== 'StateLeader') return;
    n.node.raft.prs.visit((id, pr) => this.write(`${id}: ${pr.toString()}`));
  }

  private raftState(): void {
    for (const n of this.nodes) {
      const r = n.node.raft;
      const role = r.prs.voters.has(n.id) ? 'Voter' : r.prs.learners.has(n.id) ? 'Learner' : 'Non-Voter';
      this.write(`${n.id}: ${r.state} (${role}) Term:${r.term} Lead:${fmtId(r.lead)}`);
    }
  }

  private raftLog(n: EnvNode): void {
    const fi = n.storage.firstIndex();
    const li = n.storage.lastIndex();
    if (li < fi) {
      this.write(`log is empty: first index=${fi}, last index=${li}`);
      return;
    }
    this.write(describeEntries(n.storage.entries(fi, li + 1), formatEntryData));
  }

  /** Snapshots the node's state machine at `index` and drops the log up to it. */
  private compact(n: EnvNode, index: number): void {
    const st = [...n.history].reverse().find((h) => h.index <= index);
    if (!st || st.index !== index) throw new Error(`node ${n.id} has not applied index ${index}`);
    n.storage.createSnapshot(index, st.confState, new TextEncoder().encode(st.data));
    n.storage.compact(index);
    this.raftLog(n);
  }

  /** Crash and restart: unpersisted raft state is lost; the state machine survives. */
  private restart(n: EnvNode): void {
    const applied = n.history[n.history.length - 1]!.index;
    n.config = { ...n.config, applied };
    n.node = new RawNode(n.config);
  }
}

function parseConfChange(s: string): ConfChange {
  const m = /^([vlru])(\d+)$/.exec(s);
  if (!m) throw new Error(`unknown conf change ${s} (want v<id>, l<id>, r<id> or u<id>)`);
  const types = { v: 'ConfChangeAddNode', l: 'ConfChangeAddLearnerNode', r: 'ConfChangeRemoveNode', u: 'ConfChangeUpdateNode' } as const;
  return { type: types[m[1] as keyof typeof types], nodeId: m[2]!, context: new Uint8Array(0) };
}
