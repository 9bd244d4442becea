// A lab host's memory, as /proc/meminfo shows it and free(1) reads it: a 2 GiB Debian 12
// VM (kernel 6.1) whose idle system (kernel, slab, the daemons the process table does not
// list) holds a fixed share, plus what every process holds right now (the resident bytes
// processes.ts accounts for them — the figure systemctl status shows per unit), plus a
// page cache that grows with the files on the host's disk. used = MemTotal - MemAvailable,
// as procps 4 computes it, so free's "used" is exactly the base plus the processes.
import type { Vfs } from './vfs.ts';

/** What the kernel of a 2 GiB VM reports after its own reservations (Debian 12, 6.1, x86_64). */
export const MEM_TOTAL_KB = 2_014_256;
/**
 * Kernel, slab and page tables, udev, journald, sshd, cron … of an idle Debian 12 VM: not in
 * the lab's process table. With init's 12 MB (which the table holds) an idle host uses 170 MB.
 */
const SYSTEM_USED_KB = 157_920;
const BUFFERS_KB = 22_816;
/** Page cache of an idle system (libraries, binaries), before the lab's own files. */
const BASE_CACHED_KB = 291_604;
const SRECLAIMABLE_KB = 38_572;
const SUNRECLAIM_KB = 31_240;
const SHMEM_KB = 1_236;
const KERNEL_STACK_KB = 2_864;

export interface MemInfo {
  memTotal: number;
  memFree: number;
  memAvailable: number;
  buffers: number;
  cached: number;
  shmem: number;
  sReclaimable: number;
  sUnreclaim: number;
  anonPages: number;
  swapTotal: number;
  swapFree: number;
  commitLimit: number;
  committedAs: number;
}

/** The host's memory in kB, from its processes' resident bytes and its disk's used bytes. */
export function hostMemInfo(processBytes: number, diskUsedBytes: number): MemInfo {
  const processes = Math.ceil(processBytes / 1024);
  const cached = BASE_CACHED_KB + Math.ceil(diskUsedBytes / 1024);
  const used = Math.min(MEM_TOTAL_KB, SYSTEM_USED_KB + processes);
  const memAvailable = MEM_TOTAL_KB - used;
  const memFree = Math.max(0, memAvailable - BUFFERS_KB - cached - SRECLAIMABLE_KB);
  return {
    memTotal: MEM_TOTAL_KB,
    memFree,
    memAvailable,
    buffers: BUFFERS_KB,
    cached,
    shmem: SHMEM_KB,
    sReclaimable: SRECLAIMABLE_KB,
    sUnreclaim: SUNRECLAIM_KB,
    anonPages: Math.round(used * 0.55),
    swapTotal: 0,
    swapFree: 0,
    // vm.overcommit_ratio 50: half of RAM plus swap.
    commitLimit: Math.floor(MEM_TOTAL_KB / 2),
    committedAs: Math.round(used * 2.2),
  };
}

/** /proc/meminfo's text: a 16-column label, the value right-aligned in 8, then " kB". */
export function meminfoText(m: MemInfo): string {
  const activeFile = Math.round((m.cached + m.buffers) * 0.42);
  const inactiveFile = m.cached + m.buffers - activeFile;
  const activeAnon = Math.round(m.anonPages * 0.04);
  const inactiveAnon = m.anonPages - activeAnon + m.shmem;
  const rows: [string, number, boolean][] = [
    ['MemTotal', m.memTotal, true],
    ['MemFree', m.memFree, true],
    ['MemAvailable', m.memAvailable, true],
    ['Buffers', m.buffers, true],
    ['Cached', m.cached, true],
    ['SwapCached', 0, true],
    ['Active', activeAnon + activeFile, true],
    ['Inactive', inactiveAnon + inactiveFile, true],
    ['Active(anon)', activeAnon, true],
    ['Inactive(anon)', inactiveAnon, true],
    ['Active(file)', activeFile, true],
    ['Inactive(file)', inactiveFile, true],
    ['Unevictable', 0, true],
    ['Mlocked', 0, true],
    ['SwapTotal', m.swapTotal, true],
    ['SwapFree', m.swapFree, true],
    ['Zswap', 0, true],
    ['Zswapped', 0, true],
    ['Dirty', 48, true],
    ['Writeback', 0, true],
    ['AnonPages', m.anonPages, true],
    ['Mapped', Math.round(m.cached * 0.31), true],
    ['Shmem', m.shmem, true],
    ['KReclaimable', m.sReclaimable, true],
    ['Slab', m.sReclaimable + m.sUnreclaim, true],
    ['SReclaimable', m.sReclaimable, true],
    ['SUnreclaim', m.sUnreclaim, true],
    ['KernelStack', KERNEL_STACK_KB, true],
    ['PageTables', Math.round(m.anonPages * 0.06), true],
    ['NFS_Unstable', 0, true],
    ['Bounce', 0, true],
    ['WritebackTmp', 0, true],
    ['CommitLimit', m.commitLimit, true],
    ['Committed_AS', m.committedAs, true],
    ['VmallocTotal', 34_359_738_367, true],
    ['VmallocUsed', 11_840, true],
    ['VmallocChunk', 0, true],
    ['Percpu', 1_216, true],
    ['HardwareCorrupted', 0, true],
    ['AnonHugePages', 0, true],
    ['ShmemHugePages', 0, true],
    ['ShmemPmdMapped', 0, true],
    ['FileHugePages', 0, true],
    ['FilePmdMapped', 0, true],
    ['HugePages_Total', 0, false],
    ['HugePages_Free', 0, false],
    ['HugePages_Rsvd', 0, false],
    ['HugePages_Surp', 0, false],
    ['Hugepagesize', 2048, true],
    ['Hugetlb', 0, true],
    ['DirectMap4k', 110_464, true],
    ['DirectMap2M', 1_986_560, true],
  ];
  // The kernel prints HardwareCorrupted with its own, narrower format.
  return rows
    .map(([label, value, kb]) => (label === 'HardwareCorrupted' ? `HardwareCorrupted: ${String(value).padStart(5)} kB\n` : `${`${label}:`.padEnd(16)}${String(value).padStart(8)}${kb ? ' kB' : ''}\n`))
    .join('');
}

/** Reads /proc/meminfo's fields (kB) back, as procps does; undefined values stay absent. */
export function parseMeminfo(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([^:\s]+):\s+(\d+)/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

/** Puts /proc (and /proc/meminfo) on a host's disk; the content is computed on every read. */
export function mountProc(vfs: Vfs, processBytes: () => number): void {
  vfs.mkdir('/proc', null, { recursive: true });
  vfs.chmod('/proc', 0o555, null);
  vfs.mkgenerated('/proc/meminfo', () => meminfoText(hostMemInfo(processBytes(), vfs.usage().usedBytes)));
}
