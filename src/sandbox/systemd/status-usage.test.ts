// systemctl status of our etcd as a service: the cgroup's Tasks, Memory and CPU lines, with
// figures that follow what the service does, and what is left of them once it stopped.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { bash } from '../commands/bash.ts';
import { makeEtcdCommand } from '../commands/etcd.ts';
import { run } from '../commands/testing.ts';
import { createRegistry } from '../programs.ts';
import { builtinPrograms } from '../registry.ts';
import { createSandbox } from '../sandbox.ts';
import { provisionEtcd } from './provision.ts';

const RUNNING = /\n   Main PID: (\d+) \(etcd\)\n      Tasks: 7 \(limit: 64\)\n     Memory: (\d+\.\d)M\n        CPU: (\d+ms|\d+\.\d{3}s)\n     CGroup: \/system\.slice\/etcd\.service\n             └─\1 \/usr\/local\/bin\/etcd\n/;

it(
  'status of a running etcd: Tasks, Memory and CPU that grow with the keys put; a stopped unit keeps only CPU',
  { timeout: 60_000, skip: builtinPrograms.has('etcdctl') ? false : 'waiting for etcdctl in the registry' },
  async () => {
    const programs = createRegistry([...builtinPrograms.values(), bash, makeEtcdCommand()]);
    const sb = createSandbox({ hosts: [{ name: 'node-1' }, { name: 'node-2' }], programs });
    try {
      const h = sb.host('node-1');
      await Promise.all([provisionEtcd(h), provisionEtcd(sb.host('node-2'), { start: false })]);
      const st1 = await run(h, ['systemctl', 'status', 'etcd', '-n', '0']);
      const m1 = RUNNING.exec(st1.stdout);
      assert.ok(m1, st1.stdout);
      // An idle member is about the size of an idle real etcd (23.6M measured).
      assert.ok(Number(m1[2]) >= 23.6 && Number(m1[2]) < 26, m1[2]);
      const before = h.unitUsage('etcd.service');

      // 100 values of 4 KiB: about 400 KiB more in the store, and as much again in the raft log.
      const value = 'v'.repeat(4096);
      const put = await run(h, ['bash', '-c', `for i in $(seq 1 100); do etcdctl put /big/key$i ${value} >/dev/null || exit 1; done`]);
      assert.equal(put.status, 0, put.stderr);
      const after = h.unitUsage('etcd.service');
      assert.ok(after.memoryBytes >= before.memoryBytes + 100 * 4096, `memory ${before.memoryBytes} → ${after.memoryBytes}`);
      assert.ok((after.cpuMs ?? 0) > (before.cpuMs ?? 0), `cpu ${before.cpuMs} → ${after.cpuMs}`);
      const st2 = await run(h, ['systemctl', 'status', 'etcd', '-n', '0']);
      const m2 = RUNNING.exec(st2.stdout);
      assert.ok(m2, st2.stdout);
      assert.ok(Number(m2[2]) > Number(m1[2]), `Memory: ${m1[2]}M → ${m2[2]}M`);
      // systemctl show gives the same figures raw: bytes, nanoseconds, threads.
      const shown = (await run(h, ['systemctl', 'show', 'etcd', '-p', 'MemoryCurrent,CPUUsageNSec,TasksCurrent'])).stdout;
      assert.match(shown, /^MemoryCurrent=\d+\nCPUUsageNSec=\d+\nTasksCurrent=7\n$/);
      assert.ok(Number(/MemoryCurrent=(\d+)/.exec(shown)![1]) >= after.memoryBytes - 1);

      assert.equal((await run(h, ['systemctl', 'stop', 'etcd'], { as: 'root' })).status, 0);
      const st3 = (await run(h, ['systemctl', 'status', 'etcd', '-n', '0'])).stdout;
      assert.match(st3, /\n   Main PID: \d+ \(code=[^)]*\)\n        CPU: (\d+ms|\d+\.\d{3}s)\n$/);
      assert.doesNotMatch(st3, /Tasks:|Memory:|CGroup:/);
      const shownStopped = (await run(h, ['systemctl', 'show', 'etcd', '-p', 'MemoryCurrent,CPUUsageNSec,TasksCurrent'])).stdout;
      assert.match(shownStopped, /^MemoryCurrent=\[not set\]\nCPUUsageNSec=\d+\nTasksCurrent=\[not set\]\n$/);

      // A unit that never ran has no figures at all.
      const never = (await run(sb.host('node-2'), ['systemctl', 'status', 'etcd', '-n', '0'])).stdout;
      assert.match(never, /Active: inactive \(dead\)/);
      assert.doesNotMatch(never, /Tasks:|Memory:|CPU:|CGroup:/);
    } finally {
      await sb.dispose();
    }
  },
);
