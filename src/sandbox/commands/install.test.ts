import assert from 'node:assert/strict';
import { it } from 'node:test';
import { installProgram } from '../programs.ts';
import { run, testHost } from './testing.ts';

it('install -m 755 puts the release binaries into /usr/local/bin as root', async () => {
  const h = testHost();
  const dir = '/home/learner/etcd-v3.6.4-linux-amd64';
  h.rootFs.mkdir(dir);
  for (const b of ['etcd', 'etcdctl', 'etcdutl']) {
    installProgram(h.rootFs, `${dir}/${b}`, b, '3.6.4');
    h.rootFs.chown(`${dir}/${b}`, 1000, 1000);
  }
  const denied = await run(h, ['install', '-m', '755', `${dir}/etcd`, '/usr/local/bin']);
  assert.equal(denied.stderr, "install: cannot create regular file '/usr/local/bin/etcd': Permission denied\n");
  const r = await run(h, ['install', '-v', '-m', '755', `${dir}/etcd`, `${dir}/etcdctl`, `${dir}/etcdutl`, '/usr/local/bin'], { as: 'root' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.split('\n')[0], `'${dir}/etcd' -> '/usr/local/bin/etcd'`);
  const st = h.rootFs.stat('/usr/local/bin/etcdctl');
  assert.deepEqual([st.mode, st.uid, st.gid], [0o755, 0, 0]);
  assert.equal((await run(h, 'which etcdctl')).stdout, '/usr/local/bin/etcdctl\n');
});

it('install -d makes directories with owner, group and mode', async () => {
  const h = testHost();
  assert.equal((await run(h, ['install', '-d', '-v', '-m', '700', '-o', 'learner', '-g', 'learner', '/var/lib/etcd/x'], { as: 'root' })).stdout, "install: creating directory '/var/lib/etcd'\ninstall: creating directory '/var/lib/etcd/x'\n");
  const st = h.rootFs.stat('/var/lib/etcd/x');
  assert.deepEqual([st.mode, st.uid], [0o700, 1000]);
  assert.equal(h.rootFs.stat('/var/lib/etcd').mode, 0o755);
  assert.equal((await run(h, ['install', '-o', 'root', '/etc/hostname', '/tmp/h'])).stderr, "install: cannot change ownership of '/tmp/h': Operation not permitted\n");
});
