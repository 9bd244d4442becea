import assert from 'node:assert/strict';
import { it } from 'node:test';
import { formatDate } from './date.ts';
import { run, testHost } from './testing.ts';

it('date prints the default format, +FORMAT, -d and -I in UTC', async () => {
  const h = testHost();
  assert.equal((await run(h, 'date')).stdout, 'Sat Nov 21 09:00:00 UTC 2026\n');
  assert.equal((await run(h, 'date +%Y-%m-%dT%H:%M:%S')).stdout, '2026-11-21T09:00:00\n');
  assert.equal((await run(h, 'date +%s')).stdout, `${Date.UTC(2026, 10, 21, 9) / 1000}\n`);
  assert.equal((await run(h, ['date', '-d', '@0'])).stdout, 'Thu Jan  1 00:00:00 UTC 1970\n');
  assert.equal((await run(h, 'date -I')).stdout, '2026-11-21\n');
  assert.equal((await run(h, 'date -Iseconds')).stdout, '2026-11-21T09:00:00+00:00\n');
  assert.equal((await run(h, 'date -R')).stdout, 'Sat, 21 Nov 2026 09:00:00 +0000\n');
  const bad = await run(h, ['date', '-d', 'bad']);
  assert.equal(bad.stderr, 'date: invalid date \u2018bad\u2019\n');
  assert.equal(formatDate(0, '%j %e %%'), '001  1 %');
});
