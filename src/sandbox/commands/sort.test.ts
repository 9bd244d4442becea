import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost, VOLUME_TEST_LIMITS } from './testing.ts';

it('sort orders lines by bytes, numbers, keys; -r -u -t -o', async () => {
  const h = testHost();
  h.rootFs.writeFile('/tmp/s.txt', 'b 2\na 10\nc 1\na 10\n');
  assert.equal((await run(h, 'sort /tmp/s.txt')).stdout, 'a 10\na 10\nb 2\nc 1\n');
  assert.equal((await run(h, 'sort -k2 -n /tmp/s.txt')).stdout, 'c 1\nb 2\na 10\na 10\n');
  assert.equal((await run(h, 'sort -u /tmp/s.txt')).stdout, 'a 10\nb 2\nc 1\n');
  assert.equal((await run(h, 'sort -r /tmp/s.txt')).stdout, 'c 1\nb 2\na 10\na 10\n');
  assert.equal((await run(h, ['sort', '-t', ':', '-k2,2nr'], { stdin: 'x:1\ny:3\nz:2\n' })).stdout, 'y:3\nz:2\nx:1\n');
  assert.equal((await run(h, 'sort -h', { stdin: '2K\n1M\n3\n' })).stdout, '3\n2K\n1M\n');
  await run(h, 'sort -o /tmp/out /tmp/s.txt', { as: 'root' });
  assert.equal(new TextDecoder().decode(h.rootFs.readFile('/tmp/out')), 'a 10\na 10\nb 2\nc 1\n');
  assert.equal((await run(h, 'sort /nope')).stderr, 'sort: cannot read: /nope: No such file or directory\n');
});

it('sort orders a large input exactly as a plain sort would, stable and with -u', async () => {
  const h = testHost();
  const nums = Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 100_003);
  h.rootFs.writeFile('/tmp/n', nums.map((n) => `${n} k${n % 7}\n`).join(''));
  const byNumber = [...nums].sort((a, b) => a - b);
  const r = await run(h, 'sort -n /tmp/n');
  assert.equal(r.stdout, byNumber.map((n) => `${n} k${n % 7}\n`).join(''));
  // -s keeps input order among equal keys; -u keeps the first of each.
  const stable = await run(h, 'sort -s -k2,2 /tmp/n');
  const expected = nums.map((n, i) => ({ n, i })).sort((a, b) => (a.n % 7) - (b.n % 7) || a.i - b.i);
  assert.equal(stable.stdout, expected.map(({ n }) => `${n} k${n % 7}\n`).join(''));
  assert.equal((await run(h, 'sort -u -k2,2 /tmp/n')).stdout, [0, 1, 2, 3, 4, 5, 6].map((k) => `${nums.find((n) => n % 7 === k)} k${k}\n`).join(''));
});

it('sort reads a million lines from a pipe (not one push of them all) and sorts them', async () => {
  const h = testHost(VOLUME_TEST_LIMITS);
  const r = await run(h, ['bash', '-c', 'seq 1 1000000 | sort -rn | tail -2']);
  assert.deepEqual(r, { status: 0, stdout: '2\n1\n', stderr: '' });
});

it('a long sort can be interrupted: Ctrl-C and kill reach it while it compares', async () => {
  const h = testHost();
  await run(h, ['bash', '-c', 'seq 1 1000000 > /tmp/big']);
  const turns = async (n: number) => {
    for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
  };
  const stop = new AbortController();
  const interrupted = run(h, ['bash', '-c', 'sort -rn /tmp/big | tail -1; echo after'], { signal: stop.signal });
  await turns(5);
  assert.ok(h.processes().some((p) => p.argv[0] === 'sort'));
  stop.abort('SIGINT');
  assert.equal((await interrupted).status, 130);
  assert.ok(!h.processes().some((p) => p.argv[0] === 'sort'));

  const killed = run(h, ['bash', '-c', 'sort -rn /tmp/big > /dev/null; echo "status $?"']);
  await turns(5);
  const sort = h.processes().find((p) => p.argv[0] === 'sort');
  assert.ok(sort);
  h.kill(sort.pid, 'SIGKILL');
  const r = await killed;
  assert.equal(r.stdout, 'status 137\n');
  assert.equal(r.stderr, `bash: line 1: ${String(sort.pid).padStart(5)} Killed                  sort -rn /tmp/big > /dev/null\n`);
});
