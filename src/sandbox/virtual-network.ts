// The sandbox's network: every lab host has lo (127.0.0.0/8, ::1) and eth0 with its own
// IP; names resolve on every host; a connection is a pair of in-memory sockets. Loopback
// stays inside its host. Partitions and a firewall hook cut hosts apart (quorum lessons);
// a "virtual internet" holds named servers (release downloads) no real network reaches.
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { Clock } from '../platform/clock.ts';
import { NetError, type Address, type Listener, type Network } from '../platform/network.ts';
import { socketPair, type VirtualSocket } from './duplex-pair.ts';
import type { Credentials } from './types.ts';

export type FirewallVerdict = 'accept' | 'drop' | 'reject';
export interface Flow {
  fromHost: string;
  fromIp: string;
  toHost: string;
  toIp: string;
  port: number;
}
export type Firewall = (flow: Flow) => FirewallVerdict;

/** TCP states the sandbox's sockets go through, in ss's words. */
export type SocketState = 'LISTEN' | 'ESTAB' | 'SYN-SENT';

/** One TCP socket of a host as the kernel's socket table would list it (ss, checks). */
export interface SocketInfo {
  state: SocketState;
  /** Bound address and port; for LISTEN a wildcard when bound to every address. */
  local: Address;
  /** The peer; { host: '0.0.0.0' or '::', port: 0 } for a listener. */
  remote: Address;
  /**
   * AF_INET6 socket: a Go program listening on a wildcard address opens one dual-stack
   * socket (ss shows `*:2379`), and connections it accepts from IPv4 peers are
   * v4-mapped (`[::ffff:10.0.0.12]:2379`).
   */
  ipv6: boolean;
  /** The owning process and its descriptor, when a process opened it (an accepted socket belongs to the listener's process). */
  pid?: number;
  fd?: number;
  /** LISTEN: pending connections; otherwise bytes received but not yet read by the program. */
  recvQ: number;
  /** LISTEN: the backlog; otherwise bytes sent but not yet delivered (held by a partition). */
  sendQ: number;
}

/** A connection in a host's table: what ss lists (its queues are read off `socket` when asked). */
type ConnectionEntry = Omit<SocketInfo, 'recvQ' | 'sendQ'> & { socket?: VirtualSocket };

/** What Go asks listen(2) for (it passes somaxconn, 4096 on Debian 12's kernel). */
const GO_LISTEN_BACKLOG = 4096;
/** node's default backlog (the virtual internet's servers are node http servers). */
const NODE_LISTEN_BACKLOG = 511;
/** The first descriptor a process's sockets get: 0-2 are its standard streams. */
const FIRST_SOCKET_FD = 3;

interface ListenerEntry {
  bind: string;
  port: number;
  /** The process that listens, when opened through a ProcessNetwork. */
  pid?: number;
  /** Its file descriptor in that process (see HostNetwork.sockets). */
  fd?: number;
  /** listen(2)'s backlog: what ss shows as Recv-Q/Send-Q of a LISTEN socket. */
  backlog: number;
  onConnection: (socket: Duplex, remote: Address) => void;
  sockets: Set<VirtualSocket>;
}

const EPHEMERAL_FIRST = 32768;
const EPHEMERAL_LAST = 60999;
/** Linux gives up on a SYN nobody answers after about two minutes. */
const CONNECT_TIMEOUT_MS = 127_000;

const isLoopback = (ip: string) => ip.startsWith('127.') || ip === '::1';
const isWildcard = (ip: string) => ip === '0.0.0.0' || ip === '::';

export class VirtualNetwork {
  private readonly hosts = new Map<string, HostNetwork>();
  private readonly byIp = new Map<string, HostNetwork>();
  private groups = new Map<string, number>();
  private firewall: Firewall | undefined;
  private readonly live = new Set<VirtualSocket>();
  readonly internet: VirtualInternet;

  constructor(readonly clock: Clock) {
    this.internet = new VirtualInternet(this);
  }

  /** Joins a host (lab host, or an internet server) to the network. */
  addHost(name: string, ip: string, opts: { internet?: boolean } = {}): HostNetwork {
    if (this.hosts.has(name)) throw new Error(`host ${name} already on the network`);
    if (this.byIp.has(ip)) throw new Error(`address ${ip} already in use on the network`);
    const h = new HostNetwork(this, name, ip, opts.internet ?? false);
    this.hosts.set(name, h);
    this.byIp.set(ip, h);
    return h;
  }

  host(name: string): HostNetwork | undefined {
    return this.hosts.get(name);
  }

  /** Lab host names and internet names, to their address; literal addresses to themselves. */
  resolve(hostname: string): string | undefined {
    const name = hostname.toLowerCase().replace(/\.$/, '');
    if (/^\d+\.\d+\.\d+\.\d+$/.test(name) || name.includes(':')) return name;
    if (name === 'localhost') return '127.0.0.1';
    return this.hosts.get(name)?.ip;
  }

  /** Cuts the network into groups: hosts in different groups cannot reach each other. Unnamed hosts join the first group. */
  partition(...groups: string[][]): void {
    this.groups = new Map();
    groups.forEach((g, i) => g.forEach((h) => this.groups.set(h, i)));
    this.recheck();
  }

  /** Removes every partition; held traffic flows again. */
  heal(): void {
    this.groups = new Map();
    this.recheck();
  }

  setFirewall(fw: Firewall | undefined): void {
    this.firewall = fw;
    this.recheck();
  }

  /** What happens to packets of this flow now. */
  verdict(from: HostNetwork, to: HostNetwork, port: number): FirewallVerdict {
    if (from === to || from.internet || to.internet) return 'accept';
    if ((this.groups.get(from.name) ?? 0) !== (this.groups.get(to.name) ?? 0)) return 'drop';
    return this.firewall?.({ fromHost: from.name, fromIp: from.ip, toHost: to.name, toIp: to.ip, port }) ?? 'accept';
  }

  byAddress(ip: string): HostNetwork | undefined {
    return this.byIp.get(ip);
  }

  track(s: VirtualSocket): void {
    this.live.add(s);
    s.once('close', () => this.live.delete(s));
  }

  private recheck(): void {
    for (const s of this.live) s.flush();
  }
}

/** One host's view of the network: implements Network for whatever runs on it. */
export class HostNetwork implements Network {
  private readonly listeners = new Map<string, ListenerEntry>();
  /** Connected and connecting sockets whose local end is on this host. */
  private readonly connections = new Set<ConnectionEntry>();
  /** Descriptors each process holds for its sockets here. */
  private readonly fdsByPid = new Map<number, Set<number>>();

  constructor(
    readonly network: VirtualNetwork,
    readonly name: string,
    readonly ip: string,
    readonly internet: boolean,
  ) {}

  /** The host's /etc/hosts text (glibc reads it before DNS); set by the host that owns this view. */
  hostsFile: (() => string | undefined) | undefined;

  resolve(hostname: string): string | undefined {
    const fromFile = this.hostsFile ? lookupHostsFile(this.hostsFile(), hostname) : undefined;
    return fromFile ?? this.network.resolve(hostname);
  }

  /** Addresses this host may bind. */
  owns(ip: string): boolean {
    return isWildcard(ip) || isLoopback(ip) || ip === this.ip;
  }

  async listen(addr: Address, onConnection: (socket: Duplex, remote: Address) => void, owner?: { pid: number }): Promise<Listener> {
    const bind = addr.host === 'localhost' ? '127.0.0.1' : addr.host === '::' ? '0.0.0.0' : addr.host || '0.0.0.0';
    if (!this.owns(bind)) throw new NetError('EADDRNOTAVAIL', 'listen', addr);
    let port = addr.port;
    if (port === 0) port = this.freePort(bind);
    if (port < 0 || port > 65535 || !Number.isInteger(port)) throw new NetError('EADDRNOTAVAIL', 'listen', addr);
    for (const l of this.listeners.values()) {
      if (l.port === port && (l.bind === bind || isWildcard(l.bind) || isWildcard(bind))) throw new NetError('EADDRINUSE', 'listen', { host: addr.host, port });
    }
    const backlog = this.internet ? NODE_LISTEN_BACKLOG : GO_LISTEN_BACKLOG;
    const entry: ListenerEntry = { bind, port, onConnection, sockets: new Set(), backlog, ...(owner ? { pid: owner.pid, fd: this.openFd(owner.pid) } : {}) };
    const key = `${bind}:${port}`;
    this.listeners.set(key, entry);
    let closed = false;
    return {
      address: { host: addr.host, port },
      close: async () => {
        if (closed) return;
        closed = true;
        if (this.listeners.get(key) === entry) this.listeners.delete(key);
        this.closeFd(entry.pid, entry.fd);
        for (const s of entry.sockets) s.destroy();
      },
    };
  }

  async connect(addr: Address, opts: { signal?: AbortSignal; timeoutMs?: number } = {}, owner?: { pid: number }): Promise<Duplex> {
    const ip = this.resolve(addr.host);
    if (ip === undefined) throw new NetError('ENOTFOUND', 'lookup', addr);
    const target = isLoopback(ip) || ip === this.ip ? this : this.network.byAddress(ip);
    if (!target) throw new NetError(ip.startsWith('10.') ? 'EHOSTUNREACH' : 'ENETUNREACH', 'connect', addr);
    const verdict = this.network.verdict(this, target, addr.port);
    if (verdict === 'reject') throw new NetError('ECONNREFUSED', 'connect', addr);
    const localIp = isLoopback(ip) ? ip : this.ip;
    if (verdict === 'drop') return this.waitForTimeout(addr, opts, { state: 'SYN-SENT', local: { host: localIp, port: this.freePort(localIp) }, remote: { host: ip, port: addr.port }, ipv6: ip.includes(':'), ...this.ownedBy(owner) });
    const listener = target.listenerFor(ip, addr.port);
    if (!listener) throw new NetError('ECONNREFUSED', 'connect', addr);
    const clientEnd = { host: localIp, port: this.freePort(localIp) };
    const [client, server] = socketPair(clientEnd, { host: ip, port: addr.port }, this.network.clock);
    const link = () => this.network.verdict(this, target, addr.port) === 'accept';
    client.linkUp = link;
    server.linkUp = link;
    this.network.track(client);
    this.network.track(server);
    listener.sockets.add(server);
    server.once('close', () => listener.sockets.delete(server));
    // Both ends enter their host's socket table: the accepted one belongs to the listener's process.
    const mapped = isWildcard(listener.bind) && !target.internet && !ip.includes(':');
    this.enter({ state: 'ESTAB', local: clientEnd, remote: { host: ip, port: addr.port }, ipv6: ip.includes(':'), socket: client, ...this.ownedBy(owner) });
    target.enter({
      state: 'ESTAB',
      local: { host: mapped ? `::ffff:${ip}` : ip, port: addr.port },
      remote: { host: mapped ? `::ffff:${clientEnd.host}` : clientEnd.host, port: clientEnd.port },
      ipv6: mapped || ip.includes(':'),
      socket: server,
      ...target.ownedBy(listener.pid !== undefined ? { pid: listener.pid } : undefined),
    });
    queueMicrotask(() => listener.onConnection(server, clientEnd));
    return client;
  }

  /** Ports in use here, for ss-like views and checks ("is etcd listening on 2379?"); pid when a process owns it. */
  listening(): { host: string; port: number; pid?: number }[] {
    return [...this.listeners.values()].map((l) => ({ host: l.bind, port: l.port, ...(l.pid !== undefined ? { pid: l.pid } : {}) }));
  }

  /**
   * Every TCP socket of this host, as ss lists them: listeners first (in the order they
   * were opened), then connections. Wildcard listeners of lab programs are dual-stack
   * IPv6 sockets, as Go opens them.
   */
  sockets(): SocketInfo[] {
    const out: SocketInfo[] = [];
    for (const l of this.listeners.values()) {
      const dual = isWildcard(l.bind) && !this.internet;
      out.push({
        state: 'LISTEN',
        local: { host: dual ? '::' : l.bind, port: l.port },
        remote: { host: dual ? '::' : '0.0.0.0', port: 0 },
        ipv6: dual || l.bind.includes(':'),
        ...(l.pid !== undefined ? { pid: l.pid } : {}),
        ...(l.fd !== undefined ? { fd: l.fd } : {}),
        recvQ: 0,
        sendQ: l.backlog,
      });
    }
    for (const c of this.connections) {
      out.push({
        state: c.state,
        local: { ...c.local },
        remote: { ...c.remote },
        ipv6: c.ipv6,
        ...(c.pid !== undefined ? { pid: c.pid } : {}),
        ...(c.fd !== undefined ? { fd: c.fd } : {}),
        recvQ: c.socket?.readableLength ?? 0,
        sendQ: c.socket?.unsentBytes ?? 0,
      });
    }
    return out;
  }

  /** The pid and a fresh descriptor for a socket a process opens (nothing when no process owns it). */
  private ownedBy(owner: { pid: number } | undefined): { pid?: number; fd?: number } {
    return owner ? { pid: owner.pid, fd: this.openFd(owner.pid) } : {};
  }

  /** Lists a connection until its socket closes (a SYN-SENT entry is removed by its caller). */
  private enter(c: ConnectionEntry): void {
    this.connections.add(c);
    c.socket?.once('close', () => this.leave(c));
  }

  private leave(c: ConnectionEntry): void {
    if (!this.connections.delete(c)) return;
    this.closeFd(c.pid, c.fd);
  }

  /** The lowest descriptor the process has free, as open(2) and accept(2) give. */
  private openFd(pid: number): number {
    let fds = this.fdsByPid.get(pid);
    if (!fds) this.fdsByPid.set(pid, (fds = new Set()));
    let fd = FIRST_SOCKET_FD;
    while (fds.has(fd)) fd++;
    fds.add(fd);
    return fd;
  }

  private closeFd(pid: number | undefined, fd: number | undefined): void {
    if (pid === undefined || fd === undefined) return;
    const fds = this.fdsByPid.get(pid);
    fds?.delete(fd);
    if (fds?.size === 0) this.fdsByPid.delete(pid);
  }

  /** A Network for one process: it may not bind ports below 1024 unless root, and all it opened closes with close(). */
  forProcess(cred: Credentials, pid?: number): ProcessNetwork {
    return new ProcessNetwork(this, cred, pid);
  }

  listenerFor(ip: string, port: number): ListenerEntry | undefined {
    for (const l of this.listeners.values()) {
      if (l.port !== port) continue;
      if (l.bind === ip || isWildcard(l.bind)) return l;
    }
    return undefined;
  }

  private freePort(bind: string): number {
    const used = new Set([...this.listeners.values()].filter((l) => l.bind === bind || isWildcard(l.bind) || isWildcard(bind)).map((l) => l.port));
    for (let i = 0; i < EPHEMERAL_LAST - EPHEMERAL_FIRST; i++) {
      const p = EPHEMERAL_FIRST + ((this.portCursor + i) % (EPHEMERAL_LAST - EPHEMERAL_FIRST));
      if (!used.has(p)) {
        this.portCursor = p - EPHEMERAL_FIRST + 1;
        return p;
      }
    }
    throw new NetError('EADDRINUSE', 'listen', { host: bind, port: 0 });
  }
  private portCursor = 0;

  /** A SYN into a drop rule: nothing comes back until the caller gives up (ss shows SYN-SENT meanwhile). */
  private waitForTimeout(addr: Address, opts: { signal?: AbortSignal; timeoutMs?: number }, pending: ConnectionEntry): Promise<Duplex> {
    this.enter(pending);
    return new Promise((_resolve, reject) => {
      const fail = () => {
        cancel();
        this.leave(pending);
        opts.signal?.removeEventListener('abort', fail);
        reject(new NetError('ETIMEDOUT', 'connect', addr));
      };
      const cancel = this.network.clock.after(opts.timeoutMs ?? CONNECT_TIMEOUT_MS, fail);
      if (opts.signal?.aborted) return fail();
      opts.signal?.addEventListener('abort', fail, { once: true });
    });
  }
}

/** The network as one process holds it: closing it closes every listener and socket it opened. */
export class ProcessNetwork implements Network {
  private readonly listeners = new Set<Listener>();
  private readonly sockets = new Set<Duplex>();
  /** Connects still waiting (a SYN into a drop rule): closing the process gives up on them, as close(2) on a SYN-SENT socket does. */
  private readonly connecting = new Set<AbortController>();
  private closed = false;

  constructor(
    private readonly host: HostNetwork,
    private readonly cred: Credentials,
    private readonly pid?: number,
  ) {}

  resolve(hostname: string): string | undefined {
    return this.host.resolve(hostname);
  }

  async listen(addr: Address, onConnection: (socket: Duplex, remote: Address) => void): Promise<Listener> {
    if (addr.port > 0 && addr.port < 1024 && this.cred.uid !== 0) throw new NetError('EACCES', 'listen', addr);
    const l = await this.host.listen(addr, onConnection, this.pid !== undefined ? { pid: this.pid } : undefined);
    if (this.closed) {
      await l.close();
      throw new NetError('EADDRNOTAVAIL', 'listen', addr);
    }
    const tracked: Listener = {
      address: l.address,
      close: async () => {
        this.listeners.delete(tracked);
        await l.close();
      },
    };
    this.listeners.add(tracked);
    return tracked;
  }

  async connect(addr: Address, opts?: { signal?: AbortSignal; timeoutMs?: number }): Promise<Duplex> {
    const giveUp = new AbortController();
    const outer = opts?.signal;
    const forward = () => giveUp.abort(outer?.reason);
    if (outer?.aborted) forward();
    else outer?.addEventListener('abort', forward, { once: true });
    this.connecting.add(giveUp);
    let s: Duplex;
    try {
      s = await this.host.connect(addr, { ...opts, signal: giveUp.signal }, this.pid !== undefined ? { pid: this.pid } : undefined);
    } finally {
      this.connecting.delete(giveUp);
      outer?.removeEventListener('abort', forward);
    }
    if (this.closed) {
      s.destroy();
      throw new NetError('ECONNRESET', 'connect', addr);
    }
    this.sockets.add(s);
    s.once('close', () => this.sockets.delete(s));
    return s;
  }

  /** The process ended: everything it opened goes, as the kernel closes a dead process's file descriptors. */
  close(): void {
    this.closed = true;
    for (const c of [...this.connecting]) c.abort();
    for (const l of [...this.listeners]) void l.close();
    for (const s of [...this.sockets]) s.destroy();
  }
}

/** Named servers beyond the lab (github.com …) on addresses from 203.0.113.0/24. */
export class VirtualInternet {
  private nextIp = 10;
  constructor(private readonly network: VirtualNetwork) {}

  /** A host on the internet that code may listen on (for TLS servers with their own certificates). */
  addHost(hostname: string): HostNetwork {
    const existing = this.network.host(hostname.toLowerCase());
    if (existing) return existing;
    return this.network.addHost(hostname.toLowerCase(), `203.0.113.${this.nextIp++}`, { internet: true });
  }

  /**
   * Serves `handler` as http://hostname/ (port 80), and as https://hostname/ (443) when
   * given a key and certificate. Returns a function that takes the server down.
   */
  async register(hostname: string, handler: http.RequestListener, opts: { tls?: { key: string; cert: string } } = {}): Promise<() => Promise<void>> {
    const host = this.addHost(hostname);
    const plain = http.createServer(handler);
    const listeners = [await host.listen({ host: '0.0.0.0', port: 80 }, (s) => plain.emit('connection', s))];
    if (opts.tls) {
      const secure = https.createServer({ key: opts.tls.key, cert: opts.tls.cert }, handler);
      listeners.push(await host.listen({ host: '0.0.0.0', port: 443 }, (s) => secure.emit('connection', s)));
    }
    return async () => {
      for (const l of listeners) await l.close();
    };
  }
}

/** The first address /etc/hosts gives `hostname` (names match case-insensitively; '#' starts a comment). */
export function lookupHostsFile(text: string | undefined, hostname: string): string | undefined {
  if (!text) return undefined;
  const name = hostname.toLowerCase().replace(/\.$/, '');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name) || name.includes(':')) return undefined;
  for (const raw of text.split('\n')) {
    const [ip, ...names] = raw.replace(/#.*/, '').trim().split(/\s+/);
    if (ip && names.some((n) => n.toLowerCase() === name)) return ip;
  }
  return undefined;
}
