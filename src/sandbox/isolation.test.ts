// A learner's sandbox must never reach the machine it runs on: every network client in
// the sandbox (curl, wget, etcdctl, openssl s_client, ssh) dials the virtual network, so a
// real server listening on the real 127.0.0.1 is invisible to them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { run, testSandbox } from './commands/testing.ts';

test('sandbox clients cannot reach a real server on the real loopback', async (t) => {
  let realConnections = 0;
  const real = net.createServer((s) => {
    realConnections++;
    s.end('HTTP/1.1 200 OK\r\ncontent-length: 6\r\n\r\nescape');
  });
  await new Promise<void>((r) => real.listen(0, '127.0.0.1', r));
  t.after(() => real.close());
  const port = (real.address() as net.AddressInfo).port;
  const host = testSandbox().host('node-1');
  const attempts = [
    `curl -s -m 2 http://127.0.0.1:${port}/`,
    `curl -s -m 2 http://localhost:${port}/`,
    `wget -q -T 2 -O - http://127.0.0.1:${port}/`,
    `etcdctl --endpoints=127.0.0.1:${port} --dial-timeout=1s --command-timeout=2s get foo`,
    `openssl s_client -connect 127.0.0.1:${port}`,
  ];
  for (const cmd of attempts) {
    const r = await run(host, ['bash', '-c', `${cmd} </dev/null 2>&1; echo "exit=$?"`]);
    assert.doesNotMatch(r.stdout, /escape/, `${cmd} reached the real host: ${r.stdout}`);
    assert.match(r.stdout, /exit=[1-9]/, `${cmd} should fail inside the sandbox: ${r.stdout}`);
  }
  assert.equal(realConnections, 0, 'no connection reached the real server');
});

test('one sandbox cannot see another sandbox', async () => {
  const a = testSandbox().host('node-1');
  const b = testSandbox().host('node-1');
  await run(a, ['bash', '-c', 'echo secret > /tmp/mine']);
  const r = await run(b, ['bash', '-c', 'cat /tmp/mine 2>&1; echo exit=$?']);
  assert.match(r.stdout, /No such file or directory\nexit=1/);
});
