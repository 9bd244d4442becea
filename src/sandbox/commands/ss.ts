// ss (iproute2 6.1, Debian 12): the host's TCP sockets from the virtual network's
// socket table — listeners with their backlog, established connections with queued
// bytes, connects a firewall drop leaves in SYN-SENT — with -t -u -x -l -a -n -r -p
// -4 -6 -H -f -A, state words (`state listening`, `exclude established`), the filter
// language (ss-filter.ts), service names from /etc/services, and ss's column layout:
// widths from the contents when stdout is not a terminal, spread over the terminal's
// width when it is. UDP, raw and unix tables exist but hold nothing here.
import type { Command, CommandContext, ProcessInfo } from '../types.ts';
import type { HostNetwork, SocketInfo } from '../virtual-network.ts';
import { parseArgs, UsageError, type OptionSpec } from './common.ts';
import { commOf } from './ps.ts';
import { FilterError, matchSsFilter, parseSsFilter, type SsFilter } from './ss-filter.ts';
import { Grid } from './ss-grid.ts';
import { SS_USAGE } from './ss-usage.ts';

const SPEC: OptionSpec = {
  numeric: { short: 'n' },
  resolve: { short: 'r' },
  options: { short: 'o' },
  extended: { short: 'e' },
  memory: { short: 'm' },
  info: { short: 'i' },
  processes: { short: 'p' },
  threads: { short: 'T' },
  bpf: { short: 'b' },
  events: { short: 'E' },
  dccp: { short: 'd' },
  tcp: { short: 't' },
  sctp: { short: 'S' },
  udp: { short: 'u' },
  raw: { short: 'w' },
  unix: { short: 'x' },
  tipc: {},
  vsock: {},
  all: { short: 'a' },
  listening: { short: 'l' },
  ipv4: { short: '4' },
  ipv6: { short: '6' },
  packet: { short: '0' },
  family: { short: 'f', arg: true },
  socket: { arg: true },
  query: { short: 'A', arg: true },
  summary: { short: 's' },
  diag: { short: 'D', arg: true },
  filter: { short: 'F', arg: true },
  version: { short: 'V' },
  v: { short: 'v' },
  help: { short: 'h' },
  context: { short: 'Z' },
  contexts: { short: 'z' },
  net: { short: 'N', arg: true },
  tipcinfo: {},
  tos: {},
  cgroup: {},
  kill: { short: 'K' },
  'no-header': { short: 'H' },
  xdp: {},
  mptcp: { short: 'M' },
  oneline: { short: 'O' },
  'inet-sockopt': {},
};

/** Options whose output (timers, memory, tcp_info, summaries …) the sandbox's sockets do not model. */
const NOT_MODELLED: Record<string, string> = {
  options: '-o', extended: '-e', memory: '-m', info: '-i', threads: '-T', bpf: '-b', events: '-E',
  diag: '-D', filter: '-F', kill: '-K', tipcinfo: '--tipcinfo', tos: '--tos', cgroup: '--cgroup', 'inet-sockopt': '--inet-sockopt',
};

// Socket tables, as ss names them; only TCP holds sockets in the sandbox.
type Table = 'tcp' | 'udp' | 'raw' | 'dccp' | 'sctp' | 'mptcp' | 'u_str' | 'u_dgr' | 'u_seq' | 'p_raw' | 'p_dgr' | 'nl' | 'v_str' | 'v_dgr' | 'tipc' | 'xdp';
type Family = 'inet' | 'inet6' | 'unix' | 'link' | 'netlink' | 'vsock' | 'tipc' | 'xdp';

const STATES = ['UNKNOWN', 'ESTAB', 'SYN-SENT', 'SYN-RECV', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT', 'UNCONN', 'CLOSE-WAIT', 'LAST-ACK', 'LISTEN', 'CLOSING'] as const;
const bit = (name: (typeof STATES)[number]) => 1 << STATES.indexOf(name);
const SS_ALL = (1 << STATES.length) - 1;
const SS_CONN = SS_ALL & ~(bit('LISTEN') | bit('UNCONN') | bit('TIME-WAIT') | bit('SYN-RECV'));
const STATE_WORDS: Record<string, number> = {
  established: bit('ESTAB'), 'syn-sent': bit('SYN-SENT'), 'syn-recv': bit('SYN-RECV'), 'syn-rcv': bit('SYN-RECV'),
  'fin-wait-1': bit('FIN-WAIT-1'), 'fin-wait-2': bit('FIN-WAIT-2'), 'time-wait': bit('TIME-WAIT'), unconnected: bit('UNCONN'),
  close: bit('UNCONN'), closed: bit('UNCONN'), 'close-wait': bit('CLOSE-WAIT'), 'last-ack': bit('LAST-ACK'), listening: bit('LISTEN'),
  closing: bit('CLOSING'), all: SS_ALL, connected: SS_ALL & ~(bit('UNCONN') | bit('LISTEN')),
  synchronized: SS_ALL & ~(bit('UNCONN') | bit('LISTEN') | bit('SYN-SENT')), bucket: bit('SYN-RECV') | bit('TIME-WAIT'),
  big: SS_ALL & ~(bit('SYN-RECV') | bit('TIME-WAIT')),
};

/** Each table: the states ss shows by default and the families it lives in. */
const TABLES: Record<Table, { states: number; families: Family[] }> = {
  tcp: { states: SS_CONN, families: ['inet', 'inet6'] },
  dccp: { states: SS_CONN, families: ['inet', 'inet6'] },
  mptcp: { states: SS_CONN, families: ['inet', 'inet6'] },
  sctp: { states: SS_CONN, families: ['inet', 'inet6'] },
  udp: { states: bit('ESTAB'), families: ['inet', 'inet6'] },
  raw: { states: bit('ESTAB'), families: ['inet', 'inet6'] },
  u_dgr: { states: bit('UNCONN'), families: ['unix'] },
  u_str: { states: SS_CONN, families: ['unix'] },
  u_seq: { states: SS_CONN, families: ['unix'] },
  p_raw: { states: bit('UNCONN'), families: ['link'] },
  p_dgr: { states: bit('UNCONN'), families: ['link'] },
  nl: { states: bit('UNCONN'), families: ['netlink'] },
  v_str: { states: SS_CONN, families: ['vsock'] },
  v_dgr: { states: SS_CONN, families: ['vsock'] },
  tipc: { states: SS_CONN, families: ['tipc'] },
  xdp: { states: SS_CONN, families: ['xdp'] },
};
const FAMILY_TABLES: Record<Family, Table[]> = {
  inet: ['tcp', 'udp', 'dccp', 'sctp', 'raw', 'mptcp'],
  inet6: ['tcp', 'udp', 'dccp', 'sctp', 'raw', 'mptcp'],
  unix: ['u_dgr', 'u_str', 'u_seq'],
  link: ['p_raw', 'p_dgr'],
  netlink: ['nl'],
  vsock: ['v_str', 'v_dgr'],
  tipc: ['tipc'],
  xdp: ['xdp'],
};
const FAMILY_STATES: Record<Family, number> = { inet: SS_CONN, inet6: SS_CONN, unix: SS_CONN, link: bit('UNCONN'), netlink: bit('UNCONN'), vsock: SS_CONN, tipc: SS_CONN, xdp: SS_CONN };
const QUERY_NAMES: Record<string, Table[] | Family> = {
  all: Object.keys(TABLES) as Table[], inet: ['tcp', 'udp', 'dccp', 'sctp', 'raw', 'mptcp'], tcp: ['tcp'], mptcp: ['mptcp'], udp: ['udp'],
  raw: ['raw'], dccp: ['dccp'], sctp: ['sctp'], unix: ['u_dgr', 'u_str', 'u_seq'], unix_dgram: ['u_dgr'], unix_stream: ['u_str'],
  unix_seqpacket: ['u_seq'], packet: ['p_raw', 'p_dgr'], packet_raw: ['p_raw'], packet_dgram: ['p_dgr'], netlink: ['nl'],
  vsock_stream: ['v_str'], vsock_dgram: ['v_dgr'], tipc: ['tipc'], xdp: ['xdp'],
};
const FAMILY_OPTION: Record<string, Family> = { inet: 'inet', inet6: 'inet6', link: 'link', unix: 'unix', netlink: 'netlink', tipc: 'tipc', vsock: 'vsock', xdp: 'xdp' };

/** The selection options and state words add up to, as ss's filter_* functions do. */
interface Selection {
  tables: Set<Table>;
  families: Set<Family>;
  states: number;
}

export const ss: Command = {
  name: 'ss',
  summary: 'another utility to investigate sockets',
  async run(ctx) {
    const err = (text: string) => ctx.stderr.write(text);
    const usage = async (message?: string) => {
      await err(`${message ? `${message}\n` : ''}${SS_USAGE}`);
      return 255;
    };
    let args;
    try {
      args = parseArgs('ss', ctx.argv, SPEC);
    } catch (e) {
      if (e instanceof UsageError) return usage(e.message);
      throw e;
    }
    const sel: Selection = { tables: new Set(), families: new Set(), states: 0 };
    let chosen = false;
    let stateFilter = 0;
    let sawQuery = false;
    let preferred: 4 | 6 | undefined;
    const addTable = (t: Table) => {
      sel.states |= TABLES[t].states;
      sel.tables.add(t);
      chosen = true;
    };
    const addFamily = (f: Family) => {
      sel.states |= FAMILY_STATES[f];
      sel.families.add(f);
      chosen = true;
      preferred = f === 'inet' ? 4 : f === 'inet6' ? 6 : preferred;
    };
    for (const { name, value } of args.list) {
      if (name === 'help') {
        await ctx.stdout.write(SS_USAGE);
        return 0;
      }
      if (name === 'version' || name === 'v') {
        await ctx.stdout.write('ss utility, iproute2-6.1.0\n');
        return 0;
      }
      if (name === 'context' || name === 'contexts') {
        await err('ss: SELinux is not enabled.\n');
        return 1;
      }
      if (name === 'net') {
        await err(`Cannot open network namespace "${value}": No such file or directory\n`);
        return 1;
      }
      const notModelled = NOT_MODELLED[name];
      if (notModelled) {
        await err(`ss: ${notModelled} is not available in this sandbox (its sockets keep no timers, memory or TCP statistics)\n`);
        return 1;
      }
      if (name === 'tcp') addTable('tcp');
      else if (name === 'udp') addTable('udp');
      else if (name === 'raw') addTable('raw');
      else if (name === 'dccp') addTable('dccp');
      else if (name === 'sctp') addTable('sctp');
      else if (name === 'mptcp') addTable('mptcp');
      else if (name === 'unix') addFamily('unix');
      else if (name === 'vsock') addFamily('vsock');
      else if (name === 'tipc') addFamily('tipc');
      else if (name === 'xdp') addFamily('xdp');
      else if (name === 'packet') addFamily('link');
      else if (name === 'ipv4') addFamily('inet');
      else if (name === 'ipv6') addFamily('inet6');
      else if (name === 'all') stateFilter = SS_ALL;
      else if (name === 'listening') stateFilter = bit('LISTEN') | bit('UNCONN');
      else if (name === 'family') {
        if (value === 'help') return usage();
        const f = FAMILY_OPTION[value ?? ''];
        if (!f) return usage(`ss: "${value}" is invalid family`);
        addFamily(f);
      } else if (name === 'query' || name === 'socket') {
        if (!sawQuery) {
          sel.tables.clear();
          stateFilter = stateFilter || SS_CONN;
          sawQuery = true;
          chosen = true;
        }
        for (const part of (value ?? '').split(',')) {
          const q = QUERY_NAMES[part];
          if (!q) return usage(`ss: "${part}" is illegal socket table id`);
          if (typeof q === 'string') addFamily(q);
          else for (const t of q) sel.tables.add(t);
        }
      }
    }
    const numeric = args.has('numeric');
    const resolveHosts = args.has('resolve');
    const showProcesses = args.has('processes');
    const header = !args.has('no-header');

    if (args.has('summary')) {
      await ctx.stdout.write(summary((ctx.host as { network?: HostNetwork }).network?.sockets() ?? []));
      // Plain `ss -s` stops here; with tables or a filter the list follows.
      if (!chosen && args.operands.length === 0) return 0;
    }

    // State words come first among the operands; the rest is the filter expression.
    const operands = [...args.operands];
    let sawStates = false;
    while (operands[0] === 'state' || operands[0] === 'exclude' || operands[0] === 'excl') {
      const word = operands.shift()!;
      const name = operands.shift();
      if (name === undefined) {
        await err('Command line is not complete. Try option "help"\n');
        return 255;
      }
      const states = STATE_WORDS[name.toLowerCase()];
      if (states === undefined) {
        await err(`ss: wrong state name: ${name}\n`);
        return 255;
      }
      if (word === 'state') {
        if (!sawStates) stateFilter = 0;
        stateFilter |= states;
      } else {
        if (!sawStates) stateFilter = SS_ALL;
        stateFilter &= ~states;
      }
      sawStates = true;
    }
    if (!chosen) {
      stateFilter = stateFilter || SS_CONN;
      for (const t of Object.keys(TABLES) as Table[]) addTable(t);
    }
    if (stateFilter) sel.states = stateFilter;
    // filter_merge_defaults: a table brings its families, a family its tables.
    for (const t of sel.tables) if (!TABLES[t].families.some((f) => sel.families.has(f))) for (const f of TABLES[t].families) sel.families.add(f);
    for (const f of sel.families) if (!FAMILY_TABLES[f].some((t) => sel.tables.has(t))) for (const t of FAMILY_TABLES[f]) sel.tables.add(t);
    // ss says so and exits 0 when the selection is empty.
    const empty = sel.tables.size === 0 ? 'socket tables' : sel.families.size === 0 ? 'families' : sel.states === 0 ? 'socket states' : undefined;
    if (empty) {
      await err(`ss: no ${empty} to show with such filter.\n`);
      return 0;
    }

    const services = servicesFrom(ctx);
    let filter: SsFilter | undefined;
    try {
      filter = parseSsFilter(operands, {
        servicePort: (name) => services.byName.get(name),
        resolveHost: (name) => ctx.net.resolve(name),
        family: preferred,
      });
    } catch (e) {
      if (!(e instanceof FilterError)) throw e;
      if (e.status === 255) return usage(e.message);
      await err(`${e.message}\n`);
      return 1;
    }

    const hostsText = readText(ctx, '/etc/hosts');
    const procs = new Map(ctx.host.processes().map((p) => [p.pid, p]));
    const table = new Grid(sel.tables.size > 1, countBits(sel.states) > 1);
    if (header) table.header();
    for (const s of visibleSockets(ctx, sel, filter)) {
      const owner = s.pid !== undefined ? procs.get(s.pid) : undefined;
      table.row([
        'tcp',
        s.state,
        `${String(s.recvQ).padEnd(6)}`,
        `${String(s.sendQ).padEnd(6)}`,
        `${formatAddress(s.local.host, s.ipv6, resolveHosts, hostsText)}:`,
        formatPort(s.local.port, numeric, services.byPort),
        `${formatAddress(s.remote.host, s.ipv6, resolveHosts, hostsText)}:`,
        formatPort(s.remote.port, numeric, services.byPort),
        showProcesses && owner && s.fd !== undefined && maySee(ctx.proc, owner) ? ` users:(("${commOf(owner)}",pid=${owner.pid},fd=${s.fd}))` : '',
      ]);
    }
    await ctx.stdout.write(table.render(ctx.tty?.cols));
    return 0;
  },
};

/**
 * ss -s, from the counts /proc/net/sockstat and /proc/net/snmp would give for this host:
 * only TCP sockets exist here, none of them orphaned or in TIME-WAIT.
 */
function summary(sockets: SocketInfo[]): string {
  const v4 = sockets.filter((s) => !s.ipv6).length;
  const v6 = sockets.length - v4;
  const estab = sockets.filter((s) => s.state === 'ESTAB').length;
  const row = (name: string, total: number, ip: number, ipv6: number) => `${name}\t  ${String(total).padEnd(9)} ${String(ip).padEnd(9)} ${String(ipv6).padEnd(9)}\n`;
  return (
    `Total: ${sockets.length}\n` +
    `TCP:   ${sockets.length} (estab ${estab}, closed 0, orphaned 0, timewait 0)\n\n` +
    'Transport Total     IP        IPv6\n' +
    row('RAW', 0, 0, 0) +
    row('UDP', 0, 0, 0) +
    row('TCP', sockets.length, v4, v6) +
    row('INET', sockets.length, v4, v6) +
    row('FRAG', 0, 0, 0) +
    '\n'
  );
}

/** The host's TCP sockets that the tables, families, states and filter select, IPv4 before IPv6. */
function visibleSockets(ctx: CommandContext, sel: Selection, filter: SsFilter | undefined): SocketInfo[] {
  if (!sel.tables.has('tcp')) return [];
  const net = (ctx.host as { network?: HostNetwork }).network;
  const all = net?.sockets() ?? [];
  const pick = (v6: boolean) =>
    all.filter((s) => {
      if (s.ipv6 !== v6 || !sel.families.has(v6 ? 'inet6' : 'inet')) return false;
      if (!(sel.states & bit(s.state))) return false;
      return !filter || matchSsFilter(filter, { localIp: s.local.host, localPort: s.local.port, remoteIp: s.remote.host, remotePort: s.remote.port });
    });
  // The kernel dumps listeners before connections within each family.
  const order = (list: SocketInfo[]) => [...list.filter((s) => s.state === 'LISTEN'), ...list.filter((s) => s.state !== 'LISTEN')];
  return [...order(pick(false)), ...order(pick(true))];
}

/** ss reads /proc/PID/fd: root sees every process's sockets, a user only its own processes'. */
function maySee(me: ProcessInfo, owner: ProcessInfo): boolean {
  return me.cred.uid === 0 || me.cred.uid === owner.cred.uid;
}

/** inet_addr_print: IPv4 as is, the IPv6 wildcard as `*`, other IPv6 in brackets; -r names addresses from /etc/hosts. */
function formatAddress(ip: string, ipv6: boolean, resolve: boolean, hostsText: string | undefined): string {
  if (ipv6 && (ip === '::' || ip === '0.0.0.0')) return '*';
  if (resolve) {
    const name = reverseLookup(hostsText, ip.startsWith('::ffff:') ? ip.slice(7) : ip);
    if (name) return name;
  }
  return ip.includes(':') ? `[${ip}]` : ip;
}

function reverseLookup(hostsText: string | undefined, ip: string): string | undefined {
  // No DNS in the lab: names come from /etc/hosts only (nsswitch's "files").
  if (!hostsText || ip === '0.0.0.0') return undefined;
  for (const raw of hostsText.split('\n')) {
    const [addr, name] = raw.replace(/#.*/, '').trim().split(/\s+/);
    if (addr === ip && name) return name;
  }
  return undefined;
}

/** resolve_service: `*` for port 0; a name from /etc/services unless -n or the port is ephemeral (32768-60999). */
function formatPort(port: number, numeric: boolean, byPort: Map<number, string>): string {
  if (port === 0) return '*';
  if (numeric || (port >= 32768 && port <= 60999)) return String(port);
  return byPort.get(port) ?? String(port);
}

interface Services {
  byPort: Map<number, string>;
  byName: Map<string, number>;
}

/** TCP entries of /etc/services (names and aliases); empty when the file is missing or unreadable. */
function servicesFrom(ctx: CommandContext): Services {
  const byPort = new Map<number, string>();
  const byName = new Map<string, number>();
  for (const raw of (readText(ctx, '/etc/services') ?? '').split('\n')) {
    const [name, portProto, ...aliases] = raw.replace(/#.*/, '').trim().split(/\s+/);
    const m = /^(\d+)\/tcp$/.exec(portProto ?? '');
    if (!name || !m) continue;
    const port = Number(m[1]);
    if (!byPort.has(port)) byPort.set(port, name);
    for (const n of [name, ...aliases]) if (!byName.has(n)) byName.set(n, port);
  }
  return { byPort, byName };
}

function readText(ctx: CommandContext, path: string): string | undefined {
  try {
    return new TextDecoder().decode(ctx.fs.readFile(path));
  } catch {
    return undefined;
  }
}

function countBits(n: number): number {
  let c = 0;
  for (let x = n; x; x &= x - 1) c++;
  return c;
}
