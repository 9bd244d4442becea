import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ETCD_SERVICE_UNIT } from '../internet/course-files.ts';
import { run, testHost } from './testing.ts';

const UNIT_URL = 'https://labs.iximiuz.com/content/files/courses/kubernetes-the-very-hard-way-0cbfd997/03-control-plane/01-etcd/__static__/etcd.service?v=1770643331';
const RELEASE = 'https://github.com/etcd-io/etcd/releases/download/v3.6.4/etcd-v3.6.4-linux-amd64.tar.gz';

it('sudo wget -O saves the course unit and logs like wget 1.21', async () => {
  const h = testHost();
  const r = await run(h, ['wget', '-O', '/etc/systemd/system/etcd.service', UNIT_URL], { as: 'root' });
  assert.equal(r.status, 0);
  assert.equal(new TextDecoder().decode(h.rootFs.readFile('/etc/systemd/system/etcd.service')), ETCD_SERVICE_UNIT);
  const len = Buffer.byteLength(ETCD_SERVICE_UNIT);
  const lines = r.stderr.split('\n');
  assert.equal(lines[0], `--2026-11-21 09:00:00--  ${UNIT_URL}`);
  assert.match(lines[1]!, /^Resolving labs\.iximiuz\.com \(labs\.iximiuz\.com\)\.\.\. 203\.0\.113\.\d+$/);
  assert.match(lines[2]!, /^Connecting to labs\.iximiuz\.com \(labs\.iximiuz\.com\)\|203\.0\.113\.\d+\|:443\.\.\. connected\.$/);
  assert.equal(lines[3], 'HTTP request sent, awaiting response... 200 OK');
  assert.equal(lines[4], `Length: ${len} [application/octet-stream]`);
  assert.equal(lines[5], 'Saving to: ‘/etc/systemd/system/etcd.service’');
  assert.match(lines[7]!, /^ {5}0K {55}100% +[\d.]+[KM]=0s$/);
  assert.match(lines[9]!, new RegExp(`^2026-11-21 09:00:00 \\([\\d.]+ [KM]B/s\\) - ‘/etc/systemd/system/etcd.service’ saved \\[${len}/${len}\\]$`));
});

it('without root, -O into /etc fails before fetching', async () => {
  const r = await run(testHost(), ['wget', '-O', '/etc/systemd/system/etcd.service', UNIT_URL]);
  assert.equal(r.stderr, '/etc/systemd/system/etcd.service: Permission denied\n');
  assert.equal(r.status, 1);
});

it('follows the GitHub release redirect and names the file after the original URL', async () => {
  const h = testHost();
  const r = await run(h, ['wget', RELEASE]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /HTTP request sent, awaiting response\.\.\. 302 Found\nLocation: https:\/\/objects\.githubusercontent\.com\/\S+ \[following\]\n--2026-11-21 09:00:00--  https:\/\/objects\.githubusercontent\.com\//);
  assert.match(r.stderr, /Saving to: ‘etcd-v3\.6\.4-linux-amd64\.tar\.gz’/);
  const data = h.rootFs.readFile('/home/learner/etcd-v3.6.4-linux-amd64.tar.gz');
  assert.deepEqual([data[0], data[1]], [0x1f, 0x8b]);
  // A second download does not clobber: wget picks name.1.
  const again = await run(h, ['wget', '-q', RELEASE]);
  assert.equal(again.stderr, '');
  assert.ok(h.rootFs.exists('/home/learner/etcd-v3.6.4-linux-amd64.tar.gz.1'));
});

it('keeps the query string in the saved name, as wget does', async () => {
  const h = testHost();
  assert.equal((await run(h, ['wget', '-q', UNIT_URL])).status, 0);
  assert.ok(h.rootFs.exists('/home/learner/etcd.service?v=1770643331'));
});

it('404, unknown hosts and -O - behave as wget', async () => {
  const h = testHost();
  let r = await run(h, ['wget', 'https://github.com/etcd-io/etcd/releases/download/v3.6.99/etcd-v3.6.99-linux-amd64.tar.gz']);
  assert.match(r.stderr, /awaiting response\.\.\. 404 Not Found\n2026-11-21 09:00:00 ERROR 404: Not Found\.\n\n$/);
  assert.equal(r.status, 8);
  r = await run(h, ['wget', 'https://nosuch.example/x']);
  assert.equal(r.stderr, '--2026-11-21 09:00:00--  https://nosuch.example/x\nResolving nosuch.example (nosuch.example)... failed: Name or service not known.\nwget: unable to resolve host address ‘nosuch.example’\n');
  assert.equal(r.status, 4);
  r = await run(h, ['wget', '-qO-', UNIT_URL]);
  assert.match(r.stdout, /^\[Unit\]\nDescription=etcd\n/);
  r = await run(h, ['wget']);
  assert.equal(r.stderr, "wget: missing URL\nUsage: wget [OPTION]... [URL]...\n\nTry `wget --help' for more options.\n");
  assert.equal(r.status, 1);
  r = await run(h, ['wget', '-Z']);
  assert.equal(r.stderr, "wget: invalid option -- 'Z'\nUsage: wget [OPTION]... [URL]...\n\nTry `wget --help' for more options.\n");
  assert.equal(r.status, 2);
  r = await run(h, ['wget', 'http://127.0.0.1:8080/']);
  assert.equal(r.stderr, '--2026-11-21 09:00:00--  http://127.0.0.1:8080/\nConnecting to 127.0.0.1:8080... failed: Connection refused.\n');
  assert.equal(r.status, 4);
});

it('plain http to github.com is redirected to https', async () => {
  const r = await run(testHost(), ['wget', '-O', '-', 'http://github.com/etcd-io/etcd/releases/download/v3.6.4/etcd-v3.6.4-linux-amd64.tar.gz']);
  assert.match(r.stderr, /301 Moved Permanently\nLocation: https:\/\/github\.com\/etcd-io/);
  assert.equal(r.status, 0);
});

it('without the CA bundle the sites are not trusted (GnuTLS wording), --no-check-certificate gets through', async () => {
  const h = testHost();
  h.rootFs.unlink('/etc/ssl/certs/ca-certificates.crt');
  let r = await run(h, ['wget', '-O', '-', UNIT_URL]);
  assert.match(r.stderr, /connected\.\nERROR: The certificate of ‘labs\.iximiuz\.com’ is not trusted\.\nERROR: The certificate of ‘labs\.iximiuz\.com’ doesn't have a known issuer\.\n$/);
  assert.equal(r.status, 5);
  r = await run(h, ['wget', '-q', '--no-check-certificate', '-O', '-', UNIT_URL]);
  assert.equal(r.status, 0);
  assert.equal(r.stdout, ETCD_SERVICE_UNIT);
});

it('on a terminal wget draws its progress bar (80 columns)', async () => {
  const r = await run(testHost(), ['wget', RELEASE], { tty: true });
  const bar = r.stderr.split('\n').find((l) => l.includes('100%['))!;
  assert.match(bar, /^etcd-v3\.6\.4-linux-a 100%\[=+>\] +[\d.]+K  --\.-KB\/s    in 0s {6}$/);
  assert.equal(bar.length, 79);
});
