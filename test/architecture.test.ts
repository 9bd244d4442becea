// The house rules that keep the layers honest, checked on the source itself:
// - no module imports a module that imports it back, directly or not, counting
//   `import type` too: a type-only circle still ties its modules together (none can be
//   read, changed or moved without the others), and it becomes a run-time circle as
//   soon as one of its imports carries a value;
// - a lower layer never imports a higher one (server → lab → sandbox → etcd, etcdctl,
//   kube, pki → raft → platform);
// - raft and etcd (outside its api/cli/real edges) import no node: module, so the
//   simulation controls all their I/O, time and randomness.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (p.endsWith('.ts') && !p.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

interface Imports {
  /** Relative imports that exist at run time (not `import type`). */
  local: string[];
  /** Every relative import, `import type` included. */
  localWithTypes: string[];
  builtins: string[];
}

function importsOf(file: string): Imports {
  const text = fs.readFileSync(file, 'utf8');
  const local: string[] = [];
  const localWithTypes: string[] = [];
  const builtins: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?'([^']+)'/gm)) {
    const [, typeOnly, spec] = m;
    if (!spec) continue;
    if (spec.startsWith('.')) {
      const target = path.normalize(path.join(path.dirname(file), spec));
      localWithTypes.push(target);
      if (!typeOnly) local.push(target);
    } else if (spec.startsWith('node:') && !typeOnly) builtins.push(spec);
  }
  return { local, localWithTypes, builtins };
}

const files = sourceFiles(path.join(ROOT, 'src'));
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const rel = (f: string) => path.relative(ROOT, f);

test('no import cycles under src/, type-only imports included', () => {
  // Tarjan's strongly connected components; any component of two or more files is a cycle.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.localWithTypes ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(rel(w));
      } while (w !== v);
      if (component.length > 1) cycles.push(component);
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  assert.deepEqual(cycles, []);
});

/** What each part of src/ may import from the others. */
const MAY_IMPORT: Record<string, string[]> = {
  platform: [],
  raft: ['platform'],
  pki: ['platform'],
  etcd: ['platform', 'raft', 'pki'],
  etcdctl: ['platform', 'etcd', 'pki'],
  kube: ['platform', 'etcd', 'pki'],
  sandbox: ['platform', 'raft', 'etcd', 'etcdctl', 'kube', 'pki'],
  lab: ['platform', 'etcd', 'etcdctl', 'kube', 'pki', 'sandbox'],
  server: ['platform', 'etcd', 'etcdctl', 'pki', 'sandbox', 'lab'],
  web: [],
  cli: ['platform', 'etcd', 'etcdctl', 'pki', 'sandbox', 'lab', 'server'],
};

/**
 * What a part may import with `import type` only, beyond MAY_IMPORT. The browser app
 * speaks the server's JSON wire format (terminal frames, lesson and instructor views),
 * whose shapes live in src/server and src/lab; types vanish from the bundle, so no
 * server code reaches the browser.
 */
const MAY_IMPORT_TYPES_OF: Record<string, string[]> = {
  web: ['lab', 'server'],
};

test('a layer imports only the layers below it, type-only imports included', () => {
  const partOf = (f: string) => path.relative(path.join(ROOT, 'src'), f).split(path.sep)[0]!;
  const wrong: string[] = [];
  for (const [file, { local, localWithTypes }] of graph) {
    const from = partOf(file);
    for (const dep of localWithTypes) {
      if (!dep.startsWith(path.join(ROOT, 'src') + path.sep)) continue;
      const to = partOf(dep);
      if (to === from || (MAY_IMPORT[from] ?? []).includes(to)) continue;
      if (!local.includes(dep) && (MAY_IMPORT_TYPES_OF[from] ?? []).includes(to)) continue;
      wrong.push(`${rel(file)} → ${rel(dep)}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('raft and etcd reach I/O, time and randomness only through src/platform', () => {
  const edges = ['src/etcd/api/', 'src/etcd/cli/', 'src/etcd/real/'];
  const wrong: string[] = [];
  for (const [file, { builtins }] of graph) {
    const r = rel(file);
    if (!(r.startsWith('src/raft/') || r.startsWith('src/etcd/')) || edges.some((e) => r.startsWith(e))) continue;
    if (builtins.length) wrong.push(`${r}: ${builtins.join(', ')}`);
    const text = fs.readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '');
    if (/\bDate\.now\(\)|\bMath\.random\(\)|\bnew Date\(\)/.test(text)) wrong.push(`${r}: reads the real clock or randomness`);
  }
  assert.deepEqual(wrong, []);
});
