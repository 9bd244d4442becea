// Lab 05 on a real sandbox: a fresh host (lesson 02's end state) fails every check and
// says what it found; the lesson's commands, typed into a terminal, pass them all; the
// usual mistakes (restoring over the live data dir, a restored dir left to root, a copy of
// member/snap/db instead of a snapshot, a snapshot taken after the accident) get named.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCheckContext } from '../../src/lab/check-context.ts';
import { checkAll, checkOne, labSandbox, typeLines, withLabTerminal } from '../common/lab-testing.ts';
import lab, { ACCIDENT_LINES, BACKUP_LINES, RESTORED_DATA_DIR, SNAPSHOT } from './lab.ts';

test('on lesson 02\'s host every task fails and says what it found', { timeout: 60_000 }, async () => {
  const sandbox = await labSandbox(lab);
  try {
    const results = await checkAll(lab, createCheckContext(sandbox));
    for (const [id, res] of results) assert.equal(res.ok, false, `${id} must fail on a fresh host: ${res.message}`);
    assert.equal(results.get('app-keys')!.message, 'the key /app/config/db-url does not exist in etcd');
    assert.equal(results.get('snapshot-saved')!.message, `${SNAPSHOT} does not exist`);
    assert.equal(results.get('snapshot-status')!.message, `etcdutl snapshot status has not been run on ${SNAPSHOT}`);
    assert.equal(results.get('restored-data-dir')!.message, `${RESTORED_DATA_DIR} does not exist`);
    assert.match(results.get('service-restored')!.message, /^etcd\.service \(pid \d+\) started with data-dir \/var\/lib\/etcd, not \/var\/lib\/etcd-restored \(set ETCD_DATA_DIR=\/var\/lib\/etcd-restored in \/etc\/default\/etcd, then restart etcd\)$/);
    assert.equal(results.get('keys-restored')!.message, `nothing to compare with: ${SNAPSHOT} does not exist`);
  } finally {
    sandbox.dispose();
  }
});

test('the reference solution, typed into a terminal, passes every check', { timeout: 90_000 }, async () => {
  await withLabTerminal(lab, async (term, sandbox) => {
    await typeLines(term, lab.solution);
    const out = term.output;
    assert.match(out, /\nSnapshot saved at \/var\/backups\/etcd\/snapshot\.db\nServer version 3\.6\.0\n/);
    assert.match(out, /\|   HASH   \| REVISION \| TOTAL KEYS \| TOTAL SIZE \| VERSION \|\n\+[-+]+\+\n\| [0-9a-f]{8} \|        4 \|          3 \|/);
    // etcdctl 3.6 has no snapshot restore: it prints the snapshot command's help, which lists only save.
    assert.match(out, /etcdctl snapshot restore \/var\/backups\/etcd\/snapshot\.db\nNAME:\n  snapshot - Manages etcd node snapshots\n[\s\S]*?COMMANDS:\n  save\tStores an etcd node backend snapshot to a given file\n\n/);
    assert.match(out, /etcdctl del \/app\/ --prefix\n3\n/);
    assert.match(out, /restored snapshot\t\{"path": "\/var\/backups\/etcd\/snapshot\.db", "wal-dir": "\/var\/lib\/etcd-restored\/member\/wal"/);
    assert.match(out, /\/app\/config\/db-url\npostgres:\/\/db\.internal:5432\/shop\n\/app\/config\/replicas\n3\n\/app\/users\/alice\nadmin\n[^\n]*\$ etcdctl get \/app\/users\/alice -w json\n/);
    const results = await checkAll(lab, createCheckContext(sandbox));
    for (const [id, r] of results) assert.ok(r.ok, `${id} failed after the solution: ${r.message}`);
    assert.match(results.get('snapshot-saved')!.message, /is an etcd snapshot with a valid sha256 trailer, taken at revision 4; it holds \/app\/config\/db-url = postgres:\/\/db\.internal:5432\/shop, \/app\/config\/replicas = 3, \/app\/users\/alice = admin$/);
    assert.match(results.get('snapshot-status')!.message, /^root ran etcdutl snapshot status \/var\/backups\/etcd\/snapshot\.db -w table, and it exited 0$/);
    assert.match(results.get('restored-data-dir')!.message, /^\/var\/lib\/etcd-restored holds member\/wal\/0000000000000000-0000000000000000\.wal and member\/snap\/db \(revision 4, /);
    assert.match(results.get('keys-restored')!.message, /with the snapshot's revisions; the store is at revision 4, the snapshot's was 4$/);
  });
});

test('restoring over the live data dir, and a restored dir left to root, are named', { timeout: 90_000 }, async () => {
  await withLabTerminal(lab, async (term, sandbox) => {
    await typeLines(term, [...BACKUP_LINES, ...ACCIDENT_LINES]);
    assert.ok((await checkOne(lab, sandbox, 'snapshot-saved')).ok);
    assert.ok((await checkOne(lab, sandbox, 'app-keys')).ok, 'the keys were written, even if deleted since');
    await typeLines(term, ['sudo systemctl stop etcd']);

    // etcdutl refuses a data dir that is not empty, in its own words; nothing is touched.
    const over = await term.run(`sudo etcdutl snapshot restore ${SNAPSHOT} --data-dir /var/lib/etcd`);
    assert.match(over.output, /\nError: data-dir "\/var\/lib\/etcd" not empty or could not be read\n/);

    // Restored as root and not handed over: etcd (user etcd) cannot open it.
    await typeLines(term, [`sudo etcdutl snapshot restore ${SNAPSHOT} --data-dir ${RESTORED_DATA_DIR}`, `echo ETCD_DATA_DIR=${RESTORED_DATA_DIR} | sudo tee -a /etc/default/etcd`]);
    const start = await term.run('sudo systemctl start etcd');
    assert.match(start.output, /Job for etcd\.service failed because the control process exited with error code\./);
    const dir = await checkOne(lab, sandbox, 'restored-data-dir');
    assert.equal(dir.message, `${RESTORED_DATA_DIR} belongs to root:root (and 6 more paths under it): etcd.service runs as etcd and could not use it (sudo chown -R etcd:etcd ${RESTORED_DATA_DIR})`);
    const svc = await checkOne(lab, sandbox, 'service-restored');
    assert.equal(svc.ok, false);
    assert.match(svc.message, /^etcd\.service is (activating \(auto-restart\)|failed \(failed\)); its last run ended with code=exited, status=1\/FAILURE; etcd logged: .*"level":"fatal".*\/var\/lib\/etcd-restored.*permission denied/);
    assert.match((await checkOne(lab, sandbox, 'keys-restored')).message, /^the \/app keys are not served from the restored data yet: etcd\.service is (activating|failed)/);

    // Handed to etcd, it starts and serves the snapshot's keys; the old dir is still there.
    await typeLines(term, [`sudo chown -R etcd:etcd ${RESTORED_DATA_DIR}`, 'sudo systemctl restart etcd', 'etcdctl get /app/ --prefix']);
    for (const id of ['restored-data-dir', 'service-restored', 'keys-restored']) {
      const r = await checkOne(lab, sandbox, id);
      assert.ok(r.ok, `${id}: ${r.message}`);
    }

    // Keys written again by hand are not the snapshot's.
    await typeLines(term, ['etcdctl put /app/users/alice admin']);
    assert.match((await checkOne(lab, sandbox, 'keys-restored')).message, /\/app\/users\/alice = "admin" was written at revision 5, not 4 as in the snapshot \(put back by hand, not restored\)$/);

    // Deleting the old data dir is not part of a restore that has not been verified yet.
    await typeLines(term, ['sudo rm -rf /var/lib/etcd/member']);
    assert.match((await checkOne(lab, sandbox, 'service-restored')).message, /but \/var\/lib\/etcd\/member is gone: the old data directory was to be kept/);
  });
});

test('a snapshot without its hash, a damaged one and one taken after the accident are named', { timeout: 60_000 }, async () => {
  await withLabTerminal(lab, async (term, sandbox) => {
    await typeLines(term, BACKUP_LINES);
    const fs = sandbox.host('node-1')!.rootFs;
    const good = fs.readFile(SNAPSHOT);

    // A copy of a member's backend file (member/snap/db) is the snapshot without its sha256.
    fs.writeFile(SNAPSHOT, good.subarray(0, good.length - 32));
    assert.equal((await checkOne(lab, sandbox, 'snapshot-saved')).message, `${SNAPSHOT} (${good.length - 32} bytes) has no sha256 trailer, so it is not a file etcdctl snapshot save wrote (a copy of member/snap/db has none; etcdutl snapshot restore would refuse it: "snapshot missing hash but --skip-hash-check=false")`);
    const noHash = await term.run(`sudo etcdutl snapshot restore ${SNAPSHOT} --data-dir /tmp/r1`);
    assert.match(noHash.output, /\nError: snapshot missing hash but --skip-hash-check=false\n/);

    // One byte changed in the middle: the trailer no longer matches.
    const damaged = Uint8Array.from(good);
    damaged[5000] = damaged[5000]! ^ 0xff;
    fs.writeFile(SNAPSHOT, damaged);
    assert.match((await checkOne(lab, sandbox, 'snapshot-saved')).message, /^\/var\/backups\/etcd\/snapshot\.db is damaged: its last 32 bytes are not the sha256 of the rest \(etcdutl snapshot restore would stop with "expected sha256 \[/);
    const bad = await term.run(`sudo etcdutl snapshot restore ${SNAPSHOT} --data-dir /tmp/r2`);
    assert.match(bad.output, /\nError: expected sha256 \[/);

    // Taken after the accident: a fine snapshot of the wrong moment.
    await typeLines(term, [...ACCIDENT_LINES, `sudo etcdctl snapshot save ${SNAPSHOT}`]);
    assert.equal(
      (await checkOne(lab, sandbox, 'snapshot-saved')).message,
      `the snapshot ${SNAPSHOT} (revision 5, 0 keys) has no /app/config/db-url, no /app/config/replicas, no /app/users/alice: was it taken before the keys were written, or after they were deleted?`,
    );
  });
});
