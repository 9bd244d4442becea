import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileSystemConformance } from '../platform/filesystem-conformance.ts';
import { bytesToString, isFsError, type FsErrorCode } from '../platform/filesystem.ts';
import { SimClock } from '../platform/sim-clock.ts';
import type { Credentials } from './types.ts';
import { restoreVfs, serializeVfs } from './vfs-image.ts';
import { Vfs } from './vfs.ts';

fileSystemConformance('Vfs (root view)', () => new Vfs(new SimClock()).view(null));
fileSystemConformance('Vfs (as root)', () => new Vfs(new SimClock()).view(ROOT));

const ROOT: Credentials = { uid: 0, gid: 0, groups: [0], user: 'root' };
const LEARNER: Credentials = { uid: 1000, gid: 1000, groups: [1000, 27], user: 'learner' };
const ETCD: Credentials = { uid: 998, gid: 998, groups: [998], user: 'etcd' };

function throwsCode(fn: () => unknown, code: FsErrorCode) {
  assert.throws(fn, (e: unknown) => isFsError(e) && e.code === code);
}

function disk() {
  const clock = new SimClock();
  const vfs = new Vfs(clock, { diskBytes: 1000, inodes: 50, fileBytes: 600 });
  const root = vfs.view(null);
  root.mkdir('/home/learner', { recursive: true });
  root.chown('/home/learner', 1000, 1000);
  root.mkdir('/tmp');
  root.chmod('/tmp', 0o1777);
  root.mkdir('/etc');
  root.mkdir('/etc/etcd', { mode: 0o700 });
  root.writeFile('/etc/etcd/server.key', 'KEY', { mode: 0o600 });
  root.writeFile('/etc/passwd', 'root:x:0:0::/root:/bin/bash\n');
  return { clock, vfs, root, learner: vfs.view(LEARNER), asRoot: vfs.view(ROOT), etcd: vfs.view(ETCD) };
}

describe('Vfs permissions', () => {
  it('creates files owned by the caller', () => {
    const { learner } = disk();
    learner.writeFile('/home/learner/notes', 'x');
    const st = learner.stat('/home/learner/notes');
    assert.equal(st.uid, 1000);
    assert.equal(st.gid, 1000);
  });

  it('refuses to read a 600 file of someone else, and to search a 700 directory', () => {
    const { learner, root } = disk();
    root.writeFile('/etc/shadow', 'secret', { mode: 0o640 });
    throwsCode(() => learner.readFile('/etc/shadow'), 'EACCES');
    throwsCode(() => learner.readFile('/etc/etcd/server.key'), 'EACCES');
    throwsCode(() => learner.stat('/etc/etcd/server.key'), 'EACCES');
    assert.equal(bytesToString(learner.readFile('/etc/passwd')).startsWith('root'), true);
  });

  it('lets the owner read its 600 key and nobody else (the etcd user case)', () => {
    const { root, etcd, learner } = disk();
    root.chmod('/etc/etcd', 0o755);
    root.chown('/etc/etcd/server.key', 998, 998);
    assert.equal(bytesToString(etcd.readFile('/etc/etcd/server.key')), 'KEY');
    throwsCode(() => learner.readFile('/etc/etcd/server.key'), 'EACCES');
  });

  it('lets root read and write anything, but execute only files with an x bit', () => {
    const { asRoot, root } = disk();
    assert.equal(bytesToString(asRoot.readFile('/etc/etcd/server.key')), 'KEY');
    root.writeFile('/usr-bin-tool', '#!', { mode: 0o644 });
    assert.equal(asRoot.access('/usr-bin-tool', 1), false);
    root.chmod('/usr-bin-tool', 0o700);
    assert.equal(asRoot.access('/usr-bin-tool', 1), true);
  });

  it('refuses to create files in a directory the caller cannot write', () => {
    const { learner } = disk();
    throwsCode(() => learner.writeFile('/etc/hosts', 'x'), 'EACCES');
    throwsCode(() => learner.mkdir('/opt'), 'EACCES');
    throwsCode(() => learner.unlink('/etc/passwd'), 'EACCES');
    throwsCode(() => learner.writeFile('/etc/passwd', 'x'), 'EACCES');
  });

  it('keeps others from deleting your files in sticky /tmp', () => {
    const { learner, etcd } = disk();
    learner.writeFile('/tmp/mine', 'x');
    throwsCode(() => etcd.unlink('/tmp/mine'), 'EPERM');
    throwsCode(() => etcd.rename('/tmp/mine', '/tmp/theirs'), 'EPERM');
    etcd.writeFile('/tmp/theirs', 'y');
    learner.unlink('/tmp/mine');
    assert.equal(learner.exists('/tmp/mine'), false);
  });

  it('allows chmod only to the owner or root, chown only to root', () => {
    const { learner, asRoot } = disk();
    learner.writeFile('/tmp/f', 'x');
    learner.chmod('/tmp/f', 0o600);
    throwsCode(() => learner.chmod('/etc/passwd', 0o777), 'EPERM');
    throwsCode(() => learner.chown('/tmp/f', 0, -1), 'EPERM');
    learner.chown('/tmp/f', -1, 27);
    assert.equal(learner.stat('/tmp/f').gid, 27);
    asRoot.chown('/tmp/f', 998, 998);
    assert.equal(asRoot.stat('/tmp/f').uid, 998);
  });

  it('answers access() like access(2)', () => {
    const { learner } = disk();
    assert.equal(learner.access('/etc/passwd', 4), true);
    assert.equal(learner.access('/etc/passwd', 2), false);
    assert.equal(learner.access('/nope', 4), false);
  });
});

describe('Vfs symlinks', () => {
  it('follows symlinks in the middle and at the end of a path', () => {
    const { root } = disk();
    root.mkdir('/usr/bin', { recursive: true });
    root.symlink('usr/bin', '/bin');
    root.writeFile('/usr/bin/ls', 'prog');
    assert.equal(bytesToString(root.readFile('/bin/ls')), 'prog');
    assert.equal(root.realpath('/bin/ls'), '/usr/bin/ls');
    assert.equal(root.lstat('/bin').type, 'symlink');
    assert.equal(root.stat('/bin').type, 'dir');
    assert.equal(root.readlink('/bin'), 'usr/bin');
    root.symlink('../usr/bin/ls', '/usr/ls-link');
    assert.equal(bytesToString(root.readFile('/usr/ls-link')), 'prog');
    assert.deepEqual(root.readdir('/bin'), ['ls']);
  });

  it('removes the link, not its target, and reports dangling and looping links', () => {
    const { root } = disk();
    root.symlink('/tmp', '/t');
    root.unlink('/t');
    assert.equal(root.exists('/tmp'), true);
    root.symlink('/nowhere', '/dangling');
    assert.equal(root.exists('/dangling'), false);
    assert.equal(root.lstat('/dangling').type, 'symlink');
    root.symlink('/loop2', '/loop1');
    root.symlink('/loop1', '/loop2');
    throwsCode(() => root.readFile('/loop1'), 'EINVAL');
  });
});

describe('Vfs limits', () => {
  it('fails with ENOSPC when the disk is full and frees space on delete', () => {
    const { root } = disk();
    root.writeFile('/tmp/a', new Uint8Array(500));
    throwsCode(() => root.writeFile('/tmp/b', new Uint8Array(500)), 'ENOSPC');
    root.unlink('/tmp/a');
    root.writeFile('/tmp/b', new Uint8Array(500));
  });

  it('fails with EFBIG past the largest file size', () => {
    const { root } = disk();
    throwsCode(() => root.writeFile('/tmp/big', new Uint8Array(700)), 'EFBIG');
    root.writeFile('/tmp/grow', new Uint8Array(400));
    throwsCode(() => root.appendFile('/tmp/grow', new Uint8Array(300)), 'EFBIG');
  });

  it('fails with ENOSPC when inodes run out', () => {
    const { root, vfs } = disk();
    const free = vfs.limits.inodes - vfs.usage().usedInodes;
    for (let i = 0; i < free; i++) root.writeFile(`/tmp/f${i}`, '');
    throwsCode(() => root.writeFile('/tmp/one-more', ''), 'ENOSPC');
    throwsCode(() => root.mkdir('/tmp/dir'), 'ENOSPC');
  });
});

describe('Vfs timestamps and images', () => {
  it('stamps files with the host clock', () => {
    const { clock, root } = disk();
    clock.advance(5000);
    root.writeFile('/tmp/f', 'x');
    assert.equal(root.stat('/tmp/f').mtimeMs, clock.now());
    root.utimes('/tmp/f', 1000, 2000);
    assert.equal(root.stat('/tmp/f').mtimeMs, 2000);
  });

  it('round-trips a disk through its JSON image, owners, modes, links and bytes included', () => {
    const { vfs, root, clock } = disk();
    root.symlink('/etc/passwd', '/tmp/pw');
    root.writeFile('/tmp/bin', new Uint8Array([0, 200, 255]));
    const json = JSON.stringify(serializeVfs(vfs));
    const back = restoreVfs(JSON.parse(json), clock, vfs.limits).view(null);
    assert.deepEqual([...back.readFile('/tmp/bin')], [0, 200, 255]);
    assert.equal(back.readlink('/tmp/pw'), '/etc/passwd');
    assert.equal(back.stat('/etc/etcd/server.key').mode, 0o600);
    assert.equal(back.stat('/home/learner').uid, 1000);
    assert.equal(back.stat('/tmp').mode, 0o1777);
    assert.deepEqual(back.usage(), root.usage());
  });
});

describe('Vfs appends', () => {
  it('grows a file by many small appends without losing or reordering bytes (a WAL or a log)', () => {
    const vfs = new Vfs(new SimClock());
    const fs = vfs.view(null);
    const chunk = new Uint8Array(100);
    for (let i = 0; i < 20_000; i++) {
      chunk.fill(i % 251);
      fs.appendFile('/wal', chunk);
    }
    const data = fs.readFile('/wal');
    assert.equal(data.length, 2_000_000);
    assert.equal(data[150], 1);
    assert.equal(data[1_999_999], 19_999 % 251);
    assert.equal(vfs.usage().usedBytes, 2_000_000);
    fs.writeFile('/wal', 'x');
    assert.equal(vfs.usage().usedBytes, 1);
    assert.equal(fs.stat('/wal').size, 1);
  });
});
