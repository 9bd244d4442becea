// tar: GNU tar 1.34's create (-c), extract (-x) and list (-t) of ustar archives, gzip'ed
// with -z (and recognised by their magic when reading a file without -z). Old-style
// bundled options (`tar xzvof etcd.tar.gz`), -C, --strip-components, -o, -p, -v, -O.
// Messages and exit statuses are GNU tar's.
import { dirname, isFsError, resolvePath } from '../../platform/filesystem.ts';
import { gunzipAsync, gzipAsync, GzipError, isGzip } from '../archive/gzip.ts';
import { chargedInput, cpuBudget, type CpuBudget } from '../cpu-budget.ts';
import { readTar, writeTar, type TarEntry } from '../archive/tar-format.ts';
import { readAll } from '../io.ts';
import type { Command, CommandContext } from '../types.ts';
import { modeString, pad2, reason } from './common.ts';
import { sandboxFs, type SandboxFileSystem } from '../vfs-view.ts';
import { HELP, TRY, TarUsage, VERSION, parseTarArgs, type TarOptions } from './tar-options.ts';

const UMASK = 0o022;

/** "2026-11-21 09:40" (UTC, the hosts' time zone). */
function listDate(sec: number): string {
  const d = new Date(sec * 1000);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
}

/** Strips n leading components; undefined when nothing is left (GNU tar skips such entries). */
function stripName(name: string, n: number): string | undefined {
  if (n === 0) return name;
  const parts = name.split('/');
  let k = 0;
  let i = 0;
  while (i < parts.length && k < n) {
    if (parts[i] !== '') k++;
    i++;
  }
  const rest = parts.slice(i).join('/');
  return rest === '' || rest === '/' ? undefined : rest;
}

class Tar {
  status = 0;
  private ugWidth = 19;
  /** Every member read or written, and gzip's work on the thread pool, count against the CPU budget. */
  private readonly budget: CpuBudget;
  constructor(
    readonly ctx: CommandContext,
    readonly o: TarOptions,
    readonly fs: SandboxFileSystem,
  ) {
    this.budget = cpuBudget(ctx);
  }

  private async step(weight = 1): Promise<void> {
    if (this.budget.step(weight)) await this.budget.tick();
  }

  /** zlib off the event loop, its time charged to tar. */
  private async offLoop<T>(work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.budget.charge(performance.now() - started);
      await this.step();
    }
  }

  async err(msg: string): Promise<void> {
    await this.ctx.stderr.write(`tar: ${msg}\n`);
  }

  async fatal(msg: string): Promise<number> {
    await this.err(msg);
    await this.err('Error is not recoverable: exiting now');
    return 2;
  }

  private get cwd(): string {
    return this.o.directory ? resolvePath(this.ctx.cwd, this.o.directory) : this.ctx.cwd;
  }

  /** The archive's bytes, decompressed; or a status when it could not be read. */
  async readArchive(): Promise<Uint8Array | number> {
    const name = this.o.file ?? '-';
    let raw: Uint8Array;
    if (name === '-') raw = await readAll(chargedInput(this.ctx.stdin, this.budget));
    else {
      try {
        raw = this.fs.readFile(resolvePath(this.ctx.cwd, name));
      } catch (e) {
        const who = this.o.gzip ? 'tar (child)' : 'tar';
        await this.ctx.stderr.write(`${who}: ${name}: Cannot open: ${reason(e)}\n${who}: Error is not recoverable: exiting now\n`);
        if (this.o.gzip) await this.ctx.stderr.write('tar: Child returned status 2\ntar: Error is not recoverable: exiting now\n');
        return 2;
      }
    }
    const childFailed = async (message: string, status: number) => {
      // The decompressor's message (gzip starts its errors on a fresh line), then tar's.
      await this.ctx.stderr.write(`${message}\ntar: Child returned status ${status}\ntar: Error is not recoverable: exiting now\n`);
      return 2;
    };
    if (this.o.gzip || isGzip(raw)) {
      try {
        return await this.offLoop(() => gunzipAsync(raw));
      } catch (e) {
        if (!(e instanceof GzipError)) throw e;
        return childFailed(`\ngzip: stdin: ${e.message}`, 1);
      }
    }
    // Not compressed as far as the bytes say; when it is not a tar archive either, GNU tar
    // guesses a compressor from the file name's suffix and lets it fail.
    const suffix = /\.(t?gz|taz|tgz)$/.test(name) ? 'gzip' : /\.(bz2|tbz2?|tz2)$/.test(name) ? 'bzip2' : /\.(xz|txz)$/.test(name) ? 'xz' : undefined;
    if (suffix && readTar(raw).error?.kind === 'not-tar') {
      await this.err('This does not look like a tar archive');
      if (suffix === 'gzip') {
        const why = raw.length === 0 || (raw.length === 1 && raw[0] === 0x1f) ? 'unexpected end of file' : 'not in gzip format';
        return childFailed(`\ngzip: stdin: ${why}`, 1);
      }
      if (suffix === 'bzip2') return childFailed('bzip2: (stdin) is not a bzip2 file.', 2);
      return childFailed('xz: (stdin): File format not recognized', 1);
    }
    return raw;
  }

  selected(entry: TarEntry, found: Set<string>): boolean {
    if (this.o.members.length === 0) return true;
    const n = entry.name.replace(/\/$/, '');
    for (const m of this.o.members) {
      const mm = m.replace(/\/+$/, '');
      if (n === mm || n.startsWith(mm + '/')) {
        found.add(m);
        return true;
      }
    }
    return false;
  }

  longLine(e: TarEntry): string {
    const ug = this.o.numericOwner || (!e.uname && !e.gname) ? `${e.uid}/${e.gid}` : `${e.uname || e.uid}/${e.gname || e.gid}`;
    const size = String(e.type === 'file' ? (e.data?.length ?? 0) : 0);
    if (ug.length + 1 + size.length > this.ugWidth) this.ugWidth = ug.length + 1 + size.length;
    const name = e.type === 'symlink' ? `${e.name} -> ${e.linkname}` : e.name;
    return `${modeString(e.type, e.mode)} ${ug} ${size.padStart(this.ugWidth - ug.length - 1)} ${listDate(e.mtime)} ${name}\n`;
  }

  async list(data: Uint8Array): Promise<number> {
    const { entries, error } = readTar(data);
    const found = new Set<string>();
    for (const e of entries) {
      await this.step();
      if (!this.selected(e, found)) continue;
      await this.ctx.stdout.write(this.o.verbose ? this.longLine(e) : `${e.name}\n`);
    }
    return this.finishRead(error, entries.length, found, data);
  }

  async finishRead(error: ReturnType<typeof readTar>['error'], count: number, found: Set<string>, data: Uint8Array): Promise<number> {
    if (error) {
      if (error.kind === 'not-tar' && count === 0) {
        await this.err('This does not look like a tar archive');
        // A whole block of something else: GNU tar goes looking for the next header.
        if (data.length >= 512 && data.subarray(0, 512).some((b) => b !== 0)) await this.err('Skipping to next header');
        this.status = 2;
      } else if (error.kind === 'truncated') {
        return this.fatal('Unexpected EOF in archive');
      } else {
        await this.err('Skipping to next header');
        this.status = 2;
      }
    }
    for (const m of this.o.members) {
      if (m.startsWith('\u0000')) continue;
      if (!found.has(m)) {
        await this.err(`${m}: Not found in archive`);
        this.status = 2;
      }
    }
    if (this.status) await this.err('Exiting with failure status due to previous errors');
    return this.status;
  }

  async extract(data: Uint8Array): Promise<number> {
    const { entries, error } = readTar(data);
    const found = new Set<string>();
    const root = this.ctx.proc.cred.uid === 0;
    const sameOwner = (root && !this.o.noSameOwner) || this.o.sameOwner;
    const dirTimes: { path: string; mtime: number }[] = [];
    for (const e of entries) {
      await this.step(1 + ((e.data?.length ?? 0) >> 8));
      if (!this.selected(e, found)) continue;
      const rel = stripName(e.name, this.o.strip);
      if (rel === undefined) continue;
      if (this.o.toStdout) {
        if (e.type === 'file' && e.data) await this.ctx.stdout.write(e.data);
        continue;
      }
      if (this.o.verbose) await this.ctx.stdout.write(this.o.verbose > 1 ? this.longLine(e) : `${e.name}\n`);
      const safe = rel.replace(/^\/+/, '');
      if (safe.split('/').includes('..')) {
        await this.err(`${rel}: Member name contains '..'`);
        this.status = 2;
        continue;
      }
      const path = resolvePath(this.cwd, safe);
      const shown = safe.replace(/\/$/, '');
      try {
        this.ensureParent(path);
        const mode = root || this.o.preservePerms ? e.mode : e.mode & ~UMASK;
        if (e.type === 'dir') {
          if (!this.exists(path)) this.fs.mkdir(path, { mode: 0o700 });
          else if (this.fs.stat(path).type !== 'dir') throw Object.assign(new Error('File exists'), { tarOp: 'Cannot mkdir' });
          this.fs.chmod(path, mode);
          dirTimes.push({ path, mtime: e.mtime });
        } else if (e.type === 'symlink') {
          if (this.exists(path, false)) {
            if (this.o.keepOld) throw Object.assign(new Error('Cannot open: File exists'), { tarOp: '' });
            this.fs.unlink(path);
          }
          this.fs.symlink(e.linkname ?? '', path);
        } else {
          if (this.exists(path, false)) {
            if (this.o.keepOld) {
              await this.err(`${shown}: Cannot open: File exists`);
              this.status = 2;
              continue;
            }
            if (this.fs.lstat(path).type === 'dir') throw Object.assign(new Error('Is a directory'), { tarOp: 'Cannot open' });
            this.fs.unlink(path);
          }
          this.fs.writeFile(path, e.data ?? new Uint8Array(), { mode: 0o600 });
          this.fs.chmod(path, mode);
          this.fs.utimes(path, e.mtime * 1000, e.mtime * 1000);
        }
        if (sameOwner && e.type !== 'symlink') this.chownLike(path, e);
      } catch (err) {
        const op = (err as { tarOp?: string }).tarOp ?? (e.type === 'dir' ? 'Cannot mkdir' : e.type === 'symlink' ? 'Cannot create symlink to ' + JSON.stringify(e.linkname).replace(/"/g, "'") : 'Cannot open');
        await this.err(`${shown}: ${op ? op + ': ' : ''}${isFsError(err) ? reason(err) : (err as Error).message}`);
        this.status = 2;
      }
    }
    for (const d of dirTimes.reverse()) {
      try {
        this.fs.utimes(d.path, d.mtime * 1000, d.mtime * 1000);
      } catch {
        // a directory we could not create was reported already
      }
    }
    return this.finishRead(error, entries.length, found, data);
  }

  private exists(path: string, follow = true): boolean {
    try {
      if (follow) this.fs.stat(path);
      else this.fs.lstat(path);
      return true;
    } catch {
      return false;
    }
  }

  /** GNU tar creates missing parent directories of a member (mode 0755 less umask). */
  private ensureParent(path: string): void {
    const parent = dirname(path);
    if (this.exists(parent)) return;
    this.fs.mkdir(parent, { recursive: true, mode: 0o755 & ~UMASK });
  }

  private chownLike(path: string, e: TarEntry): void {
    const users = this.ctx.host.users;
    const uid = (!this.o.numericOwner && e.uname && users.byName(e.uname)?.uid) ?? e.uid;
    const gid = (!this.o.numericOwner && e.gname && users.groupByName(e.gname)?.gid) ?? e.gid;
    try {
      this.fs.chown(path, typeof uid === 'number' ? uid : e.uid, typeof gid === 'number' ? gid : e.gid);
    } catch {
      // Not permitted for non-root (--same-owner as a user): GNU tar stays quiet unless asked.
    }
  }

  async create(): Promise<number> {
    const members = this.o.members.filter((m) => !m.startsWith('\u0000'));
    if (members.length === 0) {
      await this.ctx.stderr.write(`tar: Cowardly refusing to create an empty archive\n${TRY}`);
      return 2;
    }
    const entries: TarEntry[] = [];
    const add = async (member: string, name: string): Promise<void> => {
      const path = resolvePath(this.cwd, member);
      await this.step();
      let st;
      try {
        st = this.fs.lstat(path);
      } catch (e) {
        await this.err(`${member}: Cannot stat: ${reason(e)}`);
        this.status = 2;
        return;
      }
      const users = this.ctx.host.users;
      const base = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, uname: users.byUid(st.uid)?.name ?? '', gname: users.groupByGid(st.gid)?.name ?? '', mtime: Math.floor(st.mtimeMs / 1000) };
      if (st.type === 'dir') {
        const dirName = name.endsWith('/') ? name : `${name}/`;
        entries.push({ ...base, name: dirName, type: 'dir' });
        if (this.o.verbose) await this.ctx.stdout.write(`${dirName}\n`);
        let kids: string[];
        try {
          kids = this.fs.readdir(path).sort();
        } catch (e) {
          await this.err(`${member}: Cannot open: ${reason(e)}`);
          this.status = 2;
          return;
        }
        for (const k of kids) await add(`${member.replace(/\/$/, '')}/${k}`, `${dirName}${k}`);
        return;
      }
      if (st.type === 'symlink') {
        entries.push({ ...base, name, type: 'symlink', linkname: this.fs.readlink(path) });
      } else {
        let data: Uint8Array;
        try {
          data = this.fs.readFile(path);
        } catch (e) {
          await this.err(`${member}: Cannot open: ${reason(e)}`);
          this.status = 2;
          return;
        }
        entries.push({ ...base, name, type: 'file', data });
      }
      if (this.o.verbose) await this.ctx.stdout.write(`${name}\n`);
    };
    for (const m of members) {
      let name = m.replace(/^\/+/, '');
      if (name !== m && name) {
        if (!this.warnedAbsolute) await this.err("Removing leading `/' from member names");
        this.warnedAbsolute = true;
      }
      if (!name) name = '/';
      await add(m, name.replace(/^\.\//, '') || '.');
    }
    const bytes = writeTar(entries);
    const out = this.o.gzip ? await this.offLoop(() => gzipAsync(bytes, { mtime: 0, level: 6 })) : bytes;
    const file = this.o.file ?? '-';
    if (file === '-') await this.ctx.stdout.write(out);
    else {
      try {
        this.fs.writeFile(resolvePath(this.ctx.cwd, file), out);
      } catch (e) {
        return this.fatal(`${file}: Cannot open: ${reason(e)}`);
      }
    }
    if (this.status) await this.err('Exiting with failure status due to previous errors');
    return this.status;
  }
  private warnedAbsolute = false;
}

export const tar: Command = {
  name: 'tar',
  summary: 'an archiving utility',
  async run(ctx) {
    let o: TarOptions;
    try {
      o = parseTarArgs(ctx.argv);
    } catch (e) {
      if (e instanceof TarUsage) {
        await ctx.stderr.write(`tar: ${e.message}\n${TRY}`);
        return e.message.startsWith('Old option') || e.message.startsWith('You may not') ? 2 : 64;
      }
      throw e;
    }
    if (o.help) {
      await ctx.stdout.write(HELP);
      return 0;
    }
    if (o.version) {
      await ctx.stdout.write(VERSION);
      return 0;
    }
    if (!o.mode) {
      await ctx.stderr.write(`tar: You must specify one of the '-Acdtrux', '--delete' or '--test-label' options\n${TRY}`);
      return 2;
    }
    const t = new Tar(ctx, o, sandboxFs(ctx.fs));
    if (o.directory) {
      const dir = resolvePath(ctx.cwd, o.directory);
      let ok = false;
      try {
        ok = t.fs.stat(dir).type === 'dir';
      } catch (e) {
        return t.fatal(`${o.directory}: Cannot open: ${reason(e)}`);
      }
      if (!ok) return t.fatal(`${o.directory}: Cannot open: Not a directory`);
    }
    if (o.mode === 'c') return t.create();
    const data = await t.readArchive();
    if (typeof data === 'number') return data;
    return o.mode === 't' ? t.list(data) : t.extract(data);
  },
};
