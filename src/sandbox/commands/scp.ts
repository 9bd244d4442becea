// scp (OpenSSH 9.2): copy files between lab hosts — `scp ca.crt node-2:/tmp/`,
// `scp node-2:/etc/etcd/pki/ca.crt .`, -r for directories, -p to keep modes and times.
// Reaches hosts the way ssh does (same names, keys implied, partitions time out) and
// reads and writes with the remote user's permissions.
import { basename, resolvePath } from '../../platform/filesystem.ts';
import type { Command, CommandContext, Credentials, Host } from '../types.ts';
import { sandboxFs, type SandboxFileSystem } from '../vfs-view.ts';
import { reason } from './common.ts';
import { reachHost } from './ssh.ts';

const USAGE = `usage: scp [-346ABCOpqRrsTv] [-c cipher] [-D sftp_server_path] [-F ssh_config]
           [-i identity_file] [-J destination] [-l limit] [-o ssh_option]
           [-P port] [-S program] [-X sftp_option] source ... target
`;

interface Place {
  host: Host;
  fs: SandboxFileSystem;
  cwd: string;
  path: string;
  label: string;
}

export const scp: Command = {
  name: 'scp',
  summary: 'OpenSSH secure file copy',
  async run(ctx) {
    let recursive = false;
    let preserve = false;
    let port = 22;
    const operands: string[] = [];
    const args = ctx.argv.slice(1);
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--') {
        operands.push(...args.slice(i + 1));
        break;
      }
      if (a.startsWith('-') && a.length > 1) {
        for (let j = 1; j < a.length; j++) {
          const c = a[j]!;
          if ('cDFiJloPSX'.includes(c)) {
            const v = a.slice(j + 1) || args[++i];
            if (c === 'P') port = Number(v);
            break;
          }
          if (c === 'r') recursive = true;
          else if (c === 'p') preserve = true;
          else if (!'346ABCOqRsTv'.includes(c)) {
            await ctx.stderr.write(`scp: unknown option -- ${c}\n${USAGE}`);
            return 1;
          }
        }
        continue;
      }
      operands.push(a);
    }
    if (operands.length < 2) {
      await ctx.stderr.write(USAGE);
      return 1;
    }
    const me = ctx.proc.cred;
    const place = async (spec: string): Promise<Place | undefined> => {
      const m = /^(?:([^@/:]+)@)?([^/:]+):(.*)$/.exec(spec);
      if (!m) return { host: ctx.host, fs: sandboxFs(ctx.fs), cwd: ctx.cwd, path: spec, label: spec };
      const user = m[1] ?? me.user;
      const r = reachHost(ctx, m[2]!, port);
      if (typeof r === 'string') {
        await ctx.stderr.write(`${r}\nscp: Connection closed\n`);
        return undefined;
      }
      const cred: Credentials | undefined = r.users.credentials(user);
      if (!cred || (me.uid !== 0 && user !== me.user)) {
        await ctx.stderr.write(`${user}@${m[2]}: Permission denied (publickey).\nscp: Connection closed\n`);
        return undefined;
      }
      const home = r.users.byName(user)?.home ?? '/';
      return { host: r, fs: sandboxFs(r.fsFor(cred)), cwd: home, path: m[3] || '.', label: m[3] || '.' };
    };
    const dest = await place(operands[operands.length - 1]!);
    if (!dest) return 255;
    let status = 0;
    for (const src of operands.slice(0, -1)) {
      const from = await place(src);
      if (!from) return 255;
      const fromPath = resolvePath(from.cwd, from.path);
      let destPath = resolvePath(dest.cwd, dest.path);
      try {
        if (isDir(dest.fs, destPath)) destPath = `${destPath.replace(/\/$/, '')}/${basename(fromPath)}`;
      } catch {
        // a new name
      }
      const ok = await copy(ctx, from.fs, fromPath, from.label, dest.fs, destPath, recursive, preserve);
      if (!ok) status = 1;
    }
    return status;
  },
};

function isDir(fs: SandboxFileSystem, p: string): boolean {
  try {
    return fs.stat(p).type === 'dir';
  } catch {
    return false;
  }
}

async function copy(ctx: CommandContext, sfs: SandboxFileSystem, src: string, label: string, dfs: SandboxFileSystem, dst: string, recursive: boolean, preserve: boolean): Promise<boolean> {
  let st;
  try {
    st = sfs.stat(src);
  } catch (e) {
    await ctx.stderr.write(`scp: ${label}: ${reason(e)}\n`);
    return false;
  }
  if (st.type === 'dir') {
    if (!recursive) {
      await ctx.stderr.write(`scp: ${label}: not a regular file\n`);
      return false;
    }
    try {
      if (!isDir(dfs, dst)) dfs.mkdir(dst, { mode: st.mode & 0o777 });
    } catch (e) {
      await ctx.stderr.write(`scp: ${dst}: ${reason(e)}\n`);
      return false;
    }
    let ok = true;
    for (const name of sfs.readdir(src).sort()) ok = (await copy(ctx, sfs, `${src}/${name}`, `${label.replace(/\/$/, '')}/${name}`, dfs, `${dst}/${name}`, recursive, preserve)) && ok;
    return ok;
  }
  let data: Uint8Array;
  try {
    data = sfs.readFile(src);
  } catch (e) {
    await ctx.stderr.write(`scp: ${label}: ${reason(e)}\n`);
    return false;
  }
  try {
    const existed = dfs.exists(dst);
    dfs.writeFile(dst, data, { mode: st.mode & 0o777 });
    if (!existed || preserve) dfs.chmod(dst, st.mode & (preserve ? 0o7777 : 0o777 & ~0o022));
    if (preserve) dfs.utimes(dst, st.atimeMs, st.mtimeMs);
  } catch (e) {
    await ctx.stderr.write(`scp: ${dst}: ${reason(e)}\n`);
    return false;
  }
  if (ctx.stdout.isTTY) {
    const name = basename(src).padEnd(Math.max(20, (ctx.tty?.cols ?? 80) - 45));
    // The lab network's nominal speed (as wget assumes): 42 MB/s.
    await ctx.stdout.write(`\r${name} 100% ${String(data.length).padStart(5)}    42.0MB/s   00:00    \n`);
  }
  return true;
}
