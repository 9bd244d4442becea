import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testSandbox } from './testing.ts';

it('tail prints the last lines or bytes and the +N form', async () => {
  const h = testSandbox().host('node-1');
  h.rootFs.writeFile('/tmp/f', 'b 2\na 10\nc 1\na 10\n');
  assert.equal((await run(h, 'tail -n 2 /tmp/f')).stdout, 'c 1\na 10\n');
  assert.equal((await run(h, 'tail -n +2 /tmp/f')).stdout, 'a 10\nc 1\na 10\n');
  assert.equal((await run(h, 'tail -c 4 /tmp/f')).stdout, ' 10\n');
  assert.equal((await run(h, 'tail -1', { stdin: 'x\ny\n' })).stdout, 'y\n');
  assert.equal((await run(h, 'tail /nope')).stderr, "tail: cannot open '/nope' for reading: No such file or directory\n");
});

it('tail -f prints what is appended until Ctrl-C', async () => {
  const sb = testSandbox();
  const h = sb.host('node-1');
  h.rootFs.writeFile('/tmp/log', 'one\n');
  const ac = new AbortController();
  const p = run(h, 'tail -f /tmp/log', { signal: ac.signal });
  await new Promise((r) => setImmediate(r));
  h.rootFs.appendFile('/tmp/log', 'two\n');
  sb.clock.advance(1000);
  await new Promise((r) => setImmediate(r));
  h.rootFs.appendFile('/tmp/log', 'three\n');
  sb.clock.advance(1000);
  await new Promise((r) => setImmediate(r));
  ac.abort('SIGINT');
  const r = await p;
  assert.equal(r.stdout, 'one\ntwo\nthree\n');
  assert.equal(r.status, 130);
});

it('tail on an endless pipe stops at the sandbox input limit with a message instead of eating memory', async () => {
  const sb = testSandbox();
  try {
    const r = await run(sb.host('node-1'), ['bash', '-c', 'yes | tail -1; echo "status=$?"']);
    assert.equal(r.stdout, 'status=1\n');
    assert.match(r.stderr, /^tail: .*memory exhausted \(standard input over the sandbox limit of 64 MiB\)\n$/);
  } finally {
    sb.dispose();
  }
});
