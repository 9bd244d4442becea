import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SimClock } from '../platform/sim-clock.ts';
import { socketPair } from './duplex-pair.ts';

test('bytes written before the other end starts reading wait for it, as in a kernel socket buffer', async () => {
  const [client, server] = socketPair({ host: '127.0.0.1', port: 40000 }, { host: '127.0.0.1', port: 2379 }, new SimClock());
  client.write('GET /health HTTP/1.1\r\n\r\n');
  // Several turns of the event loop pass before the server side reads (etcd still starting).
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  const got = await new Promise<string>((resolve) => server.once('data', (d: Buffer) => resolve(d.toString())));
  assert.equal(got, 'GET /health HTTP/1.1\r\n\r\n');
  client.destroy();
  server.destroy();
});
