// Lesson 04 in a real browser, as a learner does it: a terminal tab per host; start a
// member in each with the lesson's Run buttons; write; stop one member (writes still
// work); stop a second (writes fail with etcd's message); restart one (writes work
// again, the data is intact). Every step reads what the terminals print, and at the end
// every task card has turned green from the sandbox's real state.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureWebBuilt } from '../../scripts/build-web.ts';
import { clusterSandboxProvider } from '../../labs/04-cluster/testing.ts';
import { loadCourse } from '../../src/lab/course.ts';
import { createLabServer, type LabServer } from '../../src/server/app.ts';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (CI installs Debian's chromium)`;

let server: LabServer | undefined;
let baseUrl = '';
let dataDir = '';
let browser: Browser | undefined;
const serverLog: string[] = [];

before(async () => {
  if (skip) return;
  dataDir = mkdtempSync(path.join(tmpdir(), 'hwlab-e2e-cluster-'));
  // The lab server in this process, with etcd and etcdctl runnable on the hosts even
  // before they are in the default program registry (labs/04-cluster/testing.ts).
  server = createLabServer({
    course: await loadCourse(),
    provider: clusterSandboxProvider,
    dataDir,
    webDir: await ensureWebBuilt(),
    log: (msg, err) => serverLog.push(`${msg}${err ? `: ${String(err)}` : ''}`),
  });
  baseUrl = await server.listen(0, '127.0.0.1');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

let marks = 0;
const tabIdOf = (host: string) => String(Number(host.slice(-1)));
const textOf = (page: Page, host: string) => page.evaluate((id) => window.hardwayLab?.terminalText(id) ?? '', tabIdOf(host));

/** Switches to a host's tab and focuses its terminal. */
async function useTab(page: Page, host: string): Promise<void> {
  const id = tabIdOf(host);
  await page.locator(`.tab[data-tab-id="${id}"]`).click();
  await page.locator(`.tab[data-tab-id="${id}"][aria-selected="true"]`).waitFor();
  await page.locator(`.term-box[data-term-id="${id}"] .xterm`).click();
}

async function waitForText(page: Page, host: string, re: RegExp, timeout = 20_000): Promise<string> {
  try {
    await page.waitForFunction(([id, src]) => new RegExp(src!).test(window.hardwayLab?.terminalText(id) ?? ''), [tabIdOf(host), re.source], { timeout, polling: 100 });
  } catch {
    assert.fail(`${host}'s terminal never showed ${re}; it shows:\n${await textOf(page, host)}`);
  }
  return textOf(page, host);
}

/**
 * Types a line into a host's terminal as a learner would, waits for the prompt to come
 * back, and returns what the command printed (between its line and the next prompt).
 */
async function type(page: Page, host: string, line: string, timeout = 20_000): Promise<string> {
  await useTab(page, host);
  const mark = `m${(++marks).toString(36)}`;
  // A comment on the line marks it, so its output can be found in the scrollback.
  await page.keyboard.type(`${line} #${mark}`, { delay: 1 });
  await page.keyboard.press('Enter');
  // The terminal may wrap the line anywhere, even inside the mark.
  const marked = `#${[...mark].join('\\n?')}\\n`;
  const text = await waitForText(page, host, new RegExp(`${marked}(?:[\\s\\S]*\\n)?[^\\n]*@${host}:~\\$ ?$`), timeout);
  const hits = [...text.matchAll(new RegExp(marked, 'g'))];
  const last = hits[hits.length - 1]!;
  const lines = text.slice(last.index + last[0].length).split('\n');
  lines.pop(); // the prompt
  return lines.join('\n');
}

async function taskStatuses(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll<HTMLElement>('.task')].map((t) => [t.dataset.taskId!, t.dataset.status!])));
}

/** Clicks the Run button of the lesson's code block that contains `text`, into the active tab. */
async function runBlock(page: Page, text: string): Promise<void> {
  await page.locator('.code-block', { hasText: text }).first().locator('[data-action="run"]').click();
}

test('lesson 04 in Chromium: three hosts form a cluster, lose one, lose quorum, recover', { skip, timeout: 300_000 }, async () => {
  const context = await browser!.newContext({ viewport: { width: 2400, height: 1000 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  await page.goto(baseUrl + '/');
  await page.locator('.lesson-card[data-lesson-id="04-cluster"] a').click();
  await page.waitForURL(/\/lessons\/04-cluster$/);

  // A terminal tab per host, each logged in on its own host.
  const tabs = await page.locator('.tab .tab-label').allTextContents();
  assert.deepEqual(tabs.map((t) => t.replace(/#\d+$/, '')), ['node-1', 'node-2', 'node-3']);
  for (const host of ['node-1', 'node-2', 'node-3']) {
    await useTab(page, host);
    await waitForText(page, host, new RegExp(`learner@${host}:~\\$ ?$`));
  }
  assert.deepEqual(new Set(Object.values(await taskStatuses(page))), new Set(['pending']));

  // Each member started from its own tab with the lesson's Run button.
  for (const n of [1, 2, 3]) {
    await useTab(page, `node-${n}`);
    await runBlock(page, `etcd --name node-${n} `);
    await waitForText(page, `node-${n}`, /\n\[1\] \d+\n[^\n]*\$ ?$/);
  }
  await type(page, 'node-1', 'export ENDPOINTS=10.0.0.11:2379,10.0.0.12:2379,10.0.0.13:2379');
  await type(page, 'node-1', 'until etcdctl --endpoints=$ENDPOINTS endpoint health --cluster >/dev/null 2>&1; do sleep 0.3; done', 30_000);
  const members = await type(page, 'node-1', 'etcdctl --endpoints=$ENDPOINTS member list -w table');
  for (const n of [1, 2, 3]) assert.match(members, new RegExp(`\\| started \\| node-${n} \\| http://10\\.0\\.0\\.1${n}:2380 \\| http://10\\.0\\.0\\.1${n}:2379 \\|`));
  const status = await type(page, 'node-1', 'etcdctl --endpoints=$ENDPOINTS endpoint status --cluster -w table');
  const leaderLine = status.split('\n').filter((l) => /\|\s+true \|\s+false \|/.test(l));
  assert.equal(leaderLine.length, 1, `one leader:\n${status}`);

  // A write on node-1, read on node-3.
  assert.match(await type(page, 'node-1', "etcdctl put greeting 'hello from node-1'"), /^OK$/m);
  assert.match(await type(page, 'node-3', 'etcdctl get greeting'), /^greeting\nhello from node-1$/m);

  // One member down: still a majority.
  await type(page, 'node-1', 'kill %1');
  await type(page, 'node-1', 'while pgrep -x etcd >/dev/null; do sleep 0.2; done');
  const two = await type(page, 'node-2', 'etcdctl put one-down still-works', 30_000);
  assert.match(two, /^OK$/m);
  assert.match(await type(page, 'node-3', 'etcdctl get one-down --print-value-only'), /^still-works$/m);

  // A second member down: writes fail with etcd's message, serializable reads still answer.
  await type(page, 'node-2', 'pkill etcd');
  await type(page, 'node-2', 'while pgrep -x etcd >/dev/null; do sleep 0.2; done');
  await type(page, 'node-3', 'sleep 2');
  const failed = await type(page, 'node-3', 'etcdctl put two-down nope', 30_000);
  assert.match(failed, /^Error: context deadline exceeded$/m);
  assert.match(await type(page, 'node-3', 'echo $?'), /^1$/m);
  assert.match(await type(page, 'node-3', 'etcdctl get greeting --consistency=s'), /^greeting\nhello from node-1$/m);
  assert.match(await type(page, 'node-3', 'curl http://127.0.0.1:2379/health'), /^\{"health":"false","reason":"RAFT NO LEADER"\}$/m);
  const lonely = await type(page, 'node-3', 'etcdctl endpoint status -w table');
  assert.match(lonely, /\| etcdserver: no leader \|/);

  // node-1's member back, from its data directory: a leader, the data, writes again.
  await useTab(page, 'node-1');
  await runBlock(page, 'etcd --name node-1 ');
  await waitForText(page, 'node-1', /\n\[1\] \d+\n[^\n]*\$ ?$/);
  await type(page, 'node-1', 'until etcdctl endpoint health >/dev/null 2>&1; do sleep 0.3; done', 30_000);
  assert.match(await type(page, 'node-1', 'etcdctl get greeting'), /^greeting\nhello from node-1$/m);
  assert.match(await type(page, 'node-3', 'etcdctl put back again'), /^OK$/m);
  assert.match(await type(page, 'node-3', 'etcdctl get one-down --print-value-only'), /^still-works$/m);

  // Every task card turns green by itself (the server re-checks open pages).
  await page
    .waitForFunction(() => [...document.querySelectorAll<HTMLElement>('.task')].every((t) => t.dataset.status === 'passed'), undefined, { timeout: 30_000 })
    .catch(async () => assert.fail(`tasks did not all pass: ${JSON.stringify(await taskStatuses(page))}\n${(await page.locator('.task-message').allTextContents()).join('\n')}`));
  await page.screenshot({ path: '/tmp/lesson-04.png' });

  assert.deepEqual(errors, [], 'no script errors on the page');
  await context.close();
});

test('the Playground: listed on the course page, its intro beside a terminal per host', { skip, timeout: 120_000 }, async () => {
  const context = await browser!.newContext({ viewport: { width: 2400, height: 1000 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(baseUrl + '/');
  const card = page.locator('.playground[data-lab-id="playground"]');
  await card.waitFor();
  assert.match(await card.textContent() ?? '', /Playground[\s\S]*node-1, node-2, node-3/);
  await card.locator('a').click();
  await page.waitForURL(/\/lessons\/playground$/);
  await page.locator('.lesson-body h1', { hasText: 'Playground' }).waitFor();
  assert.deepEqual((await page.locator('.tab .tab-label').allTextContents()).map((t) => t.replace(/#\d+$/, '')), ['node-1', 'node-2', 'node-3']);
  for (const host of ['node-1', 'node-2', 'node-3']) {
    await useTab(page, host);
    await waitForText(page, host, new RegExp(`learner@${host}:~\\$ ?$`));
    await runBlock(page, 'N=$(hostname)');
    await waitForText(page, host, /\n\[1\] \d+\n[^\n]*\$ ?$/);
  }
  // Members need a moment to find each other and elect a leader; wait as a learner would.
  await type(page, 'node-2', 'until etcdctl endpoint health --endpoints=10.0.0.11:2379,10.0.0.12:2379,10.0.0.13:2379 >/dev/null 2>&1; do sleep 0.3; done', 30_000);
  await useTab(page, 'node-2');
  await runBlock(page, 'export ENDPOINTS');
  const out = await waitForText(page, 'node-2', /\| started \| node-3 \|[\s\S]*RAFT TERM[\s\S]*\n[^\n]*\$ ?$/, 30_000);
  assert.match(out, /\| started \| node-1 \| http:\/\/10\.0\.0\.11:2380 \|/);
  assert.deepEqual(errors, []);
  await context.close();
});
