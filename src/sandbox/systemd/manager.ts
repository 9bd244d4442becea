// The service manager of one host (systemd as PID 1 sees its services): loads unit files
// from the unit search path, starts services as detached processes with the unit's
// user, environment and working directory, sends their output to the journal, tracks
// active/sub states, honours Type=notify readiness, Restart= with RestartSec=, and
// enable/disable through the .wants/ symlinks. systemctl and lab checks call it.
import { basename, isFsError, strerror } from '../../platform/filesystem.ts';
import type { Cancel } from '../../platform/clock.ts';
import { DEFAULT_PATH } from '../host.ts';
import type { EventLog } from '../events.ts';
import { emptyInput } from '../io.ts';
import type { Command, Credentials, Host, RunningProcess, SignalName } from '../types.ts';
import { SIGNAL_NUMBERS } from '../types.ts';
import { sandboxFs } from '../vfs-view.ts';
import { journalFor, type Journal } from './journal.ts';
import { listenNotify } from './notify.ts';
import { loadServiceUnit, type LoadedUnit } from './service-config.ts';
import { parseEnvironmentFile } from './unit-file.ts';

export const UNIT_PATH = ['/etc/systemd/system', '/run/systemd/system', '/usr/local/lib/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'];
export const NOTIFY_SOCKET = '/run/systemd/notify';

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

const SYSTEMD_PID = 1;

const EXIT_NAMES: Record<number, string> = { 0: 'SUCCESS', 1: 'FAILURE', 2: 'INVALIDARGUMENT', 3: 'NOTIMPLEMENTED', 4: 'NOPERMISSION', 5: 'NOTINSTALLED', 6: 'NOTCONFIGURED', 7: 'NOTRUNNING', 200: 'CHDIR', 203: 'EXEC', 216: 'GROUP', 217: 'USER' };
const SIGNAL_BY_NUMBER: Record<number, string> = Object.fromEntries(Object.entries(SIGNAL_NUMBERS).map(([k, v]) => [v, k.slice(3)]));

/** "1/FAILURE", "203/EXEC", "9/KILL" as systemd prints exit statuses. */
export function describeExit(e: Pick<MainExit, 'code' | 'status'>): string {
  if (e.code === 'killed') return `${e.status}/${SIGNAL_BY_NUMBER[e.status] ?? 'UNKNOWN'}`;
  return EXIT_NAMES[e.status] ? `${e.status}/${EXIT_NAMES[e.status]}` : String(e.status);
}

export const unitName = (name: string): string => (/\.(service|target|socket|timer|mount|path|slice|scope)$/.test(name) ? name : `${name}.service`);

type StartOutcome = { ok: true } | { ok: false; error: 'not-found' | 'bad-setting' | 'failed'; result?: Result };

export class ServiceManager {
  readonly journal: Journal;
  private readonly units = new Map<string, Unit>();
  private readonly startWaiters = new Map<string, ((ok: boolean) => void)[]>();
  private readonly timers = new Map<string, Cancel>();
  private readonly stopping = new Set<string>();
  private readonly startTimes = new Map<string, number[]>();

  constructor(readonly host: Host) {
    this.journal = journalFor(host);
    listenNotify(host, NOTIFY_SOCKET, (state, pid) => this.onNotify(state, pid));
    // Bridge for programs that do not call sdNotify yet: our etcd records 'etcd-started'
    // (with its pid) right after "ready to serve client requests" — where the real etcd
    // sends READY=1. Only a unit's own main process counts, as with NotifyAccess=main.
    const events = (host as { events?: EventLog }).events;
    events?.subscribe((e) => {
      if (e.host !== host.hostname || e.type !== 'etcd-started' || typeof e.data.pid !== 'number') return;
      this.onNotify({ READY: '1' }, e.data.pid);
    });
  }

  private log(unit: string | undefined, message: string): void {
    const job = unit ? this.units.get(unit)?.job : undefined;
    this.journal.append({ ident: 'systemd', pid: SYSTEMD_PID, uid: 0, unit, message, ...(job !== undefined ? { job } : {}) });
  }

  /** systemd numbers its jobs; journalctl -x shows them. */
  private nextJob = 120;

  private label(u: Unit): string {
    const d = u.loaded?.config.description;
    return d && d !== u.name ? `${u.name} - ${d}` : u.name;
  }

  private findFile(name: string): string | undefined {
    const fs = this.host.rootFs;
    for (const dir of UNIT_PATH) {
      const p = `${dir}/${name}`;
      try {
        if (fs.stat(p).type === 'file') return p;
      } catch {
        // not in this directory
      }
    }
    return undefined;
  }

  private mtimeOf(path: string): number | undefined {
    try {
      return this.host.rootFs.stat(path).mtimeMs;
    } catch {
      return undefined;
    }
  }

  private load(name: string, prev?: Unit): Unit {
    const path = this.findFile(name);
    const u: Unit = prev ?? {
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
    u.path = path;
    if (!path) {
      u.loadState = 'not-found';
      u.loaded = undefined;
      u.loadedMtime = undefined;
    } else {
      const text = new TextDecoder().decode(this.host.rootFs.readFile(path));
      const loaded = loadServiceUnit(name, path, text);
      for (const w of loaded.warnings) this.log(name, w);
      u.loaded = loaded;
      u.loadState = loaded.badSetting ? 'bad-setting' : 'loaded';
      u.loadedMtime = this.mtimeOf(path);
      u.loadedText = text;
    }
    this.units.set(name, u);
    return u;
  }

  /** The unit, loaded on first reference (systemd loads unit files on demand). */
  unit(nameOrShort: string): Unit {
    const name = unitName(nameOrShort);
    const u = this.units.get(name);
    if (u && u.loadState !== 'not-found') return u;
    if (u && u.activeState !== 'inactive') return u;
    return this.load(name, u);
  }

  /** Units systemd knows (loaded, or referenced and not found while active). */
  list(): Unit[] {
    for (const dir of UNIT_PATH) {
      let names: string[] = [];
      try {
        names = this.host.rootFs.readdir(dir);
      } catch {
        continue;
      }
      for (const n of names) if (n.endsWith('.service') && !this.units.has(n)) this.load(n);
    }
    return [...this.units.values()].filter((u) => u.loadState !== 'not-found' || u.activeState !== 'inactive').sort((a, b) => a.name.localeCompare(b.name));
  }

  daemonReload(): void {
    this.log(undefined, 'Reloading.');
    for (const u of [...this.units.values()]) this.load(u.name, u);
  }

  /** True when the file on disk is newer than what was loaded (systemctl's daemon-reload warning). */
  changedOnDisk(u: Unit): boolean {
    if (!u.path) return false;
    if (this.findFile(u.name) !== u.path || this.mtimeOf(u.path) !== u.loadedMtime) return true;
    try {
      return new TextDecoder().decode(this.host.rootFs.readFile(u.path)) !== u.loadedText;
    } catch {
      return true;
    }
  }

  unitFileState(u: Unit): 'enabled' | 'disabled' | 'static' | undefined {
    if (u.loadState === 'not-found' || !u.loaded) return undefined;
    const cfg = u.loaded.config;
    if (!cfg.hasInstall) return 'static';
    for (const t of [...cfg.wantedBy, ...cfg.requiredBy]) {
      const dir = cfg.requiredBy.includes(t) ? 'requires' : 'wants';
      try {
        this.host.rootFs.stat(`/etc/systemd/system/${t}.${dir}/${u.name}`);
        return 'enabled';
      } catch {
        // not linked for this target
      }
    }
    return 'disabled';
  }

  /** enable: the .wants/ symlinks; returns [link, target] pairs created. */
  enable(u: Unit): [string, string][] {
    const cfg = u.loaded!.config;
    const fs = sandboxFs(this.host.rootFs);
    const made: [string, string][] = [];
    const targetPath = u.path!;
    for (const [targets, dir] of [
      [cfg.wantedBy, 'wants'],
      [cfg.requiredBy, 'requires'],
    ] as const) {
      for (const t of targets) {
        const d = `/etc/systemd/system/${t}.${dir}`;
        const link = `${d}/${u.name}`;
        fs.mkdir(d, { recursive: true });
        try {
          if (fs.readlink(link) === targetPath) continue;
          fs.unlink(link);
        } catch {
          // no link yet
        }
        fs.symlink(targetPath, link);
        made.push([link, targetPath]);
      }
    }
    return made;
  }

  disable(u: Unit): string[] {
    const fs = sandboxFs(this.host.rootFs);
    const removed: string[] = [];
    const base = '/etc/systemd/system';
    let dirs: string[] = [];
    try {
      dirs = fs.readdir(base).filter((d) => d.endsWith('.wants') || d.endsWith('.requires'));
    } catch {
      return removed;
    }
    for (const d of dirs) {
      const link = `${base}/${d}/${u.name}`;
      try {
        fs.lstat(link);
        fs.unlink(link);
        removed.push(link);
      } catch {
        // not linked here
      }
    }
    return removed;
  }

  isActiveLike(u: Unit): boolean {
    return u.activeState === 'active' || u.activeState === 'activating' || u.activeState === 'deactivating';
  }

  private setState(u: Unit, active: ActiveState, sub: string): void {
    if (u.activeState !== active) u.stateSince = this.host.clock.now();
    if (active === 'active' && u.activeState !== 'active') u.activeEnterAt = this.host.clock.now();
    u.activeState = active;
    u.subState = sub;
  }

  /** Starts the unit; resolves once it is active (simple: at once; notify: when READY=1) or has failed. */
  async start(nameOrShort: string): Promise<StartOutcome> {
    const u = this.unit(nameOrShort);
    if (u.loadState === 'not-found') return { ok: false, error: 'not-found' };
    if (u.loadState === 'bad-setting') return { ok: false, error: 'bad-setting' };
    if (u.activeState === 'active' || u.activeState === 'deactivating') return { ok: true };
    if (u.activeState === 'activating' && u.subState !== 'auto-restart') return this.waitStarted(u);
    this.cancelTimer(u.name);
    u.job = ++this.nextJob;
    // Start rate limit: 5 starts within 10 s (systemd's defaults) and the unit gives up.
    const now = this.host.clock.monotonic();
    const times = (this.startTimes.get(u.name) ?? []).filter((t) => now - t < 10_000);
    times.push(now);
    this.startTimes.set(u.name, times);
    if (times.length > 5) {
      this.log(u.name, `${u.name}: Start request repeated too quickly.`);
      this.log(u.name, `${u.name}: Failed with result 'start-limit-hit'.`);
      this.log(u.name, `Failed to start ${this.label(u)}.`);
      u.result = 'start-limit-hit';
      this.setState(u, 'failed', 'failed');
      return { ok: false, error: 'failed', result: 'start-limit-hit' };
    }
    this.spawn(u);
    return this.waitStarted(u);
  }

  private waitStarted(u: Unit): Promise<StartOutcome> {
    if (u.activeState === 'active') return Promise.resolve({ ok: true });
    if (u.activeState === 'failed' || u.activeState === 'inactive') return Promise.resolve({ ok: false, error: 'failed', result: u.result });
    return new Promise((resolve) => {
      const list = this.startWaiters.get(u.name) ?? [];
      list.push((ok) => resolve(ok ? { ok: true } : { ok: false, error: 'failed', result: u.result }));
      this.startWaiters.set(u.name, list);
    });
  }

  private settleStart(u: Unit, ok: boolean): void {
    const list = this.startWaiters.get(u.name);
    this.startWaiters.delete(u.name);
    for (const f of list ?? []) f(ok);
  }

  private cancelTimer(name: string): void {
    this.timers.get(name)?.();
    this.timers.delete(name);
  }

  private setTimer(name: string, ms: number, fn: () => void): void {
    this.cancelTimer(name);
    if (ms === Infinity || this.down) return;
    this.timers.set(name, this.host.clock.after(ms, () => {
      this.timers.delete(name);
      fn();
    }));
  }

  /** Builds the process's environment and credentials and starts ExecStart. */
  private spawn(u: Unit): void {
    const cfg = u.loaded!.config;
    const exec = cfg.execStart!;
    u.result = 'success';
    this.setState(u, 'activating', 'start');
    this.log(u.name, `Starting ${this.label(u)}...`);
    const fail = (status: number, step: string, why: string, pre?: string) => {
      const lines = [...(pre ? [`${u.name}: ${pre}`] : []), `${u.name}: Failed at step ${step} spawning ${exec.argv[0]}: ${why}`];
      this.runFailed(u, status, lines);
    };

    let cred: Credentials = { uid: 0, gid: 0, groups: [0], user: 'root' };
    if (cfg.user) {
      const c = this.host.users.credentials(cfg.user) ?? (/^\d+$/.test(cfg.user) ? this.credForUid(Number(cfg.user)) : undefined);
      if (!c) return fail(217, 'USER', 'No such process', `Failed to determine user credentials: No such process`);
      cred = c;
    }
    if (cfg.group) {
      const g = this.host.users.groupByName(cfg.group) ?? (/^\d+$/.test(cfg.group) ? this.host.users.groupByGid(Number(cfg.group)) : undefined);
      if (!g) return fail(216, 'GROUP', 'No such process', `Failed to determine group credentials: No such process`);
      cred = { ...cred, gid: g.gid, groups: [g.gid, ...cred.groups.filter((x) => x !== g.gid)] };
    }
    const home = this.host.users.byUid(cred.uid);
    const env: Record<string, string> = { LANG: 'C.UTF-8', PATH: DEFAULT_PATH, INVOCATION_ID: this.invocationId(u) };
    if (cfg.user) Object.assign(env, { HOME: home?.home ?? '/', LOGNAME: cred.user, USER: cred.user, SHELL: home?.shell ?? '/bin/sh' });
    for (const [k, v] of cfg.environment) env[k] = v;
    for (const ef of cfg.environmentFiles) {
      try {
        Object.assign(env, parseEnvironmentFile(new TextDecoder().decode(this.host.rootFs.readFile(ef.path))));
      } catch (e) {
        if (ef.optional) continue;
        const why = isFsError(e) ? strerror(e.code) : String(e);
        this.log(u.name, `${u.name}: Failed to load environment files: ${why}`);
        this.log(u.name, `${u.name}: Failed to run 'start' task: ${why}`);
        u.result = 'resources';
        this.log(u.name, `${u.name}: Failed with result 'resources'.`);
        this.log(u.name, `Failed to start ${this.label(u)}.`);
        this.setState(u, 'failed', 'failed');
        this.settleStart(u, false);
        return;
      }
    }
    if (cfg.type === 'notify') env.NOTIFY_SOCKET = NOTIFY_SOCKET;
    const argv = expandArgs(exec.argv, env);
    const cwd = cfg.workingDirectory ? cfg.workingDirectory.replace(/^-/, '').replace(/^~$/, home?.home ?? '/') : '/';
    const fs = this.host.fsFor(cred);
    try {
      if (fs.stat(cwd).type !== 'dir') return fail(200, 'CHDIR', 'Not a directory', `Changing to the requested working directory failed: Not a directory`);
    } catch (e) {
      const why = isFsError(e) ? strerror(e.code) : 'No such file or directory';
      return fail(200, 'CHDIR', why, `Changing to the requested working directory failed: ${why}`);
    }
    const exe = argv[0]!;
    const r = this.host.resolveProgram(exe, { path: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin', cwd: '/', cred });
    if (!r.ok) {
      const why = r.error === 'EACCES' ? 'Permission denied' : r.error === 'EISDIR' ? 'Is a directory' : 'No such file or directory';
      return fail(203, 'EXEC', why, r.error === 'ENOENT' ? `Failed to locate executable ${exe}: ${why}` : `Unable to locate executable '${exe}': ${why}`);
    }
    const ident = { ident: basename(exe), pid: 0, uid: cred.uid };
    const journalOut = this.journal.streamFor(() => ident, u.name);
    // The program may print before start() returns its pid: hold those chunks until it is known.
    const held: (string | Uint8Array)[] = [];
    const out = {
      isTTY: false,
      write: (c: string | Uint8Array) => (ident.pid ? journalOut.write(c) : void held.push(c)),
      flush: () => journalOut.flush(),
    };
    let proc: RunningProcess;
    try {
      proc = this.host.start({ command: r.command, argv, env, cwd, cred, stdin: emptyInput, stdout: out, stderr: out, ppid: SYSTEMD_PID, detached: true, unit: u.name });
    } catch (e) {
      this.log(u.name, `${u.name}: Failed to fork: ${e instanceof Error ? e.message : String(e)}`);
      return this.runFailed(u, 1);
    }
    ident.pid = proc.info.pid;
    for (const c of held.splice(0)) void journalOut.write(c);
    u.process = proc;
    u.mainPid = proc.info.pid;
    const startedAt = this.host.clock.now();
    if (cfg.type === 'notify') {
      this.setTimer(u.name, cfg.timeoutStartMs, () => {
        if (u.process !== proc || u.activeState !== 'activating') return;
        this.log(u.name, `${u.name}: start operation timed out. Terminating.`);
        u.result = 'timeout';
        this.stopping.add(u.name);
        proc.kill('SIGTERM');
      });
    } else {
      this.setState(u, 'active', 'running');
      this.log(u.name, `Started ${this.label(u)}.`);
      this.settleStart(u, true);
    }
    void proc.exited.then((status) => {
      out.flush();
      this.onExit(u, proc, status, startedAt);
    });
  }

  private credForUid(uid: number): Credentials | undefined {
    const u = this.host.users.byUid(uid);
    return u ? this.host.users.credentials(u.name) : undefined;
  }

  private invocationId(u: Unit): string {
    let h = 0x811c9dc5;
    let out = '';
    const seed = `${u.name}/${this.host.clock.now()}/${u.nRestarts}`;
    for (let round = 0; round < 4; round++) {
      for (const ch of `${seed}/${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
      out += h.toString(16).padStart(8, '0');
    }
    return out;
  }

  /** A failure before the program ran (203/EXEC, 217/USER …): a short-lived child that exits with the code. */
  /**
   * A failure in the forked child before the program ran (203/EXEC, 217/USER, 200/CHDIR):
   * the child logs why under its own pid and exits with the code. For Type=simple the start
   * job has already succeeded at fork time, as in systemd; the unit then fails.
   */
  private runFailed(u: Unit, status: number, childLog: string[] = []): void {
    const failing: Command = { name: 'systemd-executor', summary: 'failed exec', run: async () => status };
    const argv = u.loaded?.config.execStart?.argv ?? [u.name];
    const proc = this.host.start({ command: failing, argv: [...argv], env: {}, cwd: '/', cred: { uid: 0, gid: 0, groups: [0], user: 'root' }, stdin: emptyInput, stdout: { isTTY: false, write: () => {} }, stderr: { isTTY: false, write: () => {} }, ppid: SYSTEMD_PID, detached: true, unit: u.name });
    u.process = proc;
    u.mainPid = proc.info.pid;
    const startedAt = this.host.clock.now();
    if (u.loaded?.config.type === 'simple' && u.activeState === 'activating') {
      this.setState(u, 'active', 'running');
      this.log(u.name, `Started ${this.label(u)}.`);
      this.settleStart(u, true);
    }
    for (const line of childLog) this.journal.append({ ident: 'systemd', pid: proc.info.pid, uid: 0, unit: u.name, message: line });
    void proc.exited.then(() => this.onExit(u, proc, status, startedAt));
  }

  private onNotify(state: Record<string, string>, pid: number): void {
    if (state.READY !== '1') return;
    for (const u of this.units.values()) {
      if (u.mainPid !== pid || u.activeState !== 'activating' || u.subState !== 'start') continue;
      this.cancelTimer(u.name);
      this.setState(u, 'active', 'running');
      this.log(u.name, `Started ${this.label(u)}.`);
      this.settleStart(u, true);
    }
  }

  private onExit(u: Unit, proc: RunningProcess, status: number, startedAt: number): void {
    if (u.process !== proc) return;
    const sigNum = status > 128 ? status - 128 : 0;
    const killed = sigNum > 0 && SIGNAL_BY_NUMBER[sigNum] !== undefined;
    const exit: MainExit = { pid: proc.info.pid, argv: [...proc.info.argv], code: killed ? 'killed' : 'exited', status: killed ? sigNum : status, startedAt, endedAt: this.host.clock.now() };
    u.lastExit = exit;
    u.process = undefined;
    u.mainPid = undefined;
    const requested = this.stopping.delete(u.name);
    const cfg = u.loaded?.config;
    const clean = exit.code === 'exited' ? exit.status === 0 || !!cfg?.execStart?.ignoreFailure : requested && ['TERM', 'INT', 'HUP', 'PIPE'].includes(SIGNAL_BY_NUMBER[exit.status] ?? '');
    const wasStarting = u.activeState === 'activating' && u.subState === 'start';
    if (!clean) {
      this.log(u.name, `${u.name}: Main process exited, code=${exit.code}, status=${describeExit(exit)}`);
      if (u.result === 'success') u.result = exit.code === 'killed' ? 'signal' : 'exit-code';
      this.log(u.name, `${u.name}: Failed with result '${u.result}'.`);
    } else if (!requested || u.result === 'success') {
      this.log(u.name, `${u.name}: Deactivated successfully.`);
    }
    const restart = !requested && cfg && shouldRestart(cfg.restart, clean, exit);
    if (restart) {
      this.setState(u, 'activating', 'auto-restart');
      if (wasStarting) this.settleStart(u, false);
      this.setTimer(u.name, cfg.restartSecMs, () => {
        if (u.activeState !== 'activating' || u.subState !== 'auto-restart') return;
        u.nRestarts++;
        this.log(u.name, `${u.name}: Scheduled restart job, restart counter is at ${u.nRestarts}.`);
        this.log(u.name, `Stopped ${this.label(u)}.`);
        void this.start(u.name);
      });
      return;
    }
    if (clean) {
      this.setState(u, 'inactive', 'dead');
      if (requested) this.log(u.name, `Stopped ${this.label(u)}.`);
    } else {
      this.setState(u, 'failed', 'failed');
      if (requested) this.log(u.name, `Stopped ${this.label(u)}.`);
      else if (wasStarting) this.log(u.name, `Failed to start ${this.label(u)}.`);
    }
    if (wasStarting) this.settleStart(u, false);
    this.stopWaiters.get(u.name)?.forEach((f) => f());
    this.stopWaiters.delete(u.name);
  }

  private readonly stopWaiters = new Map<string, (() => void)[]>();

  /** Stops the unit: SIGTERM, SIGKILL after TimeoutStopSec; resolves when it is down. */
  async stop(nameOrShort: string): Promise<StartOutcome> {
    const u = this.unit(nameOrShort);
    if (u.loadState === 'not-found' && !u.process) return { ok: false, error: 'not-found' };
    this.cancelTimer(u.name);
    if (!u.process) {
      if (u.activeState === 'activating' && u.subState === 'auto-restart') {
        this.setState(u, u.result === 'success' ? 'inactive' : 'failed', u.result === 'success' ? 'dead' : 'failed');
        this.log(u.name, `Stopped ${this.label(u)}.`);
      }
      return { ok: true };
    }
    const proc = u.process;
    u.job = ++this.nextJob;
    this.stopping.add(u.name);
    this.setState(u, 'deactivating', 'stop-sigterm');
    this.log(u.name, `Stopping ${this.label(u)}...`);
    const done = new Promise<void>((resolve) => {
      const list = this.stopWaiters.get(u.name) ?? [];
      list.push(resolve);
      this.stopWaiters.set(u.name, list);
    });
    this.settleStart(u, false);
    proc.kill('SIGTERM');
    const timeout = u.loaded?.config.timeoutStopMs ?? 90_000;
    this.setTimer(u.name, timeout, () => {
      if (u.process !== proc) return;
      this.log(u.name, `${u.name}: State 'stop-sigterm' timed out. Killing.`);
      this.log(u.name, `${u.name}: Killing process ${proc.info.pid} (${proc.info.argv[0] ? basename(proc.info.argv[0]) : u.name}) with signal SIGKILL.`);
      u.subState = 'stop-sigkill';
      proc.kill('SIGKILL');
    });
    await done;
    this.cancelTimer(u.name);
    return { ok: true };
  }

  async restart(nameOrShort: string): Promise<StartOutcome> {
    const u = this.unit(nameOrShort);
    if (u.loadState === 'not-found') return { ok: false, error: 'not-found' };
    if (u.loadState === 'bad-setting') return { ok: false, error: 'bad-setting' };
    if (u.process || u.subState === 'auto-restart') await this.stop(u.name);
    // A restart is a fresh start: the start limit still applies, a previous failure does not.
    return this.start(u.name);
  }

  /** Clears the failed state (systemctl reset-failed). */
  resetFailed(u: Unit): void {
    if (u.activeState === 'failed') this.setState(u, 'inactive', 'dead');
    u.result = 'success';
    this.startTimes.delete(u.name);
  }

  /** The host goes down (sandbox disposed): no more restarts or timeouts; running services are left to the caller to kill. */
  shutdown(): void {
    this.down = true;
    for (const name of [...this.timers.keys()]) this.cancelTimer(name);
    for (const u of this.units.values()) if (u.process) this.stopping.add(u.name);
  }
  private down = false;

  /** Boot: start every enabled unit (the host came up). */
  async boot(): Promise<void> {
    const enabled = this.list().filter((u) => this.unitFileState(u) === 'enabled' && u.loadState === 'loaded' && !this.isActiveLike(u));
    await Promise.all(enabled.map((u) => this.start(u.name)));
  }

  /** Sends a signal to the main process (systemctl kill). */
  kill(u: Unit, sig: SignalName): boolean {
    if (!u.process) return false;
    u.process.kill(sig);
    return true;
  }
}

function shouldRestart(policy: string, clean: boolean, exit: MainExit): boolean {
  switch (policy) {
    case 'always':
      return true;
    case 'on-success':
      return clean;
    case 'on-failure':
      return !clean;
    case 'on-abnormal':
    case 'on-abort':
      return exit.code === 'killed';
    default:
      return false;
  }
}

/** $VAR (split into words) and ${VAR} (one word) in ExecStart=, with the unit's environment. */
export function expandArgs(argv: string[], env: Record<string, string>): string[] {
  const out: string[] = [];
  for (const a of argv) {
    const whole = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(a);
    if (whole) {
      out.push(...(env[whole[1]!] ?? '').split(/\s+/).filter(Boolean));
      continue;
    }
    out.push(a.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, a1: string | undefined, a2: string | undefined) => env[(a1 ?? a2)!] ?? '').replace(/\$\$/g, '$'));
  }
  return out;
}

const managers = new WeakMap<Host, ServiceManager>();

/** The service manager of a host (one per host, created on first use). */
export function managerFor(host: Host): ServiceManager {
  let m = managers.get(host);
  if (!m) managers.set(host, (m = new ServiceManager(host)));
  return m;
}

