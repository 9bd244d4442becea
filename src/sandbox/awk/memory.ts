// What one awk run may hold: every learner's awk shares the server's memory, so a string
// that keeps doubling or an array that keeps growing ends the program the way mawk ends
// when malloc fails ("awk: run time error: out of memory", status 2) instead of growing
// the server. The caps match the shell's (32 MB per value, see shell/state.ts).
import { AwkRuntimeError, type Val } from './values.ts';

/** Longest string value (characters), as the shell caps a variable's value. */
export const MAX_STRING_CHARS = 32 * 1024 * 1024;
/** Estimated bytes all arrays of one run may hold: keys, values, and a per-element overhead. */
export const MAX_ARRAY_BYTES = 64 * 1024 * 1024;
/** Highest field number ($i = x, NF = n): each field is a slot, and $0 is rebuilt from them. */
export const MAX_FIELDS = 4 * 1024 * 1024;
/** What an array element costs besides its key and value (hash entry, boxed value). */
const ELEMENT_OVERHEAD_BYTES = 48;

/** mawk's words when an allocation fails. */
export function outOfMemory(): AwkRuntimeError {
  return new AwkRuntimeError('out of memory');
}

/** s, unless it is longer than one awk value may be. */
export function capped(s: string): string {
  if (s.length > MAX_STRING_CHARS) throw outOfMemory();
  return s;
}

function valueBytes(v: Val): number {
  if (typeof v === 'number') return 8;
  return typeof v === 'string' ? v.length : v.s.length;
}

/** The bytes held by every array of one run. */
export class ArrayMeter {
  bytes = 0;
  add(n: number): void {
    this.bytes += n;
    if (this.bytes > MAX_ARRAY_BYTES) {
      this.bytes -= n;
      throw outOfMemory();
    }
  }
}

/** An awk array: a Map that tells its run's meter what it holds. */
export class AwkArray extends Map<string, Val> {
  constructor(private readonly meter: ArrayMeter) {
    super();
  }

  override set(key: string, value: Val): this {
    const old = super.get(key);
    const before = old === undefined && !super.has(key) ? 0 : key.length + valueBytes(old ?? '') + ELEMENT_OVERHEAD_BYTES;
    this.meter.add(key.length + valueBytes(value) + ELEMENT_OVERHEAD_BYTES - before);
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    if (!super.has(key)) return false;
    this.meter.bytes -= key.length + valueBytes(super.get(key)!) + ELEMENT_OVERHEAD_BYTES;
    return super.delete(key);
  }

  override clear(): void {
    for (const [k, v] of super.entries()) this.meter.bytes -= k.length + valueBytes(v) + ELEMENT_OVERHEAD_BYTES;
    super.clear();
  }
}
