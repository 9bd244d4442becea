import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('hostname prints the name, -I the addresses, -i the address of the name', async () => {
  const h = testHost();
  assert.equal((await run(h, 'hostname')).stdout, 'node-1\n');
  assert.equal((await run(h, 'hostname -I')).stdout, '10.0.0.11 \n');
  assert.equal((await run(h, 'hostname -i')).stdout, '10.0.0.11\n');
  const r = await run(h, 'hostname other');
  assert.equal(r.stderr, 'hostname: you must be root to change the host name\n');
  assert.equal(r.status, 1);
});
