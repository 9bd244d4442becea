// printf's %f and %e for doubles as C formats them: from the exact binary value, with any
// precision, rounding an exact tie to even. JS's toFixed/toExponential stop at 100 digits
// (awk's printf "%.200f" threw) and round ties away from zero.

/** Precision above this is refused (the digits alone would be megabytes). */
export const MAX_FLOAT_PRECISION = 1_000_000;

/** |n| as M × 2^E with M a non-negative integer. */
function decompose(n: number): { m: bigint; e: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(n));
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased === 0) return { m: frac, e: -1074 };
  return { m: frac | (1n << 52n), e: biased - 1075 };
}

/** round-half-even(|n| × 10^k) for an integer k of either sign. */
function scaledRound(n: number, k: number): bigint {
  const { m, e } = decompose(n);
  let num = m;
  let den = 1n;
  if (e >= 0) num <<= BigInt(e);
  else den <<= BigInt(-e);
  if (k >= 0) num *= 10n ** BigInt(k);
  else den *= 10n ** BigInt(-k);
  const q = num / den;
  const r2 = (num % den) * 2n;
  if (r2 > den || (r2 === den && q % 2n === 1n)) return q + 1n;
  return q;
}

const signOf = (n: number) => (n < 0 || Object.is(n, -0) ? '-' : '');

function checkPrecision(p: number): void {
  if (p > MAX_FLOAT_PRECISION) throw new RangeError(`precision ${p} is too large`);
}

/** %.<p>f of a finite number. */
export function formatFixed(n: number, p: number): string {
  checkPrecision(p);
  const digits = scaledRound(n, p).toString().padStart(p + 1, '0');
  const int = digits.slice(0, digits.length - p);
  return `${signOf(n)}${int}${p > 0 ? `.${digits.slice(digits.length - p)}` : ''}`;
}

/** %.<p>e of a finite number: d.ddde±XX. */
export function formatExponent(n: number, p: number): string {
  checkPrecision(p);
  if (n === 0) return `${signOf(n)}0${p > 0 ? `.${'0'.repeat(p)}` : ''}e+00`;
  let exp = Math.floor(Math.log10(Math.abs(n)));
  let digits = scaledRound(n, p - exp).toString();
  // log10 can be one off near powers of ten, and rounding can carry into a new digit.
  if (digits.length > p + 1) {
    exp += 1;
    digits = scaledRound(n, p - exp).toString();
  } else if (digits.length < p + 1) {
    exp -= 1;
    digits = scaledRound(n, p - exp).toString();
  }
  const mant = `${digits[0]}${p > 0 ? `.${digits.slice(1)}` : ''}`;
  return `${signOf(n)}${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/**
 * One of C's floating conversions (%f %F %e %E %g %G) of a number, sign included:
 * %g picks %e or %f by the exponent and drops trailing zeros unless `alt` (the # flag).
 */
export function formatFloatC(n: number, conv: string, precision: number, alt = false): string {
  const upper = conv === 'F' || conv === 'E' || conv === 'G';
  if (!Number.isFinite(n)) {
    const s = Number.isNaN(n) ? 'nan' : n < 0 ? '-inf' : 'inf';
    return upper ? s.toUpperCase() : s;
  }
  let s: string;
  if (conv === 'f' || conv === 'F') s = formatFixed(n, precision);
  else if (conv === 'e' || conv === 'E') s = formatExponent(n, precision);
  else {
    const p = precision === 0 ? 1 : precision;
    const rounded = formatExponent(n, p - 1);
    const exp = n === 0 ? 0 : Number(rounded.slice(rounded.indexOf('e') + 1));
    s = exp < -4 || exp >= p ? rounded : formatFixed(n, Math.max(0, p - 1 - exp));
    if (!alt) {
      const e = s.indexOf('e');
      const [mant, tail] = e >= 0 ? [s.slice(0, e), s.slice(e)] : [s, ''];
      s = (mant.includes('.') ? mant.replace(/\.?0+$/, '') : mant) + tail;
    }
  }
  return upper ? s.toUpperCase() : s;
}
