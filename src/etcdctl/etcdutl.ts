// etcdutl: the offline companion of etcdctl (etcd 3.6's), working on backend files and data
// dirs: `snapshot status`, `snapshot restore`, `hashkv`, `defrag`, `version`. Errors end the
// program as cobrautl.ExitWithError does ("Error: …", exit 1; bad arguments 128; an output
// format a command cannot print 4); logs are zap's console lines on stderr.
import { CommandNode, execute, helpCommand, helpText, ExitError, type CommandSpec, type RunContext, type Terminal } from './cli/command.ts';
import type { InputStream, OutputStream } from '../platform/streams.ts';
import type { FileSystem } from '../platform/filesystem.ts';
import { isFsError } from '../platform/filesystem.ts';
import type { Clock } from '../platform/clock.ts';
import { renderTable } from './format/table.ts';
import { humanizeBytes } from './format/go-fmt.ts';
import { formatGoDuration } from './cli/go-duration.ts';
import { defragFile, emptyBackend, hashKvOfFile, snapshotStatus, type HashKvResult, type SnapshotStatus } from './etcdutl-backend.ts';
import { restoreSnapshot, INITIAL_MMAP_SIZE } from '../etcd/server/restore.ts';
import { Logger, nullSink } from '../etcd/log.ts';

export interface EtcdutlOptions {
  argv: string[];
  stdout: OutputStream;
  stderr: OutputStream;
  stdin?: InputStream;
  version?: string;
  /** The disk the files live on; without one, file commands say they cannot open them. */
  fs?: FileSystem;
  cwd?: string;
  clock?: Clock;
}

const EXIT_ERROR = 1;
const EXIT_BAD_FEATURE = 4;
const EXIT_BAD_ARGS = 128;

/** Joins a path the user typed onto the working directory, as the kernel resolves it. */
function resolvePath(cwd: string, p: string): string {
  const parts: string[] = [];
  for (const seg of (p.startsWith('/') ? p : `${cwd}/${p}`).split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return '/' + parts.join('/');
}

/** zap's console encoder with etcdutl's config: RFC3339 time, level, short caller, message, fields as spaced JSON. */
function consoleLine(nowMs: number, level: string, caller: string, msg: string, fields: Record<string, unknown>): string {
  const t = new Date(Math.floor(nowMs / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z');
  const json = (v: unknown): string => (Array.isArray(v) ? `[${v.map(json).join(', ')}]` : JSON.stringify(v));
  const keys = Object.keys(fields);
  const tail = keys.length ? `\t{${keys.map((k) => `${JSON.stringify(k)}: ${json(fields[k])}`).join(', ')}}` : '';
  return `${t}\t${level}\t${caller}\t${msg}${tail}\n`;
}

export async function runEtcdutl(opts: EtcdutlOptions): Promise<number> {
  const version = opts.version ?? '3.6.4';
  const info = { version, apiVersion: version.split('.').slice(0, 2).join('.') };
  const term: Terminal = { out: (s) => opts.stdout.write(s), err: (s) => opts.stderr.write(s) };
  const cwd = opts.cwd ?? '/';
  const now = () => opts.clock?.now() ?? 0;
  const log = async (caller: string, msg: string, fields: Record<string, unknown> = {}) => term.err(consoleLine(now(), 'info', caller, msg, fields));
  const disk = (): FileSystem => {
    if (!opts.fs) throw new ExitError(EXIT_ERROR, 'no file system');
    return opts.fs;
  };
  /** Go's os error for a path, worded with the path as the user typed it. */
  const osError = (e: unknown, typed: string, abs: string): never => {
    if (isFsError(e)) throw new ExitError(EXIT_ERROR, e.goMessage().replace(abs, typed));
    throw e;
  };
  const readFile = (typed: string, syscall: 'stat' | 'open'): Uint8Array => {
    const abs = resolvePath(cwd, typed);
    try {
      if (syscall === 'stat') disk().stat(abs);
      return disk().readFile(abs);
    } catch (e) {
      return osError(e, typed, abs);
    }
  };
  const output = (run: RunContext): string => {
    const w = run.flags.string('write-out');
    if (!['simple', 'fields', 'json', 'protobuf', 'table'].includes(w)) throw new ExitError(EXIT_BAD_FEATURE, 'unsupported output format');
    return w;
  };
  const fail = (e: unknown): never => {
    if (e instanceof ExitError) throw e;
    throw new ExitError(EXIT_ERROR, (e as Error).message);
  };

  const printStatus = async (w: string, ds: SnapshotStatus) => {
    const row = [ds.hash.toString(16), String(ds.revision), String(ds.totalKey), humanizeBytes(BigInt(ds.totalSize)), ds.version];
    if (w === 'simple') await term.out(row.join(', ') + '\n');
    else if (w === 'table') await term.out(renderTable(['hash', 'revision', 'total keys', 'total size', 'version'], [row]));
    else if (w === 'json') await term.out(`{"hash":${ds.hash},"revision":${ds.revision},"totalKey":${ds.totalKey},"totalSize":${ds.totalSize},"version":${JSON.stringify(ds.version)}}\n`);
    else if (w === 'fields') await term.out(`"Hash" : ${ds.hash}\n"Revision" : ${ds.revision}\n"Keys" : ${ds.totalKey}\n"Size" : ${ds.totalSize}\n"Version" : ${ds.version}\n`);
    else throw new ExitError(EXIT_BAD_FEATURE, `marshal unsupported for type snapshot.Status ({${ds.hash} ${ds.revision} ${ds.totalKey} ${ds.totalSize} ${ds.version}})`);
  };
  const printHashKv = async (w: string, r: HashKvResult) => {
    const row = [String(r.hash), String(r.hashRevision), String(r.compactRevision)];
    if (w === 'simple') await term.out(row.join(', ') + '\n');
    else if (w === 'table') await term.out(renderTable(['hash', 'hash revision', 'compact revision'], [row]));
    else if (w === 'json') await term.out(`{"hash":${r.hash},"hashRevision":${r.hashRevision},"compactRevision":${r.compactRevision}}\n`);
    else if (w === 'fields') await term.out(`"Hash" : ${r.hash}\n"Hash revision" : ${r.hashRevision}\n"Compact revision" : ${r.compactRevision}\n`);
    else throw new ExitError(EXIT_BAD_FEATURE, `marshal unsupported for type etcdutl.HashKV ({${r.hash} ${r.hashRevision} ${r.compactRevision}})`);
  };

  const status: CommandSpec = {
    use: 'status <filename>',
    short: 'Gets backend snapshot status of a given file',
    long: 'When --write-out is set to simple, this command prints out comma-separated status lists for each endpoint.\nThe items in the lists are hash, revision, total keys, total size.\n',
    run: async (run) => {
      if (run.args.length !== 1) throw new ExitError(EXIT_BAD_ARGS, 'snapshot status requires exactly one argument');
      const w = output(run);
      const file = readFile(run.args[0]!, 'stat');
      let ds: SnapshotStatus;
      try {
        ds = snapshotStatus(file);
      } catch (e) {
        return fail(e);
      }
      await printStatus(w, ds);
    },
  };

  const restore: CommandSpec = {
    use: 'restore <filename> --data-dir {output dir} [options]',
    short: 'Restores an etcd member snapshot to an etcd directory',
    flags: [
      { name: 'bump-revision', kind: 'uint64', def: '0', usage: 'How much to increase the latest revision after restore' },
      { name: 'data-dir', kind: 'string', def: '', usage: 'Path to the output data directory' },
      { name: 'initial-advertise-peer-urls', kind: 'string', def: 'http://localhost:2380', usage: "List of this member's peer URLs to advertise to the rest of the cluster" },
      { name: 'initial-cluster', kind: 'string', def: 'default=http://localhost:2380', usage: 'Initial cluster configuration for restore bootstrap' },
      { name: 'initial-cluster-token', kind: 'string', def: 'etcd-cluster', usage: 'Initial cluster token for the etcd cluster during restore bootstrap' },
      { name: 'initial-memory-map-size', kind: 'uint64', def: String(INITIAL_MMAP_SIZE), usage: 'Initial memory map size of the database in bytes. It uses the default value if not defined or defined to 0' },
      { name: 'mark-compacted', kind: 'bool', def: 'false', usage: 'Mark the latest revision after restore as the point of scheduled compaction (required if --bump-revision > 0, disallowed otherwise)' },
      { name: 'name', kind: 'string', def: 'default', usage: 'Human-readable name for this member' },
      { name: 'skip-hash-check', kind: 'bool', def: 'false', usage: 'Ignore snapshot integrity hash value (required if copied from data directory)' },
      { name: 'wal-dir', kind: 'string', def: '', usage: 'Path to the WAL directory (use --data-dir if none given)' },
    ],
    run: async (run) => {
      const f = run.flags;
      if (run.args.length !== 1) throw new ExitError(EXIT_BAD_ARGS, 'snapshot restore requires exactly one argument');
      const bump = Number(f.int('bump-revision'));
      const marked = f.bool('mark-compacted');
      if ((bump === 0 && marked) || (bump > 0 && !marked)) throw new ExitError(EXIT_BAD_ARGS, '--mark-compacted required if --revision-bump > 0');
      const name = f.string('name');
      const dataDir = f.string('data-dir') || `${name}.etcd`;
      const typedSnap = run.args[0]!;
      const absSnap = resolvePath(cwd, typedSnap);
      const walTyped = f.string('wal-dir');
      // Paths in the log are as typed; files go where they resolve.
      const shown = (abs: string) => abs.replace(resolvePath(cwd, dataDir), dataDir);
      const lines: string[] = [];
      try {
        restoreSnapshot({
          fs: disk(),
          snapshot: () => {
            try {
              return disk().readFile(absSnap);
            } catch (e) {
              return osError(e, typedSnap, absSnap);
            }
          },
          snapshotPath: typedSnap,
          dataDir: resolvePath(cwd, dataDir),
          walDir: walTyped ? resolvePath(cwd, walTyped) : undefined,
          walDirShown: walTyped || undefined,
          name,
          initialCluster: f.string('initial-cluster'),
          initialClusterToken: f.string('initial-cluster-token'),
          initialAdvertisePeerUrls: f.string('initial-advertise-peer-urls').split(','),
          skipHashCheck: f.bool('skip-hash-check'),
          bumpRevision: bump,
          markCompacted: marked,
          version,
          nowMs: now(),
          log: new Logger(nullSink, opts.clock ?? { now, monotonic: now, after: () => () => {}, every: () => () => {} }),
          report: (caller, msg, fields) => {
            const shownFields: Record<string, unknown> = { ...fields };
            for (const k of ['wal-dir', 'data-dir', 'snap-dir']) if (typeof shownFields[k] === 'string') shownFields[k] = walTyped && k === 'wal-dir' ? walTyped : shown(shownFields[k] as string);
            if ('initial-memory-map-size' in shownFields) shownFields['initial-memory-map-size'] = Number(f.int('initial-memory-map-size'));
            lines.push(consoleLine(now(), 'info', caller, msg, shownFields));
          },
        });
      } catch (e) {
        for (const l of lines) await term.err(l);
        return fail(e);
      }
      for (const l of lines) await term.err(l);
    },
  };

  const hashkv: CommandSpec = {
    use: 'hashkv <filename>',
    short: 'Prints the KV history hash of a given file',
    flags: [{ name: 'rev', kind: 'int64', def: '0', usage: 'maximum revision to hash (default: latest revision)' }],
    args: (args) => (args.length === 1 ? undefined : `accepts 1 arg(s), received ${args.length}`),
    run: async (run) => {
      const w = output(run);
      const typed = run.args[0]!;
      const abs = resolvePath(cwd, typed);
      let file: Uint8Array;
      try {
        // etcd's backend creates a missing file (an empty store) rather than failing.
        if (!disk().exists(abs)) disk().writeFile(abs, emptyBackend(), { mode: 0o600 });
        file = disk().readFile(abs);
      } catch (e) {
        return osError(e, typed, abs);
      }
      let r: HashKvResult;
      try {
        r = hashKvOfFile(file, Number(run.flags.int('rev')));
      } catch (e) {
        return fail(e);
      }
      await printHashKv(w, r);
    },
  };

  const defrag: CommandSpec = {
    use: 'defrag',
    short: 'Defragments the storage of the etcd',
    flags: [{ name: 'data-dir', kind: 'string', def: '', usage: 'Required. Defragments a data directory not in use by etcd.' }],
    run: async (run) => {
      if (!run.flags.changed.has('data-dir')) {
        await term.err('Error: required flag(s) "data-dir" not set\n');
        await term.out(helpText(run.cmd, info));
        await term.err('\n');
        throw new ExitError(EXIT_ERROR);
      }
      const dataDir = run.flags.string('data-dir');
      const dbTyped = `${dataDir.replace(/\/+$/, '')}/member/snap/db`;
      const abs = resolvePath(cwd, dbTyped);
      const wrap = (e: unknown): never => {
        const why = isFsError(e) ? e.goMessage().replace(abs, dbTyped) : (e as Error).message;
        throw new ExitError(EXIT_ERROR, `Failed to defragment etcd data[${dataDir}] (${why})`);
      };
      try {
        const file = disk().readFile(abs);
        const start = opts.clock?.monotonic() ?? 0;
        const { out, before, after } = defragFile(file);
        await log('backend/backend.go:522', 'defragmenting', {
          path: dbTyped,
          'current-db-size-bytes': file.length,
          'current-db-size': humanizeBytes(BigInt(file.length)),
          'current-db-size-in-use-bytes': before.inUse,
          'current-db-size-in-use': humanizeBytes(BigInt(before.inUse)),
        });
        const tmp = `${abs}.tmp`;
        disk().writeFile(tmp, out, { mode: 0o600 });
        disk().fsync(tmp);
        disk().rename(tmp, abs);
        const took = (opts.clock?.monotonic() ?? 0) - start;
        await log('backend/backend.go:592', 'finished defragmenting directory', {
          path: dbTyped,
          'current-db-size-bytes-diff': out.length - file.length,
          'current-db-size-bytes': out.length,
          'current-db-size': humanizeBytes(BigInt(out.length)),
          'current-db-size-in-use-bytes-diff': after.inUse - before.inUse,
          'current-db-size-in-use-bytes': after.inUse,
          'current-db-size-in-use': humanizeBytes(BigInt(after.inUse)),
          took: formatGoDuration(BigInt(Math.round(took * 1e6))),
        });
      } catch (e) {
        return wrap(e);
      }
    },
  };

  const root: CommandSpec = {
    use: 'etcdutl',
    short: 'An administrative command line tool for etcd3.',
    persistentFlags: [{ name: 'write-out', short: 'w', kind: 'string', def: 'simple', usage: 'set the output format (fields, json, protobuf, simple, table)' }],
    subcommands: [
      {
        use: 'version',
        short: 'Prints the version of etcdutl',
        run: async () => {
          await term.out(`etcdutl version: ${info.version}\nAPI version: ${info.apiVersion}\n`);
        },
      },
      defrag,
      { use: 'snapshot <subcommand>', short: 'Manages etcd node snapshots', subcommands: [restore, status] },
      hashkv,
      helpCommand(info, term),
    ],
  };
  return execute(new CommandNode(root, undefined), opts.argv, term, info);
}
