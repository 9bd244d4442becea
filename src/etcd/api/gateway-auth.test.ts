// /v3/auth/* through the HTTP gateway: the bodies the real etcd 3.4 gateway answered for the
// same sequence (headers aside), errors in grpc-gateway v2's shape, and the token in the
// Authorization header once auth is on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestEtcd } from './test-helpers.ts';

type Json = Record<string, unknown>;

async function post(url: string, path: string, body: Json, headers: Record<string, string> = {}): Promise<{ status: number; body: Json }> {
  const r = await fetch(url + path, { method: 'POST', body: JSON.stringify(body), headers });
  const o = JSON.parse(await r.text()) as Json;
  delete o['header'];
  return { status: r.status, body: o };
}

test('gateway: users and roles as etcd answers them; a token in Authorization once enabled', async () => {
  const etcd = await startTestEtcd();
  try {
    const u = etcd.url;
    assert.deepEqual(await post(u, '/v3/auth/status', {}), { status: 200, body: { authRevision: '1' } });
    assert.deepEqual(await post(u, '/v3/auth/user/add', { name: 'gw', password: 'pw' }), { status: 200, body: {} });
    assert.deepEqual(await post(u, '/v3/auth/user/get', { name: 'gw' }), { status: 200, body: {} });
    assert.deepEqual(await post(u, '/v3/auth/role/add', { name: 'gr' }), { status: 200, body: {} });
    assert.deepEqual(await post(u, '/v3/auth/role/grant', { name: 'gr', perm: { permType: 'READWRITE', key: 'YQ==', range_end: 'Yg==' } }), { status: 200, body: {} });
    assert.deepEqual(await post(u, '/v3/auth/role/get', { role: 'gr' }), { status: 200, body: { perm: [{ permType: 'READWRITE', key: 'YQ==', range_end: 'Yg==' }] } });
    assert.deepEqual(await post(u, '/v3/auth/user/grant', { user: 'gw', role: 'gr' }), { status: 200, body: {} });
    assert.deepEqual(await post(u, '/v3/auth/user/get', { name: 'gw' }), { status: 200, body: { roles: ['gr'] } });
    assert.deepEqual(await post(u, '/v3/auth/role/list', {}), { status: 200, body: { roles: ['gr'] } });
    assert.deepEqual(await post(u, '/v3/auth/authenticate', { name: 'gw', password: 'pw' }), { status: 400, body: { code: 9, message: 'etcdserver: authentication is not enabled' } });
    assert.deepEqual(await post(u, '/v3/auth/user/get', { name: 'nope' }), { status: 400, body: { code: 9, message: 'etcdserver: user name not found' } });
    assert.deepEqual(await post(u, '/v3/auth/enable', {}), { status: 400, body: { code: 9, message: 'etcdserver: root user does not exist' } });
    await post(u, '/v3/auth/user/add', { name: 'root', password: 'rootpw' });
    await post(u, '/v3/auth/user/grant', { user: 'root', role: 'root' });
    assert.deepEqual(await post(u, '/v3/auth/enable', {}), { status: 200, body: {} });
    assert.deepEqual(await post(u, '/v3/auth/user/list', {}), { status: 400, body: { code: 3, message: 'etcdserver: user name is empty' } });
    assert.deepEqual(await post(u, '/v3/auth/authenticate', { name: 'root', password: 'bad' }), { status: 400, body: { code: 3, message: 'etcdserver: authentication failed, invalid user ID or password' } });
    const token = (await post(u, '/v3/auth/authenticate', { name: 'root', password: 'rootpw' })).body['token'] as string;
    assert.match(token, /^[a-zA-Z]{16}\.\d+$/);
    assert.deepEqual(await post(u, '/v3/auth/user/list', {}, { Authorization: token }), { status: 200, body: { users: ['gw', 'root'] } });
    assert.deepEqual(await post(u, '/v3/auth/user/list', {}, { Authorization: 'not.atoken' }), { status: 401, body: { code: 16, message: 'etcdserver: invalid auth token' } });
    assert.deepEqual(await post(u, '/v3/auth/status', {}), { status: 200, body: { enabled: true, authRevision: '7' } });
    // Enforcement through the gateway: KV needs a user, maintenance the root role, a watch read permission.
    assert.deepEqual(await post(u, '/v3/kv/put', { key: 'YQ==', value: 'MQ==' }), { status: 400, body: { code: 3, message: 'etcdserver: user name is empty' } });
    assert.deepEqual(await post(u, '/v3/kv/put', { key: 'YQ==', value: 'MQ==' }, { Authorization: token }), { status: 200, body: {} });
    assert.deepEqual(await post(u, '/v3/maintenance/status', {}), { status: 400, body: { code: 3, message: 'etcdserver: user name is empty' } });
    assert.equal((await post(u, '/v3/maintenance/status', {}, { Authorization: token })).status, 200);
    const watch = await fetch(u + '/v3/watch', { method: 'POST', body: JSON.stringify({ create_request: { key: 'YQ==' } }) });
    const first = (await watch.body!.getReader().read()).value!;
    assert.deepEqual(JSON.parse(Buffer.from(first).toString()).result, {
      header: JSON.parse(Buffer.from(first).toString()).result.header,
      watch_id: '-1',
      created: true,
      canceled: true,
      cancel_reason: 'rpc error: code = PermissionDenied desc = etcdserver: permission denied',
    });
    await watch.body!.cancel().catch(() => undefined);
    assert.deepEqual(await post(u, '/v3/auth/disable', {}, { Authorization: token }), { status: 200, body: {} });
  } finally {
    await etcd.stop();
  }
});
