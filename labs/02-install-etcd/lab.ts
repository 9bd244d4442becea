// Lab 02: one bare Debian host. etcd is not there (`etcd: command not found`); the
// learner downloads the v3.6.4 release tarball from the (virtual) internet, installs the
// binaries, creates the etcd system user, installs the course's systemd unit, starts the
// service, and stores a few keys in it. Every check reads the host's real state.
import type { CheckContext } from '../../src/lab/check-context.ts';
import type { LabDefinition } from '../../src/lab/types.ts';
import { fail, ok, programFileProblem, systemUserProblem, unitFacts } from '../common/host-facts.ts';
import type { HostNetwork } from '../../src/sandbox/virtual-network.ts';
import { hostNetwork } from '../common/tls-probe.ts';
import { runAs } from '../common/run-as.ts';
import type { Host } from '../../src/sandbox/types.ts';

export const ETCD_VERSION = '3.6.4';
export const BINARIES = ['etcd', 'etcdctl', 'etcdutl'] as const;
export const UNIT_URL =
  'https://labs.iximiuz.com/content/files/courses/kubernetes-the-very-hard-way-0cbfd997/03-control-plane/01-etcd/__static__/etcd.service?v=1770643331';
const UNIT_FILE = '/etc/systemd/system/etcd.service';
const HOST = 'node-1';

/**
 * The course's install steps (shared/seeds/001), exactly as a learner types them, one
 * terminal line per entry (the adduser command continues over several lines).
 */
export const INSTALL_LINES = [
  'ETCD_VERSION=v3.6.4',
  'curl -fsSLO https://github.com/etcd-io/etcd/releases/download/${ETCD_VERSION?}/etcd-${ETCD_VERSION?}-linux-amd64.tar.gz',
  'tar xzvof etcd-${ETCD_VERSION?}-linux-amd64.tar.gz',
  'sudo install -m 755 etcd-${ETCD_VERSION?}-linux-amd64/{etcd,etcdctl,etcdutl} /usr/local/bin',
  'etcdctl completion bash | sudo tee /etc/bash_completion.d/etcdctl',
  'sudo adduser \\',
  '--system \\',
  '--group \\',
  '--disabled-login \\',
  '--disabled-password \\',
  '--home /var/lib/etcd \\',
  'etcd',
  `sudo wget -O /etc/systemd/system/etcd.service ${UNIT_URL}`,
  'sudo systemctl daemon-reload',
  'sudo systemctl enable --now etcd',
];

/**
 * Lesson 02's end state, made the way lesson 02 makes it, for the labs that start there:
 * its install commands run through bash as the learner (the tarball fetched with wget,
 * quietly). Throws, naming `forLab`, if they fail or etcd.service does not come up.
 */
export async function installLikeLesson02(host: Host, forLab: string): Promise<void> {
  const script = ['set -e', 'cd', ...INSTALL_LINES.map((l) => (l.startsWith('curl -fsSLO ') ? l.replace('curl -fsSLO ', 'wget -q ') : l))].join('\n');
  const r = await runAs(host, 'learner', ['bash', '-c', script], { timeoutMs: 60_000 });
  const active = unitFacts(host, 'etcd.service');
  if (r.status !== 0 || active.activeState !== 'active') {
    throw new Error(`${forLab} setup (lesson 02's install) failed: status ${String(r.status)}${r.timedOut ? ' (timed out)' : ''}, etcd.service ${active.activeState}\n${r.stderr}${r.error ?? ''}`);
  }
}

/** Why etcd's service is not up, in words; undefined when it is active and runs as etcd. */
function serviceProblem(ctx: CheckContext): string | undefined {
  const u = unitFacts(ctx.host(HOST), 'etcd.service');
  if (u.loadState === 'not-found') return `systemd finds no etcd.service (looked in /etc/systemd/system and /lib/systemd/system)`;
  if (u.loadState === 'bad-setting') return `systemd could not load ${u.path}: it has a bad setting; see sudo systemctl status etcd`;
  const enabled = u.fileState === 'enabled';
  const state = `${u.activeState} (${u.subState})`;
  if (u.activeState !== 'active') {
    const why = u.lastExit ? `; its last run ended with ${u.lastExit}` : '';
    const log = u.lastLogLines(1)[0];
    return `etcd.service is ${enabled ? 'enabled' : 'not enabled'} and ${state}${why}${log ? `; its last log line: ${log}` : ''}; see sudo journalctl -u etcd`;
  }
  if (!enabled) return `etcd.service is ${state} but not enabled: it would not start after a reboot (systemctl enable etcd)`;
  const p = u.mainProcess;
  if (!p) return `etcd.service is active, but systemd knows no main process for it`;
  if (p.cred.user !== 'etcd') return `etcd.service's main process (pid ${p.pid}) runs as ${p.cred.user}, not as etcd: the unit needs User=etcd`;
  return undefined;
}

/** GET /health on 127.0.0.1:2379, answered by the service's process; why not, in words. */
async function healthProblem(ctx: CheckContext): Promise<string | undefined> {
  const health = await ctx.http('http://127.0.0.1:2379/health', { host: HOST });
  if (!health.ok) return `GET http://127.0.0.1:2379/health failed: ${health.error}`;
  const body = health.response.body.trim();
  if (health.response.status !== 200 || !/"health"\s*:\s*"true"/.test(body)) {
    return `GET http://127.0.0.1:2379/health answered ${health.response.status} ${JSON.stringify(body)}, not {"health":"true"}`;
  }
  return undefined;
}

async function keyHeld(ctx: CheckContext, key: string, value: string): Promise<string | undefined> {
  const h = await ctx.etcd({ host: HOST }).history(key);
  if (!h.ok) return `could not read ${key} from etcd on 127.0.0.1:2379: ${h.error}`;
  if (h.value.values.some((v) => v.value === value)) return undefined;
  if (h.value.values.length === 0) return `the key ${key} does not exist in etcd`;
  return `${key} has held ${h.value.values.map((v) => JSON.stringify(v.value)).join(', ')}, never ${JSON.stringify(value)}`;
}

const lab: LabDefinition = {
  id: '02-install-etcd',
  title: 'Install etcd the hard way',
  topology: { hosts: [{ name: HOST, ip: '10.0.0.11' }] },
  // No setup: a bare host, exactly as the skeleton builds it. etcd is not installed.

  tasks: [
    {
      id: 'install-binaries',
      title: `Install etcd, etcdctl and etcdutl ${ETCD_VERSION} in /usr/local/bin`,
      check(ctx) {
        const host = ctx.host(HOST);
        const done: string[] = [];
        for (const b of BINARIES) {
          const problem = programFileProblem(host, `/usr/local/bin/${b}`, b, ETCD_VERSION);
          if (problem) return Promise.resolve(fail(`${done.length ? `${done.join(', ')} ${done.length > 1 ? 'are' : 'is'} fine; ` : ''}${problem}`));
          done.push(`/usr/local/bin/${b}`);
        }
        return Promise.resolve(ok(`${done.join(', ')} are ${ETCD_VERSION}, owned by root, mode 755`));
      },
    },
    {
      id: 'bash-completion',
      title: 'Install bash completion for etcdctl',
      async check(ctx) {
        const f = ctx.file('/etc/bash_completion.d/etcdctl', { host: HOST });
        if (!f.exists) return fail('/etc/bash_completion.d/etcdctl does not exist');
        if (!f.content?.trim()) return fail('/etc/bash_completion.d/etcdctl is empty: was etcdctl installed when its completion script was piped into tee?');
        if (!/^\s*complete\s.*\betcdctl\s*$/m.test(f.content)) return fail(`/etc/bash_completion.d/etcdctl (${f.content.length} bytes) does not register a completion for etcdctl (no "complete … etcdctl" line)`);
        return ok('/etc/bash_completion.d/etcdctl registers bash completion for etcdctl');
      },
    },
    {
      id: 'etcd-user',
      title: 'Create the etcd system user with its home in /var/lib/etcd',
      async check(ctx) {
        const r = systemUserProblem(ctx.host(HOST), 'etcd', '/var/lib/etcd');
        if ('problem' in r) return fail(r.problem);
        return ok(`etcd is a system user (uid ${r.user.uid}, group etcd) whose home /var/lib/etcd it owns; its shell is ${r.user.shell}`);
      },
    },
    {
      id: 'unit-file',
      title: 'Put the etcd unit file in /etc/systemd/system',
      async check(ctx) {
        const f = ctx.file(UNIT_FILE, { host: HOST });
        if (!f.exists) return fail(`${UNIT_FILE} does not exist`);
        const text = f.content ?? '';
        if (!text.trim()) return fail(`${UNIT_FILE} is empty (did the download fail? wget -O creates the file first)`);
        const exec = /^ExecStart=\s*(\S+)/m.exec(text)?.[1];
        if (!exec) return fail(`${UNIT_FILE} has no ExecStart= line`);
        if (exec !== '/usr/local/bin/etcd') return fail(`${UNIT_FILE} runs ${exec}, not /usr/local/bin/etcd`);
        const user = /^User=\s*(\S+)/m.exec(text)?.[1];
        if (user !== 'etcd') return fail(`${UNIT_FILE} ${user ? `runs etcd as ${user}` : 'has no User= line, so etcd would run as root'}; it must say User=etcd`);
        return ok(`${UNIT_FILE} runs /usr/local/bin/etcd as user etcd`);
      },
    },
    {
      id: 'service-running',
      title: 'Enable and start etcd.service; it runs as etcd',
      async check(ctx) {
        const problem = serviceProblem(ctx);
        if (problem) return fail(problem);
        const u = unitFacts(ctx.host(HOST), 'etcd.service');
        return ok(`etcd.service is enabled and active (${u.subState}); main process pid ${u.mainPid} runs as etcd`);
      },
    },
    {
      id: 'service-healthy',
      title: 'The etcd service answers on 127.0.0.1:2379 and keeps its data in /var/lib/etcd',
      async check(ctx) {
        const host = ctx.host(HOST);
        const service = serviceProblem(ctx);
        const health = await healthProblem(ctx);
        if (health) return fail(service ? `${health}; ${service}` : health);
        if (service) return fail(`something answers on 127.0.0.1:2379, but ${service}`);
        // The answer must come from the service, not from an etcd started by hand (lesson 01's way).
        const u = unitFacts(host, 'etcd.service');
        const net = hostNetwork(host) as HostNetwork;
        const holder = net.listening().find((l) => l.port === 2379 && (l.host === '127.0.0.1' || l.host === '0.0.0.0'));
        if (holder?.pid !== undefined && holder.pid !== u.mainPid) {
          const p = host.processes().find((x) => x.pid === holder.pid);
          return fail(`port 2379 is held by pid ${holder.pid}${p ? ` (${p.argv.join(' ')}, run by ${p.cred.user}${p.unit ? '' : ' outside systemd'})` : ''}, not by etcd.service (pid ${u.mainPid})`);
        }
        const wal = ctx.file('/var/lib/etcd/member/wal', { host: HOST });
        if (!wal.exists) return fail('etcd answers, but /var/lib/etcd/member/wal does not exist: it keeps its data somewhere else (the unit sets ETCD_DATA_DIR=/var/lib/etcd), or ETCD_WAL_DIR / --wal-dir moved its write-ahead log (this lab keeps it in the data directory)');
        return ok(`GET http://127.0.0.1:2379/health says {"health":"true"}, answered by etcd.service (pid ${u.mainPid}); its write-ahead log is in /var/lib/etcd/member/wal`);
      },
    },
    {
      id: 'put-foo',
      title: 'Store the key foo with the value bar in the service',
      async check(ctx) {
        const down = await healthProblem(ctx);
        if (down) return fail(down);
        const problem = await keyHeld(ctx, 'foo', 'bar');
        if (problem) return fail(problem);
        return ok('foo holds "bar" in the etcd service');
      },
    },
    {
      id: 'prefix-keys',
      title: 'Store /foo, /foo/bar and /foo/bar/baz',
      async check(ctx) {
        const down = await healthProblem(ctx);
        if (down) return fail(down);
        const found: string[] = [];
        for (const [key, value] of [
          ['/foo', 'bar'],
          ['/foo/bar', 'baz'],
          ['/foo/bar/baz', 'bat'],
        ] as const) {
          const problem = await keyHeld(ctx, key, value);
          if (problem) return fail(`${found.length ? `found ${found.join(', ')}; ` : ''}expected ${key} = ${value}, but ${problem.replace(/^the key \S+ /, 'it ')}`);
          found.push(`${key} = ${value}`);
        }
        return ok(`found ${found.join(', ')}`);
      },
    },
  ],

  solution: [
    ...INSTALL_LINES,
    'sudo systemctl status etcd --no-pager',
    'sudo journalctl -u etcd --no-pager -n 5',
    'curl http://127.0.0.1:2379/health',
    'etcdctl endpoint health',
    'etcdctl put foo bar',
    'etcdctl get foo',
    'etcdctl get foo --print-value-only',
    'etcdctl put /foo bar',
    'etcdctl put /foo/bar baz',
    'etcdctl put /foo/bar/baz bat',
    'etcdctl get --prefix /foo --keys-only',
  ],
};

export default lab;
