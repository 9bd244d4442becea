// Names a learner adds to /etc/hosts reach the host they name, for every program (curl,
// etcdctl, openssl s_client…), as glibc and Go's resolver read /etc/hosts before DNS.
import assert from 'node:assert/strict';
import http from 'node:http';
import { it } from 'node:test';
import { run, testSandbox } from './commands/testing.ts';
import { lookupHostsFile } from './virtual-network.ts';

it('a name added to /etc/hosts resolves for curl; removing it makes it unknown again', async () => {
  const sb = testSandbox([
    { name: 'node-1', ip: '10.0.0.11' },
    { name: 'node-2', ip: '10.0.0.12' },
  ]);
  const h1 = sb.host('node-1');
  const server = http.createServer((_q, res) => res.end('node-2 here'));
  await sb.network.host('node-2')!.listen({ host: '0.0.0.0', port: 8080 }, (s) => server.emit('connection', s));
  assert.equal((await run(h1, 'curl -sS http://etcd.local:8080/')).stderr, 'curl: (6) Could not resolve host: etcd.local\n');
  const original = new TextDecoder().decode(h1.rootFs.readFile('/etc/hosts'));
  h1.rootFs.writeFile('/etc/hosts', original + '10.0.0.12 etcd.local etcd # the cluster name\n');
  assert.deepEqual(await run(h1, 'curl -sS http://etcd.local:8080/'), { status: 0, stdout: 'node-2 here', stderr: '' });
  assert.equal((await run(h1, 'curl -sS http://ETCD:8080/')).stdout, 'node-2 here');
  // Only this host's file: node-2 does not know the name.
  assert.equal((await run(sb.host('node-2'), 'curl -sS http://etcd.local:8080/')).status, 6);
  h1.rootFs.writeFile('/etc/hosts', original);
  assert.equal((await run(h1, 'curl -sS http://etcd.local:8080/')).status, 6);
});

it('lookupHostsFile: first match wins, comments and literals ignored', () => {
  const text = '127.0.0.1\tlocalhost\n# 10.9.9.9 gone\n10.0.0.12 a b\n10.0.0.13 b\n';
  assert.equal(lookupHostsFile(text, 'b'), '10.0.0.12');
  assert.equal(lookupHostsFile(text, 'gone'), undefined);
  assert.equal(lookupHostsFile(text, '10.0.0.12'), undefined);
  assert.equal(lookupHostsFile(undefined, 'a'), undefined);
});
