// Building the gateway's request bodies the way clientv3's Op options do.
import { ExitError } from '../cli/command.ts';
import type { FlagSet } from '../cli/flags.ts';
import { EXIT } from '../ctl.ts';
import { goQuoteString } from '../format/go-fmt.ts';

export const b64 = (s: string | Uint8Array): string => Buffer.from(typeof s === 'string' ? Buffer.from(s, 'utf8') : s).toString('base64');

/** clientv3.GetPrefixRangeEnd: the key with its last non-0xff byte incremented. */
export function prefixRangeEnd(key: Uint8Array): Uint8Array {
  const end = Uint8Array.from(key);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i] = end[i]! + 1;
      return end.slice(0, i + 1);
    }
  }
  return Uint8Array.of(0);
}

/**
 * --prefix and --from-key as clientv3.WithPrefix / WithFromKey set the range: an empty key
 * means every key ("\0" to "\0"); --prefix ends at the next prefix, --from-key at "\0" (no end).
 */
function widenRange(key: Uint8Array, rangeEnd: Uint8Array | undefined, prefix: boolean, fromKey: boolean): { key: Uint8Array; rangeEnd: Uint8Array | undefined } {
  if (prefix) {
    if (key.length === 0) return { key: Uint8Array.of(0), rangeEnd: Uint8Array.of(0) };
    return { key, rangeEnd: prefixRangeEnd(key) };
  }
  if (fromKey) return { key: key.length === 0 ? Uint8Array.of(0) : key, rangeEnd: Uint8Array.of(0) };
  return { key, rangeEnd };
}

const enc = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

export interface RangeBody {
  key: string;
  range_end?: string;
  limit?: string;
  revision?: string;
  sort_order?: string;
  sort_target?: string;
  serializable?: boolean;
  keys_only?: boolean;
  count_only?: boolean;
  min_mod_revision?: string;
  max_mod_revision?: string;
  min_create_revision?: string;
  max_create_revision?: string;
}

const bad = (msg: string, code: number = EXIT.badArgs): never => {
  throw new ExitError(code, msg);
};

/** getGetOp: validates like etcdctl and returns the range request. */
export function getOp(args: string[], f: FlagSet): RangeBody {
  if (args.length === 0) bad('get command needs one argument as key and an optional argument as range_end');
  const prefix = f.bool('prefix');
  const fromKey = f.bool('from-key');
  if (prefix && fromKey) bad('`--prefix` and `--from-key` cannot be set at the same time, choose one');
  if (f.bool('keys-only') && f.bool('count-only')) bad('`--keys-only` and `--count-only` cannot be set at the same time, choose one');
  const consistency = f.string('consistency');
  if (consistency !== 's' && consistency !== 'l') bad(`unknown consistency flag "${consistency}"`, EXIT.badFeature);
  let key: Uint8Array = enc(args[0]!);
  const body: RangeBody = { key: '' };
  if (consistency === 's') body.serializable = true;
  let rangeEnd: Uint8Array | undefined;
  if (args.length > 1) {
    if (prefix || fromKey) bad('too many arguments, only accept one argument when `--prefix` or `--from-key` is set');
    rangeEnd = enc(args[1]!);
  }
  const limit = f.int('limit');
  if (limit !== 0n) body.limit = limit.toString();
  const rev = f.int('rev');
  if (rev > 0n) body.revision = rev.toString();
  const order = f.string('order').toUpperCase();
  let sortOrder = 0;
  if (order === 'ASCEND') sortOrder = 1;
  else if (order === 'DESCEND') sortOrder = 2;
  else if (order !== '') bad(`bad sort order ${f.string('order')}`, EXIT.badFeature);
  const target = f.string('sort-by').toUpperCase();
  const targets: Record<string, number> = { KEY: 0, VERSION: 1, CREATE: 2, MODIFY: 3, VALUE: 4, '': 0 };
  const sortTarget = targets[target];
  if (sortTarget === undefined) bad(`bad sort target ${f.string('sort-by')}`, EXIT.badFeature);
  // clientv3.WithSort: ascending by key is the server's natural order, sent as no sort.
  const finalOrder = sortTarget === 0 && sortOrder === 1 ? 0 : sortOrder;
  if (finalOrder !== 0) body.sort_order = ['NONE', 'ASCEND', 'DESCEND'][finalOrder]!;
  if (sortTarget !== 0) body.sort_target = ['KEY', 'VERSION', 'CREATE', 'MOD', 'VALUE'][sortTarget!]!;
  ({ key, rangeEnd } = widenRange(key, rangeEnd, prefix, fromKey));
  if (f.bool('keys-only')) body.keys_only = true;
  if (f.bool('count-only')) body.count_only = true;
  const minC = f.int('min-create-rev');
  const maxC = f.int('max-create-rev');
  const minM = f.int('min-mod-rev');
  const maxM = f.int('max-mod-rev');
  if (minC > 0n) body.min_create_revision = minC.toString();
  if (maxC > 0n) {
    if (minC > maxC) bad(`getMinCreateRev(=${minC}) > getMaxCreateRev(=${maxC})`, EXIT.badFeature);
    body.max_create_revision = maxC.toString();
  }
  if (minM > 0n) body.min_mod_revision = minM.toString();
  if (maxM > 0n) {
    if (minM > maxM) bad(`getMinModRev(=${minM}) > getMaxModRev(=${maxM})`, EXIT.badFeature);
    body.max_mod_revision = maxM.toString();
  }
  body.key = b64(key);
  if (rangeEnd) body.range_end = b64(rangeEnd);
  return body;
}

export interface PutBody {
  key: string;
  value?: string;
  lease?: string;
  prev_kv?: boolean;
  ignore_value?: boolean;
  ignore_lease?: boolean;
}

/** getPutOp once the value is known (argument or stdin). */
export function putOp(key: string, value: string, f: FlagSet): PutBody {
  const leaseStr = f.string('lease');
  const id = parseHexInt64(leaseStr);
  if (typeof id === 'string') bad(`bad lease ID (${id}), expecting ID in Hex`);
  const body: PutBody = { key: b64(key) };
  if (value !== '') body.value = b64(value);
  if (id !== 0n) body.lease = (id as bigint).toString();
  if (f.bool('prev-kv')) body.prev_kv = true;
  if (f.bool('ignore-value')) body.ignore_value = true;
  if (f.bool('ignore-lease')) body.ignore_lease = true;
  return body;
}

/** strconv.ParseInt(s, 16, 64): the value, or Go's error text. */
export function parseHexInt64(s: string): bigint | string {
  const m = /^([+-]?)([0-9a-fA-F]+)$/.exec(s);
  if (!m) return `strconv.ParseInt: parsing ${goQuoteString(s)}: invalid syntax`;
  const v = BigInt('0x' + m[2]) * (m[1] === '-' ? -1n : 1n);
  if (v > 0x7fffffffffffffffn || v < -0x8000000000000000n) return `strconv.ParseInt: parsing ${goQuoteString(s)}: value out of range`;
  return v;
}

export interface DeleteBody {
  key: string;
  range_end?: string;
  prev_kv?: boolean;
}

export function delOp(args: string[], f: FlagSet): DeleteBody {
  if (args.length === 0 || args.length > 2) bad('del command needs one argument as key and an optional argument as range_end');
  const prefix = f.bool('prefix');
  const fromKey = f.bool('from-key');
  if (prefix && fromKey) bad('`--prefix` and `--from-key` cannot be set at the same time, choose one');
  let key: Uint8Array = enc(args[0]!);
  let rangeEnd: Uint8Array | undefined;
  if (args.length > 1) {
    if (prefix || fromKey) bad('too many arguments, only accept one argument when `--prefix` or `--from-key` is set');
    rangeEnd = enc(args[1]!);
  }
  ({ key, rangeEnd } = widenRange(key, rangeEnd, prefix, fromKey));
  const body: DeleteBody = { key: b64(key) };
  if (rangeEnd) body.range_end = b64(rangeEnd);
  if (f.bool('prev-kv')) body.prev_kv = true;
  return body;
}
