import assert from 'node:assert/strict';
import { it } from 'node:test';
import { journalFor } from '../systemd/journal.ts';
import { run, testHost } from './testing.ts';

it('-o cat prints the messages alone; -o short is the default; an unknown mode is refused', async () => {
  const h = testHost();
  const j = journalFor(h);
  j.append({ time: Date.UTC(2026, 10, 21, 9, 0, 1), ident: 'etcd', pid: 42, unit: 'etcd.service', message: '{"level":"info","msg":"ready to serve client requests"}', uid: 0 });
  const cat = await run(h, ['journalctl', '-u', 'etcd', '-o', 'cat', '--no-pager'], { as: 'root' });
  assert.deepEqual(cat, { status: 0, stdout: '{"level":"info","msg":"ready to serve client requests"}\n', stderr: '' });
  assert.equal((await run(h, ['journalctl', '-u', 'etcd', '--output=cat'], { as: 'root' })).stdout, cat.stdout);
  const short = await run(h, ['journalctl', '-u', 'etcd', '-o', 'short'], { as: 'root' });
  assert.equal(short.stdout, 'Nov 21 09:00:01 node-1 etcd[42]: {"level":"info","msg":"ready to serve client requests"}\n');
  assert.deepEqual(await run(h, ['journalctl', '-o', 'fancy'], { as: 'root' }), { status: 1, stdout: '', stderr: "Unknown output format 'fancy'.\n" });
});
