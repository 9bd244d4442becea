// Lesson 05 in a real browser: the lesson's commands typed verbatim into the terminal of a
// host set up as lesson 02 leaves it — keys, snapshot, etcdutl status, the accident, the
// refused restore over the live data dir, the restore into a fresh one, the service moved
// onto it — until every task card says passed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chromiumMissing, taskStatuses, typeLine, waitForTerminal, labAndBrowser } from './harness.ts';
import lab05 from '../../labs/05-backup-restore/lab.ts';

const skip = chromiumMissing;

const e2e = labAndBrowser();

/** What each line shows when it works (the rest are only waited for). */
const EXPECT: Record<string, RegExp> = {
  'systemctl is-active etcd': /\nactive\n/,
  'sudo etcdctl snapshot save /var/backups/etcd/snapshot.db': /Snapshot saved at \/var\/backups\/etcd\/snapshot\.db/,
  'sudo etcdutl snapshot status /var/backups/etcd/snapshot.db -w table': /\| [0-9a-f]{8} \|        4 \|          3 \|/,
  'etcdctl del /app/ --prefix': /etcdctl del \/app\/ --prefix\n3\n/,
  'etcdctl snapshot restore /var/backups/etcd/snapshot.db': /COMMANDS:\n +save +Stores an etcd node backend snapshot/,
  'sudo etcdutl snapshot restore /var/backups/etcd/snapshot.db --data-dir /var/lib/etcd': /Error: data-dir "\/var\/lib\/etcd" not empty or could not be read/,
  'sudo etcdutl snapshot restore /var/backups/etcd/snapshot.db --data-dir /var/lib/etcd-restored': /restored snapshot/,
  'sudo journalctl -u etcd --no-pager | grep dir-type | tail -n 1': /"data-dir":"\/var\/lib\/etcd-restored","dir-type":"member"/,
  'etcdctl get /app/users/alice -w json': /"mod_revision":4/,
};

test('lesson 05 end to end in Chromium, with the lesson\'s commands verbatim', { skip, timeout: 300_000 }, async () => {
  const context = await e2e.browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  await page.goto(`${e2e.baseUrl}/lessons/05-backup-restore`);
  await page.locator('.xterm').first().waitFor();
  await waitForTerminal(page, /learner@node-1:~\$ ?$/, 90_000);
  const statuses = await taskStatuses(page);
  assert.deepEqual(Object.keys(statuses).sort(), lab05.tasks.map((t) => t.id).sort());
  assert.deepEqual(Object.values(statuses).filter((s) => s !== 'pending'), [], 'every task starts pending');
  await page.locator('.xterm').first().click();

  for (const line of lab05.solution) await typeLine(page, line, { timeout: 30_000, ...(EXPECT[line] ? { expect: EXPECT[line] } : {}) });
  // The keys are back, as the snapshot holds them.
  await waitForTerminal(page, /etcdctl get \/app\/ --prefix\n\/app\/config\/db-url\npostgres:\/\/db\.internal:5432\/shop\n\/app\/config\/replicas\n3\n\/app\/users\/alice\nadmin\n/);

  await page.locator('[data-action="check"]').click().catch(() => undefined);
  await page
    .waitForFunction(() => [...document.querySelectorAll<HTMLElement>('.task')].every((t) => t.dataset.status === 'passed'), undefined, { timeout: 30_000 })
    .catch(async () => assert.fail(`tasks did not all pass: ${JSON.stringify(await taskStatuses(page))}\n${(await page.locator('.task-message').allTextContents()).join('\n')}`));
  await page.screenshot({ path: '/tmp/lesson-05.png' });

  assert.deepEqual(errors, [], 'no script errors on the page');
  await context.close();
});
