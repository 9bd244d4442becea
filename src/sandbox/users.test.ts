import assert from 'node:assert/strict';
import { it } from 'node:test';
import { SimClock } from '../platform/sim-clock.ts';
import { FileUserDatabase, parseGroup, parsePasswd } from './users.ts';
import { Vfs } from './vfs.ts';

it('parses passwd and group lines and skips malformed ones', () => {
  assert.deepEqual(parsePasswd('root:x:0:0:root:/root:/bin/bash\nbad line\n# comment\n'), [{ name: 'root', uid: 0, gid: 0, gecos: 'root', home: '/root', shell: '/bin/bash' }]);
  assert.deepEqual(parseGroup('sudo:x:27:learner,bob\nx:y\n'), [{ name: 'sudo', gid: 27, members: ['learner', 'bob'] }]);
});

it('reads the files on every call, so added users exist at once', () => {
  const fs = new Vfs(new SimClock()).view(null);
  fs.mkdir('/etc');
  fs.writeFile('/etc/passwd', 'root:x:0:0:root:/root:/bin/bash\n');
  fs.writeFile('/etc/group', 'root:x:0:\n');
  const db = new FileUserDatabase(fs);
  assert.equal(db.byName('etcd'), undefined);
  db.addGroup({ name: 'etcd', gid: 998, members: [] });
  db.addUser({ name: 'etcd', uid: 998, gid: 998, gecos: '', home: '/var/lib/etcd', shell: '/usr/sbin/nologin' });
  assert.deepEqual(db.credentials('etcd'), { uid: 998, gid: 998, groups: [998], user: 'etcd' });
  assert.equal(db.userName(998), 'etcd');
  assert.equal(db.groupName(4242), '4242');
});
