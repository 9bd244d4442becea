// The v3 JSON of etcd's grpc-gateway (v2, protojson with UseProtoNames, EmitUnpopulated
// false): proto field names, int64/uint64 as decimal strings, uint32 as numbers, bytes as
// base64, enums by name, zero values left out. Requests accept both the proto name and the
// lowerCamel JSON name of a field, numbers or strings for integers, as protojson does.
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
} from '../mvcc/types.ts';
import type { ServerHeader } from '../server/server-core.ts';
import type { Member } from '../server/membership.ts';
import { hexToDecimal, decimalToHex } from '../types/id.ts';

export class BadRequestError extends Error {}

type Json = Record<string, unknown>;

// ------------------------------------------------------------------ output

export const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
const i64 = (n: number): string => String(n);

/** Puts `value` under `name` unless it is a zero value (protojson without EmitUnpopulated). */
function put(o: Json, name: string, value: unknown): void {
  if (value === undefined || value === null || value === false || value === 0 || value === '' || value === '0') return;
  if (Array.isArray(value) && value.length === 0) return;
  o[name] = value;
}

export function headerJson(h: ServerHeader | { revision: number }): Json {
  const o: Json = {};
  if ('clusterId' in h) {
    put(o, 'cluster_id', hexToDecimal(h.clusterId || '0'));
    put(o, 'member_id', hexToDecimal(h.memberId || '0'));
    put(o, 'revision', i64(h.revision));
    put(o, 'raft_term', i64(h.raftTerm));
  } else put(o, 'revision', i64(h.revision));
  return o;
}

export function kvJson(kv: KeyValue): Json {
  const o: Json = {};
  put(o, 'key', b64(kv.key));
  put(o, 'create_revision', i64(kv.createRevision));
  put(o, 'mod_revision', i64(kv.modRevision));
  put(o, 'version', i64(kv.version));
  put(o, 'value', b64(kv.value));
  put(o, 'lease', kv.lease ? hexToDecimal(kv.lease) : '');
  return o;
}

export function rangeJson(r: { header: ServerHeader | { revision: number }; kvs: KeyValue[]; more: boolean; count: number }): Json {
  const o: Json = { header: headerJson(r.header) };
  put(o, 'kvs', r.kvs.map(kvJson));
  put(o, 'more', r.more);
  put(o, 'count', i64(r.count));
  return o;
}

export function putJson(r: { header: ServerHeader | { revision: number }; prevKv?: KeyValue }): Json {
  const o: Json = { header: headerJson(r.header) };
  if (r.prevKv) o['prev_kv'] = kvJson(r.prevKv);
  return o;
}

export function deleteJson(r: { header: ServerHeader | { revision: number }; deleted: number; prevKvs: KeyValue[] }): Json {
  const o: Json = { header: headerJson(r.header) };
  put(o, 'deleted', i64(r.deleted));
  put(o, 'prev_kvs', r.prevKvs.map(kvJson));
  return o;
}

export function txnJson(r: { header: ServerHeader | { revision: number }; succeeded: boolean; responses: ResponseOp[] }): Json {
  const o: Json = { header: headerJson(r.header) };
  put(o, 'succeeded', r.succeeded);
  put(
    o,
    'responses',
    r.responses.map((op): Json => {
      if ('responseRange' in op) return { response_range: rangeJson(op.responseRange) };
      if ('responsePut' in op) return { response_put: putJson(op.responsePut) };
      if ('responseDeleteRange' in op) return { response_delete_range: deleteJson(op.responseDeleteRange) };
      return { response_txn: txnJson(op.responseTxn) };
    }),
  );
  return o;
}

export function memberJson(m: Member): Json {
  const o: Json = {};
  put(o, 'ID', hexToDecimal(m.id));
  put(o, 'name', m.name);
  put(o, 'peerURLs', m.peerUrls);
  put(o, 'clientURLs', m.clientUrls);
  put(o, 'isLearner', m.isLearner);
  return o;
}

export function eventJson(e: WatchEvent): Json {
  const o: Json = {};
  put(o, 'type', e.type === 'PUT' ? '' : e.type);
  o['kv'] = kvJson(e.kv);
  if (e.prevKv) o['prev_kv'] = kvJson(e.prevKv);
  return o;
}

export function leaseIdJson(hex: string): string {
  return hexToDecimal(hex || '0');
}

// ------------------------------------------------------------------ input

function field(o: Json, proto: string, json?: string): unknown {
  if (o[proto] !== undefined && o[proto] !== null) return o[proto];
  const camel = json ?? proto.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
  return o[camel] ?? undefined;
}

export function parseBody(text: string): Json {
  if (text.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new BadRequestError(`proto: syntax error (line 1:1): ${(e as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new BadRequestError('proto: syntax error (line 1:1): unexpected token');
  return v as Json;
}

function bytesField(o: Json, proto: string, json?: string): Uint8Array | undefined {
  const v = field(o, proto, json);
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(v)) throw new BadRequestError(`proto: invalid value for bytes field ${proto}: ${JSON.stringify(v)}`);
  return new Uint8Array(Buffer.from(v.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
}

function intField(o: Json, proto: string, json?: string): number | undefined {
  const v = field(o, proto, json);
  if (v === undefined) return undefined;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  throw new BadRequestError(`proto: invalid value for int64 field ${proto}: ${JSON.stringify(v)}`);
}

function boolField(o: Json, proto: string, json?: string): boolean | undefined {
  const v = field(o, proto, json);
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new BadRequestError(`proto: invalid value for bool field ${proto}: ${JSON.stringify(v)}`);
  return v;
}

function enumField<T extends string>(o: Json, proto: string, names: readonly T[]): T | undefined {
  const v = field(o, proto);
  if (v === undefined) return undefined;
  if (typeof v === 'number' && names[v] !== undefined) return names[v];
  if (typeof v === 'string' && (names as readonly string[]).includes(v)) return v as T;
  throw new BadRequestError(`proto: invalid value for enum field ${proto}: ${JSON.stringify(v)}`);
}

/** Lease and member ids: decimal (string or number) on the wire, hex inside. */
export function idField(o: Json, proto: string, json?: string): string {
  const v = field(o, proto, json);
  if (v === undefined) return '';
  if ((typeof v === 'number' && Number.isInteger(v) && v >= 0) || (typeof v === 'string' && /^\d+$/.test(v))) {
    const hex = decimalToHex(v as string | number);
    return hex === '0' ? '' : hex;
  }
  throw new BadRequestError(`proto: invalid value for uint64 field ${proto}: ${JSON.stringify(v)}`);
}

const obj = (v: unknown, name: string): Json => {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new BadRequestError(`proto: invalid value for message field ${name}`);
  return v as Json;
};

const SORT_ORDERS = ['NONE', 'ASCEND', 'DESCEND'] as const satisfies readonly SortOrder[];
const SORT_TARGETS = ['KEY', 'VERSION', 'CREATE', 'MOD', 'VALUE'] as const satisfies readonly SortTarget[];
const CMP_RESULTS = ['EQUAL', 'GREATER', 'LESS', 'NOT_EQUAL'] as const satisfies readonly CompareResult[];
const CMP_TARGETS = ['VERSION', 'CREATE', 'MOD', 'VALUE', 'LEASE'] as const satisfies readonly CompareTarget[];

const opt = <T>(o: Record<string, unknown>, k: string, v: T | undefined): void => {
  if (v !== undefined) o[k] = v;
};

export function rangeRequest(o: Json): RangeRequest {
  const r: RangeRequest = { key: bytesField(o, 'key') ?? new Uint8Array() };
  const rec = r as unknown as Record<string, unknown>;
  opt(rec, 'rangeEnd', bytesField(o, 'range_end'));
  opt(rec, 'limit', intField(o, 'limit'));
  opt(rec, 'revision', intField(o, 'revision'));
  opt(rec, 'sortOrder', enumField(o, 'sort_order', SORT_ORDERS));
  opt(rec, 'sortTarget', enumField(o, 'sort_target', SORT_TARGETS));
  opt(rec, 'serializable', boolField(o, 'serializable'));
  opt(rec, 'keysOnly', boolField(o, 'keys_only'));
  opt(rec, 'countOnly', boolField(o, 'count_only'));
  opt(rec, 'minModRevision', intField(o, 'min_mod_revision'));
  opt(rec, 'maxModRevision', intField(o, 'max_mod_revision'));
  opt(rec, 'minCreateRevision', intField(o, 'min_create_revision'));
  opt(rec, 'maxCreateRevision', intField(o, 'max_create_revision'));
  return r;
}

export function putRequest(o: Json): PutRequest {
  const r: PutRequest = { key: bytesField(o, 'key') ?? new Uint8Array() };
  const rec = r as unknown as Record<string, unknown>;
  opt(rec, 'value', bytesField(o, 'value'));
  const lease = idField(o, 'lease');
  if (lease) r.lease = lease;
  opt(rec, 'prevKv', boolField(o, 'prev_kv'));
  opt(rec, 'ignoreValue', boolField(o, 'ignore_value'));
  opt(rec, 'ignoreLease', boolField(o, 'ignore_lease'));
  return r;
}

export function deleteRangeRequest(o: Json): DeleteRangeRequest {
  const r: DeleteRangeRequest = { key: bytesField(o, 'key') ?? new Uint8Array() };
  const rec = r as unknown as Record<string, unknown>;
  opt(rec, 'rangeEnd', bytesField(o, 'range_end'));
  opt(rec, 'prevKv', boolField(o, 'prev_kv'));
  return r;
}

function compare(o: Json): Compare {
  const c: Compare = {
    result: enumField(o, 'result', CMP_RESULTS) ?? 'EQUAL',
    target: enumField(o, 'target', CMP_TARGETS) ?? 'VERSION',
    key: bytesField(o, 'key') ?? new Uint8Array(),
  };
  const rec = c as unknown as Record<string, unknown>;
  opt(rec, 'rangeEnd', bytesField(o, 'range_end'));
  opt(rec, 'version', intField(o, 'version'));
  opt(rec, 'createRevision', intField(o, 'create_revision'));
  opt(rec, 'modRevision', intField(o, 'mod_revision'));
  opt(rec, 'value', bytesField(o, 'value'));
  const lease = field(o, 'lease');
  if (lease !== undefined) c.lease = idField(o, 'lease');
  // protojson: an unset target union reads as zero of the chosen target.
  if (c.target === 'VERSION' && c.version === undefined) c.version = 0;
  if (c.target === 'CREATE' && c.createRevision === undefined) c.createRevision = 0;
  if (c.target === 'MOD' && c.modRevision === undefined) c.modRevision = 0;
  if (c.target === 'VALUE' && c.value === undefined) c.value = new Uint8Array();
  if (c.target === 'LEASE' && c.lease === undefined) c.lease = '';
  return c;
}

function requestOp(o: Json): RequestOp {
  const r = field(o, 'request_range');
  if (r !== undefined) return { requestRange: rangeRequest(obj(r, 'request_range')) };
  const p = field(o, 'request_put');
  if (p !== undefined) return { requestPut: putRequest(obj(p, 'request_put')) };
  const d = field(o, 'request_delete_range');
  if (d !== undefined) return { requestDeleteRange: deleteRangeRequest(obj(d, 'request_delete_range')) };
  const t = field(o, 'request_txn');
  if (t !== undefined) return { requestTxn: txnRequest(obj(t, 'request_txn')) };
  // An empty RequestOp: etcd treats it as a range of the empty key, which the store rejects.
  return { requestRange: { key: new Uint8Array() } };
}

const list = (v: unknown, name: string): Json[] => {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new BadRequestError(`proto: invalid value for repeated field ${name}`);
  return v.map((x) => obj(x, name));
};

export function txnRequest(o: Json): TxnRequest {
  return {
    compare: list(field(o, 'compare'), 'compare').map(compare),
    success: list(field(o, 'success'), 'success').map(requestOp),
    failure: list(field(o, 'failure'), 'failure').map(requestOp),
  };
}

export function int(o: Json, proto: string, json?: string): number {
  return intField(o, proto, json) ?? 0;
}

export function bool(o: Json, proto: string, json?: string): boolean {
  return boolField(o, proto, json) ?? false;
}

export function bytes(o: Json, proto: string): Uint8Array | undefined {
  return bytesField(o, proto);
}

export function strings(o: Json, proto: string, json?: string): string[] {
  const v = field(o, proto, json);
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new BadRequestError(`proto: invalid value for repeated string field ${proto}`);
  return v as string[];
}

export function sub(o: Json, proto: string): Json | undefined {
  const v = field(o, proto);
  return v === undefined ? undefined : obj(v, proto);
}
