// awk values: numbers, strings, and "strnums" — text from input (fields, split pieces,
// -v values) that compares as a number when it looks like one.
import { compile, RegexSyntaxError, type Regex } from '../regex/index.ts';

/** A run-time error (mawk: "awk: run time error: …"). */
export class AwkRuntimeError extends Error {}

export class StrNum {
  constructor(readonly s: string) {}
}

export type Val = number | string | StrNum;

const NUMERIC = /^[ \t\n]*[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)[ \t\n]*$/;
const LEADING_NUMBER = /^[ \t\n]*([-+]?(?:0[xX][0-9a-fA-F]+|\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?))/;

/** The numeric value: the longest leading number of a string (hex is 0, as in mawk). */
export function toNumber(v: Val): number {
  if (typeof v === 'number') return v;
  const m = LEADING_NUMBER.exec(typeof v === 'string' ? v : v.s);
  if (!m) return 0;
  return /^[-+]?0[xX]/.test(m[1]!) ? 0 : Number(m[1]);
}

export function isNumericVal(v: Val): boolean {
  return typeof v === 'number' || (v instanceof StrNum && NUMERIC.test(v.s));
}

export function truthy(v: Val): boolean {
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v !== '';
  return NUMERIC.test(v.s) ? toNumber(v) !== 0 : v.s !== '';
}

/** POSIX comparison: numeric when both sides are numeric, else by string. */
export function compareVals(a: Val, b: Val, str: (v: Val) => string): number {
  if (isNumericVal(a) && isNumericVal(b)) return toNumber(a) - toNumber(b);
  const x = str(a);
  const y = str(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Compiles awk regexes (mawk's ERE dialect) through the sandbox regex layer, cached. */
export class RegexCache {
  private cache = new Map<string, Regex>();
  constructor(private readonly onError: (src: string) => Error) {}

  get(src: string): Regex {
    let re = this.cache.get(src);
    if (re) return re;
    try {
      re = compile(src, { syntax: 'awk' });
    } catch (e) {
      if (e instanceof RegexSyntaxError) throw this.onError(src);
      throw e;
    }
    if (this.cache.size > 500) this.cache.clear();
    this.cache.set(src, re);
    return re;
  }
}
