// A learner's sandbox: a few virtual hosts on one virtual network, one clock and one
// event log. snapshot() keeps the disks (and the event log) as JSON; a sandbox made
// from that image boots with the same files, as a machine does after a restart.
import { realClock, type Clock } from '../platform/clock.ts';
import { realRandom, type Random } from '../platform/random.ts';
import { EventLog, type SandboxEvent } from './events.ts';
import { VirtualHost } from './host.ts';
import { installCaBundle, installInternetSites } from './internet/sites.ts';
import { managerFor } from './systemd/manager.ts';
import { registerSshHost } from './commands/ssh.ts';
import { DEFAULT_HOST_LIMITS, type HostLimits } from './limits.ts';
import type { ProgramRegistry } from './programs.ts';
import { builtinPrograms } from './registry.ts';
import { buildSkeleton } from './skeleton.ts';
import { restoreVfs, serializeVfs, type VfsImage } from './vfs-image.ts';
import { Vfs } from './vfs.ts';
import { VirtualNetwork } from './virtual-network.ts';

export interface SandboxHostSpec {
  name: string;
  /** eth0's address; default 10.0.0.11, .12 … in declaration order. */
  ip?: string;
  limits?: Partial<HostLimits>;
}

export interface SandboxOptions {
  hosts: SandboxHostSpec[];
  clock?: Clock;
  random?: Random;
  /** The programs hosts can run; default every command in src/sandbox/commands. */
  programs?: ProgramRegistry;
  /** Boot from a snapshot instead of fresh disks (hosts missing from it get fresh ones). */
  image?: SandboxImage;
}

export interface SandboxImage {
  format: 'hardway-lab/sandbox';
  version: 1;
  hosts: Record<string, { ip: string; disk: VfsImage }>;
  events: SandboxEvent[];
}

export interface Sandbox {
  readonly hosts: ReadonlyMap<string, VirtualHost>;
  /** The host named so; throws when the lab has no such host. */
  host(name: string): VirtualHost;
  readonly network: VirtualNetwork;
  readonly events: EventLog;
  readonly clock: Clock;
  readonly random: Random;
  readonly programs: ProgramRegistry;
  /** Disks and event log as JSON-able data. */
  snapshot(): SandboxImage;
  /** Kills every process (SIGKILL) and closes every listener. */
  dispose(): Promise<void>;
}

export function createSandbox(opts: SandboxOptions): Sandbox {
  const clock = opts.clock ?? realClock;
  const random = opts.random ?? realRandom;
  const programs = opts.programs ?? builtinPrograms;
  const events = new EventLog(clock);
  if (opts.image) events.load(opts.image.events);
  const network = new VirtualNetwork(clock);
  void installInternetSites(network.internet);
  const specs = opts.hosts.map((h, i) => ({ ...h, ip: h.ip ?? `10.0.0.${11 + i}` }));
  const hosts = new Map<string, VirtualHost>();
  for (const spec of specs) {
    if (hosts.has(spec.name)) throw new Error(`sandbox: host ${spec.name} declared twice`);
    const limits: HostLimits = { ...DEFAULT_HOST_LIMITS, ...spec.limits };
    const saved = opts.image?.hosts[spec.name];
    let vfs: Vfs;
    if (saved) vfs = restoreVfs(saved.disk, clock, limits);
    else {
      vfs = new Vfs(clock, limits);
      buildSkeleton(vfs.view(null), { hostname: spec.name, hosts: specs.map((s) => ({ name: s.name, ip: s.ip })), programs });
      installCaBundle(vfs.view(null));
    }
    const host = new VirtualHost({ hostname: spec.name, clock, vfs, network: network.addHost(spec.name, spec.ip), programs, events, limits });
    hosts.set(spec.name, host);
    registerSshHost(host.network, host);
    host.recordEvent('boot', { ip: spec.ip, restored: Boolean(saved) });
    // A restored disk may have enabled units: they come up with the host, as after a reboot.
    if (saved) void managerFor(host).boot();
  }
  return {
    hosts,
    host(name) {
      const h = hosts.get(name);
      if (!h) throw new Error(`sandbox: no host named ${name}`);
      return h;
    },
    network,
    events,
    clock,
    random,
    programs,
    snapshot() {
      const out: SandboxImage = { format: 'hardway-lab/sandbox', version: 1, hosts: {}, events: events.toJSON() };
      for (const [name, h] of hosts) out.hosts[name] = { ip: h.ip, disk: serializeVfs(h.vfs) };
      return out;
    },
    async dispose() {
      for (const h of hosts.values()) managerFor(h).shutdown();
      for (const h of hosts.values()) for (const p of h.processes()) if (p.pid !== 1) h.kill(p.pid, 'SIGKILL');
    },
  };
}
