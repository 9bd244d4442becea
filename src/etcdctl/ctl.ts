// What every etcdctl command shares: its streams, the parsed flags with ETCDCTL_*
// applied, the output printer and a client built the way clientv3 builds one.
import type { Clock } from '../platform/clock.ts';
import type { FileSystem } from '../platform/filesystem.ts';
import { isFsError, resolvePath } from '../platform/filesystem.ts';
import type { Network } from '../platform/network.ts';
import type { InputStream, OutputStream } from '../platform/streams.ts';
import { ExitError, type CommandNode, type RunContext } from './cli/command.ts';
import type { FlagSet } from './cli/flags.ts';
import { goQuoteString } from './format/go-fmt.ts';
import { GatewayClient } from './client/gateway-client.ts';
import { RpcError } from './client/rpc-error.ts';
import type { TlsMaterial } from './client/transport.ts';
import { Printer, type OutputFormat, EXIT_BAD_FEATURE } from './format/printer.ts';

export const EXIT = { error: 1, badConnection: 2, invalidInput: 3, badFeature: 4, interrupted: 5, io: 6, badArgs: 128 } as const;

export interface EtcdctlOptions {
  /** Arguments without the program name. */
  argv: string[];
  env: Record<string, string>;
  stdin: InputStream;
  stdout: OutputStream;
  stderr: OutputStream;
  net: Network;
  /** Read with the process's permissions (cert and key files, snapshot output). */
  fs: FileSystem;
  signal: AbortSignal;
  clock: Clock;
  /** The etcdctl version to report, e.g. "3.6.4". */
  version?: string;
  /** The working directory for relative paths (default /). */
  cwd?: string;
  /** Runs a program for `watch -- cmd` (the sandbox's spawner); without it such watches only print. */
  exec?: (argv: string[], env: Record<string, string>) => Promise<number>;
  /** Turns the terminal's echo off and on (password prompts); absent when stdin is no terminal. */
  setEcho?: (on: boolean) => void;
}

export class Ctl {
  readonly version: string;
  readonly apiVersion: string;
  /**
   * Set by a command that catches SIGINT/SIGTERM itself (Go's signal.Notify: lock, elect):
   * it cleans up and its own exit status stands, instead of the signal's 128+N.
   */
  handlesSignals = false;
  private printerCache: Printer | undefined;

  constructor(readonly o: EtcdctlOptions) {
    this.version = o.version ?? '3.6.4';
    this.apiVersion = this.version.split('.').slice(0, 2).join('.');
  }

  async out(s: string | Uint8Array): Promise<void> {
    if (s.length) await this.o.stdout.write(s);
  }
  async err(s: string): Promise<void> {
    if (s) await this.o.stderr.write(s);
  }

  path(p: string): string {
    return resolvePath(this.o.cwd ?? '/', p);
  }

  zapTs(): string {
    return new Date(this.o.clock.now()).toISOString().replace(/(\.\d{3})Z$/, '$1000Z');
  }

  /**
   * pkg/flags SetPflagsFromEnv over the command's inherited flags: ETCDCTL_<FLAG> fills a
   * flag not given on the command line; one given on both is fatal; other ETCDCTL_*
   * variables are warned about.
   */
  async applyEnv(run: RunContext): Promise<void> {
    const inherited = run.cmd.inheritedFlags().map((f) => f.name);
    if (run.cmd.name === 'watch') inherited.push('watch-key', 'watch-range-end');
    const toEnv = (n: string) => 'ETCDCTL_' + n.toUpperCase().replace(/-/g, '_');
    const alreadySet = new Set<string>();
    const used = new Set<string>();
    for (const name of inherited) {
      const key = toEnv(name);
      if (run.flags.changed.has(name)) {
        alreadySet.add(key);
        continue;
      }
      const val = this.o.env[key];
      if (val !== undefined && val !== '') {
        used.add(key);
        if (name === 'watch-key' || name === 'watch-range-end') continue;
        try {
          run.flags.set(name, val);
        } catch (e) {
          throw new ExitError(EXIT.error, `invalid value ${goQuoteString(val)} for ${key}: ${(e as Error).message}`);
        }
      }
    }
    for (const [k, v] of Object.entries(this.o.env)) {
      if (used.has(k)) continue;
      if (alreadySet.has(k)) {
        const trace = [
          'go.etcd.io/etcd/pkg/v3/flags.verifyEnv',
          `\tgo.etcd.io/etcd/pkg/v3@v${this.version}/flags/flag.go:86`,
          'go.etcd.io/etcd/pkg/v3/flags.SetPflagsFromEnv',
          `\tgo.etcd.io/etcd/pkg/v3@v${this.version}/flags/flag.go:62`,
          'go.etcd.io/etcd/etcdctl/v3/ctlv3/command.clientConfigFromCmd',
          `\tgo.etcd.io/etcd/etcdctl/v3/ctlv3/command/global.go:112`,
        ].join('\n');
        await this.err(
          JSON.stringify({
            level: 'fatal',
            ts: this.zapTs(),
            caller: 'flags/flag.go:86',
            msg: 'conflicting environment variable is shadowed by corresponding command-line flag (either unset environment variable or disable flag))',
            'environment-variable': k,
            stacktrace: trace,
          }) + '\n',
        );
        throw new ExitError(EXIT.error);
      }
      if (k.startsWith('ETCDCTL_')) {
        await this.err(
          JSON.stringify({ level: 'warn', ts: this.zapTs(), caller: 'flags/flag.go:94', msg: 'unrecognized environment variable', 'environment-variable': `${k}=${v}` }) + '\n',
        );
      }
    }
  }

  /** clientConfigFromCmd: env, then output format; exits as etcdctl does on a bad format. */
  async config(run: RunContext): Promise<void> {
    await this.applyEnv(run);
    if (run.flags.bool('debug')) {
      // --debug lists every inherited flag as the ETCDCTL_* variable that would set it.
      for (const f of run.cmd.inheritedFlags().sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const v = f.kind === 'stringSlice' ? `[${run.flags.stringSlice(f.name).join(',')}]` : run.flags.string(f.name);
        await this.err(`ETCDCTL_${f.name.toUpperCase().replace(/-/g, '_')}=${v}\n`);
      }
    }
    await this.discovery(run.flags);
    this.authCache = await this.auth(run.flags);
    this.printer(run.flags);
  }

  /** --discovery-srv: the lab's hosts have no DNS server to ask, so the SRV lookups fail as Go's resolver reports. */
  private async discovery(flags: FlagSet): Promise<void> {
    const domain = flags.string('discovery-srv');
    if (domain === '') return;
    const name = flags.string('discovery-srv-name');
    const svc = (base: string) => `_${base}${name ? '-' + name : ''}._tcp.${domain}`;
    let ns = '127.0.0.53:53';
    try {
      const conf = Buffer.from(this.o.fs.readFile('/etc/resolv.conf')).toString('utf8');
      const m = /^nameserver\s+(\S+)/m.exec(conf);
      if (m) ns = `${m[1]}:53`;
    } catch {
      /* no resolv.conf: Go falls back to the loopback resolver */
    }
    const err = (s: string) => `lookup ${s} on ${ns}: no such host`;
    throw new ExitError(EXIT.error, `dns lookup errors: ${err(svc('etcd-client-ssl'))} and ${err(svc('etcd-client'))}`);
  }

  printer(flags: FlagSet): Printer {
    if (this.printerCache) return this.printerCache;
    const f = flags.string('write-out');
    if (!['simple', 'fields', 'json', 'table', 'protobuf'].includes(f)) throw new ExitError(EXIT_BAD_FEATURE, 'unsupported output format');
    this.printerCache = new Printer(f as OutputFormat, flags.bool('hex'));
    return this.printerCache;
  }

  endpoints(flags: FlagSet): string[] {
    return flags.stringSlice('endpoints').map((e) => e.trim());
  }

  commandTimeoutMs(flags: FlagSet): number {
    return flags.duration('command-timeout');
  }

  private readFileGo(p: string): string {
    try {
      return Buffer.from(this.o.fs.readFile(this.path(p))).toString('utf8');
    } catch (e) {
      if (isFsError(e)) throw new ExitError(EXIT.badArgs, `open ${p}: ${e.goMessage().replace(/^\S+ \S+: /, '')}`);
      throw e;
    }
  }

  /** The TLS settings clientv3 derives from the flags, or undefined for a plain-text client. */
  tlsMaterial(flags: FlagSet): TlsMaterial | undefined {
    for (const n of ['cert', 'key', 'cacert']) {
      if (flags.changed.has(n) && flags.string(n) === '') throw new ExitError(EXIT.badArgs, `empty string is passed to --${n} option`);
    }
    const cert = flags.string('cert');
    const key = flags.string('key');
    const cacert = flags.string('cacert');
    const skipVerify = flags.bool('insecure-skip-tls-verify');
    const insecureTransport = flags.bool('insecure-transport');
    let m: TlsMaterial | undefined;
    if (cert || key || cacert) {
      if ((cert === '') !== (key === '')) throw new ExitError(EXIT.badArgs, `KeyFile and CertFile must both be present[key: ${key}, cert: ${cert}]`);
      m = { skipVerify };
      if (cert) {
        m.cert = this.readFileGo(cert);
        m.key = this.readFileGo(key);
        if (!/-----BEGIN [A-Z ]*CERTIFICATE-----/.test(m.cert)) throw new ExitError(EXIT.badArgs, 'tls: failed to find any PEM data in certificate input');
        if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(m.key)) throw new ExitError(EXIT.badArgs, 'tls: failed to find any PEM data in key input');
      }
      if (cacert) {
        m.ca = this.readFileGo(cacert);
        if (!/-----BEGIN CERTIFICATE-----/.test(m.ca)) throw new ExitError(EXIT.badArgs, 'failed to append certificates');
      }
    }
    if (!m && !insecureTransport) m = { skipVerify };
    if (skipVerify && !m) m = { skipVerify };
    return m;
  }

  /** authCfgFromCmd: "user:password", or --user with --password; a bare user is asked for a password. */
  private async auth(flags: FlagSet): Promise<{ username?: string; password?: string }> {
    const user = flags.string('user');
    if (user === '') return {};
    const password = flags.string('password');
    if (password !== '') return { username: user, password };
    const i = user.indexOf(':');
    if (i >= 0) return { username: user.slice(0, i), password: user.slice(i + 1) };
    // speakeasy reads the password from the terminal without echo; here, the next input line.
    await this.out('Password: ');
    let line = '';
    for (let c = await this.o.stdin.read(); c !== null; c = await this.o.stdin.read()) {
      line += Buffer.from(c).toString('utf8');
      if (line.includes('\n')) break;
    }
    await this.out('\n');
    return { username: user, password: line.split('\n')[0]!.replace(/\r$/, '') };
  }

  private authCache: { username?: string; password?: string } | undefined;

  /** mustClient: bad TLS files end the program with status 128. */
  client(flags: FlagSet, endpoints?: string[], loggerName?: string): GatewayClient {
    const auth = this.authCache ?? {};
    return new GatewayClient({
      username: auth.username,
      password: auth.password,
      endpoints: endpoints ?? this.endpoints(flags),
      net: this.o.net,
      clock: this.o.clock,
      tls: this.tlsMaterial(flags),
      dialTimeoutMs: flags.duration('dial-timeout'),
      signal: this.o.signal,
      log: (l) => void this.err(l),
      loggerName,
      version: this.version,
    });
  }
}

/** Turns a failed call into etcdctl's exit: "Error: <text>" and the given status. */
export function rpcExit(e: unknown, code: number = EXIT.error, wrap?: (t: string) => string): never {
  if (e instanceof RpcError) throw new ExitError(e.duringAuthentication ? EXIT.badConnection : code, wrap ? wrap(e.text) : e.text);
  throw e;
}

export type CommandRun = (ctl: Ctl, run: RunContext) => Promise<void>;
export type { CommandNode };
