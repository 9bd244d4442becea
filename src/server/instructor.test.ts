// The instructor's side of the lab server, with real sandboxes: the token guards every
// route, the table shows each learner's real check results (from memory or from the data
// dir), Reset hits one learner only, exports parse, and the live socket pushes changes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import WebSocket from 'ws';
import { INSTRUCTOR_COOKIE } from './instructor-auth.ts';
import type { InstructorFrame, InstructorLearner, InstructorOverview } from './instructor-types.ts';
import { pseudonym, validateDisplayName } from './learner-name.ts';
import { LearnerClient, labServers, parseCsv, parseXml, type TermClient } from './test-clients.ts';

const LAB = '01-first-contact';
const TOKEN = 'test-instructor-token-0123456789';
const fixture = labServers({ instructorToken: TOKEN });
const startServer = fixture.start.bind(fixture);

const asInstructor = { authorization: `Bearer ${TOKEN}` };

async function instructorGet(url: string, p: string): Promise<{ status: number; text: string; json: any; headers: Headers }> {
  const res = await fetch(url + p, { headers: asInstructor });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, headers: res.headers };
}

async function overview(url: string): Promise<InstructorOverview> {
  const r = await instructorGet(url, '/api/instructor/learners');
  assert.equal(r.status, 200, r.text);
  return r.json as InstructorOverview;
}

const learnerIdOf = (c: LearnerClient) => c.cookie.split('=')[1]!;
const statuses = (l: InstructorLearner | undefined) => Object.fromEntries((l?.labs[LAB]?.tasks ?? []).map((t) => [t.id, t.status]));

/** Starts etcd in the learner's lab and runs Check until start-etcd passes (bounded). */
async function passStartEtcd(learner: LearnerClient): Promise<TermClient> {
  await learner.api('GET', `/api/labs/${LAB}`);
  const t = await learner.terminal(LAB);
  await t.waitText(/\$ $/);
  t.type('etcd > etcd.log 2>&1 &');
  await t.waitText(/\[1\] \d+/);
  for (let i = 0; i < 100; i++) {
    const r = await learner.api('POST', `/api/labs/${LAB}/check`);
    if (r.json.tasks.find((x: { id: string }) => x.id === 'start-etcd')?.status === 'passed') return t;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('start-etcd never passed');
}

test('every instructor route needs the token; a learner cookie or a wrong token gets nothing', async () => {
  const { url, server } = await startServer();
  const learner = new LearnerClient(url);
  await learner.api('PUT', '/api/me', { name: 'Secret Sam' });
  assert.ok(learner.cookie, 'the learner has a cookie');

  const routes = ['/api/instructor/learners', `/api/instructor/learners/${learnerIdOf(learner)}`, '/api/instructor/export?format=csv', '/api/instructor/export?format=json'];
  for (const p of routes) {
    const anonymous = await fetch(url + p);
    assert.equal(anonymous.status, 401, p);
    const asLearner = await learner.api('GET', p);
    assert.equal(asLearner.status, 401, `${p} with a learner cookie`);
    assert.doesNotMatch(asLearner.text, /Secret Sam|start-etcd/);
    const wrong = await fetch(url + p, { headers: { authorization: 'Bearer not-the-token-at-all' } });
    assert.equal(wrong.status, 403, p);
    assert.doesNotMatch(await wrong.text(), /Secret Sam|start-etcd/);
    const wrongCookie = await learner.api('GET', p, undefined, { cookie: `${learner.cookie}; ${INSTRUCTOR_COOKIE}=guess-guess-guess-guess` });
    assert.equal(wrongCookie.status, 403);
  }
  const reset = await learner.api('POST', `/api/instructor/learners/${learnerIdOf(learner)}/labs/${LAB}/reset`);
  assert.equal(reset.status, 401);

  // The page: without the token it says so; the URL `npm start` prints sets a cookie and redirects.
  assert.equal((await fetch(url + '/instructor')).status, 401);
  assert.equal((await fetch(url + '/instructor?token=wrong-wrong-wrong-wrong')).status, 403);
  const visit = await fetch(server.instructorUrl(url), { redirect: 'manual' });
  assert.equal(visit.status, 303);
  assert.equal(visit.headers.get('location'), '/instructor');
  const cookie = visit.headers.get('set-cookie')!.split(';')[0]!;
  assert.match(visit.headers.get('set-cookie')!, /HttpOnly; SameSite=Strict/);
  const withCookie = await fetch(url + '/api/instructor/learners', { headers: { cookie } });
  assert.equal(withCookie.status, 200);
  assert.equal((await fetch(url + '/api/instructor/learners', { headers: { 'x-instructor-token': TOKEN } })).status, 200);

  // The live socket too.
  for (const headers of [{}, { cookie: learner.cookie }, { authorization: 'Bearer nope-nope-nope-nope' }]) {
    const code = await new Promise<number>((resolve) => {
      const ws = new WebSocket(url.replace('http', 'ws') + '/api/instructor/live', { headers });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => {
        ws.close();
        resolve(101);
      });
      ws.on('error', () => undefined);
    });
    assert.ok(code === 401 || code === 403, `live socket refused (${code})`);
  }
  // And a learner's own API never shows another learner.
  const other = new LearnerClient(url);
  const progress = await other.api('GET', '/api/progress');
  assert.notEqual(progress.json.learner, learnerIdOf(learner));
  assert.equal((await other.api('GET', '/api/me')).json.name, pseudonym(learnerIdOf(other)));
});

test('display names: checked, stored, and a pseudonym by default', async () => {
  assert.deepEqual(validateDisplayName('  Ada   Lovelace '), { name: 'Ada Lovelace' });
  assert.deepEqual(validateDisplayName('Zoë O\'Brien-Ünal'), { name: "Zoë O'Brien-Ünal" });
  assert.ok('error' in validateDisplayName('<script>alert(1)</script>'));
  assert.ok('error' in validateDisplayName('=HYPERLINK("x")'));
  assert.ok('error' in validateDisplayName('x'.repeat(41)));
  assert.ok('error' in validateDisplayName(42));
  assert.equal(pseudonym('abcdefgh12345678'), pseudonym('abcdefgh12345678'));
  assert.match(pseudonym('abcdefgh12345678'), /^[a-z]+-[a-z]+-\d\d$/);

  const { url } = await startServer();
  const a = new LearnerClient(url);
  const before = await a.api('GET', '/api/me');
  assert.equal(before.json.named, false);
  assert.equal((await a.api('PUT', '/api/me', { name: '<b>bold</b>' })).status, 400);
  const set = await a.api('PUT', '/api/me', { name: 'Ada Lovelace' });
  assert.equal(set.status, 200);
  assert.equal(set.json.name, 'Ada Lovelace');
  const listed = (await overview(url)).learners.find((l) => l.id === learnerIdOf(a));
  assert.equal(listed?.name, 'Ada Lovelace');
  assert.equal(listed?.named, true);
  const cleared = await a.api('PUT', '/api/me', { name: '' });
  assert.equal(cleared.json.name, before.json.name);
});

test('two learners: progress, live updates, exports, reset of one, and state read back from the data dir', async () => {
  const { url, server, dataDir } = await startServer();
  const ada = new LearnerClient(url);
  const bob = new LearnerClient(url);
  assert.equal((await ada.api('PUT', '/api/me', { name: 'Lovelace, Ada' })).status, 200);
  assert.equal((await bob.api('PUT', '/api/me', { name: 'Bob' })).status, 200);

  // The instructor is watching before anyone checks anything.
  const live = new WebSocket(url.replace('http', 'ws') + '/api/instructor/live', { headers: asInstructor });
  const frames: InstructorFrame[] = [];
  live.on('message', (d) => frames.push(JSON.parse(String(d)) as InstructorFrame));
  await new Promise((r, j) => {
    live.once('open', r);
    live.once('error', j);
  });

  const adaTerm = await passStartEtcd(ada);
  const bobCheck = await bob.api('POST', `/api/labs/${LAB}/check`);
  assert.equal(bobCheck.status, 200);
  const bobTerm = await bob.terminal(LAB);

  // Bob's check reached the live socket with his failed tasks.
  const bobId = learnerIdOf(bob);
  const adaId = learnerIdOf(ada);
  for (let i = 0; i < 100 && !frames.some((f) => f.type === 'learner' && f.learner.id === bobId && f.learner.labs[LAB]!.tasks.every((t) => t.status === 'failed')); i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  const bobFrame = frames.find((f): f is Extract<InstructorFrame, { type: 'learner' }> => f.type === 'learner' && f.learner.id === bobId && f.learner.labs[LAB]!.tasks.every((t) => t.status === 'failed'));
  assert.ok(bobFrame, `a live frame for Bob's check arrived within a second: ${JSON.stringify(frames.map((f) => f.type))}`);
  assert.ok(frames.some((f) => f.type === 'learner' && f.learner.id === adaId && statuses(f.learner)['start-etcd'] === 'passed'), "Ada's pass was pushed");

  const all = await overview(url);
  assert.ok(all.labs.some((l) => l.id === LAB && l.tasks.length === 6));
  const a = all.learners.find((l) => l.id === adaId)!;
  const b = all.learners.find((l) => l.id === bobId)!;
  assert.equal(a.name, 'Lovelace, Ada');
  assert.equal(statuses(a)['start-etcd'], 'passed');
  assert.equal(statuses(a)['write-foo'], 'failed');
  assert.equal(a.labs[LAB]!.passed, 1);
  assert.match(a.labs[LAB]!.tasks.find((t) => t.id === 'write-foo')!.message, /foo/);
  assert.deepEqual(new Set(Object.values(statuses(b))), new Set(['failed']));
  assert.match(b.labs[LAB]!.tasks[0]!.message, /no etcd process/);
  assert.ok(b.labs[LAB]!.tasks[0]!.checkedAt! > 0, 'the last check time is recorded');
  assert.equal(a.online, true);
  assert.equal(b.online, true);
  assert.ok(a.lastActivityAt! > 0);
  // The same states the learner's own page shows.
  assert.deepEqual(
    a.labs[LAB]!.tasks.map((t) => [t.id, t.status, t.message]),
    (await ada.api('GET', '/api/progress')).json.labs[LAB].tasks.map((t: { id: string; status: string; message: string }) => [t.id, t.status, t.message]),
  );
  const one = await instructorGet(url, `/api/instructor/learners/${adaId}`);
  assert.equal(one.status, 200);
  assert.equal(one.json.learner.id, adaId);
  assert.equal((await instructorGet(url, '/api/instructor/learners/nobody-here-at-all')).status, 404);

  // Exports: CSV, JSON and JUnit, each parsed.
  const csv = await instructorGet(url, `/api/instructor/export?format=csv&lab=01`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type')!, /text\/csv/);
  assert.match(csv.headers.get('content-disposition')!, /attachment; filename="hardway-lab-grades-01-first-contact-.*\.csv"/);
  const table = parseCsv(csv.text);
  assert.deepEqual(table[0], ['learner_id', 'learner_name', 'lab', 'task', 'task_title', 'status', 'passed_at', 'checked_at', 'message']);
  assert.equal(table.length, 1 + 2 * 6, 'a row per learner per task');
  const adaRow = table.find((r) => r[0] === adaId && r[3] === 'start-etcd')!;
  assert.equal(adaRow[1], 'Lovelace, Ada');
  assert.equal(adaRow[5], 'passed');
  assert.ok(!Number.isNaN(Date.parse(adaRow[6]!)));
  assert.equal(table.filter((r) => r[0] === bobId && r[5] === 'failed').length, 6);

  const json = await instructorGet(url, `/api/instructor/export?format=json&lab=${LAB}`);
  assert.equal(json.status, 200);
  const adaJson = json.json.learners.find((l: { id: string }) => l.id === adaId);
  assert.equal(adaJson.reports.length, 1);
  assert.equal(adaJson.reports[0].lab, LAB);
  assert.equal(adaJson.reports[0].passed, 1);
  assert.equal(adaJson.reports[0].total, 6);
  assert.equal(adaJson.reports[0].ok, false);

  const junit = await instructorGet(url, `/api/instructor/export?format=junit&lab=${LAB}`);
  assert.equal(junit.status, 200);
  const root = parseXml(junit.text);
  assert.equal(root.name, 'testsuites');
  assert.equal(root.children.length, 2, 'one testsuite per learner');
  const adaSuite = root.children.find((s) => s.children.some((p) => p.name === 'properties' && p.children.some((x) => x.attrs.name === 'learner.id' && x.attrs.value === adaId)))!;
  assert.equal(adaSuite.attrs.name, 'Lovelace, Ada');
  assert.equal(adaSuite.attrs.tests, '6');
  assert.equal(adaSuite.attrs.failures, '5');
  const cases = adaSuite.children.filter((c) => c.name === 'testcase');
  assert.equal(cases.length, 6);
  const writeFoo = cases.find((c) => c.attrs.name!.startsWith('write-foo:'))!;
  const failure = writeFoo.children.find((c) => c.name === 'failure')!;
  assert.equal(failure.attrs.message, a.labs[LAB]!.tasks.find((t) => t.id === 'write-foo')!.message);
  assert.equal(cases.find((c) => c.attrs.name!.startsWith('start-etcd:'))!.children.some((c) => c.name === 'failure'), false);

  const everyLab = await instructorGet(url, '/api/instructor/export?format=csv');
  assert.ok(parseCsv(everyLab.text).length > table.length, 'all labs: more rows');
  assert.equal((await instructorGet(url, '/api/instructor/export?format=xls')).status, 400);
  assert.equal((await instructorGet(url, '/api/instructor/export?format=csv&lab=99-nope')).status, 404);

  // Reset Ada: her page is told, her progress is gone, Bob keeps his.
  frames.length = 0;
  const reset = await fetch(url + `/api/instructor/learners/${adaId}/labs/${LAB}/reset`, { method: 'POST', headers: asInstructor });
  assert.equal(reset.status, 200);
  await adaTerm.waitFor((t) => t.frames.some((f) => f.type === 'status' && f.closed === 'reset'), 'the reset notice on her page');
  const afterReset = await overview(url);
  assert.deepEqual(new Set(Object.values(statuses(afterReset.learners.find((l) => l.id === adaId)))), new Set(['pending']));
  assert.deepEqual(new Set(Object.values(statuses(afterReset.learners.find((l) => l.id === bobId)))), new Set(['failed']));
  assert.ok(frames.some((f) => f.type === 'learner' && f.learner.id === adaId && f.learner.labs[LAB]!.passed === 0), 'the reset was pushed');
  const adaAgain = await ada.api('GET', `/api/labs/${LAB}`);
  assert.deepEqual(new Set(adaAgain.json.tasks.map((t: { status: string }) => t.status)), new Set(['pending']));
  const t2 = await ada.terminal(LAB);
  await t2.waitText(/\$ $/);
  t2.type('ls etcd.log');
  await t2.waitText(/No such file or directory/);

  await t2.close();
  await bobTerm.close();
  await adaTerm.close();
  live.close();
  await server.close();

  // After a restart nothing is in memory: the table comes from the data dir.
  const again = await startServer({ dataDir });
  const restored = await overview(again.url);
  assert.equal(again.server.sessions.count(), 0);
  const b2 = restored.learners.find((l) => l.id === bobId)!;
  assert.equal(b2.name, 'Bob');
  assert.equal(b2.online, false);
  assert.deepEqual(new Set(Object.values(statuses(b2))), new Set(['failed']));
  assert.match(b2.labs[LAB]!.tasks[0]!.message, /no etcd process/);
  assert.ok(b2.labs[LAB]!.tasks[0]!.checkedAt! > 0);
  assert.ok(b2.lastActivityAt! > 0);
});

test('the live socket is bounded: at most maxConnections instructors', async () => {
  const { url } = await startServer({ instructorLive: { maxConnections: 1 } });
  const open = () =>
    new Promise<{ ws: WebSocket; status: number }>((resolve) => {
      const ws = new WebSocket(url.replace('http', 'ws') + '/api/instructor/live', { headers: asInstructor });
      ws.on('open', () => resolve({ ws, status: 101 }));
      ws.on('unexpected-response', (_req, res) => resolve({ ws, status: res.statusCode ?? 0 }));
      ws.on('error', () => undefined);
    });
  const first = await open();
  assert.equal(first.status, 101);
  const second = await open();
  assert.equal(second.status, 503);
  first.ws.close();
  await new Promise((r) => first.ws.once('close', r));
  let third = { status: 0 } as { ws?: WebSocket; status: number };
  for (let i = 0; i < 50 && third.status !== 101; i++) {
    third = await open();
    if (third.status !== 101) await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(third.status, 101, 'a slot frees when an instructor leaves');
  third.ws?.close();
});
