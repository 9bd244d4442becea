// How systemctl status words states and times (systemd 252): bullets, the Loaded/Active
// lines, "Sat 2026-11-21 09:22:32 UTC; 5s ago", and the cgroup's Tasks/Memory/CPU lines.
import type { UnitUsage } from '../host.ts';
import type { Host } from '../types.ts';
import { visibleTo } from './journal.ts';
import type { ServiceManager } from './manager.ts';
import { formatBytes, formatTimespan } from './size-time-format.ts';
import { describeExit, type Unit } from './unit-state.ts';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const p2 = (n: number) => String(n).padStart(2, '0');

export function timestamp(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} UTC`;
}

/** "5s ago", "1min 5s ago", "2h 3min ago", "1 day 2h ago". */
export function relative(ms: number, now: number): string {
  const d = Math.max(0, now - ms);
  const s = Math.floor(d / 1000);
  if (s >= 86_400) {
    const days = Math.floor(s / 86_400);
    return `${days} ${days === 1 ? 'day' : 'days'} ${Math.floor((s % 86_400) / 3600)}h ago`;
  }
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}min ago`;
  if (s >= 60) return `${Math.floor(s / 60)}min ${s % 60}s ago`;
  if (s >= 1) return `${s}s ago`;
  if (d >= 1) return `${d}ms ago`;
  return 'now';
}

export function bullet(u: Unit): string {
  if (u.activeState === 'failed' || u.loadState === 'bad-setting') return '×';
  if (u.activeState === 'inactive') return '○';
  return '●';
}

export function activeLine(u: Unit, now: number): string {
  // systemd leaves the sub-state out when it says the same ("failed", not "failed (failed)").
  let s = u.activeState === u.subState ? u.activeState : `${u.activeState} (${u.subState})`;
  if (u.result !== 'success') s += ` (Result: ${u.result})`;
  if (u.stateSince !== undefined) s += ` since ${timestamp(u.stateSince)}; ${relative(u.stateSince, now)}`;
  return s;
}

/** The whole `systemctl status unit` text, journal lines included. */
export function statusText(m: ServiceManager, host: Host, u: Unit, lines = 10, viewer?: { uid: number; groups: number[] }): string {
  const now = host.clock.now();
  const cfg = u.loaded?.config;
  const out: string[] = [];
  out.push(`${bullet(u)} ${u.name}${cfg?.description ? ` - ${cfg.description}` : ''}`);
  if (u.loadState === 'bad-setting') out.push(`     Loaded: bad-setting (Reason: Unit ${u.name} has a bad unit file setting.)`);
  else if (u.loadState === 'not-found') out.push(`     Loaded: not-found (Reason: Unit ${u.name} not found.)`);
  else {
    const state = m.unitFileState(u);
    // The preset is only worth showing for units that can be enabled or disabled.
    out.push(`     Loaded: loaded (${u.path}; ${state}${state === 'enabled' || state === 'disabled' ? '; preset: enabled' : ''})`);
  }
  out.push(`     Active: ${activeLine(u, now)}`);
  const ended = u.lastExit && !u.process;
  if (cfg?.documentation.length) cfg.documentation.forEach((d, i) => out.push(`${i === 0 ? '       Docs: ' : '             '}${d}`));
  if (ended && u.lastExit) {
    const e = u.lastExit;
    // status shows signals by name ("code=killed, signal=TERM"), the journal by number and name.
    const how = e.code === 'killed' ? `code=killed, signal=${describeExit(e).split('/')[1]}` : `code=exited, status=${describeExit(e)}`;
    out.push(`    Process: ${e.pid} ExecStart=${e.argv.join(' ')} (${how})`);
    out.push(`   Main PID: ${e.pid} (${how})`);
  }
  const procs = host.processes().filter((p) => p.unit === u.name);
  if (u.process) out.push(`   Main PID: ${u.process.info.pid} (${basenameOf(u.process.info.argv[0] ?? u.name)})`);
  const usage = usageOf(host, u.name);
  // systemctl prints each figure its cgroup still has: Tasks and Memory while processes run,
  // CPU also after they ended (systemd keeps what the last run consumed).
  if (procs.length) {
    out.push(`      Tasks: ${usage?.tasks ?? procs.length} (limit: ${limitOf(host)})`);
    if (usage) out.push(`     Memory: ${formatBytes(usage.memoryBytes)}`);
  }
  if (usage?.cpuMs !== undefined) out.push(`        CPU: ${cpuText(usage.cpuMs)}`);
  if (procs.length) {
    out.push(`     CGroup: /system.slice/${u.name}`);
    procs.forEach((p, i) => out.push(`             ${i === procs.length - 1 ? '└─' : '├─'}${p.pid} ${p.argv.join(' ')}`));
  }
  const all = m.journal.query({ unit: [u.name] });
  const log = (viewer ? visibleTo(host, viewer, all) : all).slice(-lines);
  let text = out.join('\n') + '\n';
  if (log.length && lines > 0) text += '\n' + log.map((e) => m.journal.format(e)).join('\n') + '\n';
  return text;
}

const basenameOf = (p: string) => p.split('/').pop() ?? p;

/** CPU: as systemctl prints it, format_timespan of the cgroup's usage with 1 ms accuracy. */
export function cpuText(cpuMs: number): string {
  return formatTimespan(Math.floor(cpuMs * 1000), 1000);
}

/** The unit's cgroup figures, when the host keeps them (VirtualHost does). */
export function usageOf(host: Host, unit: string): UnitUsage | undefined {
  const h = host as Host & { unitUsage?: (unit: string) => UnitUsage };
  return typeof h.unitUsage === 'function' ? h.unitUsage(unit) : undefined;
}

function limitOf(host: Host): number {
  const l = (host as { limits?: { processes?: number } }).limits?.processes;
  return l ?? 64;
}
