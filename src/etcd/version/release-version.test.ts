import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ETCD_RELEASE_FACTS } from './release-facts.ts';
import { etcdReleaseFacts } from './release-version.ts';
import { versionText } from '../cli/etcd-main.ts';

test('each release has its own commit', () => {
  // Releases are built from different commits.
  const shas = Object.values(ETCD_RELEASE_FACTS).map((f) => f.gitSha);
  assert.equal(new Set(shas).size, shas.length);
});

test('versions outside the table fall back to GitNotFound and a neighbouring Go', () => {
  assert.deepEqual(etcdReleaseFacts('3.6.4'), { gitSha: '5400cdc', goVersion: 'go1.23.11' });
  assert.deepEqual(etcdReleaseFacts('3.5.99'), { gitSha: 'GitNotFound', goVersion: ETCD_RELEASE_FACTS['3.5.21']!.goVersion });
  assert.deepEqual(etcdReleaseFacts('3.3.1'), { gitSha: 'GitNotFound', goVersion: ETCD_RELEASE_FACTS['3.4.0']!.goVersion });
  assert.equal(etcdReleaseFacts('nonsense').gitSha, 'GitNotFound');
  assert.equal(versionText('3.4.0'), 'etcd Version: 3.4.0\nGit SHA: 898bd1351\nGo Version: go1.12.9\nGo OS/Arch: linux/amd64\n');
});
