// The tar archive format as GNU tar writes and reads it: 512-byte ustar headers (name,
// mode, uid, gid, size, mtime, checksum, type, owner names, prefix), file data padded to
// 512 bytes, two zero blocks at the end. Long names use GNU's ././@LongLink entries on
// write and are understood on read along with pax path/linkpath records.

export type TarEntryType = 'file' | 'dir' | 'symlink';

export interface TarEntry {
  /** Path inside the archive; directories end with '/'. */
  name: string;
  type: TarEntryType;
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  /** Modification time, seconds since the epoch. */
  mtime: number;
  /** File contents (files only). */
  data?: Uint8Array;
  /** Symlink target. */
  linkname?: string;
}

const BLOCK = 512;
const enc = new TextEncoder();
const dec = new TextDecoder();

export class TarFormatError extends Error {
  constructor(
    readonly kind: 'not-tar' | 'truncated' | 'checksum',
    message: string,
  ) {
    super(message);
    this.name = 'TarFormatError';
  }
}

function putString(block: Uint8Array, off: number, len: number, s: string): void {
  const b = enc.encode(s);
  block.set(b.subarray(0, len), off);
}

function putOctal(block: Uint8Array, off: number, len: number, n: number): void {
  // len-1 digits then NUL, as GNU tar writes numeric fields.
  putString(block, off, len, Math.max(0, Math.floor(n)).toString(8).padStart(len - 1, '0'));
}

function header(name: string, e: Pick<TarEntry, 'mode' | 'uid' | 'gid' | 'uname' | 'gname' | 'mtime'>, size: number, typeflag: string, linkname = '', prefix = ''): Uint8Array {
  const h = new Uint8Array(BLOCK);
  putString(h, 0, 100, name);
  putOctal(h, 100, 8, e.mode & 0o7777);
  putOctal(h, 108, 8, e.uid);
  putOctal(h, 116, 8, e.gid);
  putOctal(h, 124, 12, size);
  putOctal(h, 136, 12, e.mtime);
  h.fill(0x20, 148, 156);
  putString(h, 156, 1, typeflag);
  putString(h, 157, 100, linkname);
  putString(h, 257, 6, 'ustar');
  putString(h, 263, 2, '00');
  putString(h, 265, 32, e.uname);
  putString(h, 297, 32, e.gname);
  putString(h, 345, 155, prefix);
  let sum = 0;
  for (const b of h) sum += b;
  putString(h, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

function padded(data: Uint8Array): Uint8Array[] {
  const rest = data.length % BLOCK;
  return rest ? [data, new Uint8Array(BLOCK - rest)] : [data];
}

/** Splits a long name into ustar's prefix (≤155) and name (≤100) at a '/', when possible. */
function splitName(name: string): { prefix: string; name: string } | undefined {
  if (enc.encode(name).length <= 100) return { prefix: '', name };
  for (let i = name.length - 1; i > 0; i--) {
    if (name[i] !== '/') continue;
    const p = name.slice(0, i);
    const n = name.slice(i + 1);
    if (enc.encode(p).length <= 155 && enc.encode(n).length <= 100 && n.length > 0) return { prefix: p, name: n };
  }
  return undefined;
}

/** The archive's bytes (uncompressed). */
export function writeTar(entries: readonly TarEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const e of entries) {
    const typeflag = e.type === 'dir' ? '5' : e.type === 'symlink' ? '2' : '0';
    const data = e.type === 'file' ? (e.data ?? new Uint8Array()) : new Uint8Array();
    let split = splitName(e.name);
    if (!split) {
      // GNU long name: a pseudo entry whose data is the full name.
      const longName = enc.encode(e.name + '\0');
      parts.push(header('././@LongLink', { mode: 0o644, uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: 0 }, longName.length, 'L'), ...padded(longName));
      split = { prefix: '', name: e.name.slice(0, 100) };
    }
    parts.push(header(split.name, e, data.length, typeflag, e.linkname ?? '', split.prefix));
    if (data.length) parts.push(...padded(data));
  }
  parts.push(new Uint8Array(BLOCK * 2));
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function getString(b: Uint8Array, off: number, len: number): string {
  const f = b.subarray(off, off + len);
  const nul = f.indexOf(0);
  return dec.decode(nul >= 0 ? f.subarray(0, nul) : f);
}

function getOctal(b: Uint8Array, off: number, len: number): number {
  // GNU base-256 for large numbers: high bit of the first byte set.
  if ((b[off]! & 0x80) !== 0) {
    let n = b[off]! & 0x7f;
    for (let i = 1; i < len; i++) n = n * 256 + b[off + i]!;
    return n;
  }
  const s = getString(b, off, len).trim();
  return s ? parseInt(s, 8) : 0;
}

function checksumOk(h: Uint8Array): boolean {
  const stored = getOctal(h, 148, 8);
  let unsigned = 0;
  for (let i = 0; i < BLOCK; i++) unsigned += i >= 148 && i < 156 ? 0x20 : h[i]!;
  return stored === unsigned;
}

const isZero = (b: Uint8Array) => b.every((x) => x === 0);

function parsePax(data: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  let text = dec.decode(data);
  while (text.length) {
    const sp = text.indexOf(' ');
    const len = parseInt(text.slice(0, sp), 10);
    if (!(len > 0) || sp < 0) break;
    const rec = text.slice(sp + 1, len - 1);
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    text = text.slice(len);
  }
  return out;
}

/**
 * Reads every entry. `error` says why reading stopped early: 'not-tar' when the first
 * header is not a tar header, 'truncated' or 'checksum' after the entries that were whole
 * (GNU tar extracts those and then complains).
 */
export function readTar(data: Uint8Array): { entries: TarEntry[]; error?: TarFormatError } {
  const entries: TarEntry[] = [];
  try {
    readInto(data, entries);
    return { entries };
  } catch (e) {
    if (e instanceof TarFormatError) return { entries, error: e };
    throw e;
  }
}

function readInto(data: Uint8Array, out: TarEntry[]): void {
  let off = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Record<string, string> = {};
  let first = true;
  while (off + BLOCK <= data.length) {
    const h = data.subarray(off, off + BLOCK);
    if (isZero(h)) {
      if (first) throw new TarFormatError('not-tar', 'This does not look like a tar archive');
      return;
    }
    if (!checksumOk(h)) {
      if (first) throw new TarFormatError('not-tar', 'This does not look like a tar archive');
      throw new TarFormatError('checksum', 'Skipping to next header');
    }
    first = false;
    const size = getOctal(h, 124, 12);
    const typeflag = String.fromCharCode(h[156]!);
    off += BLOCK;
    const end = off + size;
    if (end > data.length) throw new TarFormatError('truncated', 'Unexpected EOF in archive');
    const body = data.subarray(off, end);
    off += Math.ceil(size / BLOCK) * BLOCK;
    if (typeflag === 'L') {
      longName = getString(body, 0, body.length);
      continue;
    }
    if (typeflag === 'K') {
      longLink = getString(body, 0, body.length);
      continue;
    }
    if (typeflag === 'x') {
      pax = parsePax(body);
      continue;
    }
    if (typeflag === 'g') continue;
    const magic = getString(h, 257, 6);
    const prefix = magic.startsWith('ustar') ? getString(h, 345, 155) : '';
    const shortName = getString(h, 0, 100);
    const name = pax.path ?? longName ?? (prefix ? `${prefix}/${shortName}` : shortName);
    const type: TarEntryType = typeflag === '5' ? 'dir' : typeflag === '2' ? 'symlink' : 'file';
    const entry: TarEntry = {
      name,
      type,
      mode: getOctal(h, 100, 8) & 0o7777,
      uid: getOctal(h, 108, 8),
      gid: getOctal(h, 116, 8),
      uname: getString(h, 265, 32),
      gname: getString(h, 297, 32),
      mtime: pax.mtime ? Math.floor(Number(pax.mtime)) : getOctal(h, 136, 12),
    };
    if (type === 'file') entry.data = body.slice();
    if (type === 'symlink') entry.linkname = pax.linkpath ?? longLink ?? getString(h, 157, 100);
    longName = undefined;
    longLink = undefined;
    pax = {};
    out.push(entry);
  }
  if (first) throw new TarFormatError('not-tar', 'This does not look like a tar archive');
  // Ran out of bytes before the end-of-archive blocks, in the middle of a header.
  if (off < data.length) throw new TarFormatError('truncated', 'Unexpected EOF in archive');
}
