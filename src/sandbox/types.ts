// The contract between the shell, the virtual host and the programs it runs.
// A program (coreutils, etcd, etcdctl, openssl, systemctl …) is a Command; it sees the
// host only through its CommandContext, with the credentials of the process running it.
import type { Clock } from '../platform/clock.ts';
import type { FileSystem } from '../platform/filesystem.ts';
import type { Network } from '../platform/network.ts';
import type { InputStream, OutputStream } from './io.ts';

export { SIGNAL_NUMBERS, type SignalName } from '../platform/signals.ts';
import type { SignalName } from '../platform/signals.ts';

/** Who a process runs as. */
export interface Credentials {
  uid: number;
  gid: number;
  /** Supplementary groups. */
  groups: number[];
  user: string;
}

/** Runs another program or script on the same host (sudo, xargs, bash -c, ssh, systemd). */
export interface Spawner {
  /** Runs argv (looked up in PATH like execvp). Returns the exit status. */
  exec(argv: string[], opts?: SpawnOptions): Promise<number>;
  /** Runs a shell script text (bash -c). */
  script(text: string, opts?: SpawnOptions & { args?: string[] }): Promise<number>;
}

export interface SpawnOptions {
  env?: Record<string, string>;
  cwd?: string;
  cred?: Credentials;
  stdin?: InputStream;
  stdout?: OutputStream;
  stderr?: OutputStream;
  signal?: AbortSignal;
  /** Start as its own session: survives the end of the terminal/ssh session (setsid, nohup, systemd). */
  detached?: boolean;
}

/** A running program, as the process table knows it. */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly cred: Credentials;
  readonly argv: readonly string[];
  readonly startedAt: number;
  /** The terminal it belongs to ('pts/0'), or undefined for daemons. */
  readonly tty: string | undefined;
  /** Set when a systemd unit owns it. */
  readonly unit: string | undefined;
}

/** What a program gets when it runs. */
export interface CommandContext {
  /** argv[0] is the name as invoked. */
  readonly argv: string[];
  /** The exported environment (a copy; changing it does not affect the shell). */
  readonly env: Record<string, string>;
  readonly cwd: string;
  readonly stdin: InputStream;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** Aborted when the process gets a terminating signal; `signal.reason` is the SignalName. */
  readonly signal: AbortSignal;
  readonly host: Host;
  readonly proc: ProcessInfo;
  /** The host's disk, with this process's permissions enforced. */
  readonly fs: FileSystem;
  /** The host's network; listeners and sockets opened here close when the process ends. */
  readonly net: Network;
  readonly clock: Clock;
  /** Runs other programs as children of this process. */
  readonly spawn: Spawner;
  /** Terminal size when stdout is a TTY. */
  readonly tty?: { cols: number; rows: number };
  /** The version named by the program file that was run (`etcd 3.6.4` installed from a tarball); see src/sandbox/programs.ts. */
  readonly programVersion?: string;
  /**
   * Replaces this process's program, keeping its pid, streams and signal (execve). nohup
   * uses it so `nohup etcd &` leaves one process, named etcd, that ignores SIGHUP.
   * Supplied by the host; absent when a command runs outside one.
   */
  readonly execve?: (
    command: Command,
    argv: string[],
    opts?: { env?: Record<string, string>; ignoreSignals?: SignalName[]; stdin?: InputStream; stdout?: OutputStream; stderr?: OutputStream },
  ) => Promise<number>;
}

export interface Command {
  /** The program name (the file name under /usr/bin, /usr/local/bin …). */
  readonly name: string;
  /** One line shown by `help`-like listings. */
  readonly summary: string;
  /** Exit status: 0 ok; 128+N when ended by signal N. */
  run(ctx: CommandContext): Promise<number>;
}

/**
 * A virtual Linux host. Implemented in src/sandbox/host.ts; the interface lives here
 * so programs can depend on it without importing the implementation.
 */
export interface Host {
  readonly hostname: string;
  /** The host's address on the lab network (eth0), e.g. 10.0.0.11. */
  readonly ip: string;
  readonly clock: Clock;
  /** The whole disk as root sees it (no permission checks). */
  readonly rootFs: FileSystem;
  /** Resolve a user or group name / id (from /etc/passwd and /etc/group on the disk). */
  users: UserDatabase;
  /** A snapshot of running processes. */
  processes(): ProcessInfo[];
  /** Sends a signal to a process; false when no such process (or not permitted for cred). */
  kill(pid: number, sig: SignalName, by?: Credentials): boolean;
  /** Records something a lab check may ask about later (quorum lost, watch started …). */
  recordEvent(type: string, data?: Record<string, unknown>): void;
  /** The disk as seen by a process with these credentials (permissions enforced). */
  fsFor(cred: Credentials): FileSystem;
  /**
   * Finds a program like execvp: a name with a '/' is a path (relative to cwd), otherwise
   * each PATH entry is tried. The file must be executable by cred. A program file on the
   * disk names the built-in Command it runs (see src/sandbox/programs.ts).
   */
  resolveProgram(name: string, opts: { path: string; cwd: string; cred: Credentials }): ResolvedProgram;
  /** Starts a process running a Command; the shell, sudo, ssh and systemd all start programs this way. */
  start(opts: StartOptions): RunningProcess;
}

export type ResolvedProgram =
  | { ok: true; file: string; command: Command }
  /** ENOENT: not found (bash: "command not found" for bare names); EACCES: not executable; EISDIR. */
  | { ok: false; error: 'ENOENT' | 'EACCES' | 'EISDIR'; file?: string };

export interface StartOptions {
  command: Command;
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  cred: Credentials;
  stdin: InputStream;
  stdout: OutputStream;
  stderr: OutputStream;
  /** Parent process id (the shell's). */
  ppid: number;
  /** The controlling terminal, when run from one. */
  tty?: { name: string; cols: number; rows: number };
  /** Own session: not ended with the terminal/ssh session (setsid, nohup, systemd). */
  detached?: boolean;
  /** The systemd unit that owns it. */
  unit?: string;
  /** Runs other programs for this one (sudo, xargs, bash -c). Supplied by whoever wires the host to a shell. */
  spawn?: Spawner;
}

export interface RunningProcess {
  readonly info: ProcessInfo;
  /** Resolves with the exit status once the process has ended (128+N when killed by signal N). */
  readonly exited: Promise<number>;
  kill(sig: SignalName): void;
}

export interface UserEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
  gecos: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export interface UserDatabase {
  byName(name: string): UserEntry | undefined;
  byUid(uid: number): UserEntry | undefined;
  groupByName(name: string): GroupEntry | undefined;
  groupByGid(gid: number): GroupEntry | undefined;
  /** Credentials of a user, with supplementary groups. */
  credentials(name: string): Credentials | undefined;
}
