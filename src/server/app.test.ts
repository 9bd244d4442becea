// The lab server with real sandboxes and real shells: sessions per learner, the
// terminal bridge, persistence across reloads and restarts, reset and limits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import netModule from 'node:net';
import { LearnerClient, labServers, type TermClient } from './test-clients.ts';

const LAB = '01-first-contact';
const fixture = labServers();
const startServer = fixture.start.bind(fixture);

/** A learner's browser on lesson 01 (src/server/test-clients.ts does the work). */
class Learner extends LearnerClient {
  openTerminal(tab = '1'): Promise<TermClient> {
    return this.terminal(LAB, tab);
  }
}

test('the first visit gets a learner cookie and the course with lesson 01 at 0 passed', async () => {
  const { url } = await startServer();
  const a = new Learner(url);
  const res = await a.api('GET', '/api/lessons');
  assert.equal(res.status, 200);
  assert.match(a.cookie, /^hwlab_learner=[\w-]{16,}$/);
  const l = res.json.lessons.find((x: { id: string }) => x.id === LAB);
  assert.ok(l, 'lesson 01 is listed');
  assert.equal(l.passed, 0);
  assert.equal(l.total, fixture.course.lab(LAB)!.tasks.length);
  const lab = await a.api('GET', `/api/labs/${LAB}`);
  assert.equal(lab.status, 200);
  assert.match(lab.json.lesson.html, /data-task-id="start-etcd"/);
  assert.deepEqual(lab.json.tabs, [{ id: '1', host: 'node-1' }]);
  assert.ok(lab.json.tasks.every((t: { status: string }) => t.status === 'pending'));
  assert.equal((await a.api('GET', '/api/labs/99-nope')).status, 404);
});

test('a terminal is a shell as learner@node-1; two learners never share a host', async () => {
  const { url, server } = await startServer();
  const a = new Learner(url);
  const b = new Learner(url);
  await a.api('GET', `/api/labs/${LAB}`);
  await b.api('GET', `/api/labs/${LAB}`);
  assert.notEqual(a.cookie, b.cookie);
  const ta = await a.openTerminal();
  await ta.waitText(/learner@node-1.*\$ $/);
  ta.type('echo secret-of-a > mine.txt; cat mine.txt');
  await ta.waitText(/\nsecret-of-a\n/);
  const tb = await b.openTerminal();
  await tb.waitText(/\$ $/);
  tb.type('cat mine.txt');
  await tb.waitText(/cat: mine.txt: No such file or directory/);
  assert.equal(server.sessions.count(), 2);
  await ta.close();
  await tb.close();
});

test('bad frames get an error status, an oversized frame closes the socket, the server keeps serving', async () => {
  const { url } = await startServer({ maxFrameBytes: 4096 });
  const a = new Learner(url);
  await a.api('GET', `/api/labs/${LAB}`);
  const t = await a.openTerminal();
  t.send('not json');
  t.send({ type: 'resize', cols: -1, rows: 5 });
  t.send({ type: 'launch-missiles' });
  await t.waitFor((x) => x.frames.filter((f) => f.type === 'status' && f.error).length >= 3, 'three error frames');
  t.send({ type: 'input', data: 'x'.repeat(10_000) });
  await t.waitFor((x) => x.closed !== undefined, 'the socket to close');
  assert.equal(t.closed!.code, 1009);
  const again = await a.openTerminal();
  again.type('echo still here');
  await again.waitText(/\nstill here\n/);
  await again.close();
});

test('a reload re-attaches to the same shell and replays its output; a second tab is another shell on the host', async () => {
  const { url } = await startServer();
  const a = new Learner(url);
  await a.api('GET', `/api/labs/${LAB}`);
  const t1 = await a.openTerminal();
  t1.type('echo before-reload');
  await t1.waitText(/\nbefore-reload\n/);
  await t1.close();
  const t1again = await a.openTerminal();
  await t1again.waitText(/before-reload/);
  const tab = await a.api('POST', `/api/labs/${LAB}/tabs`, { host: 'node-1' });
  assert.equal(tab.status, 201);
  assert.deepEqual(tab.json.tab, { id: '2', host: 'node-1' });
  const t2 = await a.openTerminal('2');
  await t2.waitText(/\$ $/);
  assert.doesNotMatch(t2.text, /before-reload/);
  // Its own shell process: a different $$ from the first tab's.
  t1again.type('echo "pid=$$"');
  await t1again.waitText(/\npid=\d+\n/);
  t2.type('echo "pid=$$"');
  await t2.waitText(/\npid=\d+\n/);
  assert.notEqual(/\npid=(\d+)/.exec(t1again.text)![1], /\npid=(\d+)/.exec(t2.text)![1]);
  assert.equal((await a.api('POST', `/api/labs/${LAB}/tabs`, { host: 'node-9' })).status, 400);
  const lab = await a.api('GET', `/api/labs/${LAB}`);
  assert.deepEqual(lab.json.tabs.map((x: { id: string }) => x.id), ['1', '2']);
  await t1again.close();
  await t2.close();
});

test('host state and shell history survive a server restart; Reset gives a fresh host', async () => {
  const first = await startServer();
  const a = new Learner(first.url);
  await a.api('GET', `/api/labs/${LAB}`);
  const t = await a.openTerminal();
  t.type('echo kept > kept.txt');
  await t.waitText(/\$ $/);
  t.type('echo marker-line');
  await t.waitText(/\nmarker-line\n/);
  await t.close();
  await first.server.close();

  const second = await startServer({ dataDir: first.dataDir });
  const a2 = new Learner(second.url);
  a2.cookie = a.cookie;
  await a2.api('GET', `/api/labs/${LAB}`);
  const t2 = await a2.openTerminal();
  await t2.waitText(/\$ $/);
  t2.type('cat kept.txt');
  await t2.waitText(/\nkept\n/);
  t2.type('history');
  await t2.waitText(/\d+ +echo marker-line\n/);
  await t2.close();

  const reset = await a2.api('POST', `/api/labs/${LAB}/reset`);
  assert.equal(reset.status, 200);
  const t3 = await a2.openTerminal();
  await t3.waitText(/\$ $/);
  t3.type('cat kept.txt');
  await t3.waitText(/No such file or directory/);
  await t3.close();
});

test('checks run on demand: a fresh lab fails every task with a message saying what was looked at', async () => {
  const { url } = await startServer();
  const a = new Learner(url);
  const res = await a.api('POST', `/api/labs/${LAB}/check`);
  assert.equal(res.status, 200);
  for (const t of res.json.tasks) {
    assert.equal(t.status, 'failed', t.id);
    assert.ok(t.message.length > 10, `${t.id} explains itself`);
  }
  assert.match(res.json.tasks[0].message, /no etcd process/);
  const progress = await a.api('GET', '/api/progress');
  assert.equal(progress.json.labs[LAB].passed, 0);
});

test('per-learner rate limit answers 429 and leaves other learners alone', async () => {
  const { url } = await startServer({ apiRate: { perSecond: 0.001, burst: 3 } });
  const a = new Learner(url);
  const b = new Learner(url);
  const codes: number[] = [];
  for (let i = 0; i < 5; i++) codes.push((await a.api('GET', '/api/lessons')).status);
  assert.deepEqual(codes, [200, 200, 200, 429, 429]);
  assert.equal((await b.api('GET', '/api/lessons')).status, 200);
});

test('idle sessions are saved and dropped; a full server evicts the least recently used idle one', async () => {
  const { url, server } = await startServer({ limits: { maxSandboxes: 1, idleMs: 60_000 } });
  const a = new Learner(url);
  await a.api('GET', `/api/labs/${LAB}`);
  const ta = await a.openTerminal();
  ta.type('echo from-a > a.txt');
  await ta.waitText(/\$ $/);
  await new Promise((r) => setTimeout(r, 50));
  const b = new Learner(url);
  // A's page is still open: no room for B.
  assert.equal((await b.api('GET', `/api/labs/${LAB}`)).status, 503);
  await ta.close();
  // A left (the server notices the closed socket a moment later): B gets the slot,
  // and A's host is saved on the way out.
  let status = 0;
  for (let i = 0; i < 50 && status !== 200; i++) {
    status = (await b.api('GET', `/api/labs/${LAB}`)).status;
    if (status !== 200) await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(status, 200);
  assert.equal(server.sessions.count(), 1);
  // B's page is not open, so A can come back (evicting B) and finds the file.
  const ta2 = await a.openTerminal();
  ta2.type('cat a.txt');
  await ta2.waitText(/\nfrom-a\n/);
  await ta2.close();
});

test('a session nobody has used for idleMs is saved and dropped, and comes back from disk', async () => {
  const { url, server } = await startServer({ limits: { idleMs: 0 } });
  const a = new Learner(url);
  await a.api('GET', `/api/labs/${LAB}`);
  const t = await a.openTerminal();
  t.type('mkdir -p work && echo idle > work/f.txt');
  await t.waitText(/\$ $/);
  await t.close();
  for (let i = 0; i < 50 && server.sessions.count() > 0; i++) {
    server.sessions.maintain();
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(server.sessions.count(), 0);
  const t2 = await a.openTerminal();
  t2.type('cat work/f.txt');
  await t2.waitText(/\nidle\n/);
  await t2.close();
});

test('malformed upgrade requests get an HTTP error; the server keeps serving', async () => {
  const { url } = await startServer();
  const learner = new Learner(url);
  await learner.api('GET', '/api/lessons');
  const { port } = new URL(url);
  const raw = (path: string, headers: string) =>
    new Promise<string>((resolve) => {
      const s = netModule.connect(Number(port), '127.0.0.1', () => {
        s.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nCookie: ${learner.cookie}\r\n${headers}\r\n`);
      });
      let got = '';
      s.on('data', (d: Buffer) => (got += d.toString()));
      s.on('close', () => resolve(got.split('\r\n')[0] ?? ''));
      s.on('error', () => resolve(got.split('\r\n')[0] ?? ''));
    });
  assert.equal(await raw(`/api/labs/${LAB}/terminal`, 'Origin: ::not a url::\r\n'), 'HTTP/1.1 403 Forbidden');
  assert.equal(await raw('/api/labs/%E0%A4%A/terminal', ''), 'HTTP/1.1 400 Bad Request');
  assert.equal((await learner.api('GET', '/api/lessons')).status, 200);
});
