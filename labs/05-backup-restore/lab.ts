// Lab 05: the host as lesson 02 left it (etcd v3.6.4 from the release tarball, the etcd
// system user, etcd.service running as etcd on plain HTTP with its data in /var/lib/etcd).
// The learner writes application keys under /app/, saves a snapshot into /var/backups/etcd,
// inspects it with etcdutl, deletes the keys by "accident", and restores: stop etcd,
// etcdutl snapshot restore into a fresh data directory, hand it to etcd, point the service
// at it, start it, read the keys back. The checks decode the snapshot and the restored
// backend files themselves, walk the restored directory's owners, read which data
// directory the running etcd logged, and ask etcd for the keys.
import type { CheckContext } from '../../src/lab/check-context.ts';
import { processRuns } from '../../src/lab/process-history.ts';
import type { LabDefinition } from '../../src/lab/types.ts';
import type { HostNetwork } from '../../src/sandbox/virtual-network.ts';
import { fail, ok, unitFacts } from '../common/host-facts.ts';
import { hostNetwork } from '../common/tls-probe.ts';
import { installLikeLesson02 } from '../02-install-etcd/lab.ts';
import { listDir, loggedDataDir, notOwnedBy, readMemberDb, readSnapshot, type BackendView } from './backup-facts.ts';

const HOST = 'node-1';
export const SNAPSHOT = '/var/backups/etcd/snapshot.db';
export const OLD_DATA_DIR = '/var/lib/etcd';
export const RESTORED_DATA_DIR = '/var/lib/etcd-restored';

/** The application's keys the lesson writes, in the order it writes them. */
export const APP_KEYS: readonly (readonly [string, string])[] = [
  ['/app/config/db-url', 'postgres://db.internal:5432/shop'],
  ['/app/config/replicas', '3'],
  ['/app/users/alice', 'admin'],
];

/** The lesson's first look: the service from lesson 02 is up. */
export const CHECK_LINES = ['systemctl is-active etcd', 'etcdctl endpoint health'];

/** The lesson's commands up to the snapshot (its inspection included). */
export const BACKUP_LINES = [
  ...APP_KEYS.map(([k, v]) => `etcdctl put ${k} ${v}`),
  'etcdctl get /app/ --prefix',
  'sudo mkdir -p /var/backups/etcd',
  `sudo etcdctl snapshot save ${SNAPSHOT}`,
  'sudo ls -l /var/backups/etcd',
  `sudo etcdutl snapshot status ${SNAPSHOT} -w table`,
];

/** The accident. */
export const ACCIDENT_LINES = ['etcdctl del /app/ --prefix', 'etcdctl get /app/ --prefix'];

/** etcdctl 3.6 has no snapshot restore: the lesson lets the learner see so. */
export const ETCDCTL_RESTORE_LINE = `etcdctl snapshot restore ${SNAPSHOT}`;

/** The restore, as the lesson gives it (the refused restore over the live data dir included). */
export const RESTORE_LINES = [
  'sudo systemctl stop etcd',
  `sudo etcdutl snapshot restore ${SNAPSHOT} --data-dir ${OLD_DATA_DIR}`,
  `sudo etcdutl snapshot restore ${SNAPSHOT} --data-dir ${RESTORED_DATA_DIR}`,
  `sudo ls -lR ${RESTORED_DATA_DIR}`,
  `sudo chown -R etcd:etcd ${RESTORED_DATA_DIR}`,
  `echo ETCD_DATA_DIR=${RESTORED_DATA_DIR} | sudo tee -a /etc/default/etcd`,
  'sudo systemctl start etcd',
  'sudo journalctl -u etcd --no-pager | grep dir-type | tail -n 1',
];

/** Reading the result. */
export const VERIFY_LINES = ['etcdctl get /app/ --prefix', 'etcdctl get /app/users/alice -w json', 'etcdctl endpoint status -w table'];

const describeKeys = (v: BackendView) =>
  APP_KEYS.filter(([k]) => v.keys.has(k))
    .map(([k]) => `${k} = ${v.keys.get(k)!.value}`)
    .join(', ');

/** The /app keys a backend lacks or holds with another value, as a sentence; undefined when it has them all. */
function appKeysProblem(v: BackendView, where: string): string | undefined {
  const wrong: string[] = [];
  for (const [k, want] of APP_KEYS) {
    const got = v.keys.get(k);
    if (!got) wrong.push(`no ${k}`);
    else if (got.value !== want) wrong.push(`${k} = ${JSON.stringify(got.value)} (want ${JSON.stringify(want)})`);
  }
  if (!wrong.length) return undefined;
  const appCount = [...v.keys.keys()].filter((k) => k.startsWith('/app/')).length;
  const hint = appCount === 0 ? ': was it taken before the keys were written, or after they were deleted?' : '';
  return `${where} (revision ${v.revision}, ${v.keys.size} key${v.keys.size === 1 ? '' : 's'}) has ${wrong.join(', ')}${hint}`;
}

/** Why etcd.service is not up as etcd, in words; undefined when it is. */
function serviceProblem(ctx: CheckContext): string | undefined {
  const u = unitFacts(ctx.host(HOST), 'etcd.service');
  if (u.loadState === 'not-found') return 'systemd finds no etcd.service';
  if (u.activeState !== 'active') {
    const why = u.lastExit ? `; its last run ended with ${u.lastExit}` : '';
    const log = u.lastLogLines(4).find((l) => /"level":"(fatal|error|panic)"/.test(l)) ?? u.lastLogLines(1)[0];
    return `etcd.service is ${u.activeState} (${u.subState})${why}${log ? `; etcd logged: ${log}` : ''}; see sudo journalctl -u etcd`;
  }
  const p = u.mainProcess;
  if (!p) return 'etcd.service is active, but systemd knows no main process for it';
  if (p.cred.user !== 'etcd') return `etcd.service's main process (pid ${p.pid}) runs as ${p.cred.user}, not as etcd`;
  return undefined;
}

/** Why the running etcd.service is not the one on the restored data directory; undefined when it is. */
function dataDirProblem(ctx: CheckContext): string | undefined {
  const service = serviceProblem(ctx);
  if (service) return service;
  const u = unitFacts(ctx.host(HOST), 'etcd.service');
  const dir = loggedDataDir(ctx.host(HOST), 'etcd.service', u.mainPid!);
  if (!dir) return `etcd.service (pid ${u.mainPid}) has not logged its data directory ("starting an etcd server") yet; check again in a moment`;
  if (dir.replace(/\/+$/, '') !== RESTORED_DATA_DIR) {
    return `etcd.service (pid ${u.mainPid}) started with data-dir ${dir}, not ${RESTORED_DATA_DIR} (set ETCD_DATA_DIR=${RESTORED_DATA_DIR} in /etc/default/etcd, then restart etcd)`;
  }
  return undefined;
}

const lab: LabDefinition = {
  id: '05-backup-restore',
  title: 'Back up and restore etcd',
  topology: { hosts: [{ name: HOST, ip: '10.0.0.11' }] },

  async setup(sandbox) {
    await installLikeLesson02(sandbox.host(HOST), 'lab 05');
  },

  tasks: [
    {
      id: 'app-keys',
      title: 'Write the application keys under /app/',
      async check(ctx) {
        const found: string[] = [];
        for (const [key, value] of APP_KEYS) {
          const h = await ctx.etcd({ host: HOST }).history(key);
          if (!h.ok) return fail(`could not read ${key} from etcd on 127.0.0.1:2379: ${h.error}`);
          if (!h.value.values.some((v) => v.value === value)) {
            const seen = h.value.values.map((v) => JSON.stringify(v.value));
            return fail(`${found.length ? `found ${found.join(', ')}; ` : ''}${seen.length ? `${key} has held ${seen.join(', ')}, never ${JSON.stringify(value)}` : `the key ${key} does not exist in etcd`}`);
          }
          found.push(`${key} = ${value}`);
        }
        return ok(`etcd has held ${found.join(', ')}`);
      },
    },
    {
      id: 'snapshot-saved',
      title: `Save a snapshot of etcd to ${SNAPSHOT}`,
      async check(ctx) {
        const r = readSnapshot(ctx.host(HOST), SNAPSHOT);
        if ('problem' in r) return fail(r.problem);
        const problem = appKeysProblem(r.snapshot, `the snapshot ${SNAPSHOT}`);
        if (problem) return fail(problem);
        return ok(`${SNAPSHOT} (${r.snapshot.bytes} bytes) is an etcd snapshot with a valid sha256 trailer, taken at revision ${r.snapshot.revision}; it holds ${describeKeys(r.snapshot)}`);
      },
    },
    {
      id: 'snapshot-status',
      title: 'Inspect the snapshot with etcdutl snapshot status',
      async check(ctx) {
        const runs = processRuns(ctx.events(), HOST).filter((r) => {
          const a = r.argv;
          return (a[0] ?? '').split('/').pop() === 'etcdutl' && a.includes('snapshot') && a.includes('status');
        });
        const onFile = runs.filter((r) => r.argv.some((x) => x === SNAPSHOT || x.endsWith('/snapshot.db') || x === 'snapshot.db'));
        const good = onFile.find((r) => r.status === 0);
        if (good) return ok(`${good.user} ran ${good.argv.join(' ')}, and it exited 0`);
        if (onFile.length) {
          const last = onFile[onFile.length - 1]!;
          return fail(`${last.argv.join(' ')} (run by ${last.user}) ${last.status === undefined ? 'has not finished' : `exited ${last.status}`}; run it again once ${SNAPSHOT} is saved (it is readable by root only: use sudo)`);
        }
        if (runs.length) return fail(`etcdutl snapshot status ran (${runs.map((r) => r.argv.slice(1).join(' ')).join('; ')}), but never on ${SNAPSHOT}`);
        return fail(`etcdutl snapshot status has not been run on ${SNAPSHOT}`);
      },
    },
    {
      id: 'restored-data-dir',
      title: `Restore the snapshot into ${RESTORED_DATA_DIR}, owned by etcd`,
      async check(ctx) {
        const host = ctx.host(HOST);
        const top = listDir(host, RESTORED_DATA_DIR);
        if (!top) return fail(`${RESTORED_DATA_DIR} does not exist`);
        const wal = listDir(host, `${RESTORED_DATA_DIR}/member/wal`);
        if (!wal) return fail(`${RESTORED_DATA_DIR} exists (${top.length ? top.join(', ') : 'empty'}), but it has no member/wal directory: it was not made by etcdutl snapshot restore, or the WAL went elsewhere with --wal-dir (this lab keeps it inside the data directory)`);
        const walFiles = wal.filter((f) => f.endsWith('.wal'));
        if (!walFiles.length) return fail(`${RESTORED_DATA_DIR}/member/wal holds no .wal file`);
        const db = readMemberDb(host, RESTORED_DATA_DIR);
        if ('problem' in db) return fail(db.problem);
        const keys = appKeysProblem(db.db, `${RESTORED_DATA_DIR}/member/snap/db`);
        if (keys) return fail(`${keys}: restore it from the snapshot that holds the /app keys`);
        const foreign = notOwnedBy(host, RESTORED_DATA_DIR, 'etcd');
        if (foreign.length) {
          const first = foreign[0]!;
          const more = foreign.length > 1 ? ` (and ${foreign.length - 1} more path${foreign.length > 2 ? 's' : ''} under it)` : '';
          return fail(`${first.path} belongs to ${first.owner}${more}: etcd.service runs as etcd and could not use it (sudo chown -R etcd:etcd ${RESTORED_DATA_DIR})`);
        }
        return ok(`${RESTORED_DATA_DIR} holds member/wal/${walFiles[0]} and member/snap/db (revision ${db.db.revision}, with ${describeKeys(db.db)}), all owned by etcd:etcd`);
      },
    },
    {
      id: 'service-restored',
      title: `etcd.service runs on ${RESTORED_DATA_DIR}; ${OLD_DATA_DIR} is kept`,
      async check(ctx) {
        const host = ctx.host(HOST);
        const u = unitFacts(host, 'etcd.service');
        const dir = dataDirProblem(ctx);
        if (dir) return fail(dir);
        const net = hostNetwork(host) as HostNetwork;
        const holder = net.listening().find((l) => l.port === 2379 && (l.host === '127.0.0.1' || l.host === '0.0.0.0'));
        if (holder?.pid !== undefined && holder.pid !== u.mainPid) return fail(`etcd.service (pid ${u.mainPid}) uses ${RESTORED_DATA_DIR}, but port 2379 is held by pid ${holder.pid}`);
        // The old member's WAL is what a roll-back to the old data directory would need.
        const oldWal = listDir(host, `${OLD_DATA_DIR}/member/wal`)?.filter((f) => f.endsWith('.wal'));
        if (!oldWal?.length) {
          const old = listDir(host, `${OLD_DATA_DIR}/member`);
          return fail(`etcd.service runs on ${RESTORED_DATA_DIR}, but ${OLD_DATA_DIR}/member ${old ? `has no WAL (it holds ${old.join(', ') || 'nothing'})` : 'is gone'}: the old data directory was to be kept until the restore is verified`);
        }
        return ok(`etcd.service (pid ${u.mainPid}, user etcd) started with data-dir ${RESTORED_DATA_DIR}; the old member's WAL is still in ${OLD_DATA_DIR}/member/wal`);
      },
    },
    {
      id: 'keys-restored',
      title: "etcd serves the /app keys again, as the snapshot holds them",
      async check(ctx) {
        const snap = readSnapshot(ctx.host(HOST), SNAPSHOT);
        if ('problem' in snap) return fail(`nothing to compare with: ${snap.problem}`);
        const dir = dataDirProblem(ctx);
        if (dir) return fail(`the /app keys are not served from the restored data yet: ${dir}`);
        const r = await ctx.etcd({ host: HOST }).get('/app/', { prefix: true });
        if (!r.ok) return fail(`could not read /app/ from etcd on 127.0.0.1:2379: ${r.error}`);
        const served = new Map(r.value.kvs.map((kv) => [kv.key, kv]));
        const wrong: string[] = [];
        for (const [key, want] of [...snap.snapshot.keys].filter(([k]) => k.startsWith('/app/'))) {
          const got = served.get(key);
          if (!got) wrong.push(`${key} is missing`);
          else if (got.value !== want.value) wrong.push(`${key} = ${JSON.stringify(got.value)}, the snapshot has ${JSON.stringify(want.value)}`);
          else if (got.modRevision !== want.modRevision) wrong.push(`${key} = ${JSON.stringify(got.value)} was written at revision ${got.modRevision}, not ${want.modRevision} as in the snapshot (put back by hand, not restored)`);
        }
        if (!served.size) return fail(`etcd on 127.0.0.1:2379 (revision ${r.value.revision}) serves no key under /app/; the snapshot holds ${snap.snapshot.keys.size} (${describeKeys(snap.snapshot)})`);
        if (wrong.length) return fail(`etcd on 127.0.0.1:2379 (revision ${r.value.revision}): ${wrong.join('; ')}`);
        return ok(`etcd serves ${[...served.values()].map((kv) => `${kv.key} = ${kv.value}`).join(', ')} with the snapshot's revisions; the store is at revision ${r.value.revision}, the snapshot's was ${snap.snapshot.revision}`);
      },
    },
  ],

  // The lesson's runnable blocks, in order (lesson.test.ts holds them equal).
  solution: [...CHECK_LINES, ...BACKUP_LINES, ...ACCIDENT_LINES, ETCDCTL_RESTORE_LINE, ...RESTORE_LINES, ...VERIFY_LINES],
};

export default lab;
