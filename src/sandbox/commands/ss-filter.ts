// ss's filter expressions (iproute2 6.1): `sport = :2379`, `dport != :2380`,
// `dst 10.0.0.12`, `src 127.0.0.1:2379`, `( sport = :2379 or sport = :2380 )`, `not`,
// `and`/`&&`/`&`, `or`/`||`/`|`, `>=`/`ge`, `<=`/`le`, `>`/`gt`, `<`/`lt`, `autobound`.
// Words are split on blanks inside each argument, as ss does, so a quoted filter and
// the same words as separate arguments mean the same. Parsing stops at the first error
// with ss's message and its exit status (1 for a bad address or port, 255 for a
// syntax error, after which ss prints its usage).

/** A socket as the filter looks at it. */
export interface FilterSocket {
  localIp: string;
  localPort: number;
  remoteIp: string;
  remotePort: number;
}

/** An address condition: a port (-1 = any) and addresses with prefix lengths (none = any). */
interface HostCond {
  port: number;
  addrs: { ip: string; bits: number }[];
}

export type SsFilter =
  | { type: 'and' | 'or'; left: SsFilter; right: SsFilter }
  | { type: 'not'; expr: SsFilter }
  | { type: 'src' | 'dst'; cond: HostCond }
  | { type: 'sport-ge' | 'sport-le' | 'dport-ge' | 'dport-le'; port: number }
  | { type: 'autobound' };

export interface FilterEnv {
  /** A service name's TCP port from /etc/services. */
  servicePort(name: string): number | undefined;
  /** A host name's address (/etc/hosts, then the lab network). */
  resolveHost(name: string): string | undefined;
  /** -4 / -6 given: the family a bare address is read in. */
  family: 4 | 6 | undefined;
}

/** A parse failure: what ss prints on stderr, and how it exits (255 adds the usage text). */
export class FilterError extends Error {
  constructor(
    message: string,
    readonly status: 1 | 255,
  ) {
    super(message);
  }
}

type Keyword = 'dst' | 'src' | 'dport' | 'sport' | 'dev' | 'fwmark' | 'cgroup';
type Token =
  | { t: '!' | '&' | '|' | '(' | ')' | '=' | '>' | '<' | 'GEQ' | 'LEQ' | 'NEQ' | 'AUTOBOUND' }
  | { t: 'KEY'; key: Keyword }
  | { t: 'HOST'; cond: HostCond };

const OPERATORS: Record<string, Token['t']> = {
  '!': '!', not: '!', '&': '&', '&&': '&', and: '&', '|': '|', '||': '|', or: '|', '(': '(', ')': ')',
  '>=': 'GEQ', ge: 'GEQ', geq: 'GEQ', '<=': 'LEQ', le: 'LEQ', leq: 'LEQ', '!=': 'NEQ', ne: 'NEQ', neq: 'NEQ',
  '=': '=', '==': '=', eq: '=', '>': '>', gt: '>', '<': '<', lt: '<', autobound: 'AUTOBOUND',
};
const KEYWORDS = new Set<string>(['dst', 'src', 'dport', 'sport', 'dev', 'fwmark', 'cgroup']);
const SYNTAX_ERROR = 'ss: bison bellows (while parsing filter): "syntax error!" Sorry.';

/** Parses the words after the options and state words; undefined when there are none. */
export function parseSsFilter(args: readonly string[], env: FilterEnv): SsFilter | undefined {
  const words = args.flatMap((a) => a.split(/[ \t]+/).filter(Boolean));
  let pos = 0;
  // The lexer remembers the last keyword: after sport/dport a bare word is a port.
  let lastKey: Keyword | undefined;
  let peeked: Token | null | undefined;
  const lex = (): Token | null => {
    const w = words[pos++];
    if (w === undefined) return null;
    const op = OPERATORS[w];
    if (op) return { t: op } as Token;
    if (KEYWORDS.has(w)) {
      lastKey = w as Keyword;
      return { t: 'KEY', key: lastKey };
    }
    if (lastKey === 'dev') throw new FilterError('Cannot parse device.', 1);
    if (lastKey === 'fwmark') throw new FilterError(`Cannot parse mark ${w}.`, 1);
    if (lastKey === 'cgroup') throw new FilterError(`Cannot parse cgroup ${w}.`, 1);
    return { t: 'HOST', cond: parseHostCond(w, lastKey === 'sport' || lastKey === 'dport', env) };
  };
  const peek = (): Token | null => (peeked === undefined ? (peeked = lex()) : peeked);
  const next = (): Token | null => {
    const t = peek();
    peeked = undefined;
    return t;
  };
  const fail = (): never => {
    throw new FilterError(SYNTAX_ERROR, 255);
  };
  const host = (): HostCond => {
    const t = next();
    return t?.t === 'HOST' ? t.cond : fail();
  };

  const expr = (): SsFilter => {
    const t = next();
    if (!t) return fail();
    if (t.t === '(') {
      const inner = list();
      if (next()?.t !== ')') fail();
      return inner;
    }
    if (t.t === '!') return { type: 'not', expr: expr() };
    if (t.t === 'AUTOBOUND') return { type: 'autobound' };
    if (t.t !== 'KEY') return fail();
    if (t.key === 'dev' || t.key === 'fwmark' || t.key === 'cgroup') {
      // Interfaces, marks and cgroups are not modelled: the lexer above has already refused the value.
      if (peek()?.t === '=' || peek()?.t === 'NEQ') next();
      host();
      return fail();
    }
    const op = peek()?.t;
    if (t.key === 'src' || t.key === 'dst') {
      if (op === '=') next();
      return { type: t.key, cond: host() };
    }
    const side = t.key === 'sport' ? 'src' : 'dst';
    const ge = t.key === 'sport' ? 'sport-ge' : 'dport-ge';
    const le = t.key === 'sport' ? 'sport-le' : 'dport-le';
    if (op === 'GEQ' || op === 'LEQ' || op === '>' || op === '<' || op === 'NEQ') {
      next();
      const cond = host();
      if (op === 'GEQ') return { type: ge, port: cond.port };
      if (op === 'LEQ') return { type: le, port: cond.port };
      if (op === '>') return { type: 'not', expr: { type: le, port: cond.port } };
      if (op === '<') return { type: 'not', expr: { type: ge, port: cond.port } };
      return { type: 'not', expr: { type: side, cond } };
    }
    if (op === '=') next();
    return { type: side, cond: host() };
  };

  // exprlist: expr, then any number of ('|' | '&' | nothing) expr, folded left to right.
  const list = (): SsFilter => {
    let left = expr();
    for (;;) {
      const t = peek();
      if (!t || t.t === ')') return left;
      if (t.t === '|' || t.t === '&') {
        next();
        left = { type: t.t === '|' ? 'or' : 'and', left, right: expr() };
      } else left = { type: 'and', left, right: expr() };
    }
  };

  if (peek() === null) return undefined;
  const f = list();
  if (peek() !== null) fail();
  return f;
}

/** parse_hostcond: `[addr][:port]`, `[v6]:port`, `*:port`, `:port`, a port alone after sport/dport. */
function parseHostCond(word: string, isPort: boolean, env: FilterEnv): HostCond {
  let addr = word;
  let family = env.family;
  if (addr.startsWith('inet:')) {
    family = 4;
    addr = addr.slice(5);
  } else if (addr.startsWith('inet6:')) {
    family = 6;
    addr = addr.slice(6);
  } else if (/^(unix|link|netlink|vsock):/.test(addr)) {
    // Other socket families have no sockets here; ss would accept the condition and match nothing.
    return { port: -1, addrs: [{ ip: '', bits: 1 }] };
  }
  let port: string | undefined;
  if (addr.startsWith('[')) {
    const close = addr.indexOf(']');
    if (close < 0) throw new FilterError('Cannot parse dst/src address.', 1);
    port = addr.slice(close + 1);
    addr = addr.slice(1, close);
  } else if (addr.startsWith('*')) {
    port = addr.slice(1);
    addr = '*';
  } else {
    const slash = addr.indexOf('/');
    const colon = addr.lastIndexOf(':');
    if (colon >= 0 && colon > slash) {
      port = addr.slice(colon);
      addr = addr.slice(0, colon);
    }
  }
  if (isPort) port = word;
  const cond: HostCond = { port: -1, addrs: [] };
  if (port) {
    if (port.startsWith(':')) port = port.slice(1);
    if (port && port !== '*') {
      const n = cInteger(port);
      if (n !== undefined) cond.port = n;
      else {
        const named = env.servicePort(port);
        if (named === undefined || named <= 0) {
          throw new FilterError(`Error: "${port}" does not look like a port.\nCannot parse dst/src address.`, 1);
        }
        cond.port = named;
      }
    }
  }
  if (!isPort && addr && addr !== '*') {
    const prefix = parsePrefix(addr, family);
    if (prefix) cond.addrs.push(prefix);
    else {
      const ip = family === 6 ? undefined : env.resolveHost(addr);
      if (ip === undefined) throw new FilterError(`Error: an inet prefix is expected rather than "${addr}".\nCannot parse dst/src address.`, 1);
      cond.addrs.push({ ip, bits: ip.includes(':') ? 128 : 32 });
    }
  }
  return cond;
}

/** strtol with base 0 over the whole word (decimal, 0x hex, 0 octal), as get_integer reads it. */
function cInteger(s: string): number | undefined {
  let n: number;
  if (/^[+-]?0x[0-9a-f]+$/i.test(s)) n = parseInt(s, 16);
  else if (/^[+-]?0[0-7]*$/.test(s)) n = parseInt(s, 8);
  else if (/^[+-]?[1-9]\d*$/.test(s)) n = parseInt(s, 10);
  else return undefined;
  return Number.isSafeInteger(n) && Math.abs(n) <= 0x7fffffff ? n : undefined;
}

/** get_prefix_1: `a.b.c.d[/len]`, an IPv6 literal with an optional length, or default/any/all. */
function parsePrefix(text: string, family: 4 | 6 | undefined): { ip: string; bits: number } | undefined {
  if (text === 'default' || text === 'any' || text === 'all') return { ip: family === 6 ? '::' : '0.0.0.0', bits: 0 };
  const [ip, len, extra] = text.split('/');
  if (ip === undefined || extra !== undefined) return undefined;
  const v4 = family !== 6 ? ipv4ToInt(ip) : undefined;
  const v6 = v4 === undefined && family !== 4 && ip.includes(':') ? expandIpv6(ip) : undefined;
  if (v4 === undefined && v6 === undefined) return undefined;
  const max = v4 !== undefined ? 32 : 128;
  let bits = max;
  if (len !== undefined) {
    if (!/^\d+$/.test(len) || Number(len) > max) return undefined;
    bits = Number(len);
  }
  return { ip, bits };
}

/** Does the filter select this socket? */
export function matchSsFilter(f: SsFilter, s: FilterSocket): boolean {
  switch (f.type) {
    case 'and':
      return matchSsFilter(f.left, s) && matchSsFilter(f.right, s);
    case 'or':
      return matchSsFilter(f.left, s) || matchSsFilter(f.right, s);
    case 'not':
      return !matchSsFilter(f.expr, s);
    case 'src':
      return condMatches(f.cond, s.localIp, s.localPort);
    case 'dst':
      return condMatches(f.cond, s.remoteIp, s.remotePort);
    case 'sport-ge':
      return s.localPort >= f.port;
    case 'sport-le':
      return s.localPort <= f.port;
    case 'dport-ge':
      return s.remotePort >= f.port;
    case 'dport-le':
      return s.remotePort <= f.port;
    case 'autobound':
      return s.localPort >= 32768 && s.localPort <= 60999;
  }
}

function condMatches(c: HostCond, ip: string, port: number): boolean {
  if (c.port !== -1 && c.port !== port) return false;
  if (c.addrs.length === 0) return true;
  return c.addrs.some((a) => addressMatches(ip, a.ip, a.bits));
}

/** inet2_addr_match: a prefix match; an IPv4 rule also matches v4-mapped IPv6 addresses. */
function addressMatches(ip: string, rule: string, bits: number): boolean {
  if (rule === '') return false;
  const ruleV4 = ipv4ToInt(rule);
  if (ruleV4 !== undefined) {
    const v4 = ipv4ToInt(ip.startsWith('::ffff:') ? ip.slice(7) : ip);
    if (v4 === undefined) return bits === 0 && !ip.includes(':');
    if (bits === 0) return true;
    const mask = bits === 32 ? 0xffffffff : (~0 << (32 - bits)) >>> 0;
    return ((v4 & mask) >>> 0) === ((ruleV4 & mask) >>> 0);
  }
  const a = expandIpv6(ip);
  const b = expandIpv6(rule);
  if (!a || !b) return false;
  for (let i = 0; i < 128; i++) {
    if (i >= bits) return true;
    const word = Math.floor(i / 16);
    const bit = 15 - (i % 16);
    if (((a[word]! >> bit) & 1) !== ((b[word]! >> bit) & 1)) return false;
  }
  return true;
}

function ipv4ToInt(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const o = m.slice(1).map(Number);
  if (o.some((x) => x > 255)) return undefined;
  return ((o[0]! << 24) | (o[1]! << 16) | (o[2]! << 8) | o[3]!) >>> 0;
}

/** Eight 16-bit groups of an IPv6 literal (a dotted tail allowed), or undefined. */
function expandIpv6(ip: string): number[] | undefined {
  let text = ip;
  // A dotted IPv4 tail (::ffff:10.0.0.12) stands for the last two groups.
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = ipv4ToInt(dotted[2]!);
    if (v4 === undefined) return undefined;
    text = `${dotted[1]}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string) => (s ? s.split(':') : []).map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  const fill = 8 - head.length - rest.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return undefined;
  const groups = [...head, ...Array<number>(halves.length === 2 ? fill : 0).fill(0), ...rest];
  return groups.every((g) => Number.isInteger(g)) ? groups : undefined;
}
