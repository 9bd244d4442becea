// wget: GNU Wget 1.21's non-interactive downloads over the sandbox network (http and https,
// verified against the host's CA bundle), with its log on stderr — the dot progress when
// stderr is a file or pipe, the bar on a terminal — its redirects, its file naming (the
// URL's last segment, query included, then name.1, name.2 …) and its exit codes
// (1 generic, 2 usage, 3 file I/O, 4 network, 5 TLS, 8 server error).
import { basename, resolvePath } from '../../platform/filesystem.ts';
import { defaultPort, HttpClientError, openConnection, resolveHost, sendRequest, trustedCas, type HttpResponse } from '../internet/http-client.ts';
import type { Command, CommandContext } from '../types.ts';
import { pad2, reason } from './common.ts';
import { sandboxFs } from '../vfs-view.ts';
import type { Duplex } from 'node:stream';

const USAGE = "Usage: wget [OPTION]... [URL]...\n\nTry `wget --help' for more options.\n";

const HELP = `GNU Wget 1.21.3, a non-interactive network retriever.
Usage: wget [OPTION]... [URL]...

Mandatory arguments to long options are mandatory for short options too.

Startup:
  -V,  --version                   display the version of Wget and exit
  -h,  --help                      print this help

Logging and input file:
  -q,  --quiet                     quiet (no output)
  -nv, --no-verbose                turn off verboseness, without being quiet

Download:
  -O,  --output-document=FILE      write documents to FILE
  -nc, --no-clobber                skip downloads that would download to
                                     existing files (overwriting them)
  -c,  --continue                  resume getting a partially-downloaded file
  -S,  --server-response           print server response
       --max-redirect=NUM          maximum redirections allowed per page

Directories:
  -P,  --directory-prefix=PREFIX   save files to PREFIX/..

HTTP options:
       --header=STRING             insert STRING among the headers
  -U,  --user-agent=AGENT          identify as AGENT instead of Wget/VERSION

HTTPS (SSL/TLS) options:
       --no-check-certificate      don't validate the server's certificate
       --ca-certificate=FILE       file with the bundle of CAs

Mail bug reports and suggestions to <bug-wget@gnu.org>
`;

const VERSION = `GNU Wget 1.21.3 built on linux-gnu.

-cares +digest -gpgme +https +ipv6 +iri +large-file -metalink +nls
+ntlm +opie +psl +ssl/gnutls

Copyright (C) 2015 Free Software Foundation, Inc.
License GPLv3+: GNU GPL version 3 or later
<http://www.gnu.org/licenses/gpl.html>.
This is free software: you are free to change and redistribute it.
There is NO WARRANTY, to the extent permitted by law.

Originally written by Hrvoje Niksic <hniksic@xemacs.org>.
Please send bug reports and questions to <bug-wget@gnu.org>.
`;

/** How fast the virtual internet delivers, for wget's rate and time figures (bytes per second). */
const LINK_BYTES_PER_SEC = 42 * 1024 * 1024;

interface Opts {
  quiet: boolean;
  noVerbose: boolean;
  output?: string;
  prefix?: string;
  noClobber: boolean;
  insecure: boolean;
  caFile?: string;
  headers: string[];
  userAgent: string;
  maxRedirect: number;
  serverResponse: boolean;
  urls: string[];
}

class WgetUsage extends Error {}

function parse(argv: string[]): Opts | 'help' | 'version' {
  const o: Opts = { quiet: false, noVerbose: false, noClobber: false, insecure: false, headers: [], userAgent: 'Wget/1.21.3', maxRedirect: 20, serverResponse: false, urls: [] };
  const args = argv.slice(1);
  const takes = (name: string, i: number, inline: string | undefined): [string, number] => {
    if (inline !== undefined) return [inline, i];
    if (i + 1 >= args.length) throw new WgetUsage(name.length === 1 ? `wget: option requires an argument -- '${name}'` : `wget: option '--${name}' requires an argument`);
    return [args[i + 1]!, i + 1];
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      o.urls.push(...args.slice(i + 1));
      break;
    }
    if (a === '-nv') {
      o.noVerbose = true;
      continue;
    }
    if (a === '-nc') {
      o.noClobber = true;
      continue;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const inline = eq >= 0 ? a.slice(eq + 1) : undefined;
      let v: string;
      switch (name) {
        case 'help':
          return 'help';
        case 'version':
          return 'version';
        case 'quiet':
          o.quiet = true;
          break;
        case 'no-verbose':
          o.noVerbose = true;
          break;
        case 'no-clobber':
          o.noClobber = true;
          break;
        case 'no-check-certificate':
          o.insecure = true;
          break;
        case 'server-response':
          o.serverResponse = true;
          break;
        case 'output-document':
          [v, i] = takes(name, i, inline);
          o.output = v;
          break;
        case 'directory-prefix':
          [v, i] = takes(name, i, inline);
          o.prefix = v;
          break;
        case 'ca-certificate':
          [v, i] = takes(name, i, inline);
          o.caFile = v;
          break;
        case 'header':
          [v, i] = takes(name, i, inline);
          o.headers.push(v);
          break;
        case 'user-agent':
          [v, i] = takes(name, i, inline);
          o.userAgent = v;
          break;
        case 'max-redirect':
          [v, i] = takes(name, i, inline);
          o.maxRedirect = Number(v);
          if (!Number.isInteger(o.maxRedirect) || o.maxRedirect < 0) throw new WgetUsage(`wget: --max-redirect: Invalid number ‘${v}’.`);
          break;
        default:
          throw new WgetUsage(`wget: unrecognized option '${eq >= 0 ? a.slice(0, eq) : a}'`);
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        const rest = a.slice(j + 1) || undefined;
        switch (c) {
          case 'h':
            return 'help';
          case 'V':
            return 'version';
          case 'q':
            o.quiet = true;
            continue;
          case 'c':
            continue;
          case 'S':
            o.serverResponse = true;
            continue;
          case 'O':
          case 'P':
          case 'U': {
            let v: string;
            [v, i] = takes(c, i, rest);
            if (c === 'O') o.output = v;
            else if (c === 'P') o.prefix = v;
            else o.userAgent = v;
            j = a.length;
            continue;
          }
          default:
            throw new WgetUsage(`wget: invalid option -- '${c}'`);
        }
      }
      continue;
    }
    o.urls.push(a);
  }
  return o;
}

const stamp = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
};

/** wget's "5.0K"/"59K" in the Length line. */
function humanLength(n: number): string {
  const units = ['K', 'M', 'G', 'T'];
  let v = n;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return v < 10 ? `${v.toFixed(1)}${units[u]}` : `${Math.round(v)}${units[u]}`;
}

/** Number with wget's precision: 0 decimals from 99.95, 1 from 9.995, else 2. */
const rateNumber = (v: number) => v.toFixed(v >= 99.95 ? 0 : v >= 9.995 ? 1 : 2);

/** Bytes/second as "66.7 MB/s" (long) or "66.7M" (dot progress). */
function rate(bytesPerSec: number, short: boolean): string {
  const units = short ? ['K', 'K', 'M', 'G'] : ['B/s', 'KB/s', 'MB/s', 'GB/s'];
  let v = bytesPerSec;
  let u = 0;
  if (short) {
    v /= 1024;
    u = 1;
  }
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return short ? `${rateNumber(v)}${units[u]}` : `${rateNumber(v)} ${units[u]}`;
}

function seconds(s: number): string {
  if (s < 0.0005) return '0s';
  if (s < 10) return `${Number(s.toFixed(s < 0.01 ? 3 : 2))}s`;
  return `${Math.round(s)}s`;
}

/** The dot progress wget writes to a log that is not a terminal: 1K per dot, 50K per line. */
function dotProgress(size: number, total: number | undefined, secs: number): string {
  let out = '';
  const K = 1024;
  const lines = Math.max(1, Math.ceil(size / (50 * K)) || 1);
  const per = secs / lines;
  for (let line = 0; line < lines; line++) {
    const start = line * 50 * K;
    const inLine = Math.min(size - start, 50 * K);
    const dots = Math.floor(inLine / K);
    let groups = '';
    for (let g = 0; g < 5; g++) {
      const n = Math.max(0, Math.min(10, dots - g * 10));
      groups += ' ' + '.'.repeat(n).padEnd(10);
    }
    const last = line === lines - 1;
    const done = start + inLine;
    const pct = total ? `${Math.floor((done * 100) / total)}%`.padStart(4) : '';
    const lineRate = rate(inLine / Math.max(per, 1e-6), true).padStart(5);
    const tail = last ? `=${seconds(secs)}` : ` ${seconds(per * (lines - line - 1))}`;
    out += `${String(start / K).padStart(6)}K${groups}${pct} ${lineRate}${tail}\n`;
  }
  return out;
}

/** The finished progress bar wget draws on a terminal of `cols` columns. */
function barProgress(name: string, size: number, cols: number, secs: number): string {
  const inner = Math.max(5, cols - 1 - 59);
  const shownName = name.length > 19 ? name.slice(0, 19) : name;
  let sizeText: string;
  if (size < 1024) sizeText = String(size);
  else {
    const units = ['K', 'M', 'G'];
    let v = size / 1024;
    let u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    sizeText = `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)}${units[u]}`;
  }
  const speed = secs < 0.1 ? '--.-KB/s' : `${rate(size / secs, false).replace(' ', '')}`;
  return `${shownName.padEnd(20)}100%[${'='.repeat(inner - 1)}>]${sizeText.padStart(8)}  ${speed.padStart(8)}    in ${seconds(secs).padEnd(8)}\n`;
}

/** Local file name for a URL: its last path segment with the query, or index.html. */
function urlFileName(url: URL): string {
  const seg = decodeURIComponent(basename(url.pathname) || '');
  const name = url.pathname.endsWith('/') || !seg ? 'index.html' : seg;
  return `${name}${url.search}`;
}

const quoteName = (s: string) => `\u2018${s}\u2019`;

async function download(ctx: CommandContext, o: Opts, rawUrl: string, log: (s: string) => Promise<void>, out: { fd?: { path: string } | 'stdout' }): Promise<number> {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(rawUrl) ? rawUrl : `http://${rawUrl}`);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
  } catch {
    await ctx.stderr.write(`${rawUrl}: Unsupported scheme.\n`);
    return 1;
  }
  const original = url;
  const fs = sandboxFs(ctx.fs);
  const ca = o.caFile ? trustedCas(fs, resolvePath(ctx.cwd, o.caFile)) : trustedCas(fs);
  let lastKey: string | undefined;
  for (let hop = 0; ; hop++) {
    await log(`--${stamp(ctx.clock.now())}--  ${url.href}\n`);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const literal = /^[\d.]+$/.test(host) || host.includes(':');
    const port = defaultPort(url);
    let ip: string;
    try {
      if (!literal) await log(`Resolving ${host} (${host})... `);
      ip = resolveHost(ctx.net, host);
      if (!literal) await log(`${ip}\n`);
    } catch {
      await log(`failed: Name or service not known.\n`);
      await ctx.stderr.write(`wget: unable to resolve host address ${quoteName(host)}\n`);
      return 4;
    }
    const key = `${url.protocol}//${ip}:${port}`;
    const where = literal ? `${host}:${port}` : `${host} (${host})|${ip}|:${port}`;
    // Our client reads a whole response per connection; where wget would keep the
    // connection alive for a redirect to the same server, it says so and we reconnect quietly.
    const reusing = lastKey === key;
    if (reusing) await log(`Reusing existing connection to ${host}:${port}.\n`);
    else await log(`Connecting to ${where}... `);
    let socket: Duplex;
    try {
      socket = await openConnection(ctx.net, url, ip, { ca, insecure: o.insecure, signal: ctx.signal });
      if (!reusing) await log('connected.\n');
    } catch (e) {
      if (e instanceof HttpClientError && e.kind === 'tls') {
        if (!reusing) await log('connected.\n');
        // Debian's wget is built with GnuTLS, which words an untrusted chain like this.
        await ctx.stderr.write(`ERROR: The certificate of ${quoteName(host)} is not trusted.\nERROR: The certificate of ${quoteName(host)} doesn't have a known issuer.\n`);
        return 5;
      }
      const code = e instanceof HttpClientError ? e.message : 'ECONNREFUSED';
      const text = code === 'ECONNREFUSED' ? 'Connection refused' : code === 'ETIMEDOUT' ? 'Connection timed out' : code === 'EHOSTUNREACH' ? 'No route to host' : 'Network is unreachable';
      await log(`failed: ${text}.\n`);
      return 4;
    }
    lastKey = key;
    let res: HttpResponse;
    try {
      await log('HTTP request sent, awaiting response... ');
      const headers: Record<string, string> = { 'User-Agent': o.userAgent, Accept: '*/*', 'Accept-Encoding': 'identity', Connection: 'Keep-Alive' };
      for (const h of o.headers) {
        const i = h.indexOf(':');
        if (i > 0) headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
      }
      res = await sendRequest(socket, url, { headers, signal: ctx.signal, maxBytes: 32 * 1024 * 1024 });
    } catch (e) {
      await log(`\nRead error (${e instanceof Error ? e.message : String(e)}) in headers.\n`);
      return 4;
    }
    socket.destroy();
    await log(`${res.status} ${res.statusText}\n`);
    if (o.serverResponse && !o.quiet) {
      await ctx.stderr.write(`  HTTP/1.1 ${res.status} ${res.statusText}\n${Object.entries(res.headers).map(([k, v]) => `  ${k}: ${v}\n`).join('')}`);
    }
    if (res.status >= 300 && res.status < 400 && res.headers.location) {
      const next = new URL(res.headers.location, url);
      await log(`Location: ${res.headers.location} [following]\n`);
      if (hop >= o.maxRedirect) {
        await log(`${o.maxRedirect} redirections exceeded.\n`);
        return 8;
      }
      url = next;
      continue;
    }
    if (res.status >= 400) {
      await log(`${stamp(ctx.clock.now())} ERROR ${res.status}: ${res.statusText}.\n\n`);
      return 8;
    }
    const size = res.body.length;
    const type = res.headers['content-type'];
    const length = res.headers['content-length'];
    const typeText = type ? ` [${type}]` : '';
    if (length !== undefined) await log(`Length: ${length}${Number(length) >= 1024 ? ` (${humanLength(Number(length))})` : ''}${typeText}\n`);
    else await log(`Length: unspecified${typeText}\n`);
    // Where it goes: -O file (opened already), stdout, or a fresh name in the cwd / -P dir.
    let target: string;
    if (out.fd === 'stdout') target = 'STDOUT';
    else if (out.fd) target = out.fd.path;
    else {
      const base = urlFileName(original);
      const dir = o.prefix ? resolvePath(ctx.cwd, o.prefix) : ctx.cwd;
      let name = o.prefix ? `${o.prefix.replace(/\/$/, '')}/${base}` : base;
      if (fs.exists(resolvePath(dir, base))) {
        if (o.noClobber) {
          await log(`File ${quoteName(name)} already there; not retrieving.\n\n`);
          return 0;
        }
        let n = 1;
        while (fs.exists(resolvePath(dir, `${base}.${n}`))) n++;
        name = `${name}.${n}`;
      }
      target = name;
    }
    await log(`Saving to: ${quoteName(target)}\n\n`);
    // Transfer time from the virtual link's speed: the in-memory copy takes no time worth showing.
    const secs = size / LINK_BYTES_PER_SEC;
    try {
      if (out.fd === 'stdout') await ctx.stdout.write(res.body);
      else {
        const path = resolvePath(ctx.cwd, target);
        if (out.fd) fs.appendFile(path, res.body);
        else fs.writeFile(path, res.body);
      }
    } catch (e) {
      await ctx.stderr.write(`Cannot write to ${quoteName(target)} (${reason(e)}).\n`);
      return 3;
    }
    if (!o.quiet && !o.noVerbose) {
      const cols = ctx.tty?.cols ?? 80;
      await ctx.stderr.write(ctx.stderr.isTTY ? barProgress(basename(target), size, cols, secs) : dotProgress(size, length !== undefined ? Number(length) : undefined, secs));
      await ctx.stderr.write('\n');
    }
    const sizes = length !== undefined ? `[${size}/${length}]` : `[${size}]`;
    const what = out.fd === 'stdout' ? 'written to stdout' : `${quoteName(target)} saved`;
    if (!o.quiet) {
      if (o.noVerbose) await ctx.stderr.write(`${stamp(ctx.clock.now())} URL:${url.href} ${sizes.replace(/\]$/, '')}] -> "${target === 'STDOUT' ? '-' : target}" [1]\n`);
      else await ctx.stderr.write(`${stamp(ctx.clock.now())} (${rate(size / secs, false)}) - ${what} ${sizes}\n\n`);
    }
    return 0;
  }
}

export const wget: Command = {
  name: 'wget',
  summary: 'The non-interactive network downloader',
  async run(ctx) {
    let o: Opts | 'help' | 'version';
    try {
      o = parse(ctx.argv);
    } catch (e) {
      if (e instanceof WgetUsage) {
        await ctx.stderr.write(`${e.message}\n${USAGE}`);
        return 2;
      }
      throw e;
    }
    if (o === 'help') {
      await ctx.stdout.write(HELP);
      return 0;
    }
    if (o === 'version') {
      await ctx.stdout.write(VERSION);
      return 0;
    }
    const opts = o;
    if (opts.urls.length === 0) {
      await ctx.stderr.write(`wget: missing URL\n${USAGE}`);
      return 1;
    }
    const verbose = !opts.quiet && !opts.noVerbose;
    const log = async (s: string) => {
      if (verbose) await ctx.stderr.write(s);
    };
    // -O opens (and truncates) its file before anything is fetched, as wget does.
    const out: { fd?: { path: string } | 'stdout' } = {};
    if (opts.output === '-') out.fd = 'stdout';
    else if (opts.output !== undefined) {
      try {
        const path = resolvePath(ctx.cwd, opts.output);
        ctx.fs.writeFile(path, new Uint8Array());
        out.fd = { path: opts.output };
      } catch (e) {
        await ctx.stderr.write(`${opts.output}: ${reason(e)}\n`);
        return 1;
      }
    }
    let status = 0;
    for (const u of opts.urls) {
      const s = await download(ctx, opts, u, log, out);
      if (s && (status === 0 || s < status)) status = s;
    }
    return status;
  },
};
