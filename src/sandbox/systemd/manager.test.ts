import assert from 'node:assert/strict';
import { it } from 'node:test';
import { SimClock } from '../../platform/sim-clock.ts';
import { run } from '../commands/testing.ts';
import { installProgram, createRegistry } from '../programs.ts';
import { builtinPrograms } from '../registry.ts';
import { createSandbox } from '../sandbox.ts';
import type { Command } from '../types.ts';
import { ETCD_SERVICE_UNIT } from '../internet/course-files.ts';
import { sdNotify } from './notify.ts';

/** A stand-in daemon: logs, says READY=1 (unless FAKE_FAIL is set: then exits 1), runs until signalled. */
const fakeEtcd: Command = {
  name: 'etcd',
  summary: 'test daemon',
  async run(ctx) {
    await ctx.stderr.write(`{"level":"info","msg":"starting","data-dir":"${ctx.env.ETCD_DATA_DIR ?? ''}","user":"${ctx.proc.cred.user}"}\n`);
    if (ctx.env.FAKE_FAIL) {
      await ctx.stderr.write('{"level":"fatal","msg":"cannot start"}\n');
      return 1;
    }
    await ctx.stderr.write('{"level":"info","msg":"ready to serve client requests"}\n');
    sdNotify(ctx, 'READY=1');
    await new Promise((r) => ctx.signal.addEventListener('abort', r, { once: true }));
    return 0;
  },
};

function setup() {
  const clock = new SimClock(Date.UTC(2026, 10, 21, 9, 22, 32));
  const sb = createSandbox({ hosts: [{ name: 'node-1' }], clock, programs: createRegistry([...builtinPrograms.values(), fakeEtcd]) });
  const h = sb.host('node-1');
  installProgram(h.rootFs, '/usr/local/bin/etcd', 'etcd', '3.6.4');
  h.rootFs.appendFile('/etc/passwd', 'etcd:x:105:108::/var/lib/etcd:/usr/sbin/nologin\n');
  h.rootFs.appendFile('/etc/group', 'etcd:x:108:\n');
  h.rootFs.mkdir('/var/lib/etcd');
  h.rootFs.chown('/var/lib/etcd', 105, 108);
  h.rootFs.writeFile('/etc/systemd/system/etcd.service', ETCD_SERVICE_UNIT);
  // The learner reads the system journal as a member of adm (see the test below for one who does not).
  h.rootFs.writeFile('/etc/group', new TextDecoder().decode(h.rootFs.readFile('/etc/group')).replace(/^adm:x:4:.*$/m, 'adm:x:4:learner'));
  return { sb, h, clock };
}

it('enable --now creates the wants symlink, starts the notify service as its user, status shows it', async () => {
  const { h, clock } = setup();
  assert.equal((await run(h, 'systemctl daemon-reload', { as: 'root' })).status, 0);
  const en = await run(h, 'systemctl enable --now etcd', { as: 'root' });
  assert.equal(en.stderr, 'Created symlink /etc/systemd/system/multi-user.target.wants/etcd.service \u2192 /etc/systemd/system/etcd.service.\n');
  assert.equal(en.status, 0);
  const act = await run(h, 'systemctl is-active etcd');
  assert.equal(act.stdout, 'active\n');
  assert.equal(act.status, 0);
  assert.equal((await run(h, 'systemctl is-enabled etcd')).stdout, 'enabled\n');
  const p = h.processes().find((x) => x.unit === 'etcd.service')!;
  assert.equal(p.cred.user, 'etcd');
  clock.advance(5000);
  const st = await run(h, 'systemctl status etcd');
  const lines = st.stdout.split('\n');
  assert.equal(lines[0], '● etcd.service - etcd');
  assert.equal(lines[1], '     Loaded: loaded (/etc/systemd/system/etcd.service; enabled; preset: enabled)');
  assert.equal(lines[2], '     Active: active (running) since Sat 2026-11-21 09:22:32 UTC; 5s ago');
  assert.equal(lines[3], '       Docs: https://etcd.io/docs/');
  assert.equal(lines[4], `   Main PID: ${p.pid} (etcd)`);
  assert.match(st.stdout, new RegExp(`     CGroup: /system.slice/etcd.service\\n             └─${p.pid} /usr/local/bin/etcd\\n`));
  assert.match(st.stdout, /Nov 21 09:22:32 node-1 systemd\[1\]: Starting etcd.service - etcd\.\.\.\n/);
  assert.match(st.stdout, new RegExp(`Nov 21 09:22:32 node-1 etcd\\[${p.pid}\\]: \\{"level":"info","msg":"starting","data-dir":"/var/lib/etcd","user":"etcd"\\}`));
  assert.match(st.stdout, /systemd\[1\]: Started etcd.service - etcd\.\n$/);
  assert.equal(st.status, 0);
  const j = await run(h, ['journalctl', '-u', 'etcd', '-n', '2', '--no-pager']);
  assert.deepEqual(j.stdout.split('\n').slice(0, 2).map((l) => l.replace(/^.*?: /, '')), ['{"level":"info","msg":"ready to serve client requests"}', 'Started etcd.service - etcd.']);
});

it('a crashing notify service fails the job in systemctl words and restarts after RestartSec', async () => {
  const { h, clock } = setup();
  h.rootFs.writeFile('/etc/default/etcd', 'FAKE_FAIL="yes"\n');
  const r = await run(h, 'systemctl start etcd', { as: 'root' });
  assert.equal(r.stderr, 'Job for etcd.service failed because the control process exited with error code.\nSee "systemctl status etcd.service" and "journalctl -xeu etcd.service" for details.\n');
  assert.equal(r.status, 1);
  assert.equal((await run(h, 'systemctl is-active etcd')).stdout, 'activating\n');
  const st = await run(h, 'systemctl status etcd');
  assert.match(st.stdout, /Active: activating \(auto-restart\) \(Result: exit-code\) since Sat 2026-11-21 09:22:32 UTC; now/);
  assert.match(st.stdout, /Main PID: \d+ \(code=exited, status=1\/FAILURE\)/);
  assert.match(st.stdout, /etcd.service: Main process exited, code=exited, status=1\/FAILURE/);
  h.rootFs.unlink('/etc/default/etcd');
  clock.advance(10_000);
  for (let i = 0; i < 20 && (await run(h, 'systemctl is-active etcd')).stdout !== 'active\n'; i++) await new Promise((res) => setImmediate(res));
  assert.equal((await run(h, 'systemctl is-active etcd')).stdout, 'active\n');
  const log = (await run(h, 'journalctl -u etcd')).stdout;
  assert.match(log, /etcd.service: Scheduled restart job, restart counter is at 1\./);
  assert.equal((await run(h, 'systemctl show etcd -p NRestarts')).stdout, 'NRestarts=1\n');
});

it('stop, not-found, access denied, changed-on-disk and bad-setting', async () => {
  const { h } = setup();
  assert.equal((await run(h, 'systemctl start etcd', { as: 'root' })).status, 0);
  assert.equal((await run(h, 'systemctl stop etcd', { as: 'root' })).status, 0);
  const st = await run(h, 'systemctl status etcd');
  assert.match(st.stdout, /^○ etcd.service - etcd\n/);
  assert.match(st.stdout, /Active: inactive \(dead\) since/);
  assert.equal(st.status, 3);
  let r = await run(h, 'systemctl status nope');
  assert.equal(r.stderr, 'Unit nope.service could not be found.\n');
  assert.equal(r.status, 4);
  r = await run(h, 'systemctl start nope', { as: 'root' });
  assert.equal(r.stderr, 'Failed to start nope.service: Unit nope.service not found.\n');
  assert.equal(r.status, 5);
  r = await run(h, 'systemctl start etcd');
  assert.equal(r.stderr, "Failed to start etcd.service: Access denied\nSee system logs and 'systemctl status etcd.service' for details.\n");
  h.rootFs.writeFile('/etc/systemd/system/etcd.service', ETCD_SERVICE_UNIT.replace('ExecStart=/usr/local/bin/etcd\n', ''));
  r = await run(h, 'systemctl start etcd', { as: 'root' });
  assert.equal(r.stderr.split('\n')[0], "Warning: The unit file, source configuration file or drop-ins of etcd.service changed on disk. Run 'systemctl daemon-reload' to reload units.");
  await run(h, 'systemctl daemon-reload', { as: 'root' });
  r = await run(h, 'systemctl start etcd', { as: 'root' });
  assert.equal(r.stderr, "Failed to start etcd.service: Unit etcd.service has a bad unit file setting.\nSee system logs and 'systemctl status etcd.service' for details.\n");
  assert.match((await run(h, 'systemctl status etcd')).stdout, /Loaded: bad-setting \(Reason: Unit etcd.service has a bad unit file setting.\)/);
  assert.match((await run(h, 'journalctl -u etcd')).stdout, /etcd.service: Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing./);
  r = await run(h, 'systemctl cat etcd');
  assert.match(r.stdout, /^# \/etc\/systemd\/system\/etcd.service\n\[Unit\]\n/);
});

it('a missing binary fails with 203/EXEC', async () => {
  const { h } = setup();
  h.rootFs.unlink('/usr/local/bin/etcd');
  const r = await run(h, 'systemctl start etcd', { as: 'root' });
  assert.equal(r.status, 1);
  const log = (await run(h, 'journalctl -u etcd')).stdout;
  assert.match(log, /etcd.service: Failed to locate executable \/usr\/local\/bin\/etcd: No such file or directory/);
  assert.match(log, /etcd.service: Main process exited, code=exited, status=203\/EXEC/);
});

it('enabled units start when a sandbox boots from a snapshot', async () => {
  const { sb, h } = setup();
  await run(h, 'systemctl enable --now etcd', { as: 'root' });
  const image = sb.snapshot();
  await sb.dispose();
  const clock = new SimClock(Date.UTC(2026, 10, 21, 10, 0, 0));
  const again = createSandbox({ hosts: [{ name: 'node-1' }], clock, image, programs: createRegistry([...builtinPrograms.values(), fakeEtcd]) });
  const h2 = again.host('node-1');
  for (let i = 0; i < 20 && (await run(h2, 'systemctl is-active etcd')).stdout !== 'active\n'; i++) await new Promise((res) => setImmediate(res));
  assert.equal((await run(h2, 'systemctl is-active etcd')).stdout, 'active\n');
  assert.equal(h2.processes().find((p) => p.unit === 'etcd.service')?.cred.user, 'etcd');
});

it('journalctl -u etcd -f prints the last lines, follows new ones and ends on Ctrl-C', async () => {
  const { h, clock } = setup();
  await run(h, 'systemctl start etcd', { as: 'root' });
  const ac = new AbortController();
  const following = run(h, ['journalctl', '-u', 'etcd', '-f', '-n', '1'], { signal: ac.signal });
  await new Promise((r) => setImmediate(r));
  clock.advance(2000);
  await run(h, 'systemctl stop etcd', { as: 'root' });
  await new Promise((r) => setImmediate(r));
  ac.abort('SIGINT');
  const r = await following;
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines[0], 'Nov 21 09:22:32 node-1 systemd[1]: Started etcd.service - etcd.');
  assert.equal(lines.at(-1), 'Nov 21 09:22:34 node-1 systemd[1]: Stopped etcd.service - etcd.');
  assert.ok(lines.includes('Nov 21 09:22:34 node-1 systemd[1]: Stopping etcd.service - etcd...'));
  assert.equal(r.status, 130);
  assert.equal((await run(h, ['journalctl', '-u', 'nothing'])).stdout, '-- No entries --\n');
});

it('on a terminal, status shortens long lines with an ellipsis unless -l', async () => {
  const { h } = setup();
  await run(h, 'systemctl start etcd', { as: 'root' });
  const short = await run(h, 'systemctl status etcd', { tty: true });
  assert.ok(short.stdout.split('\n').every((l) => [...l].length <= 80));
  assert.match(short.stdout, /etcd\[\d+\]: \{"level":"info","msg":"starting",.*…\n/);
  const full = await run(h, 'systemctl status -l etcd', { tty: true });
  assert.match(full.stdout, /"user":"etcd"\}\n/);
});

it('journalctl -xeu explains systemd messages with the catalog text', async () => {
  const { h } = setup();
  h.rootFs.writeFile('/etc/default/etcd', 'FAKE_FAIL=1\n');
  await run(h, 'systemctl start etcd', { as: 'root' });
  const r = await run(h, ['journalctl', '-xeu', 'etcd.service']);
  assert.match(r.stdout, /systemd\[1\]: Starting etcd.service - etcd\.\.\.\n░░ Subject: A start job for unit etcd.service has begun execution\n░░ Defined-By: systemd\n░░ Support: https:\/\/www.debian.org\/support\n░░ \n░░ A start job for unit etcd.service has begun execution.\n░░ \n░░ The job identifier is (\d+)\.\n/);
  assert.match(r.stdout, /Main process exited, code=exited, status=1\/FAILURE\n░░ Subject: Unit process exited\n(░░ .*\n)*░░ The process' exit code is 'exited' and its exit status is 1\.\n/);
  assert.match(r.stdout, /Failed with result 'exit-code'\.\n░░ Subject: Unit failed\n/);
  assert.doesNotMatch(r.stdout, /etcd\[\d+\]: .*\n░░/);
});

it('Type=simple with a missing binary: the start job succeeds at fork, then the unit fails with 203/EXEC', async () => {
  const { h } = setup();
  h.rootFs.writeFile('/etc/systemd/system/web.service', '[Unit]\nDescription=web\n[Service]\nExecStart=/usr/local/bin/nosuch --port 80\n');
  const r = await run(h, 'systemctl start web', { as: 'root' });
  assert.equal(r.status, 0);
  for (let i = 0; i < 20 && (await run(h, 'systemctl is-failed web')).stdout !== 'failed\n'; i++) await new Promise((res) => setImmediate(res));
  const st = await run(h, 'systemctl status web');
  assert.match(st.stdout, /^× web.service - web\n/);
  assert.match(st.stdout, /Active: failed \(Result: exit-code\)/);
  assert.match(st.stdout, /Loaded: loaded \(\/etc\/systemd\/system\/web.service; static\)\n/);
  assert.match(st.stdout, /Process: (\d+) ExecStart=\/usr\/local\/bin\/nosuch --port 80 \(code=exited, status=203\/EXEC\)\n   Main PID: \1 \(code=exited, status=203\/EXEC\)/);
  assert.match(st.stdout, /systemd\[\d{4}\]: web.service: Failed to locate executable \/usr\/local\/bin\/nosuch: No such file or directory/);
});

it('enable reloads the daemon, so a changed unit file is picked up', async () => {
  const { h } = setup();
  await run(h, 'systemctl status etcd');
  h.rootFs.writeFile('/etc/systemd/system/etcd.service', ETCD_SERVICE_UNIT.replace('Description=etcd', 'Description=etcd key-value store'));
  assert.match((await run(h, 'systemctl status etcd')).stderr, /changed on disk/);
  await run(h, 'systemctl enable etcd', { as: 'root' });
  const st = await run(h, 'systemctl status etcd');
  assert.equal(st.stderr, '');
  assert.match(st.stdout, /^○ etcd.service - etcd key-value store\n/);
});

it('list-units and list-unit-files', async () => {
  const { h } = setup();
  await run(h, 'systemctl enable --now etcd', { as: 'root' });
  const lu = await run(h, 'systemctl list-units --type=service');
  assert.match(lu.stdout, /^  UNIT +LOAD +ACTIVE +SUB +DESCRIPTION\n  etcd\.service loaded active running etcd\n/);
  assert.match(lu.stdout, /\n1 loaded units listed\. Pass --all to see loaded but inactive units, too\.\n/);
  const lf = await run(h, 'systemctl list-unit-files');
  assert.equal(lf.stdout, 'UNIT FILE    STATE   PRESET\netcd.service enabled enabled\n\n1 unit files listed.\n');
});

it('a user outside adm/systemd-journal sees no system messages (Debian), root and adm members do', async () => {
  const { h } = setup();
  h.rootFs.writeFile('/etc/group', new TextDecoder().decode(h.rootFs.readFile('/etc/group')).replace(/^adm:x:4:.*$/m, 'adm:x:4:'));
  await run(h, 'systemctl start etcd', { as: 'root' });
  const j = await run(h, 'journalctl -u etcd');
  assert.equal(j.stderr, "Hint: You are currently not seeing messages from other users and the system.\n      Users in groups 'adm', 'systemd-journal' can see all messages.\n      Pass -q to turn off this notice.\n");
  assert.equal(j.stdout, '-- No entries --\n');
  const st = await run(h, 'systemctl status etcd');
  assert.doesNotMatch(st.stdout, /systemd\[1\]/);
  assert.match((await run(h, 'journalctl -u etcd', { as: 'root' })).stdout, /Started etcd.service - etcd\./);
  assert.match((await run(h, 'systemctl status etcd', { as: 'root' })).stdout, /Started etcd.service - etcd\./);
});
