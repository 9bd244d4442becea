// Facts about a lab host that several labs' checks need, each with the words a failing
// check shows: an installed program (mode, owner, version), a systemd unit, a user.
import { parseProgramFile } from '../../src/sandbox/programs.ts';
import { describeExit, managerFor } from '../../src/sandbox/systemd/manager.ts';
import type { Host, ProcessInfo, UserEntry } from '../../src/sandbox/types.ts';
import type { CheckResult } from '../../src/lab/types.ts';

export const ok = (message: string): CheckResult => ({ ok: true, message });
export const fail = (message: string): CheckResult => ({ ok: false, message });

const octal = (mode: number) => (mode & 0o7777).toString(8).padStart(3, '0');

/** Debian's range for system users and groups (adduser --system). */
export const SYSTEM_ID_MIN = 100;
export const SYSTEM_ID_MAX = 999;

/**
 * An installed program file: exists, is a regular file owned by root with `mode`, and
 * names `name` at `version`. Returns undefined when all holds, else what was found.
 */
export function programFileProblem(host: Host, path: string, name: string, version: string, mode = 0o755): string | undefined {
  const fs = host.rootFs;
  let st;
  try {
    st = fs.stat(path);
  } catch {
    return `${path} does not exist`;
  }
  if (st.type !== 'file') return `${path} is a ${st.type === 'dir' ? 'directory' : st.type}, not a program file`;
  if ((st.mode & 0o7777) !== mode) return `${path} has mode ${octal(st.mode)}; it must be ${octal(mode)}`;
  if (st.uid !== 0) return `${path} belongs to ${host.users.byUid(st.uid)?.name ?? `uid ${st.uid}`}; it must belong to root (install it with sudo)`;
  const what = parseProgramFile(fs.readFile(path));
  if (what.kind !== 'program') return `${path} is not the ${name} program from the release tarball (it is ${what.kind === 'script' ? 'a script' : 'some other binary'})`;
  if (what.name !== name) return `${path} is the ${what.name} program, not ${name}`;
  if (what.version !== version) return `${path} is ${name} ${what.version ?? '(no version)'}, not ${version}`;
  return undefined;
}

export interface UnitFacts {
  name: string;
  /** 'loaded' | 'not-found' | 'bad-setting'. */
  loadState: string;
  path: string | undefined;
  fileState: 'enabled' | 'disabled' | 'static' | undefined;
  activeState: string;
  subState: string;
  mainPid: number | undefined;
  mainProcess: ProcessInfo | undefined;
  /** "status=1/FAILURE" of the last run that ended, as systemctl status says it. */
  lastExit: string | undefined;
  /** The last lines the unit logged (journalctl -u NAME -n N). */
  lastLogLines(n: number): string[];
}

/** What systemd on this host knows about a unit (it loads the file on first reference, as systemctl does). */
export function unitFacts(host: Host, name: string): UnitFacts {
  const mgr = managerFor(host);
  const u = mgr.unit(name);
  const mainPid = u.mainPid;
  return {
    name: u.name,
    loadState: u.loadState,
    path: u.path,
    fileState: mgr.unitFileState(u),
    activeState: u.activeState,
    subState: u.subState,
    mainPid,
    mainProcess: mainPid === undefined ? undefined : host.processes().find((p) => p.pid === mainPid),
    lastExit: u.lastExit ? `code=${u.lastExit.code}, status=${describeExit(u.lastExit)}` : undefined,
    lastLogLines: (n) =>
      mgr.journal
        .query({ unit: [u.name] })
        .slice(-n)
        .map((e) => e.message),
  };
}

/** A system user with its own group and home, as `adduser --system --group --home HOME NAME` makes it. */
export function systemUserProblem(host: Host, name: string, home: string): { problem: string } | { user: UserEntry } {
  const u = host.users.byName(name);
  if (!u) return { problem: `there is no user ${name} in /etc/passwd` };
  if (u.uid < SYSTEM_ID_MIN || u.uid > SYSTEM_ID_MAX) return { problem: `user ${name} has uid ${u.uid}; a system user has a uid from ${SYSTEM_ID_MIN} to ${SYSTEM_ID_MAX} (adduser --system)` };
  const g = host.users.groupByName(name);
  if (!g) return { problem: `user ${name} (uid ${u.uid}) exists, but there is no group ${name} in /etc/group (adduser --group)` };
  if (u.gid !== g.gid) return { problem: `user ${name}'s primary group is ${host.users.groupByGid(u.gid)?.name ?? u.gid}, not ${name}` };
  if (u.home !== home) return { problem: `user ${name}'s home is ${u.home}, not ${home}` };
  try {
    const st = host.rootFs.stat(home);
    if (st.type !== 'dir') return { problem: `${home} is not a directory` };
    if (st.uid !== u.uid) return { problem: `${home} belongs to ${host.users.byUid(st.uid)?.name ?? st.uid}, not ${name}: etcd could not write its data there` };
  } catch {
    return { problem: `user ${name} exists, but its home ${home} does not exist` };
  }
  return { user: u };
}
