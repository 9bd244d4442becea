import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimFileSystem } from '../../platform/sim-fs.ts';
import { SimClock } from '../../platform/sim-clock.ts';
import { Logger, nullSink } from '../log.ts';
import { parseUrlsMap } from '../types/urls.ts';
import { bootstrapMember, type BootstrapOptions } from './bootstrap.ts';
import { RaftCluster } from './membership.ts';

const initial = 'a=http://10.0.0.1:2380,b=http://10.0.0.2:2380,c=http://10.0.0.3:2380';
const opts = (over: Partial<BootstrapOptions> = {}): BootstrapOptions => ({
  name: 'c',
  dataDir: '/data/c',
  initialCluster: parseUrlsMap(initial),
  initialClusterString: initial,
  initialClusterState: 'new',
  initialClusterToken: 'etcd-cluster',
  initialAdvertisePeerUrls: ['http://10.0.0.3:2380'],
  mvcc: {},
  ...over,
});
const log = new Logger(nullSink, new SimClock());
const running = RaftCluster.fromUrlsMap('etcd-cluster', parseUrlsMap(initial));
for (const m of running.members.values()) m.clientUrls = ['http://x:2379'];

test('a wiped member restarted with "new" while its cluster runs: already bootstrapped', async () => {
  const fetchCluster = async () => ({ clusterId: running.clusterId, members: running.list() });
  const c = running.memberByName('c')!;
  await assert.rejects(bootstrapMember(opts({ fetchCluster }), new SimFileSystem(), log, 0), new RegExp(`member ${c.id} has already been bootstrapped`));
});

test('"existing" with a member that was never added: member count is unequal', async () => {
  const two = RaftCluster.fromUrlsMap('etcd-cluster', parseUrlsMap('a=http://10.0.0.1:2380,b=http://10.0.0.2:2380'));
  const fetchCluster = async () => ({ clusterId: two.clusterId, members: two.list() });
  await assert.rejects(bootstrapMember(opts({ initialClusterState: 'existing', fetchCluster }), new SimFileSystem(), log, 0), /error validating peerURLs .*: member count is unequal/);
});

test('"existing" takes the running cluster id and the id the cluster gave the member', async () => {
  const fetchCluster = async () => ({ clusterId: running.clusterId, members: running.list() });
  const b = await bootstrapMember(opts({ initialClusterState: 'existing', fetchCluster }), new SimFileSystem(), log, 0);
  assert.equal(b.cluster.clusterId, running.clusterId);
  assert.equal(b.memberId, running.memberByName('c')!.id);
  assert.deepEqual(b.bootstrapPeers, []);
});

test('advertised peer URLs must match --initial-cluster; duplicates refused', async () => {
  await assert.rejects(bootstrapMember(opts({ initialAdvertisePeerUrls: ['http://10.0.0.9:2380'] }), new SimFileSystem(), log, 0), /--initial-cluster has c=http:\/\/10.0.0.3:2380 but missing from --initial-advertise-peer-urls=http:\/\/10.0.0.9:2380/);
  const dup = 'a=http://10.0.0.1:2380,c=http://10.0.0.3:2380,b=http://10.0.0.3:2380';
  await assert.rejects(bootstrapMember(opts({ initialCluster: parseUrlsMap(dup), initialClusterString: dup }), new SimFileSystem(), log, 0), /has duplicate url/);
});
