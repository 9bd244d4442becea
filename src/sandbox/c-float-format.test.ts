import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { formatExponent, formatFixed } from './c-float-format.ts';

test('%f and %e as C prints them: exact value, ties to even, any precision', () => {
  assert.equal(formatFixed(0.5, 0), '0');
  assert.equal(formatFixed(1.5, 0), '2');
  assert.equal(formatFixed(2.5, 0), '2');
  assert.equal(formatFixed(-0.001, 2), '-0.00');
  assert.equal(formatFixed(3.14159, 2), '3.14');
  assert.equal(formatFixed(1e21, 0), '1000000000000000000000');
  // 0.1 is 0.1000000000000000055511151231257827021181583404541015625 exactly.
  assert.equal(formatFixed(0.1, 60), '0.100000000000000005551115123125782702118158340454101562500000');
  assert.equal(formatFixed(1 / 3, 200).length, 202);
  assert.equal(formatExponent(12345.678, 3), '1.235e+04');
  assert.equal(formatExponent(9.9999, 2), '1.00e+01');
  assert.equal(formatExponent(0, 2), '0.00e+00');
  assert.equal(formatExponent(1e-300, 1), '1.0e-300');
  assert.equal(formatExponent(5e-324, 3), '4.941e-324');
  assert.throws(() => formatFixed(1, 2_000_000), RangeError);
});

test('agrees with the C library (mawk prints doubles through it)', { skip: spawnSync('mawk', ['BEGIN{}']).status !== 0 && 'mawk not installed' }, () => {
  const cases: [string, number, string][] = [
    ['%.200f', 1 / 3, formatFixed(1 / 3, 200)],
    ['%.0f', 2.5, formatFixed(2.5, 0)],
    ['%.30e', 123.456, formatExponent(123.456, 30)],
    ['%.3f', 1.0005, formatFixed(1.0005, 3)],
    ['%.17e', 0.1, formatExponent(0.1, 17)],
    ['%.120f', 1e-100, formatFixed(1e-100, 120)],
  ];
  const program = `BEGIN{${cases.map(([f, n]) => `printf "${f}\\n", ${n.toExponential(20)}`).join(';')}}`;
  const real = spawnSync('mawk', [program], { encoding: 'utf8' }).stdout.split('\n');
  cases.forEach(([f, , ours], i) => assert.equal(ours, real[i], f));
});

test('the shell builtin, /usr/bin/printf and awk all format floats this way', async () => {
  const { run, testSandbox } = await import('./commands/testing.ts');
  const h = testSandbox().host('node-1');
  const want = '3.142 1.234568e+04 0.0001 1.23457e+08 100 2 1.50000 1E-10|\n';
  const args = `'%.3f %e %g %g %g %.0f %#g %G|\\n' 3.14159 12345.678 0.0001 123456789 100 2.5 1.5 1e-10`;
  assert.equal((await run(h, ['bash', '-c', `printf ${args}`])).stdout, want);
  assert.equal((await run(h, ['bash', '-c', `/usr/bin/printf ${args}`])).stdout, want);
  const awk = await run(h, ['bash', '-c', `awk 'BEGIN{printf "%.3f %e %g %g %g %.0f %#g %G|\\n", 3.14159, 12345.678, 0.0001, 123456789, 100, 2.5, 1.5, 1e-10; printf "%.150f\\n", 1/3}'`]);
  assert.equal(awk.stdout.split('\n')[0] + '\n', want);
  assert.equal(awk.stdout.split('\n')[1], formatFixed(1 / 3, 150));
});
