// Expected strings worked out by hand from systemd's rules (format_timespan in
// src/basic/time-util.c, format_bytes in src/basic/format-util.c), as systemctl status
// prints CPU: (1 ms accuracy) and Memory:.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { formatBytes, formatTimespan } from './size-time-format.ts';
import { cpuText } from './status-format.ts';

const MS = 1000;
const S = 1_000_000;

it('format_timespan with 1 ms accuracy: ms below a second, seconds with three decimals, minutes and up in whole units', () => {
  assert.equal(formatTimespan(0, MS), '0');
  assert.equal(formatTimespan(500, MS), '500us'); // nothing printed yet, so the accuracy does not stop it
  assert.equal(formatTimespan(85 * MS, MS), '85ms');
  assert.equal(formatTimespan(85 * MS + 999, MS), '85ms'); // microseconds below the accuracy are dropped
  assert.equal(formatTimespan(1_234_567, MS), '1.234s');
  assert.equal(formatTimespan(1_200_000, MS), '1.200s'); // the decimals keep their zeros
  assert.equal(formatTimespan(2 * S, MS), '2s'); // no remainder, no dot
  assert.equal(formatTimespan(59_999_999, MS), '59.999s');
  assert.equal(formatTimespan(60 * S, MS), '1min');
  assert.equal(formatTimespan(62_345_000, MS), '1min 2.345s');
  assert.equal(formatTimespan(3_723_500_000, MS), '1h 2min 3.500s');
  assert.equal(formatTimespan(90_061 * S, MS), '1d 1h 1min 1s');
  assert.equal(formatTimespan(8 * 24 * 3600 * S, MS), '1w 1d');
  assert.equal(formatTimespan(31_557_600 * S, MS), '1y');
});

it('format_timespan with µs accuracy keeps six decimals; infinity is spelled out', () => {
  assert.equal(formatTimespan(1_234_567), '1.234567s');
  assert.equal(formatTimespan(1_500), '1.500ms');
  assert.equal(formatTimespan(Infinity), 'infinity');
});

it("CPU: is the cgroup's usage with 1 ms accuracy", () => {
  assert.equal(cpuText(85.4), '85ms');
  assert.equal(cpuText(0.25), '250us');
  assert.equal(cpuText(1234.5678), '1.234s');
  assert.equal(cpuText(125_001), '2min 5.001s');
});

it('format_bytes: IEC units, one truncated digit below the point, B under 1K', () => {
  assert.equal(formatBytes(0), '0B');
  assert.equal(formatBytes(1023), '1023B');
  assert.equal(formatBytes(1024), '1.0K');
  assert.equal(formatBytes(1536), '1.5K');
  assert.equal(formatBytes(512 * 1024), '512.0K');
  assert.equal(formatBytes(1024 * 1024 - 1), '1023.9K'); // truncated, never rounded up to 1.0M
  assert.equal(formatBytes(12_897_484), '12.2M'); // 12.3 MiB less a byte: 12595 KiB → .2
  assert.equal(formatBytes(24_204 * 1024), '23.6M');
  assert.equal(formatBytes(1024 ** 3), '1.0G');
  assert.equal(formatBytes(1.5 * 1024 ** 3), '1.5G');
  assert.equal(formatBytes(3 * 1024 ** 4 + 900 * 1024 ** 3), '3.8T');
});
