import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawNode, ErrProposalDropped, ErrStepLocalMsg } from './raw-node.ts';
import { MemoryStorage } from './storage.ts';
import { SimCluster } from './sim-cluster.ts';
import { SeededRandom } from '../platform/random.ts';
import { emptyMessage } from './types.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

function appliedData(c: SimCluster, id: string): string[] {
  return c.get(id).applied.filter((e) => e.data.length > 0).map((e) => dec(e.data));
}

test('single node: bootstrap, campaign, propose, commit and apply', () => {
  const storage = new MemoryStorage();
  const node = new RawNode({ id: '1', electionTick: 10, heartbeatTick: 1, storage, random: new SeededRandom(1) });
  node.bootstrap(['1']);
  // First Ready: the bootstrap conf change, committed, and a HardState to persist.
  let rd = node.ready();
  assert.equal(rd.entries.length, 1);
  assert.equal(rd.committedEntries.length, 1);
  assert.equal(rd.committedEntries[0]!.type, 'confchange');
  assert.deepEqual(rd.hardState, { term: 1, vote: '', commit: 1 });
  assert.equal(rd.mustSync, true);
  storage.append(rd.entries);
  storage.setHardState(rd.hardState!);
  node.advance(rd);

  node.campaign();
  assert.equal(node.state, 'StateLeader');
  rd = node.ready();
  assert.equal(rd.softState?.raftState, 'StateLeader');
  assert.equal(rd.softState?.lead, '1');
  assert.deepEqual(rd.hardState, { term: 2, vote: '1', commit: 2 });
  storage.append(rd.entries);
  node.advance(rd);

  node.propose(enc('hello'));
  rd = node.ready();
  assert.equal(rd.entries.length, 1);
  assert.equal(dec(rd.entries[0]!.data), 'hello');
  assert.equal(rd.committedEntries.length, 1);
  assert.equal(rd.committedEntries[0]!.index, 3);
  storage.append(rd.entries);
  node.advance(rd);
  assert.equal(node.hasReady(), false);
  assert.equal(node.status().applied, 3);
});

test('single node elects itself after the election timeout', () => {
  const c = new SimCluster({ ids: ['1'] });
  c.stabilize();
  for (let i = 0; i < 20 && !c.leader(); i++) {
    c.tickAll();
    c.stabilize();
  }
  assert.equal(c.leader()?.id, '1');
});

test('three nodes: election, replication, commit on all', () => {
  const c = new SimCluster({ ids: ['1', '2', '3'] });
  c.stabilize();
  c.get('1').node.campaign();
  c.stabilize();
  assert.equal(c.leader()?.id, '1');
  for (const id of ['2', '3']) assert.equal(c.get(id).node.lead, '1');
  c.get('1').node.propose(enc('a'));
  // A follower forwards its proposal to the leader.
  c.get('2').node.propose(enc('b'));
  c.stabilize();
  for (const id of ['1', '2', '3']) assert.deepEqual(appliedData(c, id), ['a', 'b']);
  const st = c.get('1').node.status();
  assert.equal(st.progress['2']?.match, st.hardState.commit);
  assert.equal(st.progress['3']?.state, 'StateReplicate');
});

test('proposal without a leader is dropped', () => {
  const c = new SimCluster({ ids: ['1', '2', '3'] });
  c.stabilize();
  assert.throws(() => c.get('1').node.propose(enc('x')), (e) => e === ErrProposalDropped);
});

test('local message types are refused from the network', () => {
  const c = new SimCluster({ ids: ['1', '2', '3'] });
  assert.throws(() => c.get('1').node.step(emptyMessage('MsgHup', '2', '1')), (e) => e === ErrStepLocalMsg);
});

test('randomised timeouts elect exactly one leader by ticking', () => {
  const c = new SimCluster({ ids: ['1', '2', '3'], seed: 7 });
  c.stabilize();
  for (let i = 0; i < 100 && !c.leader(); i++) {
    c.tickAll();
    c.stabilize();
  }
  const leader = c.leader();
  assert.ok(leader);
  const leaders = [...c.nodes.values()].filter((n) => n.node.state === 'StateLeader');
  assert.equal(leaders.length, 1);
});

test('restart from persisted storage keeps term, vote and log', () => {
  const c = new SimCluster({ ids: ['1', '2', '3'] });
  c.stabilize();
  c.get('1').node.campaign();
  c.stabilize();
  c.get('1').node.propose(enc('a'));
  c.stabilize();
  c.crash('2');
  c.get('1').node.propose(enc('b'));
  c.stabilize();
  c.restart('2');
  const st = c.get('2').node.status();
  assert.equal(st.hardState.term, 2);
  c.stabilize();
  // After the restart it replays its log and catches up with b via heartbeats.
  c.tickAll();
  c.stabilize();
  assert.deepEqual(appliedData(c, '2'), ['a', 'b']);
});
