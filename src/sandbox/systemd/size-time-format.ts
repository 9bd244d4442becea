// How systemd words a duration and a byte count (systemd 252's format_timespan and
// format_bytes), as systemctl status prints CPU: and Memory:. Written from the rules of
// src/basic/time-util.c and src/basic/format-util.c.

const USEC_PER_MSEC = 1000;
const USEC_PER_SEC = 1_000_000;
const USEC_PER_MINUTE = 60 * USEC_PER_SEC;

/** Largest unit first; systemd's month and year are the mean Gregorian ones. */
const TIMESPAN_UNITS: readonly (readonly [suffix: string, usec: number])[] = [
  ['y', 31_557_600 * USEC_PER_SEC],
  ['month', 2_629_800 * USEC_PER_SEC],
  ['w', 7 * 24 * 3600 * USEC_PER_SEC],
  ['d', 24 * 3600 * USEC_PER_SEC],
  ['h', 3600 * USEC_PER_SEC],
  ['min', USEC_PER_MINUTE],
  ['s', USEC_PER_SEC],
  ['ms', USEC_PER_MSEC],
  ['us', 1],
];

/** Decimal digits below one unit of `usec` (1 s → 6, 1 ms → 3, 1 µs → 0). */
function digitsOf(usec: number): number {
  let j = 0;
  for (let cc = usec; cc > 1; cc = Math.floor(cc / 10)) j++;
  return j;
}

/**
 * format_timespan(t, accuracy): units from the largest that fits, each as a whole number,
 * stopping once what is left is below `accuracy`; under a minute the last unit takes the
 * remainder after a dot, to the accuracy's digits ("1.234s", "1min 2.345s", "85ms").
 * systemctl status passes an accuracy of 1 ms for CPU:.
 */
export function formatTimespan(usec: number, accuracyUsec = 1): string {
  let t = Math.floor(usec);
  if (t === Infinity) return 'infinity';
  if (!(t > 0)) return '0';
  const parts: string[] = [];
  for (const [suffix, size] of TIMESPAN_UNITS) {
    if (t <= 0) break;
    if (t < accuracyUsec && parts.length > 0) break;
    if (t < size) continue;
    const whole = Math.floor(t / size);
    let rest = t % size;
    if (t < USEC_PER_MINUTE && rest > 0) {
      let digits = digitsOf(size);
      for (let cc = accuracyUsec; cc > 1; cc = Math.floor(cc / 10)) {
        rest = Math.floor(rest / 10);
        digits--;
      }
      if (digits > 0) {
        parts.push(`${whole}.${String(rest).padStart(digits, '0')}${suffix}`);
        t = 0;
        continue;
      }
    }
    parts.push(`${whole}${suffix}`);
    t = rest;
  }
  return parts.join(' ');
}

const IEC_UNITS: readonly (readonly [suffix: string, factor: bigint])[] = [
  ['E', 1024n ** 6n],
  ['P', 1024n ** 5n],
  ['T', 1024n ** 4n],
  ['G', 1024n ** 3n],
  ['M', 1024n ** 2n],
  ['K', 1024n],
];

/**
 * format_bytes as systemctl uses it (IEC units, one digit below the point, "B" under 1K):
 * "512B", "512.0K", "12.3M", "1.0G". The digit is truncated, not rounded, and for M and up
 * it is worked out from whole units of the next smaller size, as systemd does.
 */
export function formatBytes(bytes: number): string {
  const t = BigInt(Math.max(0, Math.floor(bytes)));
  const last = IEC_UNITS[IEC_UNITS.length - 1]![1];
  for (let i = 0; i < IEC_UNITS.length; i++) {
    const [suffix, factor] = IEC_UNITS[i]!;
    if (t < factor) continue;
    const next = IEC_UNITS[i + 1];
    const tenth = next ? ((t / next[1]) * 10n / last) % 10n : ((t * 10n) / factor) % 10n;
    return `${t / factor}.${tenth}${suffix}`;
  }
  return `${t}B`;
}
