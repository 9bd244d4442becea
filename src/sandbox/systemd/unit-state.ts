// What the service manager knows about one unit: its load, active and sub states, its main
// process and last exit, and how systemd names exit statuses. Shared by the manager, the
// restart policy and status formatting.
import type { RunningProcess } from '../types.ts';
import { SIGNAL_NUMBERS } from '../types.ts';
import type { LoadedUnit } from './service-config.ts';

export type LoadState = 'loaded' | 'not-found' | 'bad-setting';
export type ActiveState = 'active' | 'inactive' | 'activating' | 'deactivating' | 'failed';
export type Result = 'success' | 'exit-code' | 'signal' | 'core-dump' | 'timeout' | 'resources' | 'start-limit-hit';

export interface MainExit {
  pid: number;
  /** The command line as run (after $VAR expansion). */
  argv: string[];
  code: 'exited' | 'killed';
  status: number;
  startedAt: number;
  endedAt: number;
}

export interface Unit {
  readonly name: string;
  path: string | undefined;
  loadState: LoadState;
  loaded: LoadedUnit | undefined;
  /** mtime and text of the file when it was loaded (for "changed on disk"). */
  loadedMtime: number | undefined;
  loadedText: string | undefined;
  activeState: ActiveState;
  subState: string;
  result: Result;
  /** When the unit entered its current active state. */
  stateSince: number | undefined;
  activeEnterAt: number | undefined;
  mainPid: number | undefined;
  process: RunningProcess | undefined;
  lastExit: MainExit | undefined;
  nRestarts: number;
  /** The current or last job on this unit. */
  job?: number;
}

/** What start, stop and restart report back to systemctl. */
export type StartOutcome = { ok: true } | { ok: false; error: 'not-found' | 'bad-setting' | 'failed'; result?: Result };

const EXIT_NAMES: Record<number, string> = { 0: 'SUCCESS', 1: 'FAILURE', 2: 'INVALIDARGUMENT', 3: 'NOTIMPLEMENTED', 4: 'NOPERMISSION', 5: 'NOTINSTALLED', 6: 'NOTCONFIGURED', 7: 'NOTRUNNING', 200: 'CHDIR', 203: 'EXEC', 216: 'GROUP', 217: 'USER' };
/** 9 → "KILL": signal names without SIG, by number. */
export const SIGNAL_BY_NUMBER: Record<number, string> = Object.fromEntries(Object.entries(SIGNAL_NUMBERS).map(([k, v]) => [v, k.slice(3)]));

/** "1/FAILURE", "203/EXEC", "9/KILL" as systemd prints exit statuses. */
export function describeExit(e: Pick<MainExit, 'code' | 'status'>): string {
  if (e.code === 'killed') return `${e.status}/${SIGNAL_BY_NUMBER[e.status] ?? 'UNKNOWN'}`;
  return EXIT_NAMES[e.status] ? `${e.status}/${EXIT_NAMES[e.status]}` : String(e.status);
}

/** "etcd" → "etcd.service"; names with a unit type suffix stay as they are. */
export const unitName = (name: string): string => (/\.(service|target|socket|timer|mount|path|slice|scope)$/.test(name) ? name : `${name}.service`);

/** A unit never seen before: not found, inactive (dead). */
export function newUnit(name: string): Unit {
  return {
    name,
    path: undefined,
    loadState: 'not-found',
    loaded: undefined,
    loadedMtime: undefined,
    loadedText: undefined,
    activeState: 'inactive',
    subState: 'dead',
    result: 'success',
    stateSince: undefined,
    activeEnterAt: undefined,
    mainPid: undefined,
    process: undefined,
    lastExit: undefined,
    nRestarts: 0,
  };
}
