import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

const SEED = ['adduser', '--system', '--group', '--disabled-login', '--disabled-password', '--home', '/var/lib/etcd', 'etcd'];
const text = (h: ReturnType<typeof testHost>, p: string) => new TextDecoder().decode(h.rootFs.readFile(p));

it("the course's adduser makes a system user and group, home owned by it, as Debian's adduser 3.134", async () => {
  const h = testHost();
  const r = await run(h, SEED, { as: 'root' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, "Adding system user `etcd' (UID 102) ...\nAdding new group `etcd' (GID 101) ...\nAdding new user `etcd' (UID 102) with group `etcd' ...\nCreating home directory `/var/lib/etcd' ...\n");
  assert.match(text(h, '/etc/passwd'), /^etcd:x:102:101::\/var\/lib\/etcd:\/usr\/sbin\/nologin$/m);
  assert.match(text(h, '/etc/group'), /^etcd:x:101:$/m);
  assert.match(text(h, '/etc/shadow'), /^etcd:!:\d+::::::$/m);
  const st = h.rootFs.stat('/var/lib/etcd');
  assert.deepEqual([st.uid, st.gid, st.mode & 0o7777], [102, 101, 0o755]);
  assert.deepEqual(h.users.credentials('etcd'), { uid: 102, gid: 101, groups: [101], user: 'etcd' });
  const id = await run(h, ['id', 'etcd']);
  assert.equal(id.stdout, 'uid=102(etcd) gid=101(etcd) groups=101(etcd)\n');
  // Run again: adduser says the user exists and succeeds; the home dir warning goes to stderr.
  const again = await run(h, SEED, { as: 'root' });
  assert.equal(again.stdout, "The system user `etcd' already exists. Exiting.\n");
  assert.equal(again.stderr, 'adduser: Warning: The home dir /var/lib/etcd you specified already exists.\n');
  assert.equal(again.status, 0);
});

it('adduser refuses non-root, existing non-system users and bad names', async () => {
  const h = testHost();
  let r = await run(h, ['/usr/sbin/adduser', ...SEED.slice(1)]);
  assert.equal(r.stderr, 'adduser: Only root may add a user or group to the system.\n');
  assert.equal(r.status, 1);
  r = await run(h, ['adduser', '--system', 'learner'], { as: 'root' });
  assert.equal(r.stderr, "adduser: The user `learner' already exists, but is not a system user. Exiting.\n");
  assert.equal(r.status, 1);
  r = await run(h, ['adduser', '--system', 'bad name'], { as: 'root' });
  assert.match(r.stderr, /^adduser: To avoid problems, the username must not start with a\n/);
  r = await run(h, ['adduser', 'learner', 'nosuch'], { as: 'root' });
  assert.equal(r.stderr, "adduser: The group `nosuch' does not exist.\n");
});

it('adduser USER GROUP and a normal user', async () => {
  const h = testHost();
  await run(h, SEED, { as: 'root' });
  let r = await run(h, ['adduser', 'learner', 'etcd'], { as: 'root' });
  assert.equal(r.stdout, "Adding user `learner' to group `etcd' ...\nDone.\n");
  assert.ok(h.users.credentials('learner')!.groups.includes(101));
  r = await run(h, ['adduser', '--disabled-password', '--gecos', '', 'bob'], { as: 'root' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Adding user `bob' \.\.\.\nAdding new group `bob' \(1001\) \.\.\.\nAdding new user `bob' \(1001\) with group `bob \(1001\)' \.\.\.\nCreating home directory `\/home\/bob' \.\.\.\nCopying files from `\/etc\/skel' \.\.\.\n/);
  assert.ok(h.rootFs.exists('/home/bob/.bashrc'));
  assert.equal(h.rootFs.stat('/home/bob/.bashrc').uid, 1001);
});

it('useradd and groupadd edit the files with shadow-utils ids and errors', async () => {
  const h = testHost();
  let r = await run(h, ['useradd', '-r', '-m', '-d', '/var/lib/svc', '-s', '/usr/sbin/nologin', 'svc'], { as: 'root' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(text(h, '/etc/passwd'), /^svc:x:999:997::\/var\/lib\/svc:\/usr\/sbin\/nologin$/m);
  assert.equal(h.rootFs.stat('/var/lib/svc').uid, 999);
  r = await run(h, ['useradd', 'svc'], { as: 'root' });
  assert.equal(r.stderr, "useradd: user 'svc' already exists\n");
  assert.equal(r.status, 9);
  r = await run(h, ['useradd', '-g', 'nogrp', 'u1'], { as: 'root' });
  assert.equal(r.stderr, "useradd: group 'nogrp' does not exist\n");
  assert.equal(r.status, 6);
  r = await run(h, ['/usr/sbin/useradd', 'u1']);
  assert.equal(r.stderr, 'useradd: Permission denied.\nuseradd: cannot lock /etc/passwd; try again later.\n');
  assert.equal((await run(h, ['groupadd', 'ops'], { as: 'root' })).status, 0);
  assert.match(text(h, '/etc/group'), /^ops:x:1001:$/m);
  r = await run(h, ['groupadd', 'ops'], { as: 'root' });
  assert.equal(r.stderr, "groupadd: group 'ops' already exists\n");
  assert.equal(r.status, 9);
  r = await run(h, ['useradd', '-m', '-G', 'ops', 'carol'], { as: 'root' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal((await run(h, ['id', 'carol'])).stdout, 'uid=1001(carol) gid=1002(carol) groups=1002(carol),1001(ops)\n');
});

it('usermod -aG adds a supplementary group, -G replaces the list, errors as shadow-utils', async () => {
  const h = testHost();
  await run(h, ['groupadd', 'ops'], { as: 'root' });
  await run(h, ['groupadd', 'dev'], { as: 'root' });
  assert.equal((await run(h, ['usermod', '-aG', 'ops', 'learner'], { as: 'root' })).status, 0);
  assert.equal((await run(h, ['usermod', '-a', '-G', 'dev', 'learner'], { as: 'root' })).status, 0);
  assert.match((await run(h, ['id', 'learner'])).stdout, /,1001\(ops\),1002\(dev\)\n$/);
  await run(h, ['usermod', '-G', 'dev', 'learner'], { as: 'root' });
  assert.doesNotMatch((await run(h, ['id', 'learner'])).stdout, /ops/);
  let r = await run(h, ['usermod', '-aG', 'nogrp', 'learner'], { as: 'root' });
  assert.equal(r.stderr, "usermod: group 'nogrp' does not exist\n");
  assert.equal(r.status, 6);
  r = await run(h, ['usermod', '-aG', 'ops', 'ghost'], { as: 'root' });
  assert.equal(r.stderr, "usermod: user 'ghost' does not exist\n");
  r = await run(h, ['/usr/sbin/usermod', '-aG', 'ops', 'learner']);
  assert.equal(r.stderr, 'usermod: Permission denied.\nusermod: cannot lock /etc/passwd; try again later.\n');
  await run(h, ['usermod', '-s', '/usr/sbin/nologin', 'learner'], { as: 'root' });
  assert.equal(h.users.byName('learner')?.shell, '/usr/sbin/nologin');
});
