import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseMeminfo } from '../meminfo.ts';
import { scaleSize } from './free.ts';
import { run, testSandbox } from './testing.ts';

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

// An idle 2 GiB host: the system's fixed share (168448 kB) plus init and free itself (1760 kB each).
it('free: kibibytes by default, procps 4 columns, used = total - available', async () => {
  const h = testSandbox().host('node-1');
  assert.deepEqual(await run(h, 'free'), {
    status: 0,
    stderr: '',
    stdout:
      '               total        used        free      shared  buff/cache   available\n' +
      'Mem:         2014256      171968     1489286        1236      353002     1842288\n' +
      'Swap:              0           0           0\n',
  });
  assert.equal(
    (await run(h, 'free -m')).stdout,
    '               total        used        free      shared  buff/cache   available\n' +
      'Mem:            1967         167        1454           1         344        1799\n' +
      'Swap:              0           0           0\n',
  );
  assert.equal(
    (await run(h, 'free -h')).stdout,
    '               total        used        free      shared  buff/cache   available\n' +
      'Mem:           1.9Gi       167Mi       1.4Gi       1.2Mi       344Mi       1.8Gi\n' +
      'Swap:             0B          0B          0B\n',
  );
  assert.equal((await run(h, 'free --si -h')).stdout.split('\n')[1], 'Mem:            2.1G        176M        1.5G        1.3M        361M        1.9G');
  assert.equal((await run(h, 'free -b')).stdout.split('\n')[1], 'Mem:      2062598144   176095232  1525028864     1265664   361474048  1886502912');
  assert.equal((await run(h, 'free -g')).stdout.split('\n')[1], 'Mem:               1           0           1           0           0           1');
  assert.equal((await run(h, 'free --kilo')).stdout.split('\n')[1], 'Mem:         2062598      176095     1525028        1265      361474     1886502');
});

it('free -w -t -l -v add their columns and rows', async () => {
  const h = testSandbox().host('node-1');
  assert.equal(
    (await run(h, 'free -wt')).stdout,
    '               total        used        free      shared     buffers       cache   available\n' +
      'Mem:         2014256      171968     1489286        1236       22816      330186     1842288\n' +
      'Swap:              0           0           0\n' +
      'Total:       2014256      171968     1489286\n',
  );
  assert.deepEqual((await run(h, 'free -l')).stdout.split('\n').slice(2, 4), ['Low:         2014256      524970     1489286', 'High:              0           0           0']);
  assert.match((await run(h, 'free -v')).stdout, /\nComm:        1007128 +\d+ +\d+\n$/);
});

it('free and cat /proc/meminfo agree, and both see what processes hold', async () => {
  const sb = testSandbox();
  const h = sb.host('node-1');
  const ac = new AbortController();
  const sleeper = run(h, 'sleep 100', { signal: ac.signal });
  await settle();
  const info = parseMeminfo((await run(h, 'cat /proc/meminfo')).stdout);
  const mem = (await run(h, 'free')).stdout.split('\n')[1]!.trim().split(/\s+/).slice(1).map(Number);
  // The system's base, init (12288 kB) and the sleeper (1760 kB) are counted; cat and free
  // each counted themselves (1760 kB) while they ran.
  assert.equal(info.get('MemTotal'), mem[0]);
  assert.equal(info.get('MemFree'), mem[2]);
  assert.equal(info.get('Shmem'), mem[3]);
  assert.equal(info.get('Buffers')! + info.get('Cached')! + info.get('SReclaimable')!, mem[4]);
  assert.equal(info.get('MemAvailable'), mem[5]);
  assert.equal(mem[1], 157920 + 12288 + 2 * 1760);
  assert.equal(mem[0]! - mem[5]!, mem[1]);
  ac.abort('SIGKILL');
  await sleeper;
  assert.equal((await run(h, 'free')).stdout.split('\n')[1]!.trim().split(/\s+/)[3], String(mem[2]! + 1760));
  // Files on the disk sit in the page cache: buff/cache grows with them.
  await run(h, ['bash', '-c', 'head -c 1048576 /dev/zero > /tmp/blob']);
  assert.equal(Number((await run(h, 'free')).stdout.split('\n')[1]!.trim().split(/\s+/)[5]), mem[4]! + 1024);
  const ls = await run(h, 'ls -l /proc/meminfo');
  assert.match(ls.stdout, /^-r--r--r-- 1 root root 0 /);
  assert.equal((await run(h, ['bash', '-c', 'echo x > /proc/meminfo'])).stderr, 'bash: line 1: /proc/meminfo: Permission denied\n');
});

it('free -c N -s S repeats with a blank line between reports, on the host clock', async () => {
  const sb = testSandbox();
  const h = sb.host('node-1');
  const out = run(h, 'free -c 3 -s 2');
  for (let i = 0; i < 3; i++) {
    await settle();
    sb.clock.advance(2000);
  }
  const r = await out;
  const one = '               total        used        free      shared  buff/cache   available\nMem:         2014256      171968     1489286        1236      353002     1842288\nSwap:              0           0           0\n';
  assert.deepEqual(r, { status: 0, stderr: '', stdout: `${one}\n${one}\n${one}` });
  // Without -c it runs until interrupted, like the real one.
  const ac = new AbortController();
  const forever = run(h, 'free -s 1', { signal: ac.signal });
  await settle();
  sb.clock.advance(1000);
  await settle();
  ac.abort('SIGINT');
  const stopped = await forever;
  assert.equal(stopped.status, 130);
  assert.equal(stopped.stdout.split('Mem:').length - 1, 2);
});

it('free: options and errors in procps words', async () => {
  const h = testSandbox().host('node-1');
  const help = await run(h, 'free --help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^\nUsage:\n free \[options\]\n\nOptions:\n -b, --bytes {9}show output in bytes\n/);
  assert.ok(help.stdout.endsWith('\nFor more details see free(1).\n'));
  assert.equal((await run(h, 'free -V')).stdout, 'free from procps-ng 4.0.2\n');
  assert.deepEqual(await run(h, 'free -x'), { status: 1, stdout: '', stderr: `free: invalid option -- 'x'\n${help.stdout}` });
  assert.deepEqual(await run(h, 'free foo'), { status: 1, stdout: '', stderr: help.stdout });
  assert.equal((await run(h, 'free -m -g')).stderr, "free: Multiple unit options don't make sense.\n");
  assert.equal((await run(h, 'free -s 0')).stderr, "free: seconds argument `0' is not positive number\n");
  assert.equal((await run(h, 'free -s abc')).stderr, "free: seconds argument failed: 'abc': Invalid argument\n");
  assert.equal((await run(h, 'free -c 0')).stderr, "free: failed to parse count argument: '0': Numerical result out of range\n");
  assert.equal((await run(h, 'free -c abc')).stderr, "free: failed to parse count argument: 'abc'\n");
  assert.equal((await run(h, 'free --s 1')).stderr.split('\n')[0], "free: option '--s' is ambiguous; possibilities: '--si' '--seconds'");
  assert.equal((await run(h, 'free -s')).stderr.split('\n')[0], "free: option requires an argument -- 's'");
});

it('scaleSize: procps -h picks the unit that fits, rounding %.1f ties to even', () => {
  const h = { exponent: 0, si: false, human: true };
  assert.equal(scaleSize(0, h), '0B');
  assert.equal(scaleSize(1, h), '1.0Ki');
  assert.equal(scaleSize(8872, h), '8.7Mi');
  assert.equal(scaleSize(900320, h), '879Mi');
  assert.equal(scaleSize(24684084, h), '23Gi');
  // 8.75 MiB exactly: glibc prints 8.8 (ties to even: 87.5 -> 88), 8.25 MiB gives 8.2.
  assert.equal(scaleSize(8960, h), '8.8Mi');
  assert.equal(scaleSize(8448, h), '8.2Mi');
  assert.equal(scaleSize(24684084, { exponent: 0, si: true, human: true }), '25G');
});
