// Test helpers: run etcdctl against a scripted gateway (recorded real-etcd responses)
// served over node:http on 127.0.0.1, with an in-memory disk for certificate files.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { realClock, type Clock } from '../platform/clock.ts';
import { FsError, type FileSystem } from '../platform/filesystem.ts';
import type { Network } from '../platform/network.ts';
import { NodeNetwork } from '../platform/node-network.ts';
import { CollectingOutput, inputFrom } from '../platform/streams.ts';
import { runEtcdctl } from './main.ts';

export type Route = (body: Record<string, unknown>) => { status?: number; json: unknown } | { stream: unknown[] };

export interface FakeGateway {
  endpoint: string;
  requests: { path: string; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

export async function fakeGateway(routes: Record<string, Route>): Promise<FakeGateway> {
  const requests: FakeGateway['requests'] = [];
  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (d) => (data += d));
    req.on('end', () => {
      const body = data ? (JSON.parse(data) as Record<string, unknown>) : {};
      requests.push({ path: req.url ?? '', body });
      const route = routes[req.url ?? ''];
      if (!route) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('Not Found');
        return;
      }
      const r = route(body);
      if ('stream' in r) {
        res.writeHead(200, { 'content-type': 'application/json' });
        for (const m of r.stream) res.write(JSON.stringify({ result: m }) + '\n');
        res.end();
        return;
      }
      res.writeHead(r.status ?? 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(r.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A tiny in-memory FileSystem (read-only use: certificate files and permission errors). */
export function memoryFs(files: Record<string, string>, unreadable: string[] = []): FileSystem {
  const no = (op: string): never => {
    throw new Error(`memoryFs: ${op} not supported`);
  };
  const data = new Map(Object.entries(files).map(([k, v]) => [k, new TextEncoder().encode(v)]));
  return {
    readFile: (p) => {
      if (unreadable.includes(p)) throw new FsError('EACCES', 'open', p);
      const d = data.get(p);
      if (!d) throw new FsError('ENOENT', 'open', p);
      return d;
    },
    writeFile: (p, d) => void data.set(p, typeof d === "string" ? new TextEncoder().encode(d) : new Uint8Array(d)),
    appendFile: (p, d) => {
      const old = data.get(p) ?? new Uint8Array();
      const add = typeof d === 'string' ? new TextEncoder().encode(d) : d;
      const n = new Uint8Array(old.length + add.length);
      n.set(old);
      n.set(add, old.length);
      data.set(p, n);
    },
    fsync: () => undefined,
    rename: (a, b) => {
      const d = data.get(a);
      if (!d) throw new FsError('ENOENT', 'rename', a);
      data.set(b, d);
      data.delete(a);
    },
    unlink: (p) => void data.delete(p),
    mkdir: () => no('mkdir'),
    rmdir: () => no('rmdir'),
    readdir: () => no('readdir'),
    stat: () => no('stat'),
    exists: (p) => data.has(p),
    chmod: () => undefined,
  };
}

export interface CtlResult {
  status: number;
  stdout: string;
  stderr: string;
}

export async function ctl(
  argv: string[],
  opts: { env?: Record<string, string>; stdin?: string; fs?: FileSystem; net?: Network; clock?: Clock; signal?: AbortSignal; version?: string } = {},
): Promise<CtlResult> {
  const stdout = new CollectingOutput();
  const stderr = new CollectingOutput();
  const status = await runEtcdctl({
    argv,
    env: opts.env ?? {},
    stdin: inputFrom(opts.stdin ?? ''),
    stdout,
    stderr,
    net: opts.net ?? new NodeNetwork(),
    fs: opts.fs ?? memoryFs({}),
    signal: opts.signal ?? new AbortController().signal,
    clock: opts.clock ?? realClock,
    version: opts.version,
    cwd: '/',
  });
  return { status, stdout: stdout.text(), stderr: stderr.text() };
}

/** Recorded from a real etcd's gateway (int64s as strings, zero values left out). */
export const HDR = { cluster_id: '14841639068965178418', member_id: '10276657743932975437', revision: '5', raft_term: '2' };
