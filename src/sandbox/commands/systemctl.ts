// systemctl (systemd 252): control the host's service manager (src/sandbox/systemd).
// daemon-reload, start/stop/restart/reload, enable/disable [--now], status, is-active,
// is-enabled, is-failed, cat, show -p, list-units, reset-failed, kill — with systemctl's
// messages, warnings and exit statuses (3 for "not active", 4 for "no such unit").
import type { Command, CommandContext, SignalName } from '../types.ts';
import { managerFor, unitName, type ServiceManager, type Unit } from '../systemd/manager.ts';
import { relative, statusText, timestamp, usageOf } from '../systemd/status-format.ts';

const HELP = `systemctl [OPTIONS...] COMMAND ...

Query or send control commands to the system manager.

Unit Commands:
  list-units [PATTERN...]             List units currently in memory
  is-active PATTERN...                Check whether units are active
  is-failed PATTERN...                Check whether units are failed
  status [PATTERN...|PID...]          Show runtime status of one or more units
  show [PATTERN...|JOB...]            Show properties of one or more
                                      units/jobs or the manager
  cat PATTERN...                      Show files and drop-ins of specified units
  start UNIT...                       Start (activate) one or more units
  stop UNIT...                        Stop (deactivate) one or more units
  reload UNIT...                      Reload one or more units
  restart UNIT...                     Start or restart one or more units
  kill UNIT...                        Send signal to processes of a unit
  reset-failed [PATTERN...]           Reset failed state for all, one, or more
                                      units

Unit File Commands:
  list-unit-files [PATTERN...]        List installed unit files
  enable [UNIT...|PATH...]            Enable one or more unit files
  disable UNIT...                     Disable one or more unit files
  is-enabled UNIT...                  Check whether unit files are enabled

Manager State Commands:
  daemon-reload                       Reload systemd manager configuration

Options:
  -h --help              Show this help
     --version           Show package version
  -t --type=TYPE         List units of a particular type
  -a --all               Show all properties/all units currently in memory
  -p --property=NAME     Show only properties by this name
  -P NAME                Equivalent to --value --property=NAME
     --value             When showing properties, only print the value
  -q --quiet             Suppress output
     --no-pager          Do not pipe output into a pager
     --now               Start or stop unit after enabling or disabling it
  -n --lines=INTEGER     Number of journal entries to show
  -s --signal=SIGNAL     Which signal to send
  -l --full              Don't ellipsize unit names on output
`;

const VERSION = `systemd 252 (252.36-1~deb12u1)
+PAM +AUDIT +SELINUX +APPARMOR +IMA +SMACK +SECCOMP +GCRYPT -GNUTLS +OPENSSL +ACL +BLKID +CURL +ELFUTILS +FIDO2 +IDN2 -IDN +IPTC +KMOD +LIBCRYPTSETUP +LIBFDISK +PCRE2 -PWQUALITY +P11KIT +QRENCODE +TPM2 +BZIP2 +LZ4 +XZ +ZLIB +ZSTD -BPF_FRAMEWORK -XKBCOMMON +UTMP +SYSVINIT default-hierarchy=unified
`;

interface Opts {
  verb: string | undefined;
  args: string[];
  now: boolean;
  quiet: boolean;
  all: boolean;
  value: boolean;
  properties: string[];
  type: string | undefined;
  lines: number;
  signal: string;
  /** -l: do not shorten long lines to the terminal's width. */
  full: boolean;
  noReload: boolean;
}

class Usage extends Error {}

function parse(argv: string[]): Opts | 'help' | 'version' {
  const o: Opts = { verb: undefined, args: [], now: false, quiet: false, all: false, value: false, properties: [], type: undefined, lines: 10, signal: 'SIGTERM', full: false, noReload: false };
  const rest = argv.slice(1);
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const next = (flag: string) => {
      if (i + 1 >= rest.length) throw new Usage(`systemctl: option '${flag}' requires an argument`);
      return rest[++i]!;
    };
    if (a.startsWith('--')) {
      const [name, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
      switch (name) {
        case '--help':
          return 'help';
        case '--version':
          return 'version';
        case '--now':
          o.now = true;
          break;
        case '--quiet':
          o.quiet = true;
          break;
        case '--all':
          o.all = true;
          break;
        case '--value':
          o.value = true;
          break;
        case '--full':
          o.full = true;
          break;
        case '--no-reload':
          o.noReload = true;
          break;
        case '--no-pager':
        case '--no-legend':
        case '--system':
        case '--no-block':
        case '--no-ask-password':
          break;
        case '--property':
          o.properties.push(...(inline ?? next(name)).split(','));
          break;
        case '--type':
          o.type = inline ?? next(name);
          break;
        case '--lines':
          o.lines = Number(inline ?? next(name));
          break;
        case '--signal':
          o.signal = inline ?? next(name);
          break;
        default:
          throw new Usage(`systemctl: unrecognized option '${a}'`);
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        const val = () => {
          const v = a.slice(j + 1) || next(`-${c}`);
          j = a.length;
          return v;
        };
        if (c === 'h') return 'help';
        else if (c === 'q') o.quiet = true;
        else if (c === 'a') o.all = true;
        else if (c === 'l') o.full = true;
        else if (c === 'p') o.properties.push(...val().split(','));
        else if (c === 'P') {
          o.value = true;
          o.properties.push(...val().split(','));
        } else if (c === 't') o.type = val();
        else if (c === 'n') o.lines = Number(val());
        else if (c === 's') o.signal = val();
        else throw new Usage(`systemctl: invalid option -- '${c}'`);
      }
      continue;
    }
    if (o.verb === undefined) o.verb = a;
    else o.args.push(a);
  }
  return o;
}

const CHANGED = (name: string) => `Warning: The unit file, source configuration file or drop-ins of ${name} changed on disk. Run 'systemctl daemon-reload' to reload units.\n`;

const JOB_FAILED: Record<string, string> = {
  'exit-code': 'the control process exited with error code',
  signal: 'a fatal signal was delivered to the control process',
  'core-dump': 'a fatal signal was delivered causing the control process to dump core',
  timeout: 'a timeout was exceeded',
  resources: 'of unavailable resources or another system error',
  'start-limit-hit': 'start of the service was attempted too often',
};

const NO_INSTALL = `The unit files have no installation config (WantedBy=, RequiredBy=, Also=,
Alias= settings in the [Install] section, and DefaultInstance= for template
units). This means they are not meant to be enabled or disabled using systemctl.
 
Possible reasons for having these kinds of units are:
• A unit may be statically enabled by being symlinked from another unit's
  .wants/ or .requires/ directory.
• A unit's purpose may be to act as a helper for some other unit which has
  a requirement dependency on it.
• A unit may be started when needed via activation (socket, path, timer,
  D-Bus, udev, scripted systemctl call, ...).
• In case of template units, the unit is meant to be enabled with some
  instance name specified.
`;

class Systemctl {
  constructor(
    readonly ctx: CommandContext,
    readonly o: Opts,
    readonly m: ServiceManager,
  ) {}

  out = (s: string) => this.ctx.stdout.write(s);
  err = (s: string) => this.ctx.stderr.write(s);
  get root(): boolean {
    return this.ctx.proc.cred.uid === 0;
  }

  async warnChanged(u: Unit): Promise<void> {
    if (u.loadState !== 'not-found' && this.m.changedOnDisk(u)) await this.err(CHANGED(u.name));
  }

  async needUnits(verb: string): Promise<boolean> {
    if (this.o.args.length) return true;
    await this.err(`Too few arguments.\n`);
    void verb;
    return false;
  }

  async jobFailed(u: Unit, result: string | undefined): Promise<void> {
    await this.err(`Job for ${u.name} failed because ${JOB_FAILED[result ?? 'exit-code'] ?? JOB_FAILED['exit-code']}.\nSee "systemctl status ${u.name}" and "journalctl -xeu ${u.name}" for details.\n`);
  }

  /** start / stop / restart / reload: one job per unit, like systemctl waits for each. */
  async job(verb: 'start' | 'stop' | 'restart' | 'reload' | 'try-restart'): Promise<number> {
    if (!(await this.needUnits(verb))) return 1;
    let status = 0;
    for (const arg of this.o.args) {
      const name = unitName(arg);
      if (!this.root) {
        await this.err(`Failed to ${verb} ${name}: Access denied\nSee system logs and 'systemctl status ${name}' for details.\n`);
        status = 4;
        continue;
      }
      const u = this.m.unit(name);
      await this.warnChanged(u);
      if (u.loadState === 'not-found') {
        if (verb === 'stop') {
          await this.err(`Failed to stop ${name}: Unit ${name} not loaded.\n`);
        } else await this.err(`Failed to ${verb} ${name}: Unit ${name} not found.\n`);
        status = 5;
        continue;
      }
      if (u.loadState === 'bad-setting' && verb !== 'stop') {
        await this.err(`Failed to ${verb} ${name}: Unit ${name} has a bad unit file setting.\nSee system logs and 'systemctl status ${name}' for details.\n`);
        status = 1;
        continue;
      }
      if (verb === 'stop') {
        await this.m.stop(name);
        continue;
      }
      if (verb === 'reload') {
        // Our services have no ExecReload=: systemctl says so, as systemd does.
        await this.err(`Failed to reload ${name}: Job type reload is not applicable for unit ${name}.\n`);
        status = 1;
        continue;
      }
      if (verb === 'try-restart' && !this.m.isActiveLike(u)) continue;
      const r = verb === 'start' ? await this.m.start(name) : await this.m.restart(name);
      if (!r.ok) {
        await this.jobFailed(u, r.result);
        status = 1;
      }
    }
    return status;
  }

  async enableDisable(verb: 'enable' | 'disable'): Promise<number> {
    if (!(await this.needUnits(verb))) return 1;
    if (!this.root) {
      await this.err(`Failed to ${verb} unit: Access denied\n`);
      return 1;
    }
    const units: Unit[] = [];
    for (const arg of this.o.args) {
      const u = this.m.unit(arg);
      if (u.loadState === 'not-found' || !u.loaded) {
        await this.err(`Failed to ${verb} unit: Unit file ${u.name} does not exist.\n`);
        return 1;
      }
      units.push(u);
    }
    let status = 0;
    let noInstall = false;
    for (const u of units) {
      if (verb === 'enable') {
        if (!u.loaded!.config.hasInstall) {
          noInstall = true;
          continue;
        }
        for (const [link, target] of this.m.enable(u)) if (!this.o.quiet) await this.err(`Created symlink ${link} \u2192 ${target}.\n`);
      } else {
        for (const link of this.m.disable(u)) if (!this.o.quiet) await this.err(`Removed "${link}".\n`);
      }
    }
    if (noInstall && !this.o.quiet) await this.err(NO_INSTALL);
    // Like systemctl, enable/disable end with a daemon reload (unless --no-reload).
    if (!this.o.noReload) this.m.daemonReload();
    if (this.o.now) {
      for (const u of units) {
        if (verb === 'enable') {
          const r = await this.m.start(u.name);
          if (!r.ok) {
            if (r.error === 'bad-setting') await this.err(`Failed to start ${u.name}: Unit ${u.name} has a bad unit file setting.\nSee system logs and 'systemctl status ${u.name}' for details.\n`);
            else await this.jobFailed(u, r.result);
            status = 1;
          }
        } else await this.m.stop(u.name);
      }
    }
    return status;
  }

  async status(): Promise<number> {
    const units = this.o.args.length ? this.o.args.map((a) => this.m.unit(a)) : this.m.list();
    if (!this.o.args.length) {
      const failed = units.filter((u) => u.activeState === 'failed').length;
      const since = bootTime(this.ctx);
      // The cgroup tree: PID 1 in init.scope, each service's processes under system.slice.
      const procs = this.ctx.host.processes();
      const services = units.filter((u) => procs.some((p) => p.unit === u.name));
      const tree = ['           ├─init.scope', `           │ └─1 /sbin/init`, '           └─system.slice'];
      services.forEach((u, i) => {
        const last = i === services.length - 1;
        tree.push(`             ${last ? '└' : '├'}─${u.name}`);
        const mine = procs.filter((p) => p.unit === u.name);
        mine.forEach((p, k) => tree.push(`             ${last ? ' ' : '│'} ${k === mine.length - 1 ? '└' : '├'}─${p.pid} ${p.argv.join(' ')}`));
      });
      await this.out(
        `● ${this.ctx.host.hostname}\n    State: ${failed ? 'degraded' : 'running'}\n    Units: ${units.length} loaded (incl. loaded aliases)\n     Jobs: 0 queued\n   Failed: ${failed} units\n    Since: ${timestamp(since)}; ${relative(since, this.ctx.clock.now())}\n  systemd: 252.36-1~deb12u1\n   CGroup: /\n${tree.join('\n')}\n`,
      );
      return 0;
    }
    let status = 0;
    let first = true;
    for (const u of units) {
      if (u.loadState === 'not-found' && u.activeState === 'inactive') {
        await this.err(`Unit ${u.name} could not be found.\n`);
        status = 4;
        continue;
      }
      if (!first) await this.out('\n');
      first = false;
      let text = statusText(this.m, this.ctx.host, u, this.o.lines, this.ctx.proc.cred);
      // On a terminal systemctl shortens long lines (journal JSON) to the width, with an ellipsis.
      const cols = this.ctx.tty?.cols;
      if (this.ctx.stdout.isTTY && cols && !this.o.full) text = text.split('\n').map((l) => ([...l].length > cols ? [...l].slice(0, cols - 1).join('') + '\u2026' : l)).join('\n');
      await this.out(text);
      await this.warnChanged(u);
      if (!this.m.isActiveLike(u) && status === 0) status = 3;
    }
    return status;
  }

  async isActive(): Promise<number> {
    if (!(await this.needUnits('is-active'))) return 1;
    let any = false;
    for (const a of this.o.args) {
      const u = this.m.unit(a);
      const state = u.subState === 'auto-restart' ? 'activating' : u.activeState;
      if (state === 'active') any = true;
      if (!this.o.quiet) await this.out(`${state}\n`);
    }
    return any ? 0 : 3;
  }

  async isFailed(): Promise<number> {
    if (!(await this.needUnits('is-failed'))) return 1;
    let any = false;
    for (const a of this.o.args) {
      const u = this.m.unit(a);
      if (u.activeState === 'failed') any = true;
      if (!this.o.quiet) await this.out(`${u.activeState}\n`);
    }
    return any ? 0 : 1;
  }

  async isEnabled(): Promise<number> {
    if (!(await this.needUnits('is-enabled'))) return 1;
    let any = false;
    for (const a of this.o.args) {
      const u = this.m.unit(a);
      const state = this.m.unitFileState(u);
      if (state === undefined) {
        await this.err(`Failed to get unit file state for ${u.name}: No such file or directory\n`);
        return 1;
      }
      if (state === 'enabled' || state === 'static') any = true;
      if (!this.o.quiet) await this.out(`${state}\n`);
    }
    return any ? 0 : 1;
  }

  async cat(): Promise<number> {
    if (!(await this.needUnits('cat'))) return 1;
    let first = true;
    for (const a of this.o.args) {
      const u = this.m.unit(a);
      if (!u.path) {
        await this.err(`No files found for ${u.name}.\n`);
        return 1;
      }
      await this.warnChanged(u);
      if (!first) await this.out('\n');
      first = false;
      const text = new TextDecoder().decode(this.ctx.host.rootFs.readFile(u.path));
      await this.out(`# ${u.path}\n${text}${text.endsWith('\n') || !text ? '' : '\n'}`);
    }
    return 0;
  }

  properties(u: Unit): [string, string][] {
    const cfg = u.loaded?.config;
    const ts = (ms: number | undefined) => (ms === undefined ? '' : timestamp(ms));
    // The cgroup's figures: systemd prints "[not set]" for what a unit without a cgroup lacks.
    const usage = usageOf(this.m.host, u.name);
    const live = usage && usage.processes > 0 ? usage : undefined;
    const NOT_SET = '[not set]';
    return [
      ['Type', cfg?.type ?? 'simple'],
      ['Restart', cfg?.restart ?? 'no'],
      ['MainPID', String(u.process?.info.pid ?? 0)],
      ['Result', u.result],
      ['NRestarts', String(u.nRestarts)],
      ['ExecMainStatus', String(u.lastExit?.status ?? 0)],
      ['Environment', (cfg?.environment ?? []).map(([k, v]) => `${k}=${v}`).join(' ')],
      ['User', cfg?.user ?? ''],
      ['Group', cfg?.group ?? ''],
      ['WorkingDirectory', cfg?.workingDirectory ?? ''],
      ['Id', u.name],
      ['Names', u.name],
      ['Description', cfg?.description ?? u.name],
      ['LoadState', u.loadState],
      ['ActiveState', u.activeState],
      ['SubState', u.subState],
      ['FragmentPath', u.path ?? ''],
      ['UnitFileState', this.m.unitFileState(u) ?? ''],
      ['UnitFilePreset', 'enabled'],
      ['ActiveEnterTimestamp', ts(u.activeEnterAt)],
      ['StateChangeTimestamp', ts(u.stateSince)],
      ['WantedBy', (cfg?.wantedBy ?? []).join(' ')],
      ['After', (cfg?.after ?? []).join(' ')],
      ['Wants', (cfg?.wants ?? []).join(' ')],
      ['Documentation', (cfg?.documentation ?? []).map((d) => `"${d}"`).join(' ')],
      ['LimitNOFILE', cfg?.limitNofile === undefined ? '524288' : String(cfg.limitNofile)],
      ['NeedDaemonReload', this.m.changedOnDisk(u) ? 'yes' : 'no'],
      ['MemoryCurrent', live ? String(Math.floor(live.memoryBytes)) : NOT_SET],
      ['CPUUsageNSec', usage?.cpuMs !== undefined ? String(Math.floor(usage.cpuMs * 1e6)) : NOT_SET],
      ['TasksCurrent', live ? String(live.tasks) : NOT_SET],
    ];
  }

  async show(): Promise<number> {
    const units = this.o.args.map((a) => this.m.unit(a));
    let first = true;
    for (const u of units) {
      if (!first && !this.o.value) await this.out('\n');
      first = false;
      let props = this.properties(u);
      if (this.o.properties.length) props = this.o.properties.map((p) => [p, props.find(([k]) => k === p)?.[1] ?? ''] as [string, string]).filter(([k]) => this.o.all || props.some(([x]) => x === k));
      for (const [k, v] of props) await this.out(this.o.value ? `${v}\n` : `${k}=${v}\n`);
    }
    return 0;
  }

  async listUnits(): Promise<number> {
    if (this.o.type && !['service', 'unit'].includes(this.o.type)) {
      await this.out(`  UNIT LOAD ACTIVE SUB DESCRIPTION\n\n0 loaded units listed.\n`);
      return 0;
    }
    const units = this.m.list().filter((u) => this.o.all || u.activeState !== 'inactive');
    const rows = units.map((u) => [u.name, u.loadState, u.subState === 'auto-restart' ? 'activating' : u.activeState, u.subState, u.loaded?.config.description ?? u.name]);
    const w = [4, 4, 6, 3].map((min, i) => Math.max(min, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[], mark: string) => `${mark} ${r[0]!.padEnd(w[0]!)} ${r[1]!.padEnd(w[1]!)} ${r[2]!.padEnd(w[2]!)} ${r[3]!.padEnd(w[3]!)} ${r[4]}`.trimEnd() + '\n';
    let text = line(['UNIT', 'LOAD', 'ACTIVE', 'SUB', 'DESCRIPTION'], ' ');
    for (const r of rows) text += line(r, r[2] === 'failed' ? '●' : ' ');
    text += `\nLOAD   = Reflects whether the unit definition was properly loaded.\nACTIVE = The high-level unit activation state, i.e. generalization of SUB.\nSUB    = The low-level unit activation state, values depend on unit type.\n`;
    text += `${rows.length} loaded units listed.${this.o.all ? '' : ' Pass --all to see loaded but inactive units, too.'}\nTo show all installed unit files use 'systemctl list-unit-files'.\n`;
    await this.out(text);
    return 0;
  }

  async listUnitFiles(): Promise<number> {
    const rows = this.m
      .list()
      .filter((u) => u.path)
      .map((u) => {
        const state = this.m.unitFileState(u) ?? 'bad';
        return [u.name, state, state === 'static' ? '-' : 'enabled'];
      });
    const w = [9, 5].map((min, i) => Math.max(min, ...rows.map((r) => r[i]!.length)));
    let text = `${'UNIT FILE'.padEnd(w[0]!)} ${'STATE'.padEnd(w[1]!)} PRESET\n`;
    for (const r of rows) text += `${r[0]!.padEnd(w[0]!)} ${r[1]!.padEnd(w[1]!)} ${r[2]}\n`;
    text += `\n${rows.length} unit files listed.\n`;
    await this.out(text);
    return 0;
  }

  async kill(): Promise<number> {
    if (!(await this.needUnits('kill'))) return 1;
    const sig = (this.o.signal.startsWith('SIG') ? this.o.signal : `SIG${this.o.signal}`).toUpperCase() as SignalName;
    for (const a of this.o.args) {
      const u = this.m.unit(a);
      if (!this.root) {
        await this.err(`Failed to kill unit ${u.name}: Access denied\n`);
        return 1;
      }
      if (!this.m.kill(u, sig)) {
        await this.err(`Failed to kill unit ${u.name}: No main process to kill\n`);
        return 1;
      }
    }
    return 0;
  }
}

function bootTime(ctx: CommandContext): number {
  return (ctx.host as { bootedAt?: number }).bootedAt ?? ctx.clock.now();
}

export const systemctl: Command = {
  name: 'systemctl',
  summary: 'Control the systemd system and service manager',
  async run(ctx) {
    let o: Opts | 'help' | 'version';
    try {
      o = parse(ctx.argv);
    } catch (e) {
      if (e instanceof Usage) {
        await ctx.stderr.write(`${e.message}\n`);
        return 1;
      }
      throw e;
    }
    if (o === 'help') {
      await ctx.stdout.write(HELP);
      return 0;
    }
    if (o === 'version') {
      await ctx.stdout.write(VERSION);
      return 0;
    }
    const s = new Systemctl(ctx, o, managerFor(ctx.host));
    switch (o.verb ?? 'list-units') {
      case 'daemon-reload':
        if (ctx.proc.cred.uid !== 0) {
          await ctx.stderr.write('Failed to reload daemon: Access denied\n');
          return 1;
        }
        s.m.daemonReload();
        return 0;
      case 'start':
      case 'stop':
      case 'restart':
      case 'reload':
      case 'try-restart':
        return s.job(o.verb as 'start');
      case 'reload-or-restart':
        return s.job('restart');
      case 'enable':
      case 'disable':
        return s.enableDisable(o.verb as 'enable');
      case 'status':
        return s.status();
      case 'is-active':
        return s.isActive();
      case 'is-failed':
        return s.isFailed();
      case 'is-enabled':
        return s.isEnabled();
      case 'cat':
        return s.cat();
      case 'show':
        return s.show();
      case 'list-units':
        return s.listUnits();
      case 'kill':
        return s.kill();
      case 'list-unit-files':
        return s.listUnitFiles();
      case 'reset-failed':
        if (ctx.proc.cred.uid !== 0) {
          await ctx.stderr.write('Failed to reset failed state of unit: Access denied\n');
          return 1;
        }
        for (const u of o.args.length ? o.args.map((a) => s.m.unit(a)) : s.m.list()) s.m.resetFailed(u);
        return 0;
      default:
        await ctx.stderr.write(`Unknown command verb ${o.verb}.\n`);
        return 1;
    }
  },
};
