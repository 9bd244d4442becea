// gzip for the sandbox's tar, gzip and the virtual internet's release tarballs: real
// RFC 1952 streams (node:zlib), with the failures gzip reports in its own words.
import { gunzip as gunzipCallback, gunzipSync, gzip as gzipCallback, gzipSync, type InputType, type ZlibOptions } from 'node:zlib';

export class GzipError extends Error {
  constructor(
    /** 'not-gzip': no gzip magic; 'eof': cut short; 'corrupt': bad data or CRC. */
    readonly kind: 'not-gzip' | 'eof' | 'corrupt',
  ) {
    super(kind === 'not-gzip' ? 'not in gzip format' : kind === 'eof' ? 'unexpected end of file' : 'invalid compressed data--format violated');
    this.name = 'GzipError';
  }
}

export const isGzip = (data: Uint8Array): boolean => data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;

export function gzip(data: Uint8Array, opts: { mtime?: number; level?: number } = {}): Uint8Array {
  const out = new Uint8Array(gzipSync(data, { level: opts.level ?? 9 }));
  // node writes mtime 0; gzip records the input's mtime (seconds) — keep it when given.
  if (opts.mtime !== undefined) new DataView(out.buffer, out.byteOffset).setUint32(4, Math.floor(opts.mtime) >>> 0, true);
  return out;
}

/** Decompresses, throwing GzipError the way gzip -d fails on bad input. */
export function gunzip(data: Uint8Array, opts: { maxOutputLength?: number } = {}): Uint8Array {
  if (!isGzip(data)) throw new GzipError(data.length === 0 || (data.length === 1 && data[0] === 0x1f) ? 'eof' : 'not-gzip');
  try {
    return new Uint8Array(gunzipSync(data, { maxOutputLength: opts.maxOutputLength ?? 256 * 1024 * 1024 }));
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'Z_BUF_ERROR') throw new GzipError('eof');
    if (code === 'ERR_BUFFER_TOO_LARGE') throw e;
    throw new GzipError('corrupt');
  }
}

// The same work on libuv's thread pool: compressing 30 MB takes about a second, and the
// event loop (every other session) must not wait for it.
const onPool = (fn: (buf: InputType, opts: ZlibOptions, cb: (err: Error | null, out: Buffer) => void) => void, data: Uint8Array, opts: ZlibOptions) =>
  new Promise<Uint8Array>((resolve, reject) => fn(data, opts, (err, out) => (err ? reject(err) : resolve(new Uint8Array(out.buffer, out.byteOffset, out.length)))));

/** gzip() off the event loop. */
export async function gzipAsync(data: Uint8Array, opts: { mtime?: number; level?: number } = {}): Promise<Uint8Array> {
  const out = await onPool(gzipCallback, data, { level: opts.level ?? 9 });
  if (opts.mtime !== undefined) new DataView(out.buffer, out.byteOffset).setUint32(4, Math.floor(opts.mtime) >>> 0, true);
  return out;
}

/** gunzip() off the event loop, with the same GzipError failures. */
export async function gunzipAsync(data: Uint8Array, opts: { maxOutputLength?: number } = {}): Promise<Uint8Array> {
  if (!isGzip(data)) throw new GzipError(data.length === 0 || (data.length === 1 && data[0] === 0x1f) ? 'eof' : 'not-gzip');
  try {
    return await onPool(gunzipCallback, data, { maxOutputLength: opts.maxOutputLength ?? 256 * 1024 * 1024 });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'Z_BUF_ERROR') throw new GzipError('eof');
    if (code === 'ERR_BUFFER_TOO_LARGE') throw e;
    throw new GzipError('corrupt');
  }
}
