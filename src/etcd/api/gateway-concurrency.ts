// grpc-gateway routes of etcd's v3lock and v3election services: /v3/lock/{lock,unlock},
// /v3/election/{campaign,proclaim,leader,resign} (one JSON object each) and
// /v3/election/observe (a stream of {"result":{header, kv}} lines until the client goes away).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EtcdServer } from '../server/etcd-server.ts';
import { campaign, leader, missingLeaderKey, observe, proclaim, resign, type LeaderKey } from '../server/concurrency/election.ts';
import { lock, unlock } from '../server/concurrency/lock.ts';
import { requestContext } from '../server/request-context.ts';
import { b64, bytes, headerJson, idField, int, kvJson, leaseIdJson, parseBody, sub } from './json-codec.ts';

type Json = Record<string, unknown>;
type Unary = (srv: EtcdServer, body: Json, signal: AbortSignal) => Promise<Json>;

const empty = (): Uint8Array => new Uint8Array();

/** LeaderKey as protojson writes it: zero values left out, int64s as decimal strings. */
function leaderKeyJson(l: LeaderKey): Json {
  const o: Json = {};
  if (l.name.length) o['name'] = b64(l.name);
  if (l.key.length) o['key'] = b64(l.key);
  if (l.rev) o['rev'] = String(l.rev);
  if (l.lease) o['lease'] = leaseIdJson(l.lease);
  return o;
}

function leaderKeyOf(body: Json): LeaderKey {
  const l = sub(body, 'leader');
  if (!l) throw missingLeaderKey();
  return { name: bytes(l, 'name') ?? empty(), key: bytes(l, 'key') ?? empty(), rev: int(l, 'rev'), lease: idField(l, 'lease') };
}

const withKey = (header: Json, key: Uint8Array): Json => (key.length ? { header, key: b64(key) } : { header });

export const CONCURRENCY_ROUTES: Record<string, Unary> = {
  '/v3/lock/lock': async (s, b, sig) => {
    const r = await lock(s, bytes(b, 'name') ?? empty(), idField(b, 'lease'), sig);
    return withKey(headerJson(r.header), r.key);
  },
  '/v3/lock/unlock': async (s, b, sig) => ({ header: headerJson((await unlock(s, bytes(b, 'key') ?? empty(), sig)).header) }),
  '/v3/election/campaign': async (s, b, sig) => {
    const r = await campaign(s, bytes(b, 'name') ?? empty(), idField(b, 'lease'), bytes(b, 'value') ?? empty(), sig);
    return { header: headerJson(r.header), leader: leaderKeyJson(r.leader) };
  },
  '/v3/election/proclaim': async (s, b, sig) => ({ header: headerJson((await proclaim(s, leaderKeyOf(b), bytes(b, 'value') ?? empty(), sig)).header) }),
  '/v3/election/leader': async (s, b, sig) => {
    const r = await leader(s, bytes(b, 'name') ?? empty(), sig);
    return { header: headerJson(r.header), kv: kvJson(r.kv) };
  },
  '/v3/election/resign': async (s, b, sig) => ({ header: headerJson((await resign(s, leaderKeyOf(b), sig)).header) }),
};

export const OBSERVE_PATH = '/v3/election/observe';

/**
 * POST /v3/election/observe: {"name":…}; answers {"result":{header, kv}} per leader and per
 * value it proclaims, until the client closes the request. Errors end the stream as
 * grpc-gateway does, via `sendError`.
 */
export function serveObserve(srv: EtcdServer, req: IncomingMessage, res: ServerResponse, maxBytes: number, headers: Record<string, string>, sendError: (res: ServerResponse, e: unknown) => void): void {
  const ctx = requestContext(srv.options.clock);
  res.once('close', () => ctx.cancel());
  let text = '';
  let size = 0;
  req.setEncoding('utf8');
  req.on('data', (c: string) => {
    size += Buffer.byteLength(c);
    if (size <= maxBytes) text += c;
  });
  req.on('end', () => {
    let name: Uint8Array;
    try {
      name = bytes(parseBody(text), 'name') ?? empty();
    } catch (e) {
      sendError(res, e);
      return;
    }
    res.writeHead(200, headers);
    observe(srv, name, ctx.signal, (r) => void res.write(JSON.stringify({ result: { header: headerJson(r.header), kv: kvJson(r.kv) } }) + '\n')).catch((e: unknown) => {
      if (!res.writableEnded && !ctx.signal.aborted) sendError(res, e);
      else if (!res.writableEnded) res.end();
    });
  });
  req.on('error', () => res.destroy());
}
