// Go's encoding/json output, which etcdctl's `-w json` uses on its protobuf structs:
// fields in struct order, `omitempty` dropping zero values, int64/uint64 as bare
// numbers (kept exact with bigint), []byte as base64, and <, >, & escaped.

export type GoValue = bigint | number | boolean | string | null | GoValue[] | GoObject | Uint8Array;
export interface GoObject {
  [key: string]: GoValue | undefined;
}

function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029 || c < 0x20)
      out += '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

/** Serialises like json.Marshal; undefined members are left out (that is how omitempty is expressed here). */
export function goJson(v: GoValue): string {
  if (v === null) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return quote(v);
  if (v instanceof Uint8Array) return quote(Buffer.from(v).toString('base64'));
  if (Array.isArray(v)) return '[' + v.map(goJson).join(',') + ']';
  const parts: string[] = [];
  for (const [k, val] of Object.entries(v)) if (val !== undefined) parts.push(quote(k) + ':' + goJson(val));
  return '{' + parts.join(',') + '}';
}

/** omitempty for the scalar kinds. */
export const nz = (v: bigint): bigint | undefined => (v === 0n ? undefined : v);
export const nzb = (v: boolean): boolean | undefined => (v ? true : undefined);
export const nzs = (v: string): string | undefined => (v === '' ? undefined : v);
export const nzbytes = (v: Uint8Array): Uint8Array | undefined => (v.length === 0 ? undefined : v);
export function nzarr<T>(v: T[] | undefined): T[] | undefined {
  return v && v.length > 0 ? v : undefined;
}
