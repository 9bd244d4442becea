// Users and groups, read from /etc/passwd and /etc/group on the host's disk each time,
// so `adduser`, `useradd` or a learner editing the files changes who exists at once.
import { bytesToString, type FileSystem } from '../platform/filesystem.ts';
import type { Credentials, GroupEntry, UserDatabase, UserEntry } from './types.ts';

export const ROOT_CREDENTIALS: Credentials = { uid: 0, gid: 0, groups: [0], user: 'root' };

export function parsePasswd(text: string): UserEntry[] {
  const out: UserEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 7) continue;
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) continue;
    out.push({ name: f[0]!, uid, gid, gecos: f[4]!, home: f[5]!, shell: f[6]! });
  }
  return out;
}

export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 4) continue;
    const gid = Number(f[2]);
    if (!Number.isInteger(gid)) continue;
    out.push({ name: f[0]!, gid, members: f[3]!.split(',').filter(Boolean) });
  }
  return out;
}

export const passwdLine = (u: UserEntry) => `${u.name}:x:${u.uid}:${u.gid}:${u.gecos}:${u.home}:${u.shell}\n`;
export const groupLine = (g: GroupEntry) => `${g.name}:x:${g.gid}:${g.members.join(',')}\n`;

/** The user database of one host, backed by its /etc/passwd and /etc/group. */
export class FileUserDatabase implements UserDatabase {
  constructor(private readonly fs: FileSystem) {}

  users(): UserEntry[] {
    return parsePasswd(this.read('/etc/passwd'));
  }
  groups(): GroupEntry[] {
    return parseGroup(this.read('/etc/group'));
  }
  byName(name: string): UserEntry | undefined {
    return this.users().find((u) => u.name === name);
  }
  byUid(uid: number): UserEntry | undefined {
    return this.users().find((u) => u.uid === uid);
  }
  groupByName(name: string): GroupEntry | undefined {
    return this.groups().find((g) => g.name === name);
  }
  groupByGid(gid: number): GroupEntry | undefined {
    return this.groups().find((g) => g.gid === gid);
  }
  credentials(name: string): Credentials | undefined {
    const u = this.byName(name);
    if (!u) return undefined;
    const groups = [u.gid];
    for (const g of this.groups()) if (g.members.includes(name) && !groups.includes(g.gid)) groups.push(g.gid);
    return { uid: u.uid, gid: u.gid, groups, user: u.name };
  }
  /** Name for a uid, or the number itself (as ls prints an unknown owner). */
  userName(uid: number): string {
    return this.byUid(uid)?.name ?? String(uid);
  }
  groupName(gid: number): string {
    return this.groupByGid(gid)?.name ?? String(gid);
  }

  /** Appends a user (adduser/useradd do the checks and wording). */
  addUser(u: UserEntry): void {
    this.fs.appendFile('/etc/passwd', passwdLine(u));
  }
  addGroup(g: GroupEntry): void {
    this.fs.appendFile('/etc/group', groupLine(g));
  }

  private read(path: string): string {
    try {
      return bytesToString(this.fs.readFile(path));
    } catch {
      return '';
    }
  }
}
