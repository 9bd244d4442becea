// Targeted behaviours of the state machine that the transcripts do not pin down.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimCluster } from './sim-cluster.ts';
import { RawNode, ErrProposalDropped } from './raw-node.ts';
import { MemoryStorage, RaftError } from './storage.ts';
import { SeededRandom } from '../platform/random.ts';
import { decodeConfChange } from './conf-change.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

function elect(c: SimCluster, id: string): void {
  c.stabilize();
  c.get(id).node.campaign();
  c.stabilize();
  assert.equal(c.leader()?.id, id);
}

function data(c: SimCluster, id: string): string[] {
  return c.get(id).applied.filter((e) => e.data.length > 0).map((e) => dec(e.data));
}

test('bootstrap refuses an empty peer list and a non-empty storage', () => {
  const storage = new MemoryStorage();
  const node = new RawNode({ id: '1', electionTick: 10, heartbeatTick: 1, storage, random: new SeededRandom(1) });
  assert.throws(() => node.bootstrap([]), /at least one peer/);
  storage.append([{ term: 1, index: 1, type: 'normal', data: new Uint8Array() }]);
  assert.throws(() => node.bootstrap(['1']), /nonempty Storage/);
});

test('bootstrap entries carry the peer context and are committed in the first Ready', () => {
  const storage = new MemoryStorage();
  const node = new RawNode({ id: 'a', electionTick: 10, heartbeatTick: 1, storage, random: new SeededRandom(1) });
  node.bootstrap([{ id: 'a', context: enc('{"name":"infra0"}') }, { id: 'b' }]);
  const rd = node.ready();
  assert.deepEqual(rd.committedEntries.map((e) => decodeConfChange(e.data).nodeId), ['a', 'b']);
  assert.equal(dec(decodeConfChange(rd.committedEntries[0]!.data).context), '{"name":"infra0"}');
  assert.deepEqual(node.status().confState, { voters: ['a', 'b'], learners: [] });
});

test('config validation', () => {
  const base = { storage: new MemoryStorage(), random: new SeededRandom(1) };
  assert.throws(() => new RawNode({ ...base, id: '', electionTick: 10, heartbeatTick: 1 }), RaftError);
  assert.throws(() => new RawNode({ ...base, id: '1', electionTick: 1, heartbeatTick: 1 }), /election tick/);
});

test('randomised election timeout stays in [electionTick, 2*electionTick)', () => {
  const c = new SimCluster({ ids: ['1'], seed: 3, electionTick: 10 });
  const r = c.get('1').node.raft;
  const seen = new Set<number>();
  for (let i = 0; i < 200; i++) {
    r.resetRandomizedElectionTimeout();
    seen.add(r.randomizedElectionTimeout);
    assert.ok(r.randomizedElectionTimeout >= 10 && r.randomizedElectionTimeout < 20);
  }
  assert.ok(seen.size > 5, 'timeouts should vary');
});

test('a leader transfer to an unreachable node is abandoned after an election timeout', () => {
  const c = new SimCluster({ ids: ['1', '2', '3'] });
  elect(c, '1');
  c.isolate(['3']);
  c.get('1').node.propose(enc('a'));
  c.stabilize();
  c.get('1').node.transferLeader('3');
  assert.equal(c.get('1').node.status().leadTransferee, '3');
  assert.throws(() => c.get('1').node.propose(enc('b')), (e) => e === ErrProposalDropped);
  for (let i = 0; i < 10; i++) {
    c.get('1').node.tick();
    c.stabilize();
  }
  assert.equal(c.get('1').node.status().leadTransferee, '');
  c.get('1').node.propose(enc('b'));
  c.stabilize();
  assert.deepEqual(data(c, '2'), ['a', 'b']);
});

test('a failed snapshot is retried after reportSnapshot(failed)', () => {
  const c = new SimCluster({ ids: ['1', '2', '3'] });
  elect(c, '1');
  c.isolate(['3']);
  for (const d of ['a', 'b', 'c']) c.get('1').node.propose(enc(d));
  c.stabilize();
  c.compact('1');
  c.heal();
  // Heartbeat round: the leader finds 3 behind its first index and sends a snapshot,
  // which the transport loses.
  c.get('1').node.tick();
  let lost = 0;
  for (let round = 0; round < 20 && lost === 0; round++) {
    for (const id of ['1', '2', '3']) c.processReady(id);
    for (const m of c.queue.splice(0)) {
      if (m.type === 'MsgSnap') lost++;
      else c.deliver(m);
    }
  }
  assert.equal(lost, 1);
  assert.equal(c.get('1').node.status().progress['3']?.state, 'StateSnapshot');
  c.get('1').node.reportSnapshot('3', true);
  assert.equal(c.get('1').node.status().progress['3']?.state, 'StateProbe');
  for (let i = 0; i < 5; i++) {
    c.get('1').node.tick();
    c.stabilize();
  }
  assert.deepEqual(data(c, '3'), ['a', 'b', 'c']);
  assert.equal(c.get('1').node.status().progress['3']?.state, 'StateReplicate');
});

test('restart from a compacted log with a snapshot catches up', () => {
  const c = new SimCluster({ ids: ['1', '2', '3'] });
  elect(c, '1');
  for (const d of ['a', 'b']) c.get('1').node.propose(enc(d));
  c.stabilize();
  c.compact('2');
  c.crash('2');
  c.get('1').node.propose(enc('c'));
  c.stabilize();
  c.restart('2');
  assert.ok(c.get('2').storage.firstIndex() > 1);
  for (let i = 0; i < 3; i++) {
    c.tickAll();
    c.stabilize();
  }
  assert.deepEqual(data(c, '2'), ['a', 'b', 'c']);
});

test('Config.applied: entries up to it are not handed out again after a restart', () => {
  const c = new SimCluster({ ids: ['1'] });
  elect(c, '1');
  c.get('1').node.propose(enc('x'));
  c.stabilize();
  const n = c.get('1');
  const applied = n.node.status().applied;
  const node = new RawNode({ id: '1', electionTick: 10, heartbeatTick: 1, storage: n.storage, applied, random: new SeededRandom(2) });
  const rd = node.ready();
  assert.deepEqual(rd.committedEntries, []);
  assert.equal(node.status().applied, applied);
});

test('maxSizePerMsg splits entries over several MsgApp; maxInflightMsgs caps the pipeline', () => {
  const c = new SimCluster({ ids: ['1', '2'], maxSizePerMsg: 1, maxInflightMsgs: 2 });
  elect(c, '1');
  for (let i = 0; i < 5; i++) c.get('1').node.propose(enc(`e${i}`));
  c.processReady('1');
  const apps = c.queue.filter((m) => m.type === 'MsgApp' && m.to === '2');
  // One entry each, and only two in flight before the follower answers.
  assert.equal(apps.length, 2);
  assert.ok(apps.every((m) => m.entries.length === 1));
  assert.equal(c.get('1').node.status().progress['2']?.paused, true);
  c.stabilize();
  assert.deepEqual(data(c, '2'), ['e0', 'e1', 'e2', 'e3', 'e4']);
});

test('check-quorum with pre-vote: a node returning from a partition does not disrupt the leader', () => {
  const c = new SimCluster({ ids: ['1', '2', '3'], preVote: true, checkQuorum: true, seed: 5 });
  elect(c, '1');
  c.isolate(['3']);
  // 3 times out again and again, but never raises its term (pre-vote fails).
  for (let i = 0; i < 60; i++) {
    c.tickAll();
    c.stabilize();
  }
  assert.equal(c.get('3').node.raft.term, c.get('1').node.raft.term);
  c.heal();
  for (let i = 0; i < 30; i++) {
    c.tickAll();
    c.stabilize();
  }
  assert.equal(c.leader()?.id, '1');
  assert.equal(c.get('1').node.raft.term, 1 + 1);
});

test('a follower forwards ReadIndex to the leader and gets a ReadState', () => {
  const c = new SimCluster({ ids: ['1', '2', '3'] });
  elect(c, '1');
  c.get('3').node.readIndex(enc('req-1'));
  c.stabilize();
  assert.deepEqual(c.get('3').readStates, [{ index: c.get('1').node.status().hardState.commit, ctx: 'req-1' }]);
});

test('a follower without a leader drops ReadIndex and transfer requests silently', () => {
  const c = new SimCluster({ ids: ['1', '2', '3'] });
  c.stabilize();
  c.get('2').node.readIndex(enc('x'));
  c.get('2').node.transferLeader('2');
  assert.equal(c.get('2').node.hasReady(), false);
});

test('removing a follower: it stops getting entries, quorum shrinks', () => {
  const c = new SimCluster({ ids: ['1', '2', '3'] });
  elect(c, '1');
  c.get('1').node.proposeConfChange({ type: 'ConfChangeRemoveNode', nodeId: '3', context: new Uint8Array() });
  c.stabilize();
  assert.deepEqual(c.get('1').node.status().confState.voters, ['1', '2']);
  c.crash('3');
  c.get('1').node.propose(enc('after'));
  c.stabilize();
  assert.deepEqual(data(c, '2'), ['after']);
  assert.equal(c.get('1').node.status().progress['3'], undefined);
});

test('removing the last voter is refused', () => {
  const c = new SimCluster({ ids: ['1'] });
  elect(c, '1');
  assert.throws(
    () => c.get('1').node.applyConfChange({ type: 'ConfChangeRemoveNode', nodeId: '1', context: new Uint8Array() }),
    /removed all voters/,
  );
});

test('lease-based reads are answered at once by a leader (and need check-quorum)', () => {
  assert.throws(
    () =>
      new RawNode({
        id: '1',
        electionTick: 10,
        heartbeatTick: 1,
        storage: new MemoryStorage(),
        random: new SeededRandom(1),
        readOnlyOption: 'ReadOnlyLeaseBased',
      }),
    /CheckQuorum must be enabled/,
  );
  const storage = new MemoryStorage();
  storage.applySnapshot({ data: new Uint8Array(), metadata: { index: 1, term: 1, confState: { voters: ['1', '2', '3'], learners: [] } } });
  const node = new RawNode({
    id: '1',
    electionTick: 10,
    heartbeatTick: 1,
    storage,
    random: new SeededRandom(1),
    checkQuorum: true,
    readOnlyOption: 'ReadOnlyLeaseBased',
  });
  node.campaign();
  for (const from of ['2', '3']) node.step({ ...emptyVoteResp(from), term: node.raft.term });
  assert.equal(node.state, 'StateLeader');
  // Commit the leader's empty entry.
  let rd = node.ready();
  storage.append(rd.entries);
  node.advance(rd);
  node.step({ ...emptyVoteResp('2'), type: 'MsgAppResp', index: 2, term: node.raft.term });
  node.readIndex(enc('lease'));
  rd = node.ready();
  assert.deepEqual(rd.readStates.map((rs) => [rs.index, dec(rs.requestCtx)]), [[2, 'lease']]);
  assert.equal(rd.messages.filter((m) => m.type === 'MsgHeartbeat').length, 0);
});

function emptyVoteResp(from: string) {
  return { type: 'MsgVoteResp' as const, from, to: '1', term: 0, logTerm: 0, index: 0, entries: [], commit: 0, reject: false, rejectHint: 0 };
}
