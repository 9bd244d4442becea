import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testSandbox, VOLUME_TEST_LIMITS } from './testing.ts';

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

it('tail streams a pipe as GNU tail does: 100 MB through it need no memory, only its last lines are kept', async () => {
  const sb = testSandbox([{ name: 'node-1', ip: '10.0.0.11', limits: VOLUME_TEST_LIMITS }]);
  try {
    const r = await run(sb.host('node-1'), ['bash', '-c', 'yes | head -c 100000000 | tail -c 4; yes abc | head -n 3000000 | tail -n 2; seq 10 | tail -n +9']);
    assert.deepEqual(r, { status: 0, stdout: 'y\ny\nabc\nabc\n9\n10\n', stderr: '' });
  } finally {
    sb.dispose();
  }
});

it('tail on an endless pipe runs until it is interrupted (Ctrl-C reaches it and yes)', async () => {
  const sb = testSandbox();
  try {
    const stop = new AbortController();
    const h = sb.host('node-1');
    const running = run(h, ['bash', '-c', 'yes | tail -1; echo "status=$?"'], { signal: stop.signal });
    // Let data flow for a while: tail keeps consuming without growing.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    assert.ok(h.processes().some((p) => p.argv[0] === 'tail'));
    stop.abort('SIGINT');
    const r = await running;
    assert.equal(r.status, 130);
    assert.ok(!h.processes().some((p) => p.argv[0] === 'tail' || p.argv[0] === 'yes'));
  } finally {
    sb.dispose();
  }
});
