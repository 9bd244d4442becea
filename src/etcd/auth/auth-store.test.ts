import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthStore, type AuthInfo, type AuthRequest } from './auth-store.ts';
import { decodeAuthState, decodeRole, decodeUser, encodeAuthState, encodeRole, encodeUser, initialAuthState, PERM_READ, PERM_READWRITE, PERM_WRITE, type Role } from './authpb.ts';
import { covers } from './permissions.ts';
import { hashPassword } from './auth-service.ts';
import { inlinePasswordHasher } from '../../platform/password-hasher.ts';
import { SeededRandom } from '../../platform/random.ts';

const enc = (s: string) => new TextEncoder().encode(s);

function fresh(now = () => 0): AuthStore {
  return new AuthStore(initialAuthState(), now);
}

let index = 10;
function apply(s: AuthStore, req: AuthRequest, ai?: AuthInfo) {
  return s.apply(req, ai, index++);
}

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
}

test('a fresh store is off at revision 1; every change adds one', () => {
  const s = fresh();
  assert.deepEqual(apply(s, { op: 'authStatus' }), { enabled: false, authRevision: 1 });
  apply(s, { op: 'userAdd', name: 'root', hashedPassword: '', noPassword: true });
  apply(s, { op: 'roleAdd', name: 'root' });
  apply(s, { op: 'userGrantRole', user: 'root', role: 'root' });
  assert.equal(s.revision, 4);
  apply(s, { op: 'authEnable' });
  assert.deepEqual(apply(s, { op: 'authStatus' }), { enabled: true, authRevision: 4 }, 'enabling does not bump the revision (as etcd)');
});

test('errors in etcd words', () => {
  const s = fresh();
  assert.equal(messageOf(() => apply(s, { op: 'authEnable' })), 'etcdserver: root user does not exist');
  apply(s, { op: 'userAdd', name: 'root', hashedPassword: '', noPassword: false });
  assert.equal(messageOf(() => apply(s, { op: 'authEnable' })), 'etcdserver: root user does not have root role');
  assert.equal(messageOf(() => apply(s, { op: 'userAdd', name: 'root', hashedPassword: '', noPassword: false })), 'etcdserver: user name already exists');
  assert.equal(messageOf(() => apply(s, { op: 'userAdd', name: '', hashedPassword: '', noPassword: false })), 'etcdserver: user name is empty');
  assert.equal(messageOf(() => apply(s, { op: 'userGet', name: 'nobody' })), 'etcdserver: user name not found');
  assert.equal(messageOf(() => apply(s, { op: 'userGrantRole', user: 'root', role: 'nope' })), 'etcdserver: role name not found');
  assert.equal(messageOf(() => apply(s, { op: 'roleAdd', name: '' })), 'etcdserver: role name is empty');
  apply(s, { op: 'roleAdd', name: 'r' });
  assert.equal(messageOf(() => apply(s, { op: 'roleAdd', name: 'r' })), 'etcdserver: role name already exists');
  assert.equal(messageOf(() => apply(s, { op: 'userRevokeRole', name: 'root', role: 'r' })), 'etcdserver: role is not granted to the user');
  assert.equal(messageOf(() => apply(s, { op: 'roleGrantPermission', name: 'r' })), 'etcdserver: permission not given');
  assert.equal(messageOf(() => apply(s, { op: 'roleGrantPermission', name: 'r', perm: { permType: PERM_READ, key: enc('b'), rangeEnd: enc('a') } })), 'etcdserver: invalid auth management');
  assert.equal(messageOf(() => apply(s, { op: 'roleRevokePermission', role: 'r', key: enc('a'), rangeEnd: new Uint8Array() })), 'etcdserver: permission is not granted to the role');
  assert.equal(messageOf(() => apply(s, { op: 'authenticate', name: 'root', simpleToken: 'x' })), 'etcdserver: authentication is not enabled');
  const before = s.revision;
  assert.equal(messageOf(() => apply(s, { op: 'roleDelete', role: 'zzz' })), 'etcdserver: role name not found');
  assert.equal(s.revision, before, 'a refused change changes nothing');
});

test('root: granting the root role needs no root role to exist; root cannot be removed while enabled', () => {
  const s = fresh();
  apply(s, { op: 'userAdd', name: 'root', hashedPassword: '', noPassword: false });
  apply(s, { op: 'userGrantRole', user: 'root', role: 'root' });
  apply(s, { op: 'authEnable' });
  const root: AuthInfo = { username: 'root', revision: s.revision };
  assert.equal(messageOf(() => apply(s, { op: 'userDelete', name: 'root' }, root)), 'etcdserver: invalid auth management');
  assert.equal(messageOf(() => apply(s, { op: 'userRevokeRole', name: 'root', role: 'root' }, root)), 'etcdserver: invalid auth management');
  assert.equal(messageOf(() => apply(s, { op: 'roleDelete', role: 'root' }, root)), 'etcdserver: invalid auth management');
  // With auth on, changes need a root-role caller.
  assert.equal(messageOf(() => apply(s, { op: 'roleAdd', name: 'x' })), 'etcdserver: user name is empty');
  apply(s, { op: 'userAdd', name: 'alice', hashedPassword: '', noPassword: false }, root);
  assert.equal(messageOf(() => apply(s, { op: 'roleAdd', name: 'x' }, { username: 'alice', revision: s.revision })), 'etcdserver: permission denied');
  assert.deepEqual(apply(s, { op: 'userGet', name: 'alice' }, { username: 'alice', revision: s.revision }), { roles: [] }, 'a user may read itself');
  assert.equal(messageOf(() => apply(s, { op: 'roleGet', role: 'root' }, root)), 'etcdserver: role name not found', 'granted but never added');
  apply(s, { op: 'roleAdd', name: 'root' }, root);
  assert.deepEqual(apply(s, { op: 'roleGet', role: 'root' }, root).perm, [{ permType: PERM_READWRITE, key: new Uint8Array(), rangeEnd: new Uint8Array([0]) }]);
  apply(s, { op: 'authDisable' }, root);
  assert.equal(s.isEnabled, false);
});

test('roles are kept sorted; deleting a role takes it from its users; grant of a granted role is a no-op', () => {
  const s = fresh();
  apply(s, { op: 'userAdd', name: 'u', hashedPassword: '', noPassword: false });
  for (const r of ['zeta', 'alpha', 'mid']) {
    apply(s, { op: 'roleAdd', name: r });
    apply(s, { op: 'userGrantRole', user: 'u', role: r });
  }
  const rev = s.revision;
  apply(s, { op: 'userGrantRole', user: 'u', role: 'mid' });
  assert.equal(s.revision, rev);
  assert.deepEqual(apply(s, { op: 'userGet', name: 'u' }).roles, ['alpha', 'mid', 'zeta']);
  apply(s, { op: 'roleDelete', role: 'mid' });
  assert.deepEqual(apply(s, { op: 'userGet', name: 'u' }).roles, ['alpha', 'zeta']);
  assert.deepEqual(apply(s, { op: 'roleList' }).roles, ['alpha', 'zeta']);
  assert.deepEqual(apply(s, { op: 'userList' }).users, ['u']);
});

test('permissions: keys, ranges, prefixes and open ends, read vs write', () => {
  const s = fresh();
  apply(s, { op: 'userAdd', name: 'root', hashedPassword: '', noPassword: false });
  apply(s, { op: 'userGrantRole', user: 'root', role: 'root' });
  apply(s, { op: 'userAdd', name: 'u', hashedPassword: '', noPassword: false });
  apply(s, { op: 'roleAdd', name: 'r' });
  apply(s, { op: 'userGrantRole', user: 'u', role: 'r' });
  apply(s, { op: 'roleGrantPermission', name: 'r', perm: { permType: PERM_READ, key: enc('foo'), rangeEnd: new Uint8Array() } });
  apply(s, { op: 'roleGrantPermission', name: 'r', perm: { permType: PERM_READWRITE, key: enc('/app/'), rangeEnd: enc('/app0') } });
  apply(s, { op: 'roleGrantPermission', name: 'r', perm: { permType: PERM_WRITE, key: enc('z'), rangeEnd: new Uint8Array([0]) } });
  apply(s, { op: 'authEnable' });
  const u: AuthInfo = { username: 'u', revision: s.revision };
  const ok = (key: string, end: string | Uint8Array, kind: 'read' | 'write') => messageOf(() => s.checkKeys(u, enc(key), typeof end === 'string' ? enc(end) : end, kind));
  assert.equal(ok('foo', '', 'read'), 'no error');
  assert.equal(ok('foo', '', 'write'), 'etcdserver: permission denied');
  assert.equal(ok('foo1', '', 'read'), 'etcdserver: permission denied');
  assert.equal(ok('/app/x', '', 'write'), 'no error');
  assert.equal(ok('/app/', '/app0', 'read'), 'no error');
  assert.equal(ok('/app/', '/app1', 'read'), 'etcdserver: permission denied');
  assert.equal(ok('zz', new Uint8Array([0]), 'write'), 'no error', 'open-ended permission covers an open-ended request');
  assert.equal(ok('zz', new Uint8Array([0]), 'read'), 'etcdserver: permission denied');
  assert.equal(messageOf(() => s.checkKeys(undefined, enc('foo'), new Uint8Array(), 'read')), 'etcdserver: user name is empty');
  assert.equal(messageOf(() => s.checkKeys({ username: 'u', revision: 1 }, enc('foo'), new Uint8Array(), 'read')), 'etcdserver: revision of auth store is old');
  assert.equal(messageOf(() => s.checkKeys({ username: 'root', revision: s.revision }, enc('anything'), new Uint8Array([0]), 'write')), 'no error');
  // Two adjacent ranges together cover a range spanning both.
  assert.ok(covers([{ start: enc('a'), end: enc('c') }, { start: enc('c'), end: enc('e') }], enc('b'), enc('d')));
  assert.ok(!covers([{ start: enc('a'), end: enc('c') }, { start: enc('d'), end: enc('e') }], enc('b'), enc('d')));
});

test('simple tokens: <16 letters>.<index>, expire 5 minutes after last use, go with the user', () => {
  let now = 0;
  const s = new AuthStore(initialAuthState(), () => now);
  apply(s, { op: 'userAdd', name: 'root', hashedPassword: '', noPassword: false });
  apply(s, { op: 'userGrantRole', user: 'root', role: 'root' });
  apply(s, { op: 'authEnable' });
  const token = s.apply({ op: 'authenticate', name: 'root', simpleToken: 'abcdefghijklmnop' }, undefined, 42).token!;
  assert.equal(token, 'abcdefghijklmnop.42');
  assert.deepEqual(s.authInfoFrom({ token }), { username: 'root', revision: s.revision });
  now += 299_000;
  assert.equal(s.authInfoFrom({ token })?.username, 'root', 'use resets the TTL');
  now += 301_000;
  assert.equal(messageOf(() => s.authInfoFrom({ token })), 'etcdserver: invalid auth token');
  assert.equal(s.authInfoFrom({ certCommonName: 'root' })?.username, 'root', 'a client certificate CN names the user');
  assert.equal(messageOf(() => apply(s, { op: 'authenticate', name: 'ghost', simpleToken: 'x' })), 'etcdserver: authentication failed, invalid user ID or password');
});

test('passwords: bcrypt $2a$10$ hashes that Go made check here; wrong ones fail', async () => {
  const h = await hashPassword('secret', new SeededRandom(7));
  const comparePassword = inlinePasswordHasher.compare;
  assert.match(h, /^\$2a\$10\$[./A-Za-z0-9]{53}$/);
  assert.ok(await comparePassword('secret', h));
  assert.ok(!(await comparePassword('Secret', h)));
  // Made by Go's golang.org/x/crypto/bcrypt (etcd 3.4) for the password "pw".
  assert.ok(await comparePassword('pw', '$2a$10$abcdefghijklmnopqrstuuj7m4XYqbm74SxoBcXyw8to0CQ061DVG'));
  const s = fresh();
  apply(s, { op: 'userAdd', name: 'root', hashedPassword: Buffer.from(h, 'latin1').toString('base64'), noPassword: false });
  apply(s, { op: 'userGrantRole', user: 'root', role: 'root' });
  apply(s, { op: 'authEnable' });
  assert.equal(await s.checkPassword('root', 'secret', comparePassword), s.revision);
  await assert.rejects(s.checkPassword('root', 'nope', comparePassword), /etcdserver: authentication failed, invalid user ID or password/);
});

test('authpb encodings round-trip and the state blob survives encode/decode', () => {
  const user = { name: 'alice', password: enc('$2a$10$x'), roles: ['a', 'b'], options: { noPassword: false } };
  assert.deepEqual(decodeUser(encodeUser(user)), user);
  // gogoproto writes a set but empty UserAddOptions as tag 0x22, length 0.
  assert.deepEqual([...encodeUser({ name: 'r', password: new Uint8Array(), roles: [], options: { noPassword: false } })], [0x0a, 1, 0x72, 0x22, 0]);
  const role: Role = { name: 'r', keyPermission: [{ permType: PERM_READWRITE, key: enc('k'), rangeEnd: enc('l') }] };
  assert.deepEqual(decodeRole(encodeRole(role)), role);
  assert.equal(encodeAuthState(initialAuthState()).length, 0, 'an untouched store adds nothing to snapshots');
  const state = { enabled: true, revision: 9, users: [user], roles: [role] };
  assert.deepEqual(decodeAuthState(encodeAuthState(state)), state);
});
