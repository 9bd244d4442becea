import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost, VOLUME_TEST_LIMITS } from './testing.ts';

it('wc counts lines, words and bytes with GNU column widths', async () => {
  const h = testHost();
  h.rootFs.writeFile('/tmp/s.txt', 'b 2\na 10\nc 1\na 10\n');
  assert.equal((await run(h, 'wc /tmp/s.txt')).stdout, ' 4  8 18 /tmp/s.txt\n');
  assert.equal((await run(h, 'wc -l /tmp/s.txt')).stdout, '4 /tmp/s.txt\n');
  assert.equal((await run(h, 'wc -l', { stdin: 'a\nb\n' })).stdout, '2\n');
  assert.equal((await run(h, 'wc', { stdin: 'hi\n' })).stdout, '      1       1       3\n');
  assert.equal((await run(h, 'wc /tmp/s.txt /tmp/s.txt')).stdout, ' 4  8 18 /tmp/s.txt\n 4  8 18 /tmp/s.txt\n 8 16 36 total\n');
  assert.equal((await run(h, 'wc /nope')).stderr, 'wc: /nope: No such file or directory\n');
});

it('wc counts an endless producer cut at 150 MB as it streams, without holding it all in memory', async () => {
  // Before: wc read the whole pipe into one buffer and spread it into an array of
  // characters, which ran the Node process serving every learner out of memory.
  const h = testHost(VOLUME_TEST_LIMITS);
  const r = await run(h, ['bash', '-c', 'yes | head -c 150000000 | wc -c -l -w']);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, ' 75000000  75000000 150000000\n');
});
