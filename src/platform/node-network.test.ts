import { it } from 'node:test';
import assert from 'node:assert/strict';
import { networkConformance } from './network-conformance.ts';
import { NodeNetwork } from './node-network.ts';
import { NetError } from './network.ts';

networkConformance('node:net', () => new NodeNetwork());

it('node-network: an unknown host name fails as a lookup', async () => {
  const net = new NodeNetwork();
  await assert.rejects(net.connect({ host: 'no-such-host.invalid', port: 80 }), (e: unknown) => {
    assert.ok(e instanceof NetError);
    assert.equal(e.code, 'ENOTFOUND');
    assert.equal(e.goMessage(), 'dial tcp: lookup no-such-host.invalid: no such host');
    return true;
  });
});
