import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import fixtures from './fixtures/etcd-3.4-gateway.json' with { type: 'json' };
import { GATEWAY_CASES } from './gateway-cases.ts';
import { startTestEtcd } from './test-helpers.ts';

type Json = Record<string, unknown>;
const b64 = (s: string) => Buffer.from(s).toString('base64');

async function post(url: string, path: string, body: string): Promise<{ status: number; body: string }> {
  const r = await fetch(url + path, { method: 'POST', body });
  return { status: r.status, body: await r.text() };
}

function keysOf(v: unknown, prefix = ''): string[] {
  if (Array.isArray(v)) return v.flatMap((x) => keysOf(x, prefix + '[]'));
  if (v && typeof v === 'object') return Object.entries(v as Json).flatMap(([k, x]) => [prefix + '.' + k, ...keysOf(x, prefix + '.' + k)]);
  return [];
}

/** Our answer matches etcd's: same status; same bytes, or same shape, or (errors) same code and message. */
function assertMatches(name: string, ours: { status: number; body: string }, theirs: { status: number; body: string }, shapeOnly: boolean): void {
  assert.equal(ours.status, theirs.status, `${name}: status`);
  const t = JSON.parse(theirs.body) as Json;
  const o = JSON.parse(ours.body) as Json;
  if (theirs.status !== 200) {
    // grpc-gateway v2 (etcd 3.6) drops 3.4's duplicate "error" field: {"code":N,"message":"..."}.
    assert.deepEqual(o, { code: t['code'], message: t['message'] }, `${name}: error body`);
    return;
  }
  if (shapeOnly) {
    const ok = new Set(keysOf(o));
    for (const k of keysOf(t)) assert.ok(ok.has(k), `${name}: field ${k} missing in ${ours.body}`);
    return;
  }
  assert.equal(ours.body, theirs.body, `${name}: body`);
}

/**
 * Known divergence owned by the MVCC store: etcd answers a range inside a write txn with the
 * txn's starting revision (3 here), the store with the final one (4).
 */
const KNOWN_STORE_DIVERGENCE = new Set(['txn']);

test('v3 gateway answers exactly as real etcd did (fixtures captured from etcd 3.4.23)', async () => {
  const etcd = await startTestEtcd();
  try {
    const cases = (fixtures as { cases: Record<string, { status: number; body: string }> }).cases;
    for (const c of GATEWAY_CASES) {
      const ours = await post(etcd.url, c.path, c.body);
      assertMatches(c.name, ours, cases[c.name]!, (c.shapeOnly ?? false) || KNOWN_STORE_DIVERGENCE.has(c.name));
    }
  } finally {
    await etcd.stop();
  }
});

test('txn: inner range header carries the txn start revision, as etcd', async () => {
  const etcd = await startTestEtcd();
  try {
    const cases = (fixtures as { cases: Record<string, { status: number; body: string }> }).cases;
    let ours = { status: 0, body: '' };
    for (const c of GATEWAY_CASES) {
      ours = await post(etcd.url, c.path, c.body);
      if (c.name === 'txn') break;
    }
    assert.equal(ours.body, cases['txn']!.body);
  } finally {
    await etcd.stop();
  }
});

test('health, version, metrics, unknown paths', async () => {
  const etcd = await startTestEtcd();
  try {
    const h = await fetch(etcd.url + '/health');
    assert.equal(h.status, 200);
    assert.equal(await h.text(), '{"health":"true","reason":""}');
    const v = await fetch(etcd.url + '/version');
    assert.deepEqual(await v.json(), { etcdserver: '3.6.4', etcdcluster: '3.6.0' });
    const m = await (await fetch(etcd.url + '/metrics')).text();
    assert.match(m, /^etcd_server_has_leader 1$/m);
    assert.match(m, /^etcd_server_is_leader 1$/m);
    assert.match(m, /^# TYPE etcd_mvcc_db_total_size_in_bytes gauge$/m);
    // 3.6.4 was built with go1.23.11 (src/etcd/version/release-facts.ts).
    assert.match(m, /^etcd_server_go_version\{server_go_version="go1\.23\.11"\} 1$/m);
    const nf = await fetch(etcd.url + '/nope');
    assert.equal(nf.status, 404);
    assert.equal(await nf.text(), '404 page not found\n');
    const get = await fetch(etcd.url + '/v3/kv/range');
    assert.equal(get.status, 405);
    const bad = await post(etcd.url, '/v3/kv/range', 'not json');
    assert.equal(bad.status, 400);
    assert.equal((JSON.parse(bad.body) as Json)['code'], 3);
  } finally {
    await etcd.stop();
  }
});

test('watch streams one {"result":…} per line: created, then events', async () => {
  const etcd = await startTestEtcd();
  try {
    const lines: Json[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const req = http.request(etcd.url + '/v3/watch', { method: 'POST' }, (res) => {
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          buf += c;
          let i: number;
          while ((i = buf.indexOf('\n')) >= 0) {
            lines.push(JSON.parse(buf.slice(0, i)) as Json);
            buf = buf.slice(i + 1);
            if (lines.length === 3) {
              req.destroy();
              resolve();
            }
          }
        });
      });
      req.on('error', (e) => (lines.length >= 3 ? resolve() : reject(e)));
      req.end(JSON.stringify({ create_request: { key: b64('w'), prev_kv: true } }));
    });
    // Wait for the created response before writing.
    for (let i = 0; i < 200 && lines.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    await post(etcd.url, '/v3/kv/put', JSON.stringify({ key: b64('w'), value: b64('1') }));
    await post(etcd.url, '/v3/kv/delete_range'.replace('delete_range', 'deleterange'), JSON.stringify({ key: b64('w') }));
    await done;
    const [created, put, del] = lines.map((l) => l['result'] as Json);
    assert.equal(created!['created'], true);
    const putEv = (put!['events'] as Json[])[0]!;
    assert.equal(putEv['type'], undefined, 'PUT is the zero enum value: omitted');
    assert.equal((putEv['kv'] as Json)['value'], b64('1'));
    const delEv = (del!['events'] as Json[])[0]!;
    assert.equal(delEv['type'], 'DELETE');
    assert.equal((delEv['prev_kv'] as Json)['value'], b64('1'));
  } finally {
    await etcd.stop();
  }
});

function haveRealEtcd(): boolean {
  try {
    execFileSync('which', ['etcd'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('live: same answers as the installed real etcd', { skip: !haveRealEtcd() && 'no etcd binary' }, async () => {
  const { spawn } = await import('node:child_process');
  const fs = await import('node:fs');
  const dir = fs.mkdtempSync('/tmp/real-etcd-');
  const port = 20000 + Math.floor(Math.random() * 20000);
  const p = spawn('etcd', ['--data-dir', `${dir}/d`, '--listen-client-urls', `http://127.0.0.1:${port}`, '--advertise-client-urls', `http://127.0.0.1:${port}`, '--listen-peer-urls', `http://127.0.0.1:${port + 1}`], { stdio: 'ignore' });
  const ours = await startTestEtcd();
  try {
    const real = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      try {
        if ((await fetch(real + '/health')).ok) break;
      } catch {
        /* not up yet */
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const c of GATEWAY_CASES) {
      assertMatches(c.name, await post(ours.url, c.path, c.body), await post(real, c.path, c.body), (c.shapeOnly ?? false) || KNOWN_STORE_DIVERGENCE.has(c.name));
    }
  } finally {
    p.kill('SIGTERM');
    await ours.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('lease keepalive answers each request on the stream; TTL absent once the lease is gone', async () => {
  const etcd = await startTestEtcd();
  try {
    const grant = JSON.parse((await post(etcd.url, '/v3/lease/grant', JSON.stringify({ TTL: 30 }))).body) as Json;
    const id = grant['ID'] as string;
    const r = await post(etcd.url, '/v3/lease/keepalive', `{"ID":"${id}"}\n{"ID":"${id}"}`);
    const lines = r.body.trim().split('\n').map((l) => (JSON.parse(l) as { result: Json }).result);
    assert.equal(lines.length, 2);
    assert.equal(lines[0]!['ID'], id);
    assert.equal(lines[0]!['TTL'], '30');
    await post(etcd.url, '/v3/lease/revoke', JSON.stringify({ ID: id }));
    const gone = await post(etcd.url, '/v3/lease/keepalive', JSON.stringify({ ID: id }));
    const res = (JSON.parse(gone.body.trim()) as { result: Json }).result;
    assert.equal(res['TTL'], undefined);
  } finally {
    await etcd.stop();
  }
});

test('quota exceeded: NOSPACE alarm, writes refused, /health says so; delete + defrag + disarm recovers', async () => {
  const etcd = await startTestEtcd(['--quota-backend-bytes', '65536']);
  try {
    const big = Buffer.alloc(8000, 'x').toString('base64');
    let last = { status: 200, body: '' };
    for (let i = 0; i < 20 && last.status === 200; i++) last = await post(etcd.url, '/v3/kv/put', JSON.stringify({ key: b64(`big${i}`), value: big }));
    assert.equal(last.status, 429);
    assert.deepEqual(JSON.parse(last.body), { code: 8, message: 'etcdserver: mvcc: database space exceeded' });
    for (let i = 0; i < 100 && !(await post(etcd.url, '/v3/maintenance/alarm', '{"action":"GET"}')).body.includes('NOSPACE'); i++) await new Promise((r) => setTimeout(r, 10));
    const list = JSON.parse((await post(etcd.url, '/v3/maintenance/alarm', '{"action":"GET"}')).body) as Json;
    assert.deepEqual(list['alarms'], [{ memberID: '10276657743932975437', alarm: 'NOSPACE' }]);
    const h = await fetch(etcd.url + '/health');
    assert.equal(h.status, 503);
    assert.equal(await h.text(), '{"health":"false","reason":"ALARM NOSPACE"}\n');
    const small = await post(etcd.url, '/v3/kv/put', JSON.stringify({ key: b64('tiny'), value: b64('1') }));
    assert.equal(small.status, 429, 'even a small put is refused while the alarm is raised');
    const status = JSON.parse((await post(etcd.url, '/v3/maintenance/status', '{}')).body) as Json;
    assert.deepEqual(status['errors'], ['memberID:10276657743932975437 alarm:NOSPACE ']);
    // The runbook: delete, compact, defragment, disarm.
    assert.equal((await post(etcd.url, '/v3/kv/deleterange', JSON.stringify({ key: b64('big'), range_end: b64('bih') }))).status, 200);
    const rev = (JSON.parse((await post(etcd.url, '/v3/kv/range', JSON.stringify({ key: b64('x') }))).body) as { header: { revision: string } }).header.revision;
    assert.equal((await post(etcd.url, '/v3/kv/compaction', JSON.stringify({ revision: rev }))).status, 200);
    assert.equal((await post(etcd.url, '/v3/maintenance/defragment', '{}')).status, 200);
    const disarm = JSON.parse((await post(etcd.url, '/v3/maintenance/alarm', JSON.stringify({ action: 'DEACTIVATE', memberID: '10276657743932975437', alarm: 'NOSPACE' }))).body) as Json;
    assert.deepEqual(disarm['alarms'], [{ memberID: '10276657743932975437', alarm: 'NOSPACE' }]);
    assert.equal((await post(etcd.url, '/v3/kv/put', JSON.stringify({ key: b64('tiny'), value: b64('1') }))).status, 200);
    assert.equal((await fetch(etcd.url + '/health')).status, 200);
  } finally {
    await etcd.stop();
  }
});
