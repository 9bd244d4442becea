import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ProtoError, Reader, Writer, WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from './proto.ts';
import {
  decodeKeyValue,
  decodePutRequest,
  decodeRangeRequest,
  decodeTxnRequest,
  decodeWatchRequest,
  encodeKeyValue,
  encodeRangeResponse,
  encodeWatchResponse,
} from './messages-kv.ts';
import { decodeAlarmRequest, decodeLeaseGrantRequest, encodeStatusResponse } from './messages-other.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const utf8 = (s: string) => new TextEncoder().encode(s);

/** Every field of a message as [field, wire, value] (varints as bigint, LEN as bytes). */
function fields(buf: Uint8Array): [number, number, bigint | Uint8Array][] {
  const r = new Reader(buf);
  const out: [number, number, bigint | Uint8Array][] = [];
  for (let f = r.next(); f; f = r.next()) out.push([f, r.wire, r.wire === WIRE_VARINT ? r.uint64() : r.bytes()]);
  return out;
}

describe('protobuf codec', () => {
  it('encodes varints, length-delimited fields and leaves zero values out', () => {
    // PutRequest{key:"foo", value:"bar"} as protoc encodes it.
    const w = new Writer().bytes(1, utf8('foo')).bytes(2, utf8('bar')).int64(3, 0).bool(4, false);
    assert.equal(hex(w.finish()), '0a03666f6f1203626172');
    assert.equal(hex(new Writer().int64(1, 300).finish()), '08ac02');
  });

  it('round-trips int64 values, negative ones as ten-byte varints', () => {
    const b = new Writer().int64(1, -1).int64(2, 2 ** 40 + 7).int64(3, 1).finish();
    assert.equal(hex(b).slice(0, 22), '08ffffffffffffffffff01');
    const r = new Reader(b);
    assert.equal(r.next(), 1);
    assert.equal(r.int64(), -1);
    assert.equal(r.next(), 2);
    assert.equal(r.int64(), 2 ** 40 + 7);
    assert.equal(r.next(), 3);
    assert.equal(r.int64(), 1);
    assert.equal(r.next(), 0);
  });

  it('keeps uint64 ids exact above 2^53', () => {
    const b = new Writer().idHex(1, '8e9e05c52164694d').finish();
    const r = new Reader(b);
    r.next();
    assert.equal(r.idHex(), '8e9e05c52164694d');
  });

  it('skips unknown fields of every wire type', () => {
    const w = new Writer().bytes(1, utf8('k'));
    w.tag(99, WIRE_VARINT).rawVarint(12345);
    w.tag(100, WIRE_FIXED64).rawBytes(new Uint8Array(8));
    w.tag(101, WIRE_FIXED32).rawBytes(new Uint8Array(4));
    w.tag(102, WIRE_LEN).rawVarint(3).rawBytes(utf8('abc'));
    w.bytes(2, utf8('v'));
    const put = decodePutRequest(w.finish());
    assert.deepEqual([Buffer.from(put.key).toString(), Buffer.from(put.value!).toString()], ['k', 'v']);
  });

  it('refuses truncated messages and wrong wire types with a ProtoError', () => {
    const b = new Writer().bytes(1, utf8('hello')).finish();
    assert.throws(() => decodePutRequest(b.subarray(0, 4)), ProtoError);
    const wrong = new Writer().tag(1, WIRE_VARINT).rawVarint(5).finish(); // key must be bytes
    assert.throws(() => decodePutRequest(wrong), /grpc: error unmarshalling request/);
  });

  it('decodes packed and unpacked repeated enums (watch filters)', () => {
    const packed = new Writer().bytes(1, utf8('a')).bytes(5, new Uint8Array([0, 1])).finish();
    const msg = decodeWatchRequest(new Writer().message(1, packed).finish());
    assert.ok('create' in msg);
    assert.equal(msg.create.noPut && msg.create.noDelete, true);
    const unpacked = new Writer().bytes(1, utf8('a'));
    unpacked.tag(5, WIRE_VARINT).rawVarint(1);
    const m2 = decodeWatchRequest(new Writer().message(1, unpacked.finish()).finish());
    assert.ok('create' in m2);
    assert.deepEqual([m2.create.noPut, m2.create.noDelete], [false, true]);
  });
});

describe('etcd messages', () => {
  it('round-trips a KeyValue with a lease', () => {
    const kv = { key: utf8('k'), createRevision: 2, modRevision: 9, version: 3, value: utf8('v'), lease: '694d7a5c2f3b1a0e' };
    assert.deepEqual(decodeKeyValue(encodeKeyValue(kv)), kv);
  });

  it('decodes RangeRequest options and enums', () => {
    const b = new Writer().bytes(1, utf8('a')).bytes(2, new Uint8Array([0])).int64(3, 10).enumValue(5, 2).enumValue(6, 3).bool(7, true).bool(8, true).finish();
    const q = decodeRangeRequest(b);
    assert.deepEqual({ ...q, key: hex(q.key), rangeEnd: hex(q.rangeEnd!) }, { key: '61', rangeEnd: '00', limit: 10, sortOrder: 'DESCEND', sortTarget: 'MOD', serializable: true, keysOnly: true });
  });

  it('decodes a Txn with compares (range_end is field 64) and nested ops', () => {
    const cmp = new Writer().enumValue(1, 1).enumValue(2, 2).bytes(3, utf8('a')).int64(6, 5).bytes(64, utf8('b')).finish();
    const put = new Writer().message(2, new Writer().bytes(1, utf8('x')).bytes(2, utf8('1')).finish()).finish();
    const del = new Writer().message(3, new Writer().bytes(1, utf8('y')).finish()).finish();
    const q = decodeTxnRequest(new Writer().message(1, cmp).message(2, put).message(3, del).finish());
    assert.equal(q.compare![0]!.result, 'GREATER');
    assert.equal(q.compare![0]!.target, 'MOD');
    assert.equal(q.compare![0]!.modRevision, 5);
    assert.equal(Buffer.from(q.compare![0]!.rangeEnd!).toString(), 'b');
    assert.ok('requestPut' in q.success![0]!);
    assert.ok('requestDeleteRange' in q.failure![0]!);
    assert.throws(() => decodeTxnRequest(new Writer().message(2, new Uint8Array()).finish()), /etcdserver: key not found/);
  });

  it('encodes a RangeResponse the way etcd lays it out', () => {
    const header = { clusterId: 'cdf818194e3a8c32', memberId: '8e9e05c52164694d', revision: 5, raftTerm: 2 };
    const b = encodeRangeResponse({ header, kvs: [{ key: utf8('a'), createRevision: 2, modRevision: 5, version: 2, value: utf8('1'), lease: '' }], more: false, count: 1 });
    const f = fields(b);
    assert.deepEqual(f.map(([n]) => n), [1, 2, 4]);
    const h = fields(f[0]![2] as Uint8Array);
    assert.deepEqual(h.map(([n, , v]) => [n, (v as bigint).toString(16)]), [[1, 'cdf818194e3a8c32'], [2, '8e9e05c52164694d'], [3, '5'], [4, '2']]);
  });

  it('encodes watch responses: created, events (DELETE = 1), broadcast id -1', () => {
    const header = { revision: 3 };
    const created = fields(encodeWatchResponse({ header, watchId: 0, created: true }));
    assert.deepEqual(created.map(([n]) => n), [1, 3]);
    const del = { type: 'DELETE' as const, kv: { key: utf8('a'), createRevision: 0, modRevision: 3, version: 0, value: new Uint8Array(), lease: '' } };
    const ev = fields(encodeWatchResponse({ header, watchId: 7, events: [del] }));
    assert.deepEqual(ev.map(([n]) => n), [1, 2, 11]);
    assert.deepEqual(fields(ev[2]![2] as Uint8Array)[0], [1, WIRE_VARINT, 1n]);
    const progress = fields(encodeWatchResponse({ header, watchId: -1 }));
    assert.equal(progress[1]![2], (1n << 64n) - 1n);
  });

  it('encodes a StatusResponse with etcd 3.6 fields and decodes lease/alarm requests', () => {
    const s = encodeStatusResponse({
      header: { clusterId: '1', memberId: '2', revision: 1, raftTerm: 1 },
      version: '3.6.4', dbSize: 20480, leader: '2', raftIndex: 4, raftTerm: 2, raftAppliedIndex: 4, errors: [], dbSizeInUse: 16384, isLearner: false, storageVersion: '3.6.0', dbSizeQuota: 2147483648,
    });
    assert.deepEqual(fields(s).map(([n]) => n), [1, 2, 3, 4, 5, 6, 7, 9, 11, 12]);
    assert.deepEqual(decodeLeaseGrantRequest(new Writer().int64(1, 60).finish()), { ttl: 60, id: '' });
    assert.deepEqual(decodeAlarmRequest(new Writer().enumValue(1, 2).enumValue(3, 1).finish()), { action: 'DEACTIVATE', memberId: '', alarm: 'NOSPACE' });
  });
});
