// URL lists and name=URL maps as etcd parses them (client/pkg/types semantics, own code).

export interface ParsedUrl {
  scheme: string;
  host: string;
  port: number;
  /** The URL as etcd prints it (scheme://host:port). */
  text: string;
}

/** Splits host:port the way Go's net.SplitHostPort does for the cases URLs carry. */
export function splitHostPort(hostport: string): { host: string; port: string } | undefined {
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0 || hostport[end + 1] !== ':') return undefined;
    return { host: hostport.slice(1, end), port: hostport.slice(end + 2) };
  }
  const i = hostport.lastIndexOf(':');
  if (i < 0 || hostport.indexOf(':') !== i) return undefined;
  return { host: hostport.slice(0, i), port: hostport.slice(i + 1) };
}

export function parseUrl(raw: string): ParsedUrl {
  const input = raw.trim();
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/.exec(input);
  const scheme = m?.[1]?.toLowerCase() ?? '';
  if (scheme !== 'http' && scheme !== 'https' && scheme !== 'unix' && scheme !== 'unixs') {
    throw new Error(`URL scheme must be http, https, unix, or unixs: ${input}`);
  }
  const hostport = m![2]!;
  const rest = m![3]!;
  if (scheme === 'unix' || scheme === 'unixs') return { scheme, host: hostport, port: 0, text: input };
  const hp = splitHostPort(hostport);
  if (!hp) throw new Error(`URL address does not have the form "host:port": ${input}`);
  if (rest !== '' && rest !== '/') {
    if (rest.startsWith('/')) throw new Error(`URL must not contain a path: ${input}`);
  }
  if (rest === '/') throw new Error(`URL must not contain a path: ${input}`);
  const port = hp.port === '' ? (scheme === 'https' ? 443 : 80) : Number(hp.port);
  if (!/^[0-9]*$/.test(hp.port) || port > 65535) throw new Error(`parse "${input}": invalid port ":${hp.port}" after host`);
  return { scheme, host: hp.host, port, text: `${scheme}://${hostport}${rest}` };
}

/** A comma-separated URL list, sorted as etcd sorts it. */
export function parseUrls(list: string, unique = false): ParsedUrl[] {
  const parts = list.split(',');
  if (parts.length === 0 || list === '') throw new Error('no valid URLs given');
  let urls = parts.map(parseUrl);
  if (unique) {
    const seen = new Set<string>();
    urls = urls.filter((u) => (seen.has(u.text) ? false : (seen.add(u.text), true)));
  }
  return urls.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
}

/** name=url,name=url → map of name to sorted URLs (entries without '=' are skipped, as etcd does). */
export function parseUrlsMap(s: string): Map<string, ParsedUrl[]> {
  const raw = new Map<string, string[]>();
  for (const part of s.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq);
    const list = raw.get(name) ?? [];
    list.push(part.slice(eq + 1));
    raw.set(name, list);
  }
  const out = new Map<string, ParsedUrl[]>();
  for (const [name, list] of raw) out.set(name, parseUrls(list.join(',')));
  return out;
}

/** name=url pairs sorted, as etcd prints a URLs map. */
export function urlsMapToString(m: Map<string, ParsedUrl[]>): string {
  const pairs: string[] = [];
  for (const [name, urls] of m) for (const u of urls) pairs.push(`${name}=${u.text}`);
  return pairs.sort().join(',');
}
