// OpenSSL's error queue as the command-line tools print it:
//   40C7D1F2B67F0000:error:80000002:system library:file_open:No such file or directory:../providers/…:266:calling stat(x)
// The leading hex is a thread id in the real tool; ours is a fixed fake one.

export const THREAD_ID = '40C7D1F2B67F0000';

export interface ErrorEntry {
  /** Packed error code as 8 hex digits ("80000002"). */
  code: string;
  lib: string;
  func: string;
  reason: string;
  /** Source location the real tool reports ("../crypto/conf/conf_def.c:368"). */
  where: string;
  data: string;
}

export function formatErrorEntry(e: ErrorEntry): string {
  return `${THREAD_ID}:error:${e.code}:${e.lib}:${e.func}:${e.reason}:${e.where}:${e.data}`;
}

/** A failure that carries the message lines and error-stack entries the real tool prints. */
export class OpensslFailure extends Error {
  constructor(
    /** Lines printed before the stack ("Could not open file or uri …"). */
    readonly head: string[],
    readonly entries: ErrorEntry[] = [],
    /** Lines printed after the stack ("Unable to load certificate"). */
    readonly tail: string[] = [],
  ) {
    super(head[0] ?? entries[0]?.reason ?? 'openssl error');
    this.name = 'OpensslFailure';
  }

  render(): string {
    return [...this.head, ...this.entries.map(formatErrorEntry), ...this.tail].map((l) => l + '\n').join('');
  }
}

export const x509v3Error = (code: string, func: string, reason: string, where: string, data = ''): ErrorEntry => ({
  code,
  lib: 'X509 V3 routines',
  func,
  reason,
  where,
  data,
});
