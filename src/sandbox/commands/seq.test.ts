import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost, VOLUME_TEST_LIMITS } from './testing.ts';

it('seq counts with FIRST, INCREMENT, LAST, -w and -s', async () => {
  const h = testHost();
  assert.equal((await run(h, 'seq 3')).stdout, '1\n2\n3\n');
  assert.equal((await run(h, 'seq 1 0.5 2')).stdout, '1.0\n1.5\n2.0\n');
  assert.equal((await run(h, 'seq -w 8 10')).stdout, '08\n09\n10\n');
  assert.equal((await run(h, ['seq', '-s', ',', '3'])).stdout, '1,2,3\n');
  assert.equal((await run(h, 'seq 3 -1 1')).stdout, '3\n2\n1\n');
  assert.equal((await run(h, 'seq 5 1')).stdout, '');
  assert.equal((await run(h, 'seq 1 a')).stderr, "seq: invalid floating point argument: \u2018a\u2019\nTry 'seq --help' for more information.\n");
});

it('seq says so when the sandbox limit cuts a sequence short, instead of ending as if it were complete', async () => {
  const h = testHost(VOLUME_TEST_LIMITS);
  const r = await run(h, ['bash', '-c', 'seq 10000001 | wc -l; echo "status=${PIPESTATUS[0]}"']);
  assert.equal(r.stdout, '10000000\nstatus=1\n');
  assert.equal(r.stderr, 'seq: output limit reached: the sandbox stops seq after 10000000 numbers\n');
  // Exactly at the limit the sequence is complete.
  const full = await run(h, ['bash', '-c', 'seq 10000000 | wc -l; echo "status=${PIPESTATUS[0]}"']);
  assert.equal(full.stdout, '10000000\nstatus=0\n');
  assert.equal(full.stderr, '');
});
