// Backup and restore on a virtual host, as a learner does it: put keys, `etcdctl snapshot
// save`, `etcdutl snapshot status -w table`, stop etcd, `etcdutl snapshot restore` into a new
// data dir, start etcd on it, and the keys are there.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { bash } from './bash.ts';
import { makeEtcdCommand } from './etcd.ts';
import { run } from './testing.ts';
import { createRegistry } from '../programs.ts';
import { builtinPrograms } from '../registry.ts';
import { createSandbox } from '../sandbox.ts';
import { provisionEtcd } from '../systemd/provision.ts';

it(
  'etcdctl snapshot save → etcdutl snapshot status → etcdutl snapshot restore → etcd on the restored dir serves the keys',
  { timeout: 60_000, skip: builtinPrograms.has('etcdctl') ? false : 'waiting for etcdctl in the registry' },
  async () => {
    const programs = createRegistry([...builtinPrograms.values(), bash, makeEtcdCommand()]);
    const sb = createSandbox({ hosts: [{ name: 'node-1' }], programs });
    try {
      const h = sb.host('node-1');
      await provisionEtcd(h);
      for (const [k, v] of [['/lab/a', '1'], ['/lab/b', '2'], ['/lab/a', '3']]) assert.equal((await run(h, ['etcdctl', 'put', k!, v!])).status, 0);
      const saved = await run(h, ['etcdctl', 'snapshot', 'save', '/root/backup.db'], { as: 'root' });
      assert.equal(saved.status, 0, saved.stderr);
      assert.match(saved.stdout, /^Snapshot saved at \/root\/backup\.db\nServer version 3\.6\.0\n$/);

      const st = await run(h, ['etcdutl', 'snapshot', 'status', '/root/backup.db', '-w', 'table'], { as: 'root' });
      assert.equal(st.status, 0, st.stderr);
      const lines = st.stdout.split('\n');
      assert.equal(lines[1], '|   HASH   | REVISION | TOTAL KEYS | TOTAL SIZE | VERSION |');
      assert.match(lines[3]!, /^\| [0-9a-f ]{8} \|        4 \|          2 \| +\d+ kB \|   3\.6\.0 \|$/);

      assert.equal((await run(h, ['systemctl', 'stop', 'etcd'], { as: 'root' })).status, 0);
      const rs = await run(h, ['etcdutl', 'snapshot', 'restore', '/root/backup.db', '--data-dir', '/var/lib/etcd-restored'], { as: 'root' });
      assert.equal(rs.status, 0, rs.stderr);
      assert.match(rs.stderr, /\tinfo\tsnapshot\/v3_snapshot\.go:333\trestored snapshot\t\{"path": "\/root\/backup\.db", "wal-dir": "\/var\/lib\/etcd-restored\/member\/wal"/);
      const ls = await run(h, ['ls', '/var/lib/etcd-restored/member/snap'], { as: 'root' });
      assert.match(ls.stdout, /^0000000000000001-0000000000000001\.snap\ndb\n$/);

      const started = await run(h, ['bash', '-c', 'etcd --data-dir /var/lib/etcd-restored >/tmp/etcd-restored.log 2>&1 &'], { as: 'root' });
      assert.equal(started.status, 0, started.stderr);
      let got = '';
      for (let i = 0; i < 50 && got !== '/lab/a\n3\n/lab/b\n2\n'; i++) {
        got = (await run(h, ['etcdctl', 'get', '/lab/', '--prefix'])).stdout;
        if (got !== '/lab/a\n3\n/lab/b\n2\n') await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(got, '/lab/a\n3\n/lab/b\n2\n');
      const rev = await run(h, ['etcdctl', 'endpoint', 'status', '-w', 'json']);
      assert.match(rev.stdout, /"revision":4/);
    } finally {
      await sb.dispose();
    }
  },
);
