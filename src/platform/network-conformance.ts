// The behaviour every Network must have, as a reusable node:test suite: the virtual
// network of the sandbox runs the same checks as the real one (node-network.test.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Duplex } from 'node:stream';
import { NetError, type Network } from './network.ts';

export interface ConformanceOptions {
  /** The address listeners bind to and clients dial (127.0.0.1 on the real network). */
  host?: string;
  /** A port that nothing listens on (for the refused test); default: bind, learn and close. */
  unusedPort?: () => Promise<number>;
}

function readSome(sock: Duplex, want: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString('utf8');
      if (buf.length >= want) {
        sock.off('data', onData);
        resolve(buf);
      }
    };
    sock.on('data', onData);
    sock.once('error', reject);
    sock.once('end', () => resolve(buf));
  });
}

export function networkConformance(name: string, makeNetwork: () => Network | Promise<Network>, opts: ConformanceOptions = {}): void {
  const host = opts.host ?? '127.0.0.1';
  describe(`Network conformance: ${name}`, () => {
    it('listens, accepts a connection and carries bytes both ways', async () => {
      const net = await makeNetwork();
      const l = await net.listen({ host, port: 0 }, (sock) => {
        sock.on('data', (d: Buffer) => sock.write(`echo:${d.toString('utf8')}`));
      });
      try {
        assert.ok(l.address.port > 0, 'port 0 picks a free port');
        const c = await net.connect({ host, port: l.address.port });
        c.write('ping');
        assert.equal(await readSome(c, 9), 'echo:ping');
        c.destroy();
      } finally {
        await l.close();
      }
    });

    it('reports the remote address to the listener', async () => {
      const net = await makeNetwork();
      let remoteHost = '';
      const seen = new Promise<void>((resolve) => {
        void net
          .listen({ host, port: 0 }, (sock, remote) => {
            remoteHost = remote.host;
            sock.end();
            resolve();
          })
          .then(async (l) => {
            const c = await net.connect({ host, port: l.address.port });
            await seen;
            c.destroy();
            await l.close();
          });
      });
      await seen;
      assert.ok(remoteHost.length > 0);
    });

    it('refuses a connection to a port nothing listens on, in Go words', async () => {
      const net = await makeNetwork();
      let port: number;
      if (opts.unusedPort) port = await opts.unusedPort();
      else {
        const l = await net.listen({ host, port: 0 }, (s) => s.destroy());
        port = l.address.port;
        await l.close();
      }
      await assert.rejects(net.connect({ host, port }), (e: unknown) => {
        assert.ok(e instanceof NetError);
        assert.equal(e.code, 'ECONNREFUSED');
        assert.equal(e.goMessage(), `dial tcp ${host}:${port}: connect: connection refused`);
        return true;
      });
    });

    it('rejects a second listener on the same address with EADDRINUSE', async () => {
      const net = await makeNetwork();
      const l = await net.listen({ host, port: 0 }, (s) => s.destroy());
      try {
        await assert.rejects(net.listen({ host, port: l.address.port }, (s) => s.destroy()), (e: unknown) => {
          assert.ok(e instanceof NetError);
          assert.equal(e.code, 'EADDRINUSE');
          assert.equal(e.goMessage(), `listen tcp ${host}:${l.address.port}: bind: address already in use`);
          return true;
        });
      } finally {
        await l.close();
      }
    });

    it('frees the port when the listener closes', async () => {
      const net = await makeNetwork();
      const l = await net.listen({ host, port: 0 }, (s) => s.destroy());
      const port = l.address.port;
      await l.close();
      const again = await net.listen({ host, port }, (s) => s.destroy());
      assert.equal(again.address.port, port);
      await again.close();
    });

    it('resolves its own literal addresses', async () => {
      const net = await makeNetwork();
      assert.equal(net.resolve(host), host);
    });
  });
}
