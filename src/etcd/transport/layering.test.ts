// The house rule for src/etcd: only api, cli and real may reach the host (node:fs, net,
// tls, http, child_process); everything else gets the platform interfaces handed in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const etcdDir = fileURLToPath(new URL('..', import.meta.url));
const HOST_MODULES = /from\s+'node:(fs|fs\/promises|net|tls|http|https|http2|child_process)'/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return ['api', 'cli', 'real'].includes(name) && dir === etcdDir ? [] : sources(p);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [p] : [];
  });
}

test(
  'nothing in src/etcd outside api, cli and real imports node:fs/net/tls/http/child_process',
  () => {
    const offenders = sources(etcdDir).filter((p) => HOST_MODULES.test(readFileSync(p, 'utf8'))).map((p) => relative(etcdDir, p));
    assert.deepEqual(offenders, []);
  },
);
