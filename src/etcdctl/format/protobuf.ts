// `-w protobuf`: the response marshalled as etcd's protobuf messages (proto3: zero
// scalars left out, present sub-messages always written), as etcdctl writes them.
import type * as T from '../client/types.ts';

class Writer {
  private parts: number[] = [];
  varint(v: bigint): void {
    let x = BigInt.asUintN(64, v);
    do {
      let b = Number(x & 0x7fn);
      x >>= 7n;
      if (x > 0n) b |= 0x80;
      this.parts.push(b);
    } while (x > 0n);
  }
  key(field: number, wire: number): void {
    this.varint(BigInt((field << 3) | wire));
  }
  int(field: number, v: bigint): void {
    if (v === 0n) return;
    this.key(field, 0);
    this.varint(v);
  }
  bool(field: number, v: boolean): void {
    if (!v) return;
    this.key(field, 0);
    this.parts.push(1);
  }
  bytes(field: number, b: Uint8Array, always = false): void {
    if (b.length === 0 && !always) return;
    this.key(field, 2);
    this.varint(BigInt(b.length));
    for (const x of b) this.parts.push(x);
  }
  string(field: number, s: string): void {
    this.bytes(field, new TextEncoder().encode(s));
  }
  message(field: number, m: Uint8Array): void {
    this.bytes(field, m, true);
  }
  /** Bytes that are already encoded fields (a message is the concatenation of its fields). */
  raw(b: Uint8Array): void {
    for (const x of b) this.parts.push(x);
  }
  done(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

function header(h: T.Header): Uint8Array {
  const w = new Writer();
  w.int(1, h.clusterId);
  w.int(2, h.memberId);
  w.int(3, h.revision);
  w.int(4, h.raftTerm);
  return w.done();
}

function kv(k: T.KeyValue): Uint8Array {
  const w = new Writer();
  w.bytes(1, k.key);
  w.int(2, k.createRevision);
  w.int(3, k.modRevision);
  w.int(4, k.version);
  w.bytes(5, k.value);
  w.int(6, k.lease);
  return w.done();
}

export function pbRange(r: T.RangeResponse): Uint8Array {
  const w = new Writer();
  w.message(1, header(r.header));
  for (const k of r.kvs) w.message(2, kv(k));
  w.bool(3, r.more);
  w.int(4, r.count);
  return w.done();
}

export function pbPut(r: T.PutResponse): Uint8Array {
  const w = new Writer();
  w.message(1, header(r.header));
  if (r.prevKv) w.message(2, kv(r.prevKv));
  return w.done();
}

export function pbDelete(r: T.DeleteResponse): Uint8Array {
  const w = new Writer();
  w.message(1, header(r.header));
  w.int(2, r.deleted);
  for (const k of r.prevKvs) w.message(3, kv(k));
  return w.done();
}

export function pbTxn(r: T.TxnResponse): Uint8Array {
  const w = new Writer();
  w.message(1, header(r.header));
  w.bool(2, r.succeeded);
  for (const op of r.responses) {
    const o = new Writer();
    if (op.kind === 'range') o.message(1, pbRange(op.r));
    else if (op.kind === 'put') o.message(2, pbPut(op.r));
    else if (op.kind === 'delete') o.message(3, pbDelete(op.r));
    else o.message(4, pbTxn(op.r));
    w.message(3, o.done());
  }
  return w.done();
}

function member(m: T.Member): Uint8Array {
  const w = new Writer();
  w.int(1, m.id);
  w.string(2, m.name);
  for (const u of m.peerURLs) w.string(3, u);
  for (const u of m.clientURLs) w.string(4, u);
  w.bool(5, m.isLearner);
  return w.done();
}

/** MemberListResponse, MemberRemove/Update/PromoteResponse: header = 1, members = 2. */
export function pbMembers(h: T.Header, members: T.Member[]): Uint8Array {
  const w = new Writer();
  w.message(1, header(h));
  for (const m of members) w.message(2, member(m));
  return w.done();
}

export function pbMemberAdd(r: T.MemberAddResponse): Uint8Array {
  const w = new Writer();
  w.message(1, header(r.header));
  w.message(2, member(r.member));
  for (const m of r.members) w.message(3, member(m));
  return w.done();
}

/** Responses that carry only a header (LeaseRevoke, MoveLeader). */
export function pbHeaderOnly(h: T.Header): Uint8Array {
  const w = new Writer();
  w.message(1, header(h));
  return w.done();
}

/**
 * Fields appended to an encoded message: `bytes` always written (a sub-message or string,
 * even empty), `varint` left out when zero (proto3).
 */
export function pbAppend(msg: Uint8Array, fields: { num: number; bytes?: Uint8Array; varint?: bigint }[]): Uint8Array {
  const w = new Writer();
  w.raw(msg);
  for (const f of fields) {
    if (f.bytes) w.message(f.num, f.bytes);
    else if (f.varint !== undefined) w.int(f.num, f.varint);
  }
  return w.done();
}

/** One repeated string field (`num`) holding `list`. */
export const pbStrings = (num: number, list: string[]) => list.map((s) => ({ num, bytes: new TextEncoder().encode(s) }));
