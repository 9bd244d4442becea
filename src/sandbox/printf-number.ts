// Numbers as printf reads and writes them: strtoimax/strtoumax for the integer conversions,
// and strtold's x86 long double (a 64-bit mantissa, exponents to ±16383) for the floating
// ones, which bash and coreutils both use. A double would print 0.1 as 0.10000000000000000555
// under %.20f and 1e400 as inf, where they print 0.10000000000000000000 and 1e+400.

/** A long double: (-1)^negative × m × 2^e with m < 2^64, or an infinity or NaN (with a sign too). */
export interface LongDouble {
  readonly kind: 'finite' | 'inf' | 'nan';
  readonly negative: boolean;
  readonly m: bigint;
  readonly e: number;
}

const MANTISSA_BITS = 64;
/** The smallest exponent of m × 2^e: the least subnormal is 2^-16445. */
const MIN_E = -16445;
/** Values at or past 2^16384 overflow. */
const MAX_BITS = 16384;

export const longDouble = (n: number | bigint): LongDouble => {
  if (typeof n === 'bigint') return finite(n < 0n, n < 0n ? -n : n, 0).value;
  if (Number.isNaN(n)) return { kind: 'nan', negative: false, m: 0n, e: 0 };
  if (!Number.isFinite(n)) return { kind: 'inf', negative: n < 0, m: 0n, e: 0 };
  const neg = n < 0 || Object.is(n, -0);
  const abs = Math.abs(n);
  if (abs === 0) return { kind: 'finite', negative: neg, m: 0n, e: 0 };
  let e = Math.floor(Math.log2(abs)) - 52;
  if (abs / 2 ** e >= 2 ** 53) e++;
  if (abs / 2 ** e < 2 ** 52) e--;
  return finite(neg, BigInt(abs / 2 ** e), e).value;
};

const bitLength = (n: bigint) => (n === 0n ? 0 : n.toString(2).length);

/**
 * The long double nearest num/den × 2^e (num/den > 0 rational), ties to even, with
 * whether it overflowed or came out tiny and inexact (strtold's ERANGE).
 */
function finite(negative: boolean, num: bigint, e: number, den = 1n): { value: LongDouble; range: boolean } {
  if (num === 0n) return { value: { kind: 'finite', negative, m: 0n, e: 0 }, range: false };
  // Scale so that q = floor(num/den × 2^shift) has 64 bits (fewer if that drops below MIN_E).
  let shift = MANTISSA_BITS - (bitLength(num) - bitLength(den));
  let q = shift >= 0 ? (num << BigInt(shift)) / den : num / (den << BigInt(-shift));
  if (bitLength(q) > MANTISSA_BITS) shift -= 1;
  else if (bitLength(q) < MANTISSA_BITS) shift += 1;
  if (e - shift < MIN_E) shift = e - MIN_E;
  const n2 = shift >= 0 ? num << BigInt(shift) : num;
  const d2 = shift >= 0 ? den : den << BigInt(-shift);
  q = n2 / d2;
  const r2 = (n2 % d2) * 2n;
  if (r2 > d2 || (r2 === d2 && (q & 1n) === 1n)) q += 1n;
  let exp = e - shift;
  if (bitLength(q) > MANTISSA_BITS) {
    q >>= 1n;
    exp += 1;
  }
  if (bitLength(q) + exp > MAX_BITS) return { value: { kind: 'inf', negative, m: 0n, e: 0 }, range: true };
  const tiny = bitLength(q) < MANTISSA_BITS && r2 !== 0n;
  return { value: { kind: 'finite', negative, m: q, e: exp }, range: tiny || q === 0n };
}

/** C's isspace in the C locale. */
const isCSpace = (c: string | undefined) => c !== undefined && ' \t\n\v\f\r'.includes(c);

/** strtoumax(s, &end, 0) without the range check: sign, magnitude, and where the number ended (0: no number). */
export function parseCInteger(s: string): { negative: boolean; magnitude: bigint; end: number } {
  let i = 0;
  while (isCSpace(s[i])) i++;
  let negative = false;
  if (s[i] === '+' || s[i] === '-') negative = s[i++] === '-';
  let digits = /^[0-9]*/;
  let prefix = '';
  if (s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && /[0-9a-fA-F]/.test(s[i + 2] ?? '')) {
    digits = /^[0-9a-fA-F]*/;
    prefix = '0x';
    i += 2;
  } else if (s[i] === '0') {
    digits = /^[0-7]*/;
    prefix = '0o';
  }
  const d = digits.exec(s.slice(i))![0];
  if (!d) return { negative: false, magnitude: 0n, end: 0 };
  return { negative, magnitude: BigInt(prefix + d), end: i + d.length };
}

/** strtold(s, &end): the value, where the number ended (0: none), and ERANGE. */
export function parseCFloat(s: string): { value: LongDouble; end: number; range: boolean } {
  let i = 0;
  while (isCSpace(s[i])) i++;
  const negative = s[i] === '-';
  if (s[i] === '-' || s[i] === '+') i++;
  const body = s.slice(i);
  let m = /^(inf(inity)?|nan(\([0-9A-Za-z_]*\))?)/i.exec(body);
  if (m) return { value: { kind: m[0][0]!.toLowerCase() === 'i' ? 'inf' : 'nan', negative, m: 0n, e: 0 }, end: i + m[0].length, range: false };
  m = /^0[xX](?:([0-9a-fA-F]+)\.?([0-9a-fA-F]*)|\.([0-9a-fA-F]+))(?:[pP]([-+]?\d+))?/.exec(body);
  if (m) {
    const frac = m[2] ?? m[3] ?? '';
    const mant = BigInt('0x' + ((m[1] ?? '') + frac || '0'));
    const exp = clampExponent(m[4]) - 4 * frac.length;
    const r = finite(negative, mant, exp);
    return { ...r, end: i + m[0].length };
  }
  m = /^(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?/.exec(body);
  const int = m?.[1] ?? '';
  const frac = m?.[2] ?? '';
  if (!m || (int === '' && frac === '')) return { value: longDouble(0), end: 0, range: false };
  // A dangling exponent ("1e", "1e+") is not part of the number: the regex wanted digits.
  const digits = (int + frac).replace(/^0+/, '');
  const exp10 = clampExponent(m[3]) - frac.length;
  const end = i + m[0].length;
  if (digits === '') return { value: { kind: 'finite', negative, m: 0n, e: 0 }, end, range: false };
  // Far past long double's range either way: no need to build the power of ten.
  const magnitude = digits.length + exp10;
  if (magnitude > 4940) return { value: { kind: 'inf', negative, m: 0n, e: 0 }, end, range: true };
  if (magnitude < -4960) return { value: { kind: 'finite', negative, m: 0n, e: 0 }, end, range: true };
  const d = BigInt(digits);
  const r = exp10 >= 0 ? finite(negative, d * 10n ** BigInt(exp10), 0) : finite(negative, d, 0, 10n ** BigInt(-exp10));
  return { ...r, end };
}

/** An exponent's digits as a number that cannot overflow what follows. */
function clampExponent(s: string | undefined): number {
  const n = Number(s ?? 0);
  return Math.max(-1e6, Math.min(1e6, Number.isFinite(n) ? n : 0));
}

/** round-half-even(|v| × 10^k) for a finite v and an integer k of either sign. */
function scaledRound(v: LongDouble, k: number): bigint {
  let num = v.m;
  let den = 1n;
  if (v.e >= 0) num <<= BigInt(v.e);
  else den <<= BigInt(-v.e);
  if (k >= 0) num *= 10n ** BigInt(k);
  else den *= 10n ** BigInt(-k);
  const q = num / den;
  const r2 = (num % den) * 2n;
  return r2 > den || (r2 === den && (q & 1n) === 1n) ? q + 1n : q;
}

function fixed(v: LongDouble, p: number): string {
  const digits = scaledRound(v, p).toString().padStart(p + 1, '0');
  const int = digits.slice(0, digits.length - p);
  return p > 0 ? `${int}.${digits.slice(digits.length - p)}` : int;
}

/** d.ddd and the decimal exponent of |v| to p digits after the point. */
function exponent(v: LongDouble, p: number): [string, number] {
  if (v.m === 0n) return [`0${p > 0 ? '.' + '0'.repeat(p) : ''}`, 0];
  let exp = Math.floor((bitLength(v.m) - 1 + v.e) * Math.LOG10E * Math.LN2);
  let digits = scaledRound(v, p - exp).toString();
  // The estimate can be one off, and rounding can carry into a new digit.
  for (let tries = 0; digits.length !== p + 1 && tries < 3; tries++) {
    exp += digits.length > p + 1 ? 1 : -1;
    digits = scaledRound(v, p - exp).toString();
  }
  return [`${digits[0]}${p > 0 ? '.' + digits.slice(1) : ''}`, exp];
}

const exponentSuffix = (exp: number) => `e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;

/**
 * One of %f %F %e %E %g %G %a %A of a long double, sign included (no + or space flag:
 * the caller adds those). `alt` is the # flag: keep the point, and %g's trailing zeros.
 */
export function formatLongDouble(v: LongDouble, conv: string, precision: number | undefined, alt: boolean): string {
  const upper = conv === conv.toUpperCase();
  const sign = v.negative ? '-' : '';
  let s: string;
  if (v.kind !== 'finite') s = sign + v.kind;
  else if (conv === 'a' || conv === 'A') s = sign + hexFloat(v, precision, alt);
  else {
    const p = precision ?? 6;
    const c = conv.toLowerCase();
    if (c === 'f') s = fixed(v, p);
    else if (c === 'e') {
      const [mant, exp] = exponent(v, p);
      s = mant + exponentSuffix(exp);
    } else {
      const P = p === 0 ? 1 : p;
      const exp = exponent(v, P - 1)[1];
      if (exp < -4 || exp >= P) {
        const [mant] = exponent(v, P - 1);
        s = (alt ? mant : trimZeros(mant)) + exponentSuffix(exp);
      } else {
        const f = fixed(v, P - 1 - exp);
        s = alt ? f : trimZeros(f);
      }
    }
    if (alt && !s.includes('.')) s = s.replace(/^(\d+)/, '$1.');
    s = sign + s;
  }
  return upper ? s.toUpperCase() : s;
}

const trimZeros = (s: string) => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);

/** glibc's %La: the mantissa's top four bits before the point (1 is 0x8p-3), trailing zeros dropped unless a precision is given. */
function hexFloat(v: LongDouble, precision: number | undefined, alt: boolean): string {
  if (v.m === 0n) return `0x0${precision ? '.' + '0'.repeat(precision) : alt ? '.' : ''}p+0`;
  // Normalise to 64 bits: m × 2^e = (m / 2^60) × 2^(e + 60), 1 hex digit then 15.
  const bits = bitLength(v.m);
  let mant = v.m << BigInt(MANTISSA_BITS - bits);
  let exp = v.e - (MANTISSA_BITS - bits) + 60;
  let digits = 15;
  if (precision !== undefined && precision < 15) {
    const drop = BigInt(4 * (15 - precision));
    const half = 1n << (drop - 1n);
    const low = mant & ((1n << drop) - 1n);
    mant >>= drop;
    if (low > half || (low === half && (mant & 1n) === 1n)) mant += 1n;
    digits = precision;
    if (mant >> BigInt(4 * digits + 4) !== 0n) {
      // Rounding carried past the leading digit: 0xf.f rounds to 0x1.0 with the exponent + 4.
      mant >>= 4n;
      exp += 4;
    }
  }
  const hex = mant.toString(16).padStart(digits + 1, '0');
  let frac = hex.slice(1);
  frac = precision === undefined ? frac.replace(/0+$/, '') : frac.padEnd(precision, '0');
  return `0x${hex[0]}${frac || alt ? '.' : ''}${frac}p${exp < 0 ? '-' : '+'}${Math.abs(exp)}`;
}
