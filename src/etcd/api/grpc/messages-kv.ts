// etcdserverpb KV and Watch messages and mvccpb.KeyValue/Event on the wire. Field numbers
// are those of etcd's api/etcdserverpb/rpc.proto and api/mvccpb/kv.proto.
import type {
  Compare,
  CompareResult,
  CompareTarget,
  DeleteRangeRequest,
  KeyValue,
  PutRequest,
  RangeRequest,
  RequestOp,
  ResponseOp,
  SortOrder,
  SortTarget,
  TxnRequest,
  WatchEvent,
} from '../../mvcc/types.ts';
import type { ServerHeader } from '../../server/server-core.ts';
import { ServerError } from '../../server/errors.ts';
import { ProtoError, Reader, Writer, own } from './proto.ts';

const SORT_ORDERS: readonly SortOrder[] = ['NONE', 'ASCEND', 'DESCEND'];
const SORT_TARGETS: readonly SortTarget[] = ['KEY', 'VERSION', 'CREATE', 'MOD', 'VALUE'];
const COMPARE_RESULTS: readonly CompareResult[] = ['EQUAL', 'GREATER', 'LESS', 'NOT_EQUAL'];
const COMPARE_TARGETS: readonly CompareTarget[] = ['VERSION', 'CREATE', 'MOD', 'VALUE', 'LEASE'];

/** An enum value outside the names we know: Go keeps the number; the store cannot, so refuse. */
function enumName<T>(names: readonly T[], v: number, what: string): T {
  const n = names[v];
  if (n === undefined) throw new ProtoError(`unknown ${what} ${v}`);
  return n;
}

// ------------------------------------------------------------------ shared

/** ResponseHeader: cluster_id 1, member_id 2, revision 3, raft_term 4. */
export function encodeHeader(h: ServerHeader | { revision: number }): Uint8Array {
  const w = new Writer();
  if ('clusterId' in h) {
    w.idHex(1, h.clusterId).idHex(2, h.memberId).int64(3, h.revision).int64(4, h.raftTerm);
  } else w.int64(3, h.revision);
  return w.finish();
}

/** mvccpb.KeyValue: key 1, create_revision 2, mod_revision 3, version 4, value 5, lease 6. */
export function encodeKeyValue(kv: KeyValue): Uint8Array {
  return new Writer()
    .bytes(1, kv.key)
    .int64(2, kv.createRevision)
    .int64(3, kv.modRevision)
    .int64(4, kv.version)
    .bytes(5, kv.value)
    .idHex(6, kv.lease)
    .finish();
}

export function decodeKeyValue(buf: Uint8Array): KeyValue {
  const r = new Reader(buf);
  const kv: KeyValue = { key: new Uint8Array(), createRevision: 0, modRevision: 0, version: 0, value: new Uint8Array(), lease: '' };
  for (let f = r.next(); f; f = r.next()) {
    if (f === 1) kv.key = own(r.bytes());
    else if (f === 2) kv.createRevision = r.int64();
    else if (f === 3) kv.modRevision = r.int64();
    else if (f === 4) kv.version = r.int64();
    else if (f === 5) kv.value = own(r.bytes());
    else if (f === 6) kv.lease = r.idHex();
    else r.skip();
  }
  return kv;
}

/** mvccpb.Event: type 1 (PUT 0, DELETE 1), kv 2, prev_kv 3. */
export function encodeEvent(e: WatchEvent): Uint8Array {
  const w = new Writer().enumValue(1, e.type === 'DELETE' ? 1 : 0).message(2, encodeKeyValue(e.kv));
  if (e.prevKv) w.message(3, encodeKeyValue(e.prevKv));
  return w.finish();
}

// ------------------------------------------------------------------ requests

export function decodeRangeRequest(buf: Uint8Array): RangeRequest {
  const r = new Reader(buf);
  const q: RangeRequest = { key: new Uint8Array() };
  for (let f = r.next(); f; f = r.next()) {
    switch (f) {
      case 1: q.key = own(r.bytes()); break;
      case 2: q.rangeEnd = own(r.bytes()); break;
      case 3: q.limit = r.int64(); break;
      case 4: q.revision = r.int64(); break;
      case 5: q.sortOrder = enumName(SORT_ORDERS, r.enumValue(), 'sort order'); break;
      case 6: q.sortTarget = enumName(SORT_TARGETS, r.enumValue(), 'sort target'); break;
      case 7: q.serializable = r.bool(); break;
      case 8: q.keysOnly = r.bool(); break;
      case 9: q.countOnly = r.bool(); break;
      case 10: q.minModRevision = r.int64(); break;
      case 11: q.maxModRevision = r.int64(); break;
      case 12: q.minCreateRevision = r.int64(); break;
      case 13: q.maxCreateRevision = r.int64(); break;
      default: r.skip();
    }
  }
  return q;
}

export function decodePutRequest(buf: Uint8Array): PutRequest {
  const r = new Reader(buf);
  const q: PutRequest = { key: new Uint8Array() };
  for (let f = r.next(); f; f = r.next()) {
    switch (f) {
      case 1: q.key = own(r.bytes()); break;
      case 2: q.value = own(r.bytes()); break;
      case 3: q.lease = r.idHex(); break;
      case 4: q.prevKv = r.bool(); break;
      case 5: q.ignoreValue = r.bool(); break;
      case 6: q.ignoreLease = r.bool(); break;
      default: r.skip();
    }
  }
  return q;
}

export function decodeDeleteRangeRequest(buf: Uint8Array): DeleteRangeRequest {
  const r = new Reader(buf);
  const q: DeleteRangeRequest = { key: new Uint8Array() };
  for (let f = r.next(); f; f = r.next()) {
    if (f === 1) q.key = own(r.bytes());
    else if (f === 2) q.rangeEnd = own(r.bytes());
    else if (f === 3) q.prevKv = r.bool();
    else r.skip();
  }
  return q;
}

/** Compare: result 1, target 2, key 3, version 4, create_revision 5, mod_revision 6, value 7, lease 8, range_end 64. */
function decodeCompare(buf: Uint8Array): Compare {
  const r = new Reader(buf);
  const c: Compare = { result: 'EQUAL', target: 'VERSION', key: new Uint8Array() };
  for (let f = r.next(); f; f = r.next()) {
    switch (f) {
      case 1: c.result = enumName(COMPARE_RESULTS, r.enumValue(), 'compare result'); break;
      case 2: c.target = enumName(COMPARE_TARGETS, r.enumValue(), 'compare target'); break;
      case 3: c.key = own(r.bytes()); break;
      case 4: c.version = r.int64(); break;
      case 5: c.createRevision = r.int64(); break;
      case 6: c.modRevision = r.int64(); break;
      case 7: c.value = own(r.bytes()); break;
      case 8: c.lease = r.idHex(); break;
      case 64: c.rangeEnd = own(r.bytes()); break;
      default: r.skip();
    }
  }
  // The union member the target reads is its zero value when the client left it out.
  if (c.target === 'VERSION') c.version ??= 0;
  else if (c.target === 'CREATE') c.createRevision ??= 0;
  else if (c.target === 'MOD') c.modRevision ??= 0;
  else if (c.target === 'VALUE') c.value ??= new Uint8Array();
  else c.lease ??= '';
  return c;
}

/** RequestOp: request_range 1, request_put 2, request_delete_range 3, request_txn 4. */
function decodeRequestOp(buf: Uint8Array): RequestOp {
  const r = new Reader(buf);
  let op: RequestOp | undefined;
  for (let f = r.next(); f; f = r.next()) {
    if (f === 1) op = { requestRange: decodeRangeRequest(r.bytes()) };
    else if (f === 2) op = { requestPut: decodePutRequest(r.bytes()) };
    else if (f === 3) op = { requestDeleteRange: decodeDeleteRangeRequest(r.bytes()) };
    else if (f === 4) op = { requestTxn: decodeTxnRequest(r.bytes()) };
    else r.skip();
  }
  // An empty RequestOp: etcd's request check refuses it before anything is applied.
  if (!op) throw new ServerError('InvalidArgument', 'etcdserver: key not found');
  return op;
}

/** TxnRequest: compare 1, success 2, failure 3. */
export function decodeTxnRequest(buf: Uint8Array): TxnRequest {
  const r = new Reader(buf);
  const q: Required<TxnRequest> = { compare: [], success: [], failure: [] };
  for (let f = r.next(); f; f = r.next()) {
    if (f === 1) q.compare.push(decodeCompare(r.bytes()));
    else if (f === 2) q.success.push(decodeRequestOp(r.bytes()));
    else if (f === 3) q.failure.push(decodeRequestOp(r.bytes()));
    else r.skip();
  }
  return q;
}

/** CompactionRequest: revision 1, physical 2. */
export function decodeCompactionRequest(buf: Uint8Array): { revision: number; physical: boolean } {
  const r = new Reader(buf);
  const q = { revision: 0, physical: false };
  for (let f = r.next(); f; f = r.next()) {
    if (f === 1) q.revision = r.int64();
    else if (f === 2) q.physical = r.bool();
    else r.skip();
  }
  return q;
}

// ------------------------------------------------------------------ responses

type Header = ServerHeader | { revision: number };

/** RangeResponse: header 1, kvs 2, more 3, count 4. */
export function encodeRangeResponse(res: { header: Header; kvs: KeyValue[]; more: boolean; count: number }): Uint8Array {
  const w = new Writer().message(1, encodeHeader(res.header));
  for (const kv of res.kvs) w.message(2, encodeKeyValue(kv));
  return w.bool(3, res.more).int64(4, res.count).finish();
}

/** PutResponse: header 1, prev_kv 2. */
export function encodePutResponse(res: { header: Header; prevKv?: KeyValue }): Uint8Array {
  const w = new Writer().message(1, encodeHeader(res.header));
  if (res.prevKv) w.message(2, encodeKeyValue(res.prevKv));
  return w.finish();
}

/** DeleteRangeResponse: header 1, deleted 2, prev_kvs 3. */
export function encodeDeleteRangeResponse(res: { header: Header; deleted: number; prevKvs: KeyValue[] }): Uint8Array {
  const w = new Writer().message(1, encodeHeader(res.header)).int64(2, res.deleted);
  for (const kv of res.prevKvs) w.message(3, encodeKeyValue(kv));
  return w.finish();
}

/** ResponseOp: response_range 1, response_put 2, response_delete_range 3, response_txn 4. */
function encodeResponseOp(op: ResponseOp): Uint8Array {
  const w = new Writer();
  if ('responseRange' in op) w.message(1, encodeRangeResponse(op.responseRange));
  else if ('responsePut' in op) w.message(2, encodePutResponse(op.responsePut));
  else if ('responseDeleteRange' in op) w.message(3, encodeDeleteRangeResponse(op.responseDeleteRange));
  else w.message(4, encodeTxnResponse(op.responseTxn));
  return w.finish();
}

/** TxnResponse: header 1, succeeded 2, responses 3. */
export function encodeTxnResponse(res: { header: Header; succeeded: boolean; responses: ResponseOp[] }): Uint8Array {
  const w = new Writer().message(1, encodeHeader(res.header)).bool(2, res.succeeded);
  for (const op of res.responses) w.message(3, encodeResponseOp(op));
  return w.finish();
}

/** Any response that is just a header (CompactionResponse, LeaseRevokeResponse, DefragmentResponse, ...). */
export function encodeHeaderOnly(header: Header): Uint8Array {
  return new Writer().message(1, encodeHeader(header)).finish();
}

// ------------------------------------------------------------------ watch

export interface WatchCreate {
  key: Uint8Array;
  rangeEnd?: Uint8Array;
  startRevision: number;
  progressNotify: boolean;
  noPut: boolean;
  noDelete: boolean;
  prevKv: boolean;
  watchId: number;
  fragment: boolean;
}

export type WatchRequestMessage = { create: WatchCreate } | { cancel: { watchId: number } } | { progress: true } | { empty: true };

/** WatchRequest: create_request 1, cancel_request 2, progress_request 3. */
export function decodeWatchRequest(buf: Uint8Array): WatchRequestMessage {
  const r = new Reader(buf);
  let msg: WatchRequestMessage = { empty: true };
  for (let f = r.next(); f; f = r.next()) {
    if (f === 1) msg = { create: decodeWatchCreate(r.bytes()) };
    else if (f === 2) {
      const c = new Reader(r.bytes());
      let watchId = 0;
      for (let g = c.next(); g; g = c.next()) {
        if (g === 1) watchId = c.int64();
        else c.skip();
      }
      msg = { cancel: { watchId } };
    } else if (f === 3) {
      r.bytes();
      msg = { progress: true };
    } else r.skip();
  }
  return msg;
}

/** WatchCreateRequest: key 1, range_end 2, start_revision 3, progress_notify 4, filters 5 (NOPUT 0, NODELETE 1), prev_kv 6, watch_id 7, fragment 8. */
function decodeWatchCreate(buf: Uint8Array): WatchCreate {
  const r = new Reader(buf);
  const c: WatchCreate = { key: new Uint8Array(), startRevision: 0, progressNotify: false, noPut: false, noDelete: false, prevKv: false, watchId: 0, fragment: false };
  for (let f = r.next(); f; f = r.next()) {
    switch (f) {
      case 1: c.key = own(r.bytes()); break;
      case 2: c.rangeEnd = own(r.bytes()); break;
      case 3: c.startRevision = r.int64(); break;
      case 4: c.progressNotify = r.bool(); break;
      case 5:
        for (const v of r.repeatedEnum()) {
          if (v === 0) c.noPut = true;
          else if (v === 1) c.noDelete = true;
        }
        break;
      case 6: c.prevKv = r.bool(); break;
      case 7: c.watchId = r.int64(); break;
      case 8: c.fragment = r.bool(); break;
      default: r.skip();
    }
  }
  return c;
}

export interface WatchResponseMessage {
  header: Header;
  watchId: number;
  created?: boolean;
  canceled?: boolean;
  compactRevision?: number;
  cancelReason?: string;
  events?: WatchEvent[];
}

/** WatchResponse: header 1, watch_id 2, created 3, canceled 4, compact_revision 5, cancel_reason 6, fragment 7, events 11. */
export function encodeWatchResponse(m: WatchResponseMessage): Uint8Array {
  const w = new Writer()
    .message(1, encodeHeader(m.header))
    .int64(2, m.watchId)
    .bool(3, m.created)
    .bool(4, m.canceled)
    .int64(5, m.compactRevision)
    .string(6, m.cancelReason);
  for (const e of m.events ?? []) w.message(11, encodeEvent(e));
  return w.finish();
}
