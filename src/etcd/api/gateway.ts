// etcd's grpc-gateway routes (/v3/...) over node:http: unary calls answer one JSON object;
// streams (watch, lease keepalive, snapshot) answer {"result":{...}} objects, one per line.
// Errors: HTTP status from the gRPC code and {"code":N,"message":"..."} (grpc-gateway v2).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EtcdServer, WatchHandle } from '../server/etcd-server.ts';
import { GRPC_CODES, ServerError, toStatus, type GrpcCodeName } from '../server/errors.ts';
import { requestContext } from '../server/request-context.ts';
import type { WatchResponse } from '../mvcc/types.ts';
import {
  BadRequestError,
  b64,
  bool,
  deleteJson,
  deleteRangeRequest,
  eventJson,
  headerJson,
  idField,
  int,
  leaseIdJson,
  memberJson,
  parseBody,
  putJson,
  putRequest,
  rangeJson,
  rangeRequest,
  strings,
  sub,
  txnJson,
  txnRequest,
  bytes,
} from './json-codec.ts';
import { CONCURRENCY_ROUTES, OBSERVE_PATH, serveObserve } from './gateway-concurrency.ts';
import { ADMIN_PATHS, AUTH_ROUTES, watchPermitted } from './gateway-auth.ts';
import { attachCredentials, credentialsOf, tokenFromHeaders } from '../auth/credentials.ts';
import { checkAdmin, WATCH_DENIED } from '../auth/enforce.ts';

type Json = Record<string, unknown>;

/** grpc-gateway's mapping of gRPC codes to HTTP statuses. */
const HTTP_STATUS: Record<GrpcCodeName, number> = {
  OK: 200,
  Canceled: 499,
  Unknown: 500,
  InvalidArgument: 400,
  DeadlineExceeded: 504,
  NotFound: 404,
  AlreadyExists: 409,
  PermissionDenied: 403,
  ResourceExhausted: 429,
  FailedPrecondition: 400,
  Aborted: 409,
  OutOfRange: 400,
  Unimplemented: 501,
  Internal: 500,
  Unavailable: 503,
  DataLoss: 500,
  Unauthenticated: 401,
};

const GATEWAY_HEADERS = { 'Content-Type': 'application/json', 'Grpc-Metadata-Content-Type': 'application/grpc' };

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...GATEWAY_HEADERS, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, e: unknown): void {
  const { code, message } = e instanceof BadRequestError ? { code: 'InvalidArgument' as const, message: e.message } : toStatus(e);
  const body = { code: GRPC_CODES[code], message };
  if (res.headersSent) {
    // Mid-stream: grpc-gateway writes the error as the stream's last object.
    res.end(JSON.stringify({ error: body }) + '\n');
    return;
  }
  sendJson(res, HTTP_STATUS[code], body);
}

/** signal is the request's context: its Grpc-Timeout deadline, or the client going away. */
type Unary = (srv: EtcdServer, body: Json, signal: AbortSignal) => Promise<Json> | Json;

const UNARY: Record<string, Unary> = {
  '/v3/kv/range': async (s, b, sig) => rangeJson(await s.range(rangeRequest(b), sig)),
  '/v3/kv/put': async (s, b, sig) => putJson(await s.put(putRequest(b), sig)),
  '/v3/kv/deleterange': async (s, b, sig) => deleteJson(await s.deleteRange(deleteRangeRequest(b), sig)),
  '/v3/kv/txn': async (s, b, sig) => txnJson(await s.txn(txnRequest(b), sig)),
  '/v3/kv/compaction': async (s, b, sig) => ({ header: headerJson((await s.compact({ revision: int(b, 'revision'), physical: bool(b, 'physical') }, sig)).header) }),
  '/v3/lease/grant': async (s, b, sig) => {
    const r = await s.leaseGrant(int(b, 'TTL'), idField(b, 'ID'), sig);
    const o: Json = { header: headerJson(r.header), ID: leaseIdJson(r.id), TTL: String(r.ttl) };
    if (r.error) o['error'] = r.error;
    return o;
  },
  '/v3/lease/revoke': async (s, b, sig) => ({ header: headerJson((await s.leaseRevoke(idField(b, 'ID'), sig)).header) }),
  '/v3/lease/timetolive': async (s, b, sig) => timeToLive(s, b, sig),
  '/v3/lease/leases': async (s, _b, sig) => {
    const r = await s.leaseLeases(sig);
    const o: Json = { header: headerJson(r.header) };
    if (r.leases.length > 0) o['leases'] = r.leases.map((l) => ({ ID: leaseIdJson(l.id) }));
    return o;
  },
  '/v3/cluster/member/list': async (s, b, sig) => {
    const lin = b['linearizable'];
    const r = await s.memberList(lin === undefined ? false : lin === true, sig);
    return { header: headerJson(r.header), members: r.members.map(memberJson) };
  },
  '/v3/cluster/member/add': async (s, b, sig) => {
    const r = await s.memberAddRequest(strings(b, 'peerURLs', 'peerURLs'), bool(b, 'isLearner', 'isLearner'), sig);
    return { header: headerJson(r.header), member: memberJson(r.member), members: r.members.map(memberJson) };
  },
  '/v3/cluster/member/remove': async (s, b, sig) => {
    const r = await s.memberRemoveRequest(idField(b, 'ID'), sig);
    return { header: headerJson(r.header), members: r.members.map(memberJson) };
  },
  '/v3/cluster/member/update': async (s, b, sig) => {
    const members = await s.memberUpdate(idField(b, 'ID'), strings(b, 'peerURLs', 'peerURLs'), sig);
    return { header: headerJson(s.header()), members: members.map(memberJson) };
  },
  '/v3/cluster/member/promote': async (s, b, sig) => {
    const members = await s.memberPromote(idField(b, 'ID'), sig);
    return { header: headerJson(s.header()), members: members.map(memberJson) };
  },
  '/v3/maintenance/status': (s) => {
    const r = s.status();
    const o: Json = { header: headerJson(r.header), version: r.version, dbSize: String(r.dbSize) };
    if (r.leader) o['leader'] = leaseIdJson(r.leader);
    Object.assign(o, { raftIndex: String(r.raftIndex), raftTerm: String(r.raftTerm), raftAppliedIndex: String(r.raftAppliedIndex) });
    if (r.errors.length > 0) o['errors'] = r.errors;
    o['dbSizeInUse'] = String(r.dbSizeInUse);
    if (r.isLearner) o['isLearner'] = true;
    o['storageVersion'] = r.storageVersion;
    o['dbSizeQuota'] = String(r.dbSizeQuota);
    return o;
  },
  '/v3/maintenance/hash': (s) => {
    const r = s.hashKV(0);
    return { header: headerJson(r.header), hash: r.hash };
  },
  '/v3/maintenance/hashkv': (s, b) => {
    const r = s.hashKV(int(b, 'revision'));
    const o: Json = { header: headerJson(r.header) };
    if (r.hash) o['hash'] = r.hash;
    if (r.compactRevision > 0) o['compact_revision'] = String(r.compactRevision);
    if (r.hashRevision) o['hash_revision'] = String(r.hashRevision);
    return o;
  },
  '/v3/maintenance/defragment': (s) => ({ header: headerJson(s.defragment().header) }),
  '/v3/maintenance/alarm': async (s, b, sig) => {
    const action = enumOf(b['action'], ['GET', 'ACTIVATE', 'DEACTIVATE'] as const, 'action');
    const alarm = enumOf(b['alarm'], ['NONE', 'NOSPACE', 'CORRUPT'] as const, 'alarm');
    const r = await s.alarm(action, idField(b, 'memberID', 'memberID'), alarm, sig);
    const o: Json = { header: headerJson(r.header) };
    if (r.alarms.length > 0) o['alarms'] = r.alarms.map((a) => ({ memberID: leaseIdJson(a.memberId), alarm: a.alarm }));
    return o;
  },
  '/v3/maintenance/transfer-leadership': async (s, b) => {
    await s.moveLeader(idField(b, 'targetID', 'targetID'));
    return { header: headerJson(s.header()) };
  },
};
// etcd also binds the lease calls under /v3/kv/lease/...
UNARY['/v3/kv/lease/revoke'] = UNARY['/v3/lease/revoke']!;
UNARY['/v3/kv/lease/timetolive'] = UNARY['/v3/lease/timetolive']!;
UNARY['/v3/kv/lease/leases'] = UNARY['/v3/lease/leases']!;
Object.assign(UNARY, CONCURRENCY_ROUTES, AUTH_ROUTES);

/** An enum field: absent = the zero value, a name, or its number. */
function enumOf<T extends string>(v: unknown, names: readonly T[], field: string): T {
  if (v === undefined || v === null) return names[0]!;
  if (typeof v === 'number' && names[v] !== undefined) return names[v];
  if (typeof v === 'string' && (names as readonly string[]).includes(v)) return v as T;
  throw new BadRequestError(`proto: invalid value for enum field ${field}: ${JSON.stringify(v)}`);
}

async function timeToLive(s: EtcdServer, b: Json, signal: AbortSignal): Promise<Json> {
  const r = await s.leaseTimeToLive({ id: idField(b, 'ID'), keys: bool(b, 'keys') }, signal);
  const o: Json = { header: headerJson(r.header), ID: leaseIdJson(r.id), TTL: String(r.ttl) };
  if (r.grantedTtl) o['grantedTTL'] = String(r.grantedTtl);
  if (r.keys.length > 0) o['keys'] = r.keys.map(b64);
  return o;
}

export const GATEWAY_PATHS = new Set([...Object.keys(UNARY), '/v3/watch', '/v3/lease/keepalive', '/v3/maintenance/snapshot', OBSERVE_PATH]);

/** Reads a request body, refusing more than `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(Object.assign(new Error(`grpc: received message larger than max (${size} vs. ${limit})`), { grpc: 'ResourceExhausted' }));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Handles a /v3/ request; returns false when the path is not a gateway route. */
export async function handleGateway(srv: EtcdServer, req: IncomingMessage, res: ServerResponse, path: string, maxBytes: number): Promise<boolean> {
  if (!GATEWAY_PATHS.has(path)) return false;
  if (req.method !== 'POST') {
    const text = JSON.stringify({ code: GRPC_CODES.Unimplemented, message: 'Method Not Allowed' });
    res.writeHead(405, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
    return true;
  }
  // clientv3.WithRequireLeader travels as gRPC metadata "hasleader"; through the gateway
  // that is the Grpc-Metadata-Hasleader header (etcdctl watch sets it).
  if (req.headers['grpc-metadata-hasleader'] === 'true' && srv.leader === '') {
    sendError(res, new ServerError('Unavailable', 'etcdserver: no leader'));
    return true;
  }
  if (path === '/v3/watch') {
    serveWatch(srv, req, res);
    return true;
  }
  if (path === '/v3/lease/keepalive') {
    serveKeepAlive(srv, req, res);
    return true;
  }
  if (path === OBSERVE_PATH) {
    serveObserve(srv, req, res, maxBytes, GATEWAY_HEADERS, sendError);
    return true;
  }
  // The request's context, as etcd's gateway passes it down to the gRPC call: Grpc-Timeout
  // sets a deadline, and a client that goes away before its answer cancels it.
  const timeout = gatewayTimeoutMs(req.headers['grpc-timeout']);
  if (timeout instanceof ServerError) {
    sendError(res, timeout);
    return true;
  }
  const ctx = requestContext(srv.options.clock, timeout);
  attachCredentials(ctx.signal, { token: tokenFromHeaders(req.headers) });
  res.once('close', () => ctx.cancel());
  try {
    if (ADMIN_PATHS.has(path)) checkAdmin(srv.authStore, credentialsOf(ctx.signal));
    const body = parseBody(await readBody(req, maxBytes));
    if (path === '/v3/maintenance/snapshot') {
      streamSnapshot(srv, res);
      return true;
    }
    sendJson(res, 200, await UNARY[path]!(srv, body, ctx.signal));
  } catch (e) {
    const g = (e as { grpc?: GrpcCodeName }).grpc;
    sendError(res, g ? new ServerError(g, (e as Error).message) : e);
  } finally {
    ctx.done();
  }
  return true;
}

/** grpc-gateway's Grpc-Timeout header (digits and a unit H M S m u n); a bad one is InvalidArgument. */
function gatewayTimeoutMs(header: string | string[] | undefined): number | undefined | ServerError {
  if (header === undefined) return undefined;
  const value = String(header);
  const m = /^(\d+)([HMSmun])$/.exec(value);
  if (!m) return new ServerError('InvalidArgument', `invalid grpc-timeout: ${value}`);
  const [mul, div] = ({ H: [3_600_000, 1], M: [60_000, 1], S: [1000, 1], m: [1, 1], u: [1, 1000], n: [1, 1_000_000] } as const)[m[2] as 'H' | 'M' | 'S' | 'm' | 'u' | 'n'];
  return (Number(m[1]) * mul) / div;
}

function streamSnapshot(srv: EtcdServer, res: ServerResponse): void {
  const data = srv.snapshotBytes();
  res.writeHead(200, GATEWAY_HEADERS);
  const chunk = 32 * 1024;
  for (let off = 0; off < data.length; off += chunk) {
    const part = data.subarray(off, off + chunk);
    const remaining = data.length - off - part.length;
    const result: Json = { header: headerJson(srv.header()) };
    if (remaining > 0) result['remaining_bytes'] = String(remaining);
    result['blob'] = b64(part);
    if (remaining === 0) result['version'] = srv.options.version.replace(/^(\d+\.\d+).*/, '$1.0');
    res.write(JSON.stringify({ result }) + '\n');
  }
  res.end();
}

/**
 * POST /v3/watch: the body is a stream of WatchRequest objects; every response is written as
 * {"result":{...}}\n. The stream lives until the client goes away, as etcd's does.
 */
function serveWatch(srv: EtcdServer, req: IncomingMessage, res: ServerResponse): void {
  const watchers = new Map<number, WatchHandle>();
  let nextId = 0;
  let closed = false;
  res.writeHead(200, GATEWAY_HEADERS);
  const write = (result: Json): boolean => {
    if (closed) return false;
    return res.write(JSON.stringify({ result }) + '\n');
  };
  const respJson = (r: WatchResponse): Json => {
    const o: Json = { header: headerJson(srv.header(r.header.revision)) };
    if (r.watchId) o['watch_id'] = String(r.watchId);
    if (r.canceled) o['canceled'] = true;
    if (r.compactRevision) o['compact_revision'] = String(r.compactRevision);
    if (r.cancelReason) o['cancel_reason'] = r.cancelReason;
    if (r.events.length > 0) o['events'] = r.events.map(eventJson);
    return o;
  };
  const paused = new Set<WatchHandle>();
  res.on('drain', () => {
    for (const w of [...paused]) {
      paused.delete(w);
      w.resume();
    }
  });
  const handle = (msg: Json): void => {
    const create = sub(msg, 'create_request');
    const cancel = sub(msg, 'cancel_request');
    const progress = sub(msg, 'progress_request');
    if (create) {
      const key = bytes(create, 'key') ?? new Uint8Array();
      const filters = (create['filters'] as unknown[] | undefined) ?? [];
      if (!watchPermitted(srv, req, key, bytes(create, 'range_end'))) {
        write({ header: headerJson(srv.header()), watch_id: '-1', created: true, canceled: true, cancel_reason: WATCH_DENIED });
        return;
      }
      let id = int(create, 'watch_id');
      if (id === 0) {
        while (watchers.has(nextId)) nextId++;
        id = nextId++;
      } else if (watchers.has(id)) {
        write({ header: headerJson(srv.header()), watch_id: String(id), created: true, canceled: true, cancel_reason: 'etcdserver: duplicate watch ID provided on the WatchStream' });
        return;
      }
      const w: WatchHandle = srv.watch(
        {
          key,
          rangeEnd: bytes(create, 'range_end'),
          startRevision: int(create, 'start_revision'),
          prevKv: bool(create, 'prev_kv'),
          noPut: filters.includes('NOPUT') || filters.includes(0),
          noDelete: filters.includes('NODELETE') || filters.includes(1),
          progressNotify: bool(create, 'progress_notify'),
          watchId: id,
        },
        (r) => {
          const ok = write(respJson(r));
          if (!ok && !closed) paused.add(w);
          if (r.canceled) {
            watchers.delete(id);
          }
          return ok;
        },
      );
      watchers.set(id, w);
      const created: Json = { header: headerJson(srv.header()) };
      if (id) created['watch_id'] = String(id);
      created['created'] = true;
      write(created);
      w.start();
      return;
    }
    if (cancel) {
      const id = int(cancel, 'watch_id');
      const w = watchers.get(id);
      if (w) {
        w.cancel();
        watchers.delete(id);
        const o: Json = { header: headerJson(srv.header()) };
        if (id) o['watch_id'] = String(id);
        o['canceled'] = true;
        write(o);
      }
      return;
    }
    if (progress) {
      for (const w of watchers.values()) w.requestProgress();
    }
  };
  // The body is a sequence of JSON objects (grpc-gateway reads them one after another).
  let buf = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => {
    buf += chunk;
    for (;;) {
      const end = jsonObjectEnd(buf);
      if (end < 0) break;
      const text = buf.slice(0, end);
      buf = buf.slice(end);
      try {
        handle(parseBody(text));
      } catch (e) {
        sendError(res, e);
        cleanup();
        return;
      }
    }
    if (buf.length > 1024 * 1024) {
      sendError(res, new BadRequestError('watch request too large'));
      cleanup();
    }
  });
  const cleanup = () => {
    if (closed) return;
    closed = true;
    for (const w of watchers.values()) w.cancel();
    watchers.clear();
  };
  res.on('close', cleanup);
  req.on('error', cleanup);
}

/**
 * POST /v3/lease/keepalive: a stream of {"ID":…} requests, each answered in order with one
 * {"result":{header, ID, TTL}} line; the response ends when the request body does.
 */
function serveKeepAlive(srv: EtcdServer, req: IncomingMessage, res: ServerResponse): void {
  const ctx = requestContext(srv.options.clock);
  res.once('close', () => ctx.cancel());
  let buf = '';
  let chain = Promise.resolve();
  let failed = false;
  res.writeHead(200, GATEWAY_HEADERS);
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => {
    buf += chunk;
    for (;;) {
      const end = jsonObjectEnd(buf);
      if (end < 0) break;
      const text = buf.slice(0, end);
      buf = buf.slice(end);
      chain = chain.then(async () => {
        if (failed) return;
        try {
          const r = await srv.leaseKeepAlive(idField(parseBody(text), 'ID'), ctx.signal);
          const result: Json = { header: headerJson(r.header), ID: leaseIdJson(r.id) };
          if (r.ttl) result['TTL'] = String(r.ttl);
          res.write(JSON.stringify({ result }) + '\n');
        } catch (e) {
          failed = true;
          sendError(res, e);
        }
      });
    }
  });
  req.on('end', () => {
    void chain.then(() => {
      if (!res.writableEnded) res.end();
    });
  });
  req.on('error', () => res.destroy());
}

/** Index just past the first complete top-level JSON object in s, or -1. */
function jsonObjectEnd(s: string): number {
  let depth = 0;
  let inStr = false;
  let started = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (inStr) {
      if (c === '\\') i++;
      else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') inStr = true;
    else if (c === '{') {
      depth++;
      started = true;
    } else if (c === '}') {
      depth--;
      if (started && depth === 0) return i + 1;
    } else if (!started && !/\s/.test(c)) return i + 1; // garbage: let the parser report it
  }
  return -1;
}
