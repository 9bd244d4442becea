// etcd's auth flags at startup: --auth-token picks the token provider (only simple tokens
// exist here, and anything else stops etcd as a provider etcd cannot make does),
// --bcrypt-cost is the cost of new password hashes (outside bcrypt's 4..31 etcd warns and
// uses 10), --auth-token-ttl is how long a simple token lives after its last use.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SimFileSystem } from '../../platform/sim-fs.ts';
import { runTestEtcd, singleMemberArgs, testPorts } from './test-etcd-process.ts';

async function started(extra: string[]) {
  const run = runTestEtcd({ fs: new SimFileSystem(), args: ['--data-dir', '/d', ...singleMemberArgs(await testPorts()), ...extra] });
  return run;
}

test('--auth-token other than simple stops etcd: unknown types in etcd words, jwt as not supported here', async () => {
  const unknown = await started(['--auth-token', 'bogus']);
  assert.equal(await unknown.exited, 1);
  const recs = unknown.records();
  assert.deepEqual(recs.find((r) => r['msg'] === 'unknown token type')?.['type'], 'bogus');
  assert.equal(recs.find((r) => r['msg'] === 'failed to create token provider')?.['error'], 'auth: invalid auth options');
  const fatal = recs.find((r) => r['level'] === 'fatal')!;
  assert.deepEqual([fatal['msg'], fatal['error']], ['discovery failed', 'auth: invalid auth options']);

  const jwt = await started(['--auth-token', 'jwt,pub-key=a.pub,priv-key=a.key,sign-method=RS256']);
  assert.equal(await jwt.exited, 1);
  assert.match(String(jwt.records().find((r) => r['level'] === 'fatal')?.['error']), /jwt tokens are not supported/);
});

test('--bcrypt-cost outside 4..31 is warned about and 10 is used; inside, new hashes take the given cost', async () => {
  const bad = await started(['--bcrypt-cost', '3']);
  const server = await bad.ready;
  const warn = bad.records().find((r) => r['msg'] === 'use default bcrypt cost instead of the invalid given cost')!;
  assert.deepEqual([warn['given-cost'], warn['default-cost'], warn['min-cost'], warn['max-cost']], [3, 10, 4, 31]);
  await server.auth.userAdd('u10', 'pw', false);
  await bad.stop();

  const four = await started(['--bcrypt-cost', '4']);
  const s4 = await four.ready;
  assert.equal(four.records().some((r) => r['msg'] === 'use default bcrypt cost instead of the invalid given cost'), false);
  await s4.auth.userAdd('u4', 'pw', false);
  const hash = Buffer.from(s4.authStore.state().users.find((u) => u.name === 'u4')!.password).toString('latin1');
  assert.match(hash, /^\$2a\$04\$/);
  await four.stop();
});

test('--auth-token-ttl: a simple token stops working that many seconds after its last use', async () => {
  const run = await started(['--auth-token-ttl', '2']);
  const server = await run.ready;
  await server.auth.userAdd('root', 'pw', false);
  await server.auth.userGrantRole('root', 'root');
  await server.auth.authEnable();
  const { token } = await server.auth.authenticate('root', 'pw');
  assert.equal(server.authStore.authInfoFrom({ token })?.username, 'root');
  await new Promise((r) => setTimeout(r, 2600));
  assert.throws(() => server.authStore.authInfoFrom({ token }), /invalid auth token/);
  await run.stop();
});
