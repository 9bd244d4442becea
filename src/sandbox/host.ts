// A virtual Linux host: its disk, users, process table and network stack, and the one
// way programs start (start()). The shell, sudo, ssh and systemd all go through here,
// so permissions, pids, signals and socket cleanup work the same for every program.
import type { Clock } from '../platform/clock.ts';
import { isFsError, resolvePath } from '../platform/filesystem.ts';
import type { EventLog } from './events.ts';
import { DEFAULT_HOST_LIMITS, type HostLimits } from './limits.ts';
import { mountProc } from './meminfo.ts';
import { chargedClock, chargedNetwork, chargeTo, typicalResidentBytes, guardInput, guardOutput, ProcessTable, type ProcessRecord, type SignalResult } from './processes.ts';
import { commandForFile, type ProgramRegistry } from './programs.ts';
import type {
  Command,
  CommandContext,
  Credentials,
  Host,
  ProcessInfo,
  ResolvedProgram,
  RunningProcess,
  SignalName,
  Spawner,
  SpawnOptions,
  StartOptions,
} from './types.ts';
import { FileUserDatabase } from './users.ts';
import type { HostNetwork } from './virtual-network.ts';
import type { Vfs, VfsView } from './vfs.ts';

/** PATH when nothing set one (sudo's secure_path, systemd units). */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface HostOptions {
  hostname: string;
  clock: Clock;
  vfs: Vfs;
  network: HostNetwork;
  programs: ProgramRegistry;
  events: EventLog;
  limits?: HostLimits;
}

/** A process as ps sees it, with its session (for hangups and ps's STAT). */
export interface ProcessSnapshot extends ProcessInfo {
  readonly sid: number;
  /** CPU milliseconds charged to it so far (see processes.ts). */
  readonly cpuMs: number;
  /** Resident bytes as its account says (what systemctl status and free add up). */
  readonly residentBytes: number;
}

type TtyInfo = NonNullable<StartOptions['tty']>;

/** A unit's share of the host (see VirtualHost.unitUsage). */
export interface UnitUsage {
  /** Processes in the unit's cgroup. */
  processes: number;
  /** Threads in the unit's cgroup (systemd's Tasks:). */
  tasks: number;
  /** Resident bytes (memory.current). */
  memoryBytes: number;
  /** CPU milliseconds since the unit last started; undefined if it never ran. */
  cpuMs: number | undefined;
}

export class VirtualHost implements Host {
  private name: string;
  readonly clock: Clock;
  readonly vfs: Vfs;
  readonly rootFs: VfsView;
  readonly network: HostNetwork;
  readonly programs: ProgramRegistry;
  readonly limits: HostLimits;
  readonly events: EventLog;
  users: FileUserDatabase;
  private readonly table: ProcessTable;
  private readonly ttys = new Map<number, TtyInfo>();
  readonly bootedAt: number;

  constructor(opts: HostOptions) {
    this.name = opts.hostname;
    this.clock = opts.clock;
    this.vfs = opts.vfs;
    this.rootFs = opts.vfs.view(null);
    this.network = opts.network;
    // Names resolve through /etc/hosts first, as glibc and Go's resolver do on Debian.
    this.network.hostsFile = () => {
      try {
        return new TextDecoder().decode(this.rootFs.readFile('/etc/hosts'));
      } catch {
        return undefined;
      }
    };
    this.programs = opts.programs;
    this.events = opts.events;
    this.limits = opts.limits ?? DEFAULT_HOST_LIMITS;
    this.users = new FileUserDatabase(this.rootFs);
    this.bootedAt = opts.clock.now();
    this.table = new ProcessTable(
      opts.clock,
      this.limits.processes,
      (p, status) => {
        this.ttys.delete(p.pid);
        this.recordEvent('process-exit', { pid: p.pid, argv: [...p.argv], user: p.cred.user, status, signal: p.signalled ?? null });
      },
      this.limits.cpuMsPerProcess,
    );
    // /proc/meminfo (free, cat) reflects what this host's processes hold at the moment it is read.
    mountProc(this.vfs, () => this.residentBytes());
  }

  /** Resident bytes of every process on the host (what /proc/meminfo counts as used by programs). */
  residentBytes(): number {
    let total = 0;
    for (const p of this.table.list()) total += p.memoryBytes();
    return total;
  }

  get hostname(): string {
    return this.name;
  }

  /** sethostname(2): what `hostname NAME` as root does (the kernel's name; /etc/hostname is untouched). */
  setHostname(name: string): void {
    this.name = name;
  }

  get ip(): string {
    return this.network.ip;
  }

  processes(): ProcessSnapshot[] {
    return this.table.list().map((p) => ({
      pid: p.pid,
      ppid: p.ppid,
      cred: p.cred,
      argv: [...p.argv],
      startedAt: p.startedAt,
      tty: p.tty,
      unit: p.unit,
      sid: p.sid,
      cpuMs: p.cpuMs,
      // Asked for only by who reads it (ps): etcd's figure walks its raft log.
      get residentBytes() {
        return p.memoryBytes();
      },
    }));
  }

  /**
   * What a systemd unit's cgroup holds, as systemctl status reports it: threads of its
   * processes, their resident bytes, and the CPU time used since the unit last started
   * (still known after the unit stopped; undefined if it never ran).
   */
  unitUsage(unit: string): UnitUsage {
    let tasks = 0;
    let memoryBytes = 0;
    let processes = 0;
    for (const p of this.table.list()) {
      if (p.unit !== unit) continue;
      processes++;
      tasks += p.threads;
      memoryBytes += p.memoryBytes();
    }
    return { processes, tasks, memoryBytes, cpuMs: this.table.unitCpuMs(unit) };
  }

  /** The unit starts afresh: its CPU account restarts at zero. */
  resetUnitUsage(unit: string): void {
    this.table.resetUnitCpu(unit);
  }

  kill(pid: number, sig: SignalName, by?: Credentials): boolean {
    return this.table.signal(pid, sig, by) === 'ok';
  }

  /** kill(2) with its errno: ESRCH (no such process) or EPERM (not yours). */
  signal(pid: number, sig: SignalName, by?: Credentials): SignalResult {
    return this.table.signal(pid, sig, by);
  }

  /** The session led by `sid` ended (terminal closed, ssh logout): SIGHUP to all of it but nohup'ed and setsid'ed processes. */
  hangup(sid: number): void {
    this.table.hangup(sid);
  }

  recordEvent(type: string, data: Record<string, unknown> = {}): void {
    this.events.record(this.hostname, type, data);
  }

  fsFor(cred: Credentials): VfsView {
    return this.vfs.view(cred);
  }

  resolveProgram(name: string, opts: { path: string; cwd: string; cred: Credentials }): ResolvedProgram {
    if (!name) return { ok: false, error: 'ENOENT' };
    if (name.includes('/')) return this.programAt(resolvePath(opts.cwd, name), opts.cred);
    let denied: string | undefined;
    for (const dir of opts.path.split(':')) {
      const file = resolvePath(opts.cwd, `${dir || '.'}/${name}`);
      const r = this.programAt(file, opts.cred);
      if (r.ok) return r;
      if (r.error === 'EACCES' && !denied) denied = file;
    }
    // bash reports "Permission denied" when the only match is not executable.
    return denied ? { ok: false, error: 'EACCES', file: denied } : { ok: false, error: 'ENOENT' };
  }

  private programAt(file: string, cred: Credentials): ResolvedProgram {
    const fs = this.fsFor(cred);
    let st;
    try {
      st = fs.stat(file);
    } catch (e) {
      return { ok: false, error: isFsError(e, 'EACCES') ? 'EACCES' : 'ENOENT', file };
    }
    if (st.type === 'dir') return { ok: false, error: 'EISDIR', file };
    if (!fs.access(file, 1)) return { ok: false, error: 'EACCES', file };
    return { ok: true, file, command: commandForFile(file, this.rootFs.readFile(file), this.programs) };
  }

  start(opts: StartOptions): RunningProcess {
    const rec = this.table.create({
      argv: [...opts.argv],
      cred: opts.cred,
      ppid: opts.ppid,
      tty: opts.detached ? undefined : opts.tty?.name,
      unit: opts.unit,
      detached: opts.detached ?? false,
    });
    if (opts.tty && !opts.detached) this.ttys.set(rec.pid, opts.tty);
    const net = this.network.forProcess(opts.cred, rec.pid);
    rec.cleanups.push(() => net.close());
    const stdout = guardOutput(opts.stdout, rec);
    const ctx: CommandContext = {
      argv: [...opts.argv],
      env: { ...opts.env },
      cwd: opts.cwd,
      stdin: guardInput(opts.stdin, rec),
      stdout,
      stderr: guardOutput(opts.stderr, rec),
      signal: rec.controller.signal,
      host: this,
      proc: rec,
      fs: this.fsFor(opts.cred),
      // The program's timers and sockets, charged to it for CPU time (systemctl status's CPU:).
      net: chargedNetwork(net, rec),
      clock: chargedClock(this.clock, rec),
      spawn: opts.spawn ?? this.spawnerFor(rec, () => ctx),
      tty: opts.tty && stdout.isTTY ? { cols: opts.tty.cols, rows: opts.tty.rows } : undefined,
      execve: (command, argv, o) => {
        rec.argv = [...argv];
        for (const s of o?.ignoreSignals ?? []) rec.ignored.add(s);
        // The new program brings its own threads and memory (it declares them if it has more).
        rec.threads = 1;
        rec.memoryBytes = () => typicalResidentBytes(rec.argv);
        return chargeTo(rec, () => command.run({
          ...ctx,
          argv: [...argv],
          env: o?.env ? { ...o.env } : ctx.env,
          stdin: o?.stdin ? guardInput(o.stdin, rec) : ctx.stdin,
          stdout: o?.stdout ? guardOutput(o.stdout, rec) : ctx.stdout,
          stderr: o?.stderr ? guardOutput(o.stderr, rec) : ctx.stderr,
          programVersion: undefined,
        }));
      },
    };
    this.recordEvent('process-start', { pid: rec.pid, ppid: rec.ppid, argv: [...rec.argv], user: rec.cred.user, unit: rec.unit ?? null });
    this.table.run(rec, opts.command, ctx);
    return { info: rec, exited: rec.exited, kill: (sig) => void this.table.signal(rec.pid, sig) };
  }

  /**
   * The Spawner a process gets unless its starter supplied one: children on this host,
   * looked up in PATH, inheriting cwd, env, credentials, streams and terminal, and
   * receiving the parent's signals (Ctrl-C reaches `sudo etcd` and etcd both).
   * Like the shell's spawner, exec() prints nothing and returns 127 (not found) or 126 (not
   * executable) when argv[0] cannot run: callers resolve first when they word the error.
   */
  spawnerFor(parent: ProcessRecord, ctxOf: () => CommandContext): Spawner {
    const run = (command: Command, argv: string[], o: SpawnOptions) => {
      const c = ctxOf();
      const child = this.start({
        command,
        argv,
        env: o.env ?? c.env,
        cwd: o.cwd ?? c.cwd,
        cred: o.cred ?? parent.cred,
        stdin: o.stdin ?? c.stdin,
        stdout: o.stdout ?? c.stdout,
        stderr: o.stderr ?? c.stderr,
        ppid: parent.pid,
        tty: this.ttys.get(parent.pid),
        detached: o.detached,
      });
      const sig = o.signal ?? (o.detached ? undefined : c.signal);
      const forward = () => child.kill((sig?.reason as SignalName | undefined) ?? 'SIGTERM');
      if (sig?.aborted) forward();
      else sig?.addEventListener('abort', forward, { once: true });
      return child.exited.finally(() => sig?.removeEventListener('abort', forward));
    };
    return {
      exec: async (argv, o = {}) => {
        const c = ctxOf();
        const name = argv[0] ?? '';
        const env = o.env ?? c.env;
        if (!name) return 0;
        const r = this.resolveProgram(name, { path: env.PATH ?? DEFAULT_PATH, cwd: o.cwd ?? c.cwd, cred: o.cred ?? parent.cred });
        if (!r.ok) return r.error === 'ENOENT' ? 127 : 126;
        return run(r.command, argv, o);
      },
      script: async (text, o = {}) => {
        const bash = this.programs.get('bash');
        if (!bash) return 127;
        return run(bash, ['bash', '-c', text, 'bash', ...(o.args ?? [])], o);
      },
    };
  }
}

