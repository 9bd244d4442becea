// For labs that start where the install lesson ended (the Playground, later lessons): put
// etcd on a host exactly the way a learner does — the same downloads from the virtual
// internet, tar, install, adduser, the course's unit, systemctl — run by root through bash.
import { CollectingOutput, emptyInput } from '../io.ts';
import type { Host } from '../types.ts';
import { DEFAULT_PATH } from '../host.ts';
import { COURSE_FILES } from '../internet/course-files.ts';

const UNIT_PATH = Object.keys(COURSE_FILES).find((p) => p.endsWith('/etcd.service'))!;

export interface ProvisionOptions {
  /** Release tag, default v3.6.4 (the course's). */
  version?: string;
  /** enable --now (default) or only install and enable. */
  start?: boolean;
}

/** Installs etcd, etcdctl, etcdutl, the etcd user and the systemd unit; throws with the script's errors. */
export async function provisionEtcd(host: Host, opts: ProvisionOptions = {}): Promise<void> {
  const v = opts.version ?? 'v3.6.4';
  if (!/^v\d+\.\d+\.\d+$/.test(v)) throw new Error(`provisionEtcd: bad version ${v}`);
  const script = `set -e
cd /root
wget -q https://github.com/etcd-io/etcd/releases/download/${v}/etcd-${v}-linux-amd64.tar.gz
tar xzof etcd-${v}-linux-amd64.tar.gz
install -m 755 etcd-${v}-linux-amd64/etcd etcd-${v}-linux-amd64/etcdctl /usr/local/bin
if [ -e etcd-${v}-linux-amd64/etcdutl ]; then install -m 755 etcd-${v}-linux-amd64/etcdutl /usr/local/bin; fi
adduser --system --group --disabled-login --disabled-password --home /var/lib/etcd etcd >/dev/null
wget -q -O /etc/systemd/system/etcd.service https://labs.iximiuz.com${UNIT_PATH}
systemctl daemon-reload
systemctl enable ${opts.start === false ? '' : '--now '}etcd 2>/dev/null
`;
  const root = { uid: 0, gid: 0, groups: [0], user: 'root' };
  const bash = host.resolveProgram('bash', { path: DEFAULT_PATH, cwd: '/', cred: root });
  if (!bash.ok) throw new Error('provisionEtcd: this host has no bash');
  const out = new CollectingOutput();
  const err = new CollectingOutput();
  const p = host.start({ command: bash.command, argv: ['bash', '-c', script], env: { PATH: DEFAULT_PATH, HOME: '/root', USER: 'root', LOGNAME: 'root', LANG: 'C.UTF-8' }, cwd: '/root', cred: root, stdin: emptyInput, stdout: out, stderr: err, ppid: 1 });
  const status = await p.exited;
  if (status !== 0) throw new Error(`provisionEtcd on ${host.hostname} failed (${status}): ${err.text().trim()}`);
}
