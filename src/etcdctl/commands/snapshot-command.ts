// snapshot save: streams /v3/maintenance/snapshot into <file>.part, checks the sha256
// trailer is there, fsyncs and renames — logging each step as etcdctl 3.6 does.
import { ExitError, type CommandSpec } from '../cli/command.ts';
import { formatGoDuration } from '../cli/go-duration.ts';
import { RpcError } from '../client/rpc-error.ts';
import { asString } from '../client/types.ts';
import { EXIT, type Ctl } from '../ctl.ts';
import { humanizeBytes } from '../format/go-fmt.ts';
import { isFsError } from '../../platform/filesystem.ts';

export const SNAPSHOT_EXAMPLE = [
  '# Save snapshot to a given file',
  'etcdctl snapshot save /backup/etcd-snapshot.db',
  '',
  '# Get snapshot from given address and save it to file',
  'etcdctl snapshot save --endpoints=127.0.0.1:3000 /backup/etcd-snapshot.db',
  '',
  '# Get snapshot from given address with certificates',
  'etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/etcd/ca.crt --cert=/etc/etcd/etcd.crt --key=/etc/etcd/etcd.key snapshot save /backup/etcd-snapshot.db',
  '',
  '# Get snapshot wih certain user and password',
  'etcdctl --user=root --password=password123 snapshot save /backup/etcd-snapshot.db',
  '',
  '# Get snapshot from given address with timeout',
  'etcdctl --endpoints=https://127.0.0.1:2379 --dial-timeout=20s snapshot save /backup/etcd-snapshot.db',
  '',
  '# Save snapshot with desirable time format',
  'etcdctl snapshot save /mnt/backup/etcd/backup_$(date +%Y%m%d_%H%M%S).db',
]
  .map((l) => '  ' + l)
  .join('\n');

export function snapshotCommand(ctl: Ctl): CommandSpec {
  const info = async (caller: string, msg: string, fields: Record<string, string> = {}, logger?: string) => {
    const rec: Record<string, string> = { level: 'info', ts: ctl.zapTs() };
    if (logger) rec.logger = logger;
    Object.assign(rec, { caller, msg }, fields);
    await ctl.err(JSON.stringify(rec) + '\n');
  };
  const save: CommandSpec = {
    use: 'save <filename>',
    short: 'Stores an etcd node backend snapshot to a given file',
    example: SNAPSHOT_EXAMPLE,
    run: async (run) => {
      const { args, flags } = run;
      if (args.length !== 1) throw new ExitError(EXIT.badArgs, 'snapshot save expects one argument <filename>');
      await ctl.config(run);
      const eps = ctl.endpoints(flags);
      const fail = (msg: string): never => {
        throw new ExitError(EXIT.interrupted, msg);
      };
      if (eps.length !== 1) fail(`snapshot must be requested to one selected node, not multiple [${eps.join(' ')}]`);
      const c = ctl.client(flags, eps, 'client');
      const dbPath = args[0]!;
      const part = dbPath + '.part';
      const fs = ctl.o.fs;
      const abs = ctl.path(part);
      try {
        fs.writeFile(abs, new Uint8Array(), { mode: 0o600 });
      } catch (e) {
        if (isFsError(e)) fail(`could not open ${part} (open ${part}: ${e.goMessage().replace(/^\S+ \S+: /, '')})`);
        throw e;
      }
      const cleanup = () => {
        try {
          if (fs.exists(abs)) fs.unlink(abs);
        } catch {
          /* the .part file is best-effort cleanup, as in etcdctl */
        }
      };
      await info('snapshot/v3_snapshot.go:83', 'created temporary db file', { path: part });
      const start = ctl.o.clock.monotonic();
      // Without an explicit --command-timeout, a snapshot may take as long as it takes.
      const timeout = flags.changed.has('command-timeout') ? ctl.commandTimeoutMs(flags) : undefined;
      let size = 0;
      let version = '';
      let opened = false;
      try {
        await c.stream(
          '/v3/maintenance/snapshot',
          {},
          async (msg) => {
            if (!opened) {
              opened = true;
              await info(`v3@v${ctl.version}/maintenance.go:236`, 'opened snapshot stream; downloading', {}, 'client');
              await info('snapshot/v3_snapshot.go:96', 'fetching snapshot', { endpoint: eps[0]! });
            }
            if (!version) version = asString(msg.version);
            const blob = Buffer.from(asString(msg.blob), 'base64');
            if (blob.length) {
              fs.appendFile(abs, new Uint8Array(blob));
              size += blob.length;
            }
            return true;
          },
          { openTimeoutMs: timeout },
        );
        await info(`v3@v${ctl.version}/maintenance.go:302`, 'completed snapshot read; closing', {}, 'client');
      } catch (e) {
        cleanup();
        if (e instanceof RpcError) fail(e.text);
        throw e;
      }
      // A backend snapshot ends with its sha256 (32 bytes) after 512-byte-aligned data.
      if (size % 512 !== 32) {
        cleanup();
        fail(`sha256 checksum not found [bytes: ${size}]`);
      }
      fs.fsync(abs);
      await info('snapshot/v3_snapshot.go:111', 'fetched snapshot', {
        endpoint: eps[0]!,
        size: humanizeBytes(BigInt(size)),
        took: formatGoDuration(BigInt(Math.round((ctl.o.clock.monotonic() - start) * 1e6))),
        'etcd-version': version,
      });
      try {
        fs.rename(abs, ctl.path(dbPath));
      } catch (e) {
        cleanup();
        if (isFsError(e)) fail(`could not rename ${part} to ${dbPath} (rename ${part} ${dbPath}: ${e.goMessage().replace(/^\S+ \S+: /, '')})`);
        throw e;
      }
      await info('snapshot/v3_snapshot.go:121', 'saved', { path: dbPath });
      await ctl.out(`Snapshot saved at ${dbPath}\n`);
      if (version) await ctl.out(`Server version ${version}\n`);
    },
  };
  return { use: 'snapshot <subcommand>', short: 'Manages etcd node snapshots', example: SNAPSHOT_EXAMPLE, subcommands: [save] };
}
