// v3lockpb and v3electionpb messages on the wire (field numbers from etcd's
// server/etcdserver/api/v3lock/v3lockpb/v3lock.proto and v3election/v3electionpb/v3election.proto).
import type { ServerHeader } from '../../server/server-core.ts';
import type { KeyValue } from '../../mvcc/types.ts';
import type { LeaderKey } from '../../server/concurrency/election.ts';
import { Reader, Writer, own } from './proto.ts';
import { encodeHeader, encodeKeyValue } from './messages-kv.ts';

const empty = (): Uint8Array => new Uint8Array();

/** LockRequest: name 1, lease 2. */
export function decodeLockRequest(buf: Uint8Array): { name: Uint8Array; lease: string } {
  const r = new Reader(buf);
  const o = { name: empty(), lease: '' };
  for (let f = r.next(); f; f = r.next()) {
    if (f === 1) o.name = own(r.bytes());
    else if (f === 2) o.lease = r.idHex();
    else r.skip();
  }
  return o;
}

/** LockResponse: header 1, key 2. */
export function encodeLockResponse(res: { header: ServerHeader; key: Uint8Array }): Uint8Array {
  return new Writer().message(1, encodeHeader(res.header)).bytes(2, res.key).finish();
}

/** UnlockRequest: key 1. */
export function decodeUnlockRequest(buf: Uint8Array): { key: Uint8Array } {
  const r = new Reader(buf);
  const o = { key: empty() };
  for (let f = r.next(); f; f = r.next()) {
    if (f === 1) o.key = own(r.bytes());
    else r.skip();
  }
  return o;
}

/** CampaignRequest: name 1, lease 2, value 3. */
export function decodeCampaignRequest(buf: Uint8Array): { name: Uint8Array; lease: string; value: Uint8Array } {
  const r = new Reader(buf);
  const o = { name: empty(), lease: '', value: empty() };
  for (let f = r.next(); f; f = r.next()) {
    if (f === 1) o.name = own(r.bytes());
    else if (f === 2) o.lease = r.idHex();
    else if (f === 3) o.value = own(r.bytes());
    else r.skip();
  }
  return o;
}

/** LeaderKey: name 1, key 2, rev 3, lease 4. */
export function encodeLeaderKey(l: LeaderKey): Uint8Array {
  return new Writer().bytes(1, l.name).bytes(2, l.key).int64(3, l.rev).idHex(4, l.lease).finish();
}

export function decodeLeaderKey(buf: Uint8Array): LeaderKey {
  const r = new Reader(buf);
  const o: LeaderKey = { name: empty(), key: empty(), rev: 0, lease: '' };
  for (let f = r.next(); f; f = r.next()) {
    if (f === 1) o.name = own(r.bytes());
    else if (f === 2) o.key = own(r.bytes());
    else if (f === 3) o.rev = r.int64();
    else if (f === 4) o.lease = r.idHex();
    else r.skip();
  }
  return o;
}

/** CampaignResponse: header 1, leader 2. */
export function encodeCampaignResponse(res: { header: ServerHeader; leader: LeaderKey }): Uint8Array {
  return new Writer().message(1, encodeHeader(res.header)).message(2, encodeLeaderKey(res.leader)).finish();
}

/** LeaderRequest: name 1. */
export function decodeLeaderRequest(buf: Uint8Array): { name: Uint8Array } {
  const r = new Reader(buf);
  const o = { name: empty() };
  for (let f = r.next(); f; f = r.next()) {
    if (f === 1) o.name = own(r.bytes());
    else r.skip();
  }
  return o;
}

/** LeaderResponse: header 1, kv 2. */
export function encodeLeaderResponse(res: { header: ServerHeader; kv: KeyValue }): Uint8Array {
  return new Writer().message(1, encodeHeader(res.header)).message(2, encodeKeyValue(res.kv)).finish();
}

/** ResignRequest: leader 1; ProclaimRequest: leader 1, value 2. An absent leader is undefined. */
export function decodeLeaderKeyRequest(buf: Uint8Array): { leader: LeaderKey | undefined; value: Uint8Array } {
  const r = new Reader(buf);
  const o: { leader: LeaderKey | undefined; value: Uint8Array } = { leader: undefined, value: empty() };
  for (let f = r.next(); f; f = r.next()) {
    if (f === 1) o.leader = decodeLeaderKey(r.bytes());
    else if (f === 2) o.value = own(r.bytes());
    else r.skip();
  }
  return o;
}
