// Lesson 01 in a real browser, as a learner does it: type the lesson's commands into
// the terminal, watch the task cards turn green, reload, reset.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { chromiumMissing, terminalText, waitForTerminal, labAndBrowser } from './harness.ts';

const skip = chromiumMissing;

const e2e = labAndBrowser();

/** Types a line as a learner would and waits for the prompt to come back. */
async function typeLine(page: Page, line: string, expect?: RegExp): Promise<void> {
  const before = (await terminalText(page)).split('\n').length;
  await page.keyboard.type(line, { delay: 2 });
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    (n) => {
      const lines = (window.hardwayLab?.terminalText() ?? '').split('\n');
      return lines.length > n && /[$#] ?$/.test(lines[lines.length - 1]!);
    },
    before,
    { timeout: 15_000, polling: 100 },
  ).catch(async () => assert.fail(`"${line}" did not return to the prompt:\n${await terminalText(page)}`));
  if (expect) await waitForTerminal(page, expect);
}

async function taskStatuses(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll<HTMLElement>('.task')].map((t) => [t.dataset.taskId!, t.dataset.status!])));
}

test('lesson 01 end to end in Chromium', { skip, timeout: 240_000 }, async () => {
  const context = await e2e.browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => void d.accept());

  // The course page lists the lesson with its progress.
  await page.goto(e2e.baseUrl + '/');
  const card = page.locator('.lesson-card[data-lesson-id="01-first-contact"]');
  await card.waitFor();
  assert.equal(await card.getAttribute('data-passed'), '0');
  await card.locator('a').click();

  await page.waitForURL(/\/lessons\/01-first-contact$/);
  await page.locator('.xterm').first().waitFor();
  await waitForTerminal(page, /learner@node-1:~\$ ?$/);
  const statuses = await taskStatuses(page);
  assert.deepEqual(Object.values(statuses).filter((s) => s !== 'pending'), [], 'every task starts pending');
  assert.equal(Object.keys(statuses).length, 6);

  await page.locator('.xterm').first().click();

  // Foreground first, stopped with Ctrl-C.
  await page.keyboard.type('etcd');
  await page.keyboard.press('Enter');
  await waitForTerminal(page, /ready to serve client requests/);
  await page.keyboard.press('Control+C');
  await waitForTerminal(page, /received signal; shutting down[\s\S]*\$ ?$/);

  // The Run button on the background command's code block types it into the terminal.
  const runButton = page.locator('.code-block', { hasText: 'etcd > etcd.log 2>&1 &' }).locator('[data-action="run"]');
  await runButton.click();
  await waitForTerminal(page, /\[1\] \d+/);
  await page.locator('.xterm').first().click();
  // A restarted member needs a moment to elect itself; wait for it as a learner would.
  await typeLine(page, 'until etcdctl endpoint health >/dev/null 2>&1; do sleep 0.2; done');

  await typeLine(page, 'curl http://127.0.0.1:2379/health', /\{"health":"true"/);
  await typeLine(page, 'curl -s http://127.0.0.1:2379/version', /"etcdserver":"3\.6\.4"/);
  await typeLine(page, 'etcdctl endpoint health', /127\.0\.0\.1:2379 is healthy/);
  await typeLine(page, 'etcdctl endpoint status -w table', /\| *ENDPOINT *\|/);
  await typeLine(page, 'etcdctl put foo bar', /\nOK\n/);
  await typeLine(page, 'etcdctl get foo --print-value-only');
  await typeLine(page, 'etcdctl get foo -w json', /"kvs":\[/);
  await typeLine(page, 'etcdctl put foo baz');
  await typeLine(page, 'etcdctl get foo --rev=2', /foo\nbar\n/);
  await typeLine(page, 'etcdctl put /foo bar');
  await typeLine(page, 'etcdctl put /foo/bar baz');
  await typeLine(page, 'etcdctl put /foo/bar/baz bat');
  await typeLine(page, 'etcdctl get --prefix /foo --keys-only', /\/foo\n\n\/foo\/bar\n\n\/foo\/bar\/baz/);
  await typeLine(page, 'etcdctl del --prefix /foo', /\n3\n/);

  // A second tab on the same host watches while the first one writes.
  await page.locator('[data-action="new-tab"]').click();
  await page.locator('.tab[data-tab-id="2"][aria-selected="true"]').waitFor();
  await waitForTerminal(page, /learner@node-1:~\$ ?$/);
  await page.locator('.term-box[data-term-id="2"] .xterm').click();
  await page.keyboard.type('etcdctl watch foo');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(500);
  await page.locator('.tab[data-tab-id="1"]').click();
  await page.locator('.term-box[data-term-id="1"] .xterm').click();
  await typeLine(page, 'etcdctl put foo hello', /\nOK\n[\s\S]*\$ ?$/);
  await page.locator('.tab[data-tab-id="2"]').click();
  await waitForTerminal(page, /PUT\nfoo\nhello/);
  await page.locator('.term-box[data-term-id="2"] .xterm').click();
  await page.keyboard.press('Control+C');
  await page.locator('.tab[data-tab-id="1"]').click();

  // Every task turns green by itself (the server re-checks open pages every 2 s).
  await page
    .waitForFunction(() => [...document.querySelectorAll<HTMLElement>('.task')].every((t) => t.dataset.status === 'passed'), undefined, { timeout: 20_000 })
    .catch(async () => assert.fail(`tasks did not all pass: ${JSON.stringify(await taskStatuses(page))}\n${await page.locator('.task-message').allTextContents()}`));
  await page.locator('.task[data-task-id="watch-key"]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: '/tmp/lesson-01.png' });

  // A reload keeps the progress, the terminal's output and the shell's history.
  await page.reload();
  await page.locator('.xterm').first().waitFor();
  await waitForTerminal(page, /etcdctl del --prefix \/foo/);
  assert.deepEqual(new Set(Object.values(await taskStatuses(page))), new Set(['passed']));
  await page.locator('.term-box[data-term-id="1"] .xterm').click();
  await page.keyboard.press('ArrowUp');
  await waitForTerminal(page, /\$ etcdctl put foo hello$/);
  await page.keyboard.press('Control+C');

  // The course page shows the progress too.
  await page.goto(e2e.baseUrl + '/');
  await card.waitFor();
  assert.equal(await card.getAttribute('data-passed'), '6');

  // Reset: a fresh host, no etcd.log, tasks pending again.
  await page.goto(e2e.baseUrl + '/lessons/01-first-contact');
  await page.locator('.xterm').first().waitFor();
  await page.locator('[data-action="reset"]').click();
  await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('.task')].every((t) => t.dataset.status === 'pending'), undefined, { timeout: 10_000 });
  await waitForTerminal(page, /learner@node-1:~\$ ?$/);
  await page.locator('.xterm').first().click();
  await typeLine(page, 'ls -a');
  const afterReset = await terminalText(page);
  assert.doesNotMatch(afterReset, /etcd\.log/);
  assert.doesNotMatch(afterReset, /etcdctl del --prefix/);

  assert.deepEqual(errors, [], 'no script errors on the page');
  await context.close();
});
