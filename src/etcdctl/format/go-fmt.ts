// Go's fmt verbs as etcdctl's printers use them: %q on byte strings, %x, %016x, %16x,
// humanize.Bytes, types.ID.

/** %q of a byte string: valid UTF-8 stays, invalid bytes become \xNN, controls escaped. */
export function goQuoteBytes(b: Uint8Array): string {
  let out = '"';
  let i = 0;
  const dec = new TextDecoder('utf-8', { fatal: true });
  while (i < b.length) {
    const c = b[i]!;
    let len = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
    let ch: string | undefined;
    if (len > 0 && i + len <= b.length) {
      try {
        ch = dec.decode(b.subarray(i, i + len));
      } catch {
        ch = undefined;
      }
    }
    if (ch === undefined) {
      out += '\\x' + c.toString(16).padStart(2, '0');
      i++;
      continue;
    }
    i += len;
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (cp === 7) out += '\\a';
    else if (cp === 8) out += '\\b';
    else if (cp === 12) out += '\\f';
    else if (cp === 11) out += '\\v';
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp >= 0x80 && cp < 0xa0) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += ch;
    len = 0;
  }
  return out + '"';
}

export function goQuoteString(s: string): string {
  return goQuoteBytes(new TextEncoder().encode(s));
}

const toU64 = (v: bigint) => BigInt.asUintN(64, v);

/** %x of a uint64 (types.ID's String is the same). */
export const hex = (v: bigint): string => toU64(v).toString(16);
/** %016x */
export const hex016 = (v: bigint): string => toU64(v).toString(16).padStart(16, '0');
/** %16x: space-padded to 16. */
export const hex16 = (v: bigint): string => toU64(v).toString(16).padStart(16, ' ');

/** github.com/dustin/go-humanize Bytes: SI units, one decimal under 10. */
export function humanizeBytes(n: bigint): string {
  const s = Number(BigInt.asUintN(64, n));
  if (s < 10) return `${s} B`;
  const sizes = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  const e = Math.floor(Math.log(s) / Math.log(1000));
  const suffix = sizes[e]!;
  const val = Math.floor((s / Math.pow(1000, e)) * 10 + 0.5) / 10;
  if (val < 10) return `${val.toFixed(1)} ${suffix}`;
  // Go's %.0f rounds an exact half to even (20.5 → "20").
  const whole = Math.floor(val);
  const rounded = val - whole === 0.5 ? (whole % 2 === 0 ? whole : whole + 1) : Math.round(val);
  return `${rounded} ${suffix}`;
}

/** `\x` before every byte's two hex digits (etcdctl's addHexPrefix). */
export function hexWithPrefix(b: Uint8Array): string {
  let out = '';
  for (const c of b) out += '\\x' + c.toString(16).padStart(2, '0');
  return out;
}

export const utf8 = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
