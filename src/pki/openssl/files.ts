// File access for the openssl subcommands, through the caller's FileSystem (so its
// permissions apply), failing with the messages and error stacks OpenSSL 3 prints.
import { FsError, isFsError, resolvePath, strerror, type FsErrorCode } from '../../platform/filesystem.ts';
import { OpensslFailure, type ErrorEntry } from '../errors.ts';
import type { OpensslContext } from './context.ts';

const ERRNO: Partial<Record<FsErrorCode, number>> = { ENOENT: 2, EACCES: 13, EISDIR: 21, ENOTDIR: 20, EPERM: 1, ENOSPC: 28 };

function errnoCode(code: FsErrorCode): string {
  return (0x80000000 + (ERRNO[code] ?? 5)).toString(16).toUpperCase();
}

function fsCode(e: unknown): FsErrorCode {
  return isFsError(e) ? e.code : 'EINVAL';
}

/** The stack of a failed fopen() through a BIO ("Can't open … for reading"). */
function bioStack(code: FsErrorCode, path: string, mode: string): ErrorEntry[] {
  const sys: ErrorEntry = {
    code: errnoCode(code),
    lib: 'system library',
    func: 'BIO_new_file',
    reason: strerror(code),
    where: '../crypto/bio/bss_file.c:67',
    data: `calling fopen(${path}, ${mode})`,
  };
  const bio: ErrorEntry =
    code === 'ENOENT'
      ? { code: '10000080', lib: 'BIO routines', func: 'BIO_new_file', reason: 'no such file', where: '../crypto/bio/bss_file.c:75', data: '' }
      : { code: '10080002', lib: 'BIO routines', func: 'BIO_new_file', reason: 'system lib', where: '../crypto/bio/bss_file.c:77', data: '' };
  return [sys, bio];
}

/** The stack of a failed OSSL_STORE open (keys and certificates are loaded this way). */
function storeStack(code: FsErrorCode, path: string): ErrorEntry[] {
  const scheme: ErrorEntry = {
    code: '16000069',
    lib: 'STORE routines',
    func: 'ossl_store_get0_loader_int',
    reason: 'unregistered scheme',
    where: '../crypto/store/store_register.c:237',
    data: 'scheme=file',
  };
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return [
      scheme,
      {
        code: errnoCode(code),
        lib: 'system library',
        func: 'file_open',
        reason: strerror(code),
        where: '../providers/implementations/storemgmt/file_store.c:266',
        data: `calling stat(${path})`,
      },
    ];
  }
  return [scheme, ...bioStack(code, path, 'rb')];
}

/** Device files the tool's own streams stand for, when the disk does not model them. */
function device(ctx: OpensslContext, path: string): '/dev/stdin' | '/dev/stdout' | '/dev/stderr' | '/dev/null' | undefined {
  const full = resolvePath(ctx.cwd, path);
  if (!['/dev/stdin', '/dev/stdout', '/dev/stderr', '/dev/null'].includes(full)) return undefined;
  return full as '/dev/stdin' | '/dev/stdout' | '/dev/stderr' | '/dev/null';
}

export async function readStdin(ctx: OpensslContext): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for (let c = await ctx.stdin.read(); c !== null; c = await ctx.stdin.read()) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

/** Reads a file opened with BIO_new_file (configs, requests, -CAfile lists). `tail` is printed after the stack. */
export async function readPlain(ctx: OpensslContext, path: string | undefined, tail: string[] = []): Promise<Buffer> {
  if (path === undefined || path === '-' || device(ctx, path) === '/dev/stdin') return readStdin(ctx);
  if (device(ctx, path) === '/dev/null') return Buffer.alloc(0);
  try {
    return Buffer.from(ctx.fs.readFile(resolvePath(ctx.cwd, path)));
  } catch (e) {
    const code = fsCode(e);
    throw new OpensslFailure([`Can't open "${path}" for reading, ${strerror(code)}`], bioStack(code, path, 'r'), tail);
  }
}

/**
 * Reads a file the way OSSL_STORE does for keys and certificates:
 * "Could not open file or uri for loading private key from ca.key".
 */
export async function readStored(ctx: OpensslContext, path: string | undefined, what: string, tail: string[] = []): Promise<Buffer> {
  if (path === undefined || path === '-' || device(ctx, path) === '/dev/stdin') return readStdin(ctx);
  if (device(ctx, path) === '/dev/null') return Buffer.alloc(0);
  try {
    return Buffer.from(ctx.fs.readFile(resolvePath(ctx.cwd, path)));
  } catch (e) {
    const code = fsCode(e);
    throw new OpensslFailure([`Could not open file or uri for loading ${what} from ${path}`], storeStack(code, path), tail);
  }
}

/** Checks that an output file can be written before doing the work, as BIO_new_file(out, "w") would. */
export function checkWritable(ctx: OpensslContext, path: string | undefined, prefix = ''): void {
  if (path === undefined || path === '-' || device(ctx, path)) return;
  const full = resolvePath(ctx.cwd, path);
  try {
    if (ctx.fs.exists(full)) {
      if (ctx.fs.stat(full).type === 'dir') throw new FsError('EISDIR', 'open', full);
      // Appending nothing both checks permission and leaves the content alone.
      ctx.fs.appendFile(full, new Uint8Array(0));
    } else {
      ctx.fs.writeFile(full, new Uint8Array(0));
      ctx.fs.unlink(full);
    }
  } catch (e) {
    const code = fsCode(e);
    throw new OpensslFailure([`${prefix}Can't open "${path}" for writing, ${strerror(code)}`], prefix ? [] : bioStack(code, path, 'w'));
  }
}

/** Writes an output (to stdout when no path). Files get mode 0644, or 0600 for private keys, like openssl. */
export async function writeOutput(ctx: OpensslContext, path: string | undefined, data: string | Uint8Array, opts: { private?: boolean; prefix?: string } = {}): Promise<void> {
  const dev = path === undefined || path === '-' ? '/dev/stdout' : device(ctx, path);
  if (dev === '/dev/stdout') return ctx.out(data);
  if (dev === '/dev/stderr') return ctx.err(typeof data === 'string' ? data : Buffer.from(data).toString('latin1'));
  if (dev === '/dev/null') return;
  if (path === undefined) return;
  const full = resolvePath(ctx.cwd, path);
  try {
    // A new key file is created 0600 (openssl 3 does); an existing file keeps its mode, as fopen leaves it.
    ctx.fs.writeFile(full, data, { mode: opts.private ? 0o600 : 0o644 });
  } catch (e) {
    const code = fsCode(e);
    const prefix = opts.prefix ?? '';
    throw new OpensslFailure([`${prefix}Can't open "${path}" for writing, ${strerror(code)}`], prefix ? [] : bioStack(code, path, 'w'));
  }
}
