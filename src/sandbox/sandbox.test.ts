import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytesToString } from '../platform/filesystem.ts';
import { SimClock } from '../platform/sim-clock.ts';
import { run } from './commands/testing.ts';
import { createSandbox } from './sandbox.ts';

const LAB = [{ name: 'node-1', ip: '10.0.0.11' }, { name: 'node-2', ip: '10.0.0.12' }, { name: 'node-3', ip: '10.0.0.13' }];

describe('createSandbox', () => {
  it('boots three Debian-like hosts that know each other by name', async () => {
    const sb = createSandbox({ hosts: LAB, clock: new SimClock() });
    assert.deepEqual([...sb.hosts.keys()], ['node-1', 'node-2', 'node-3']);
    const h2 = sb.host('node-2');
    assert.equal(h2.ip, '10.0.0.12');
    assert.equal(bytesToString(h2.rootFs.readFile('/etc/hostname')), 'node-2\n');
    assert.match(bytesToString(h2.rootFs.readFile('/etc/hosts')), /^10\.0\.0\.11\tnode-1$/m);
    assert.match(bytesToString(h2.rootFs.readFile('/etc/os-release')), /^PRETTY_NAME="Debian GNU\/Linux 12 \(bookworm\)"$/m);
    assert.equal(h2.network.resolve('node-3'), '10.0.0.13');
    assert.equal((await run(h2, 'hostname')).stdout, 'node-2\n');
    assert.throws(() => sb.host('node-9'), /no host named node-9/);
  });

  it('lays out users, homes and modes as Debian does; etcd is not installed', () => {
    const sb = createSandbox({ hosts: [{ name: 'node-1' }] });
    const h = sb.host('node-1');
    assert.equal(h.ip, '10.0.0.11');
    assert.deepEqual(h.users.credentials('learner'), { uid: 1000, gid: 1000, groups: [1000, 27], user: 'learner' });
    const home = h.rootFs.stat('/home/learner');
    assert.deepEqual([home.uid, home.gid, home.mode], [1000, 1000, 0o755]);
    assert.equal(h.rootFs.stat('/tmp').mode, 0o1777);
    assert.equal(h.rootFs.stat('/root').mode, 0o700);
    assert.equal(h.rootFs.stat('/etc/shadow').mode, 0o640);
    assert.equal(h.rootFs.readlink('/bin'), 'usr/bin');
    assert.equal(h.rootFs.exists('/usr/bin/ls'), true);
    assert.equal(h.rootFs.exists('/usr/local/bin/etcd'), false);
    assert.equal(h.rootFs.exists('/usr/bin/etcd'), false);
    assert.deepEqual(h.rootFs.readdir('/usr/local/bin'), []);
    assert.equal(bytesToString(h.rootFs.readFile('/home/learner/.bashrc')), bytesToString(h.rootFs.readFile('/etc/skel/.bashrc')));
  });

  it('keeps disks across a restart through snapshot() and the image option', async () => {
    const sb = createSandbox({ hosts: LAB.slice(0, 2), clock: new SimClock() });
    await run(sb.host('node-1'), ['mkdir', '-p', 'work/data']);
    sb.host('node-1').rootFs.writeFile('/home/learner/work/data/f', 'kept');
    const image = JSON.parse(JSON.stringify(sb.snapshot()));
    await sb.dispose();
    const again = createSandbox({ hosts: LAB.slice(0, 2), clock: new SimClock(), image });
    const h = again.host('node-1');
    assert.equal(bytesToString(h.rootFs.readFile('/home/learner/work/data/f')), 'kept');
    assert.equal(h.rootFs.stat('/home/learner/work').uid, 1000);
    assert.ok(again.events.list({ type: 'boot' }).some((e) => e.data.restored === true));
  });

  it('kills every process on dispose', async () => {
    const sb = createSandbox({ hosts: [{ name: 'node-1' }], clock: new SimClock() });
    const p = run(sb.host('node-1'), 'sleep 1000');
    await new Promise((r) => setImmediate(r));
    await sb.dispose();
    assert.equal((await p).status, 137);
    assert.deepEqual(sb.host('node-1').processes().map((x) => x.pid), [1]);
  });
});

describe('character devices', () => {
  it('/dev/null swallows writes and reads empty; /dev/zero and /dev/urandom read bytes', async () => {
    const sb = createSandbox({ hosts: [{ name: 'node-1' }], clock: new SimClock(Date.UTC(2026, 10, 21, 9)) });
    const h = sb.host('node-1');
    const learner = h.fsFor(h.users.credentials('learner')!);
    learner.writeFile('/dev/null', 'gone');
    assert.equal(learner.readFile('/dev/null').length, 0);
    assert.ok(learner.readFile('/dev/zero').every((b) => b === 0));
    assert.equal((await run(h, 'head -c 16 /dev/urandom')).stdout.length > 0, true);
    assert.equal((await run(h, 'ls -l /dev/null')).stdout, 'crw-rw-rw- 1 root root 1, 3 Nov 21 09:00 /dev/null\n');
    assert.equal((await run(h, ['cp', '/etc/hostname', '/dev/null'])).status, 0);
    const image = JSON.parse(JSON.stringify(sb.snapshot()));
    const again = createSandbox({ hosts: [{ name: 'node-1' }], image });
    assert.equal(again.host('node-1').rootFs.stat('/dev/null').device?.minor, 3);
  });
});
