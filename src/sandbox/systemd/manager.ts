// The service manager of one host (systemd as PID 1 sees its services): loads unit files
// from the unit search path, starts services as detached processes with the unit's
// user, environment and working directory, sends their output to the journal, tracks
// active/sub states, honours Type=notify readiness, Restart= with RestartSec=, and
// enable/disable through the .wants/ symlinks. systemctl and lab checks call it.
import { basename } from '../../platform/filesystem.ts';
import type { Cancel } from '../../platform/clock.ts';
import type { EventLog } from '../events.ts';
import { emptyInput } from '../io.ts';
import type { Command, Host, RunningProcess, SignalName } from '../types.ts';
import { invocationId, NOTIFY_SOCKET, planExec } from './exec-plan.ts';
import { journalFor, type Journal } from './journal.ts';
import { listenNotify } from './notify.ts';
import { shouldRestart, StartRateLimit } from './restart-policy.ts';
import { loadServiceUnit } from './service-config.ts';
import { changedOnDisk, disableUnit, enableUnit, findUnitFile, mtimeOf, serviceFileNames, unitFileState } from './unit-files.ts';
import { describeExit, newUnit, SIGNAL_BY_NUMBER, unitName, type ActiveState, type MainExit, type StartOutcome, type Unit } from './unit-state.ts';

// The manager's public vocabulary, for systemctl, journalctl and status formatting.
export { describeExit, unitName, type ActiveState, type LoadState, type MainExit, type Result, type StartOutcome, type Unit } from './unit-state.ts';
export { UNIT_PATH } from './unit-files.ts';
export { expandArgs, NOTIFY_SOCKET } from './exec-plan.ts';

const SYSTEMD_PID = 1;

export class ServiceManager {
  readonly journal: Journal;
  private readonly units = new Map<string, Unit>();
  private readonly startWaiters = new Map<string, ((ok: boolean) => void)[]>();
  private readonly timers = new Map<string, Cancel>();
  private readonly stopping = new Set<string>();
  private readonly startLimit = new StartRateLimit();

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

  private load(name: string, prev?: Unit): Unit {
    const path = findUnitFile(this.host.rootFs, name);
    const u: Unit = prev ?? newUnit(name);
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
      u.loadedMtime = mtimeOf(this.host.rootFs, path);
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
    for (const n of serviceFileNames(this.host.rootFs)) if (!this.units.has(n)) this.load(n);
    return [...this.units.values()].filter((u) => u.loadState !== 'not-found' || u.activeState !== 'inactive').sort((a, b) => a.name.localeCompare(b.name));
  }

  daemonReload(): void {
    this.log(undefined, 'Reloading.');
    for (const u of [...this.units.values()]) this.load(u.name, u);
  }

  /** True when the file on disk is newer than what was loaded (systemctl's daemon-reload warning). */
  changedOnDisk(u: Unit): boolean {
    return changedOnDisk(this.host.rootFs, u);
  }

  unitFileState(u: Unit): 'enabled' | 'disabled' | 'static' | undefined {
    return unitFileState(this.host.rootFs, u);
  }

  /** enable: the .wants/ symlinks; returns [link, target] pairs created. */
  enable(u: Unit): [string, string][] {
    return enableUnit(this.host.rootFs, u);
  }

  disable(u: Unit): string[] {
    return disableUnit(this.host.rootFs, u);
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
    if (this.startLimit.exceeded(u.name, this.host.clock.monotonic())) {
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
    u.result = 'success';
    this.setState(u, 'activating', 'start');
    // Each start counts CPU afresh, as systemd resets the unit's accounting when it starts it.
    (this.host as { resetUnitUsage?: (unit: string) => void }).resetUnitUsage?.(u.name);
    this.log(u.name, `Starting ${this.label(u)}...`);
    const plan = planExec(this.host, cfg, invocationId(u.name, this.host.clock.now(), u.nRestarts));
    if (!plan.ok && plan.failure === 'step') {
      this.runFailed(u, plan.status, [`${u.name}: ${plan.pre}`, `${u.name}: Failed at step ${plan.step} spawning ${cfg.execStart!.argv[0]}: ${plan.why}`]);
      return;
    }
    if (!plan.ok) {
      this.log(u.name, `${u.name}: Failed to load environment files: ${plan.why}`);
      this.log(u.name, `${u.name}: Failed to run 'start' task: ${plan.why}`);
      u.result = 'resources';
      this.log(u.name, `${u.name}: Failed with result 'resources'.`);
      this.log(u.name, `Failed to start ${this.label(u)}.`);
      this.setState(u, 'failed', 'failed');
      this.settleStart(u, false);
      return;
    }
    const { command, argv, env, cwd, cred } = plan;
    const exe = argv[0]!;
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
      proc = this.host.start({ command, argv, env, cwd, cred, stdin: emptyInput, stdout: out, stderr: out, ppid: SYSTEMD_PID, detached: true, unit: u.name });
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
    this.startLimit.reset(u.name);
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


const managers = new WeakMap<Host, ServiceManager>();

/** The service manager of a host (one per host, created on first use). */
export function managerFor(host: Host): ServiceManager {
  let m = managers.get(host);
  if (!m) managers.set(host, (m = new ServiceManager(host)));
  return m;
}

