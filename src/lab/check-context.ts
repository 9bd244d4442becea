// The helpers a lab's checks use to look at a sandbox. Every helper reads real state:
// the host's disk, its process table, its network (a real request to the real server),
// and the sandbox's event log. None of them looks at what the learner typed.
import type { FileStat } from '../platform/filesystem.ts';
import { bytesToString, isFsError } from '../platform/filesystem.ts';
import type { Host, ProcessInfo } from '../sandbox/types.ts';
import { createEtcdProbe, type EtcdProbe } from './etcd-probe.ts';
import { virtualHttp, type HttpOutcome, type VirtualHttpRequest } from './virtual-http.ts';

/** Something a host recorded for checks (host.recordEvent). */
export interface LabEvent {
  type: string;
  host: string;
  at: number;
  data: Record<string, unknown>;
}

/** The view of a sandbox that checks need. */
export interface CheckableSandbox {
  readonly hosts: readonly Host[];
  host(name: string): Host | undefined;
  events(): readonly LabEvent[];
}

export interface FileFacts {
  path: string;
  exists: boolean;
  stat?: FileStat;
  /** Text content (files only, first MiB). */
  content?: string;
  owner?: string;
  group?: string;
}

export interface CheckContext {
  /** The first host of the topology, where the learner's first terminal opens. */
  readonly mainHost: Host;
  host(name?: string): Host;
  file(path: string, opts?: { host?: string }): FileFacts;
  /** Running processes whose argv[0] (its base name) is `name`. */
  processes(name: string, opts?: { host?: string }): ProcessInfo[];
  /** One HTTP request made from `opts.host` (default: the main host) over the virtual network. */
  http(url: string, opts?: { host?: string } & Omit<VirtualHttpRequest, 'url'>): Promise<HttpOutcome>;
  /** An etcd client speaking to `endpoint` from `host` (the same path etcdctl takes). */
  etcd(opts?: { host?: string; endpoint?: string }): EtcdProbe;
  /** Recorded events, optionally of one type. */
  events(type?: string): readonly LabEvent[];
}

const MAX_CONTENT = 1024 * 1024;

export function createCheckContext(sandbox: CheckableSandbox): CheckContext {
  const first = sandbox.hosts[0];
  if (!first) throw new Error('sandbox has no hosts');
  const host = (name?: string): Host => {
    if (name === undefined) return first;
    const h = sandbox.host(name);
    if (!h) throw new Error(`no host named ${name} in this lab`);
    return h;
  };
  return {
    mainHost: first,
    host,
    file(path, opts) {
      const h = host(opts?.host);
      const fs = h.rootFs;
      try {
        const stat = fs.stat(path);
        const facts: FileFacts = { path, exists: true, stat };
        facts.owner = h.users.byUid(stat.uid)?.name ?? String(stat.uid);
        facts.group = h.users.groupByGid(stat.gid)?.name ?? String(stat.gid);
        if (stat.type === 'file') {
          const data = fs.readFile(path);
          facts.content = bytesToString(data.length > MAX_CONTENT ? data.subarray(0, MAX_CONTENT) : data);
        }
        return facts;
      } catch (e) {
        if (isFsError(e)) return { path, exists: false };
        throw e;
      }
    },
    processes(name, opts) {
      return host(opts?.host)
        .processes()
        .filter((p) => {
          const argv0 = p.argv[0] ?? '';
          return argv0 === name || argv0.endsWith(`/${name}`);
        });
    },
    http(url, opts) {
      const { host: hostName, ...rest } = opts ?? {};
      return virtualHttp(networkOf(host(hostName)), { ...rest, url });
    },
    etcd(opts) {
      return createEtcdProbe(networkOf(host(opts?.host)), opts?.endpoint ?? 'http://127.0.0.1:2379');
    },
    events(type) {
      const all = sandbox.events();
      return type === undefined ? all : all.filter((e) => e.type === type);
    },
  };
}

/** The network as a process on this host sees it. */
function networkOf(h: Host): import('../platform/network.ts').Network {
  const withNet = h as Host & { network?: import('../platform/network.ts').Network; net?: import('../platform/network.ts').Network };
  const net = withNet.network ?? withNet.net;
  if (!net) throw new Error(`host ${h.hostname} exposes no network`);
  return net;
}
