// What systemd works out before it forks a service's main process: the credentials from
// User=/Group=, the environment (Environment=, EnvironmentFile=, NOTIFY_SOCKET), ExecStart=
// with $VAR expanded, the working directory and the program. Each check that fails says how,
// in the order systemd meets them, so the manager can log and fail the unit the same way.
import { isFsError, strerror } from '../../platform/filesystem.ts';
import { DEFAULT_PATH } from '../host.ts';
import type { Command, Credentials, Host } from '../types.ts';
import type { ServiceConfig } from './service-config.ts';
import { parseEnvironmentFile } from './unit-file.ts';

export const NOTIFY_SOCKET = '/run/systemd/notify';

/** The PATH systemd searches for a relative ExecStart= program. */
const EXEC_SEARCH_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin';

export type ExecPlan =
  | { ok: true; command: Command; argv: string[]; env: Record<string, string>; cwd: string; cred: Credentials }
  /** The forked child fails at a step (217/USER, 216/GROUP, 200/CHDIR, 203/EXEC): it logs `pre` then why, and exits with `status`. */
  | { ok: false; failure: 'step'; status: number; step: string; why: string; pre: string }
  /** A required EnvironmentFile= is missing: the start job fails before any fork (result 'resources'). */
  | { ok: false; failure: 'environment-file'; why: string };

export function planExec(host: Host, cfg: ServiceConfig, invocationId: string): ExecPlan {
  const exec = cfg.execStart!;
  const stepFailure = (status: number, step: string, why: string, pre: string): ExecPlan => ({ ok: false, failure: 'step', status, step, why, pre });

  let cred: Credentials = { uid: 0, gid: 0, groups: [0], user: 'root' };
  if (cfg.user) {
    const c = host.users.credentials(cfg.user) ?? (/^\d+$/.test(cfg.user) ? credForUid(host, Number(cfg.user)) : undefined);
    if (!c) return stepFailure(217, 'USER', 'No such process', `Failed to determine user credentials: No such process`);
    cred = c;
  }
  if (cfg.group) {
    const g = host.users.groupByName(cfg.group) ?? (/^\d+$/.test(cfg.group) ? host.users.groupByGid(Number(cfg.group)) : undefined);
    if (!g) return stepFailure(216, 'GROUP', 'No such process', `Failed to determine group credentials: No such process`);
    cred = { ...cred, gid: g.gid, groups: [g.gid, ...cred.groups.filter((x) => x !== g.gid)] };
  }
  const home = host.users.byUid(cred.uid);
  const env: Record<string, string> = { LANG: 'C.UTF-8', PATH: DEFAULT_PATH, INVOCATION_ID: invocationId };
  if (cfg.user) Object.assign(env, { HOME: home?.home ?? '/', LOGNAME: cred.user, USER: cred.user, SHELL: home?.shell ?? '/bin/sh' });
  for (const [k, v] of cfg.environment) env[k] = v;
  for (const ef of cfg.environmentFiles) {
    try {
      Object.assign(env, parseEnvironmentFile(new TextDecoder().decode(host.rootFs.readFile(ef.path))));
    } catch (e) {
      if (ef.optional) continue;
      return { ok: false, failure: 'environment-file', why: isFsError(e) ? strerror(e.code) : String(e) };
    }
  }
  if (cfg.type === 'notify') env.NOTIFY_SOCKET = NOTIFY_SOCKET;
  const argv = expandArgs(exec.argv, env);
  const cwd = cfg.workingDirectory ? cfg.workingDirectory.replace(/^-/, '').replace(/^~$/, home?.home ?? '/') : '/';
  const fs = host.fsFor(cred);
  try {
    if (fs.stat(cwd).type !== 'dir') return stepFailure(200, 'CHDIR', 'Not a directory', `Changing to the requested working directory failed: Not a directory`);
  } catch (e) {
    const why = isFsError(e) ? strerror(e.code) : 'No such file or directory';
    return stepFailure(200, 'CHDIR', why, `Changing to the requested working directory failed: ${why}`);
  }
  const exe = argv[0]!;
  const r = host.resolveProgram(exe, { path: EXEC_SEARCH_PATH, cwd: '/', cred });
  if (!r.ok) {
    const why = r.error === 'EACCES' ? 'Permission denied' : r.error === 'EISDIR' ? 'Is a directory' : 'No such file or directory';
    return stepFailure(203, 'EXEC', why, r.error === 'ENOENT' ? `Failed to locate executable ${exe}: ${why}` : `Unable to locate executable '${exe}': ${why}`);
  }
  return { ok: true, command: r.command, argv, env, cwd, cred };
}

function credForUid(host: Host, uid: number): Credentials | undefined {
  const u = host.users.byUid(uid);
  return u ? host.users.credentials(u.name) : undefined;
}

/** $INVOCATION_ID: 32 hex digits, different for each run of the unit (FNV-1a of name, time, restarts: no randomness needed). */
export function invocationId(unit: string, now: number, nRestarts: number): string {
  let h = 0x811c9dc5;
  let out = '';
  const seed = `${unit}/${now}/${nRestarts}`;
  for (let round = 0; round < 4; round++) {
    for (const ch of `${seed}/${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out;
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
