// A service unit's settings, read from a parsed unit file with systemd's rules and
// wording: which keys it knows, what a bad value does (ignored with a warning, or the
// unit becomes "bad-setting"), time spans ("10s", "1min 30s", "infinity").
import { parseUnitFile, splitWords, type UnitFile } from './unit-file.ts';

export type ServiceType = 'simple' | 'exec' | 'notify' | 'forking' | 'oneshot';
export type RestartPolicy = 'no' | 'always' | 'on-success' | 'on-failure' | 'on-abnormal' | 'on-abort' | 'on-watchdog';

export interface ExecCommand {
  /** As written (for status's "Process:" line). */
  raw: string;
  argv: string[];
  /** '-' prefix: a failure exit is not a unit failure. */
  ignoreFailure: boolean;
}

export interface ServiceConfig {
  description: string | undefined;
  documentation: string[];
  after: string[];
  wants: string[];
  type: ServiceType;
  execStart: ExecCommand | undefined;
  user: string | undefined;
  group: string | undefined;
  workingDirectory: string | undefined;
  /** Environment= assignments in order. */
  environment: [string, string][];
  environmentFiles: { path: string; optional: boolean }[];
  restart: RestartPolicy;
  restartSecMs: number;
  timeoutStartMs: number;
  timeoutStopMs: number;
  limitNofile: number | undefined;
  wantedBy: string[];
  requiredBy: string[];
  hasInstall: boolean;
}

export interface LoadedUnit {
  file: UnitFile;
  config: ServiceConfig;
  /** Set when systemd refuses the unit ("bad-setting"). */
  badSetting: boolean;
  /** Messages systemd logs while loading it. */
  warnings: string[];
}

const KNOWN: Record<string, Set<string>> = {
  Unit: new Set(['Description', 'Documentation', 'After', 'Before', 'Wants', 'Requires', 'BindsTo', 'PartOf', 'Conflicts', 'ConditionPathExists', 'StartLimitIntervalSec', 'StartLimitBurst', 'DefaultDependencies']),
  Service: new Set([
    'Type', 'ExecStart', 'ExecStartPre', 'ExecStartPost', 'ExecStop', 'ExecReload', 'User', 'Group', 'WorkingDirectory', 'Environment', 'EnvironmentFile',
    'Restart', 'RestartSec', 'TimeoutStartSec', 'TimeoutStopSec', 'TimeoutSec', 'LimitNOFILE', 'LimitNPROC', 'KillMode', 'KillSignal', 'SuccessExitStatus',
    'StandardOutput', 'StandardError', 'SyslogIdentifier', 'Nice', 'RemainAfterExit', 'PIDFile', 'NotifyAccess', 'UMask', 'RuntimeDirectory', 'StateDirectory',
    'PrivateTmp', 'ProtectSystem', 'ProtectHome', 'NoNewPrivileges', 'CPUQuota', 'MemoryMax', 'IOSchedulingClass', 'IOSchedulingPriority',
  ]),
  Install: new Set(['WantedBy', 'RequiredBy', 'Alias', 'Also', 'DefaultInstance']),
};

/** systemd time spans: "10", "10s", "1min 30s", "500ms", "2h", "infinity". undefined when invalid. */
export function parseTimespan(s: string, defaultUnit = 's'): number | undefined {
  const t = s.trim();
  if (t === 'infinity') return Infinity;
  if (!t) return undefined;
  const units: Record<string, number> = { us: 0.001, usec: 0.001, ms: 1, msec: 1, s: 1000, sec: 1000, second: 1000, seconds: 1000, m: 60_000, min: 60_000, minute: 60_000, minutes: 60_000, h: 3_600_000, hr: 3_600_000, hour: 3_600_000, hours: 3_600_000, d: 86_400_000, day: 86_400_000, days: 86_400_000 };
  let total = 0;
  const re = /(\d+(?:\.\d+)?)\s*([a-z]*)\s*/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while ((m = re.exec(t))) {
    const unit = m[2] || defaultUnit;
    const mult = units[unit];
    if (mult === undefined) return undefined;
    total += Number(m[1]) * mult;
    pos = re.lastIndex;
  }
  return pos === t.length ? total : undefined;
}

const TYPES = new Set<ServiceType>(['simple', 'exec', 'notify', 'forking', 'oneshot']);
const RESTARTS = new Set<RestartPolicy>(['no', 'always', 'on-success', 'on-failure', 'on-abnormal', 'on-abort', 'on-watchdog']);

export function loadServiceUnit(name: string, path: string, text: string): LoadedUnit {
  const file = parseUnitFile(path, text);
  const warnings = [...file.warnings];
  const cfg: ServiceConfig = {
    description: undefined,
    documentation: [],
    after: [],
    wants: [],
    type: 'simple',
    execStart: undefined,
    user: undefined,
    group: undefined,
    workingDirectory: undefined,
    environment: [],
    environmentFiles: [],
    restart: 'no',
    restartSecMs: 100,
    timeoutStartMs: 90_000,
    timeoutStopMs: 90_000,
    limitNofile: undefined,
    wantedBy: [],
    requiredBy: [],
    hasInstall: false,
  };
  let bad = false;
  for (const [section, entries] of file.sections) {
    const known = KNOWN[section];
    if (!known) {
      if (!section.startsWith('X-')) warnings.push(`${path}:${entries[0]?.line ?? 1}: Unknown section '${section}'. Ignoring.`);
      continue;
    }
    for (const { key, value, line } of entries) {
      const where = `${path}:${line}`;
      if (!known.has(key)) {
        warnings.push(`${where}: Unknown key name '${key}' in section '${section}', ignoring.`);
        continue;
      }
      const list = () => value.split(/\s+/).filter(Boolean);
      switch (`${section}.${key}`) {
        case 'Unit.Description':
          cfg.description = value;
          break;
        case 'Unit.Documentation':
          if (value === '') cfg.documentation = [];
          else cfg.documentation.push(...list());
          break;
        case 'Unit.After':
          cfg.after.push(...list());
          break;
        case 'Unit.Wants':
          cfg.wants.push(...list());
          break;
        case 'Service.Type':
          if (TYPES.has(value as ServiceType)) cfg.type = value as ServiceType;
          else warnings.push(`${where}: Failed to parse service type, ignoring: ${value}`);
          break;
        case 'Service.ExecStart': {
          if (value === '') {
            cfg.execStart = undefined;
            break;
          }
          let rest = value;
          let ignoreFailure = false;
          while (/^[-@:+!]/.test(rest)) {
            if (rest[0] === '-') ignoreFailure = true;
            rest = rest.slice(1);
          }
          const argv = splitWords(rest);
          if (!argv || argv.length === 0) {
            warnings.push(`${where}: Invalid command line, ignoring: ${value}`);
            bad = true;
            break;
          }
          if (cfg.execStart && cfg.type !== 'oneshot') {
            warnings.push(`${name}: Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.`);
            bad = true;
          }
          cfg.execStart = { raw: rest, argv, ignoreFailure };
          break;
        }
        case 'Service.User':
          cfg.user = value || undefined;
          break;
        case 'Service.Group':
          cfg.group = value || undefined;
          break;
        case 'Service.WorkingDirectory':
          cfg.workingDirectory = value || undefined;
          break;
        case 'Service.Environment': {
          if (value === '') {
            cfg.environment = [];
            break;
          }
          const words = splitWords(value);
          if (!words) {
            warnings.push(`${where}: Invalid environment assignment, ignoring: ${value}`);
            break;
          }
          for (const w of words) {
            const eq = w.indexOf('=');
            if (eq <= 0) warnings.push(`${where}: Invalid environment assignment, ignoring: ${w}`);
            else cfg.environment.push([w.slice(0, eq), w.slice(eq + 1)]);
          }
          break;
        }
        case 'Service.EnvironmentFile':
          if (value === '') cfg.environmentFiles = [];
          else {
            const optional = value.startsWith('-');
            const p = optional ? value.slice(1) : value;
            if (!p.startsWith('/')) warnings.push(`${where}: Path '${p}' is not absolute, ignoring.`);
            else cfg.environmentFiles.push({ path: p, optional });
          }
          break;
        case 'Service.Restart':
          if (RESTARTS.has(value as RestartPolicy)) cfg.restart = value as RestartPolicy;
          else warnings.push(`${where}: Failed to parse service restart specifier, ignoring: ${value}`);
          break;
        case 'Service.RestartSec': {
          const ms = parseTimespan(value);
          if (ms === undefined) warnings.push(`${where}: Failed to parse RestartSec= parameter, ignoring: ${value}`);
          else cfg.restartSecMs = ms;
          break;
        }
        case 'Service.TimeoutStartSec':
        case 'Service.TimeoutStopSec':
        case 'Service.TimeoutSec': {
          const ms = parseTimespan(value);
          if (ms === undefined) warnings.push(`${where}: Failed to parse ${key}= parameter, ignoring: ${value}`);
          else {
            if (key !== 'TimeoutStopSec') cfg.timeoutStartMs = ms === 0 ? Infinity : ms;
            if (key !== 'TimeoutStartSec') cfg.timeoutStopMs = ms === 0 ? Infinity : ms;
          }
          break;
        }
        case 'Service.LimitNOFILE': {
          const n = value === 'infinity' ? Infinity : Number(value.split(':')[0]);
          if (!Number.isFinite(n) && n !== Infinity) warnings.push(`${where}: Failed to parse resource value, ignoring: ${value}`);
          else cfg.limitNofile = n;
          break;
        }
        case 'Install.WantedBy':
          cfg.hasInstall = true;
          cfg.wantedBy.push(...list());
          break;
        case 'Install.RequiredBy':
          cfg.hasInstall = true;
          cfg.requiredBy.push(...list());
          break;
        case 'Install.Alias':
        case 'Install.Also':
          cfg.hasInstall = true;
          break;
        default:
          break;
      }
    }
  }
  if (!cfg.execStart && !bad) {
    warnings.push(`${name}: Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.`);
    bad = true;
  }
  if (cfg.execStart) {
    const exe = cfg.execStart.argv[0]!;
    if (!exe.startsWith('/') && exe.includes('/')) {
      warnings.push(`${path}: Neither a valid executable name nor an absolute path: ${exe}`);
      bad = true;
    }
  }
  return { file, config: cfg, badSetting: bad, warnings };
}
