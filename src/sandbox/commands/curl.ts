// curl 7.88.1 (Debian 12) over the sandbox network: http and https (node:tls over the
// host's Duplex, verified against --cacert or the host's CA bundle, client certificates),
// redirects, uploads with -d, -o/-O, -i/-I/-v, -w, and curl's messages and exit codes.
// A name the sandbox network resolves to a site on the virtual internet just works.
import http from 'node:http';
import tls from 'node:tls';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { basename, isFsError, resolvePath, type FileSystem } from '../../platform/filesystem.ts';
import { NetError } from '../../platform/network.ts';
import { VERIFY_ERRORS } from '../../pki/index.ts';
import type { Command, CommandContext } from '../types.ts';
import { CurlError, parseOptions, parseUrl, port, UsageError, type Options } from './curl-options.ts';
import { METER_HEAD, meterLine } from './curl-meter.ts';

const VERSION = '7.88.1';
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const TRY = "curl: try 'curl --help' or 'curl --manual' for more information\n";

const HELP = `Usage: curl [options...] <url>
 -d, --data <data>          HTTP POST data
 -f, --fail                 Fail fast with no output on HTTP errors
 -h, --help <category>      Get help for commands
 -i, --include              Include protocol response headers in the output
 -o, --output <file>        Write to file instead of stdout
 -O, --remote-name          Write output to a file named as the remote file
 -s, --silent               Silent mode
 -T, --upload-file <file>   Transfer local FILE to destination
 -u, --user <user:password> Server user and password
 -A, --user-agent <name>    Send User-Agent <name> to server
 -v, --verbose              Make the operation more talkative
 -V, --version              Show version number and quit

This is not the full help, this menu is stripped into categories.
Use "--help category" to get an overview of all categories.
For all options use the manual or "--help all".
`;

/** The OpenSSL curl is linked against: the same one the sandbox's openssl reports. */
const OPENSSL_LIB = '3.0.19';
const VERSION_TEXT = `curl ${VERSION} (x86_64-pc-linux-gnu) libcurl/${VERSION} OpenSSL/${OPENSSL_LIB} zlib/1.2.13 brotli/1.0.9 zstd/1.5.4 libidn2/2.3.3 libpsl/0.21.2 (+libidn2/2.3.3) libssh2/1.10.0 nghttp2/1.52.0 librtmp/2.3 OpenLDAP/2.5.13
Release-Date: 2023-02-20, security patched: 7.88.1-10+deb12u12
Protocols: dict file ftp ftps gopher gophers http https imap imaps ldap ldaps mqtt pop3 pop3s rtmp rtsp scp sftp smb smbs smtp smtps telnet tftp
Features: alt-svc AsynchDNS brotli GSS-API HSTS HTTP2 HTTPS-proxy IDN IPv6 Kerberos Largefile libz NTLM NTLM_WB PSL SPNEGO SSL threadsafe TLS-SRP UnixSockets zstd
`;

interface Transfer {
  status: number;
  statusText: string;
  httpVersion: string;
  rawHeaders: string[];
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  url: URL;
  /** Body bytes already written out as they arrived (then `body` is empty). */
  streamed: number;
}

/** What a transfer has done so far, for -m's "… with N bytes received". */
interface Progress {
  connected: boolean;
  received: number;
}

/** Given the response's status line and headers, where its body goes as it arrives (or undefined: keep it in `body`). */
type BodySink = (head: Omit<Transfer, 'body' | 'streamed'>) => Promise<((chunk: Buffer) => Promise<void>) | undefined>;

function readText(fs: FileSystem, path: string): string | undefined {
  try {
    return Buffer.from(fs.readFile(path)).toString('utf8');
  } catch {
    return undefined;
  }
}

// errno values OpenSSL puts in its "system library" error codes (0x80000000 | errno).
const ERRNO: Record<string, number> = { ENOENT: 2, EACCES: 13, EISDIR: 21 };

/** The --cert file as PEM text, or curl's error 58 naming the file and OpenSSL's reason. */
function clientCertificate(fs: FileSystem, path: string, given: string): string {
  let reason: string;
  try {
    const text = Buffer.from(fs.readFile(path)).toString('utf8');
    if (text.includes('-----BEGIN CERTIFICATE-----')) return text;
    reason = 'error:0480006C:PEM routines::no start line';
  } catch (e) {
    const errno = isFsError(e) ? (ERRNO[e.code] ?? 5) : 5;
    const words = isFsError(e) ? e.reason() : 'Input/output error';
    reason = `error:${(0x80000000 + errno).toString(16).toUpperCase().padStart(8, '0')}:system library::${words}`;
  }
  throw new CurlError(58, `could not load PEM client certificate from ${given}, OpenSSL error ${reason}, (no key found, wrong pass phrase, or wrong file format?)`);
}

async function connect(ctx: CommandContext, u: URL, o: Options, log: (s: string) => Promise<void>): Promise<Duplex> {
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const ip = ctx.net.resolve(host);
  if (ip === undefined) throw new CurlError(6, `Could not resolve host: ${host}`);
  const p = port(u);
  await log(`*   Trying ${ip}:${p}...\n`);
  const started = ctx.clock.monotonic();
  let raw: Duplex;
  try {
    raw = await ctx.net.connect({ host: ip, port: p }, { signal: ctx.signal, timeoutMs: o.connectTimeoutMs ?? 300_000 });
  } catch (e) {
    const ms = Math.round(ctx.clock.monotonic() - started);
    if (e instanceof NetError && e.code === 'ETIMEDOUT') throw new CurlError(28, `Failed to connect to ${host} port ${p} after ${ms} ms: Timeout was reached`);
    if (e instanceof NetError) throw new CurlError(7, `Failed to connect to ${host} port ${p} after ${ms} ms: Couldn't connect to server`);
    throw e;
  }
  await log(`* Connected to ${host} (${ip}) port ${p} (#0)\n`);
  if (u.protocol !== 'https:') return raw;

  const fs = ctx.fs;
  const ca = o.cacert !== undefined ? readText(fs, resolvePath(ctx.cwd, o.cacert)) : readText(fs, CA_BUNDLE);
  if (o.cacert !== undefined && ca === undefined) throw new CurlError(77, `error setting certificate file: ${o.cacert}`);
  let cert: string | undefined;
  let key: string | undefined;
  if (o.cert !== undefined) {
    cert = clientCertificate(fs, resolvePath(ctx.cwd, o.cert), o.cert);
    key = readText(fs, resolvePath(ctx.cwd, o.key ?? o.cert));
    if (key === undefined || !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key))
      throw new CurlError(58, 'unable to set private key file: \'' + (o.key ?? o.cert) + "' type PEM");
  }
  return new Promise((resolve, reject) => {
    let sock: tls.TLSSocket;
    try {
      sock = tls.connect({ socket: raw, ca: ca ?? [], cert, key, servername: net.isIP(host) ? undefined : host, rejectUnauthorized: false, checkServerIdentity: () => undefined });
    } catch (e) {
      raw.destroy();
      // A key that does not match the certificate: curl says only this (OpenSSL's reason stays in its queue).
      reject(new CurlError(58, `unable to set private key file: '${o.key ?? o.cert}' type PEM`));
      return;
    }
    sock.once('error', (e: Error & { code?: string }) => {
      sock.destroy();
      const m = /^(error:[0-9A-F]+:SSL routines::[^\n]*)|([a-z].*)$/.exec(e.message);
      reject(new CurlError(35, `OpenSSL/${OPENSSL_LIB}: ${m ? e.message : 'SSL connect error'}`));
    });
    sock.once('secureConnect', async () => {
      sock.removeAllListeners('error');
      if (!o.insecure) {
        if (!sock.authorized) {
          sock.destroy();
          const why = verifyErrorText(sock.authorizationError as unknown);
          return reject(new CurlError(60, `SSL certificate problem: ${why}`, SSL_HINT));
        }
        const bad = tls.checkServerIdentity(host, sock.getPeerCertificate());
        if (bad) {
          sock.destroy();
          return reject(new CurlError(60, `SSL: no alternative certificate subject name matches target host name '${host}'`, SSL_HINT));
        }
      }
      await log(`* SSL connection using ${sock.getProtocol()} / ${sock.getCipher().standardName ?? sock.getCipher().name}\n`);
      resolve(sock);
    });
  });
}

// node reports a failed verification by OpenSSL's X509_V_ERR_* name (a string); curl
// prints OpenSSL's words for it.
const VERIFY_ERROR_NUMBERS: Record<string, number> = {
  UNABLE_TO_GET_ISSUER_CERT: 2,
  CERT_SIGNATURE_FAILURE: 7,
  CERT_NOT_YET_VALID: 9,
  CERT_HAS_EXPIRED: 10,
  DEPTH_ZERO_SELF_SIGNED_CERT: 18,
  // A real etcd sends only its leaf, so curl without the CA stops at 20; node:tls servers
  // (our etcd included) send the CA along, which would read as 19. Until the server sends
  // what etcd sends, say what the learner would see on a real host.
  SELF_SIGNED_CERT_IN_CHAIN: 20,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 20,
  // node verifies to the end of the chain and ends on 21; curl verifies with SSL_VERIFY_PEER,
  // so OpenSSL stops at the first error, 20, and curl reports that one.
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 20,
  INVALID_CA: 24,
  INVALID_PURPOSE: 26,
  KEYUSAGE_NO_CERTSIGN: 32,
};

function verifyErrorText(err: unknown): string {
  const code = typeof err === 'string' ? err : ((err as { code?: string } | null)?.code ?? '');
  const n = VERIFY_ERROR_NUMBERS[code];
  if (n !== undefined && VERIFY_ERRORS[n]) return VERIFY_ERRORS[n];
  return (err as { message?: string } | null)?.message ?? VERIFY_ERRORS[20]!;
}

/**
 * OpenSSL's own line for a TLS alert the server sent ("error:0A000418:SSL routines::tlsv1
 * alert unknown ca"): the reason code is 1000 plus the alert number, in the SSL library (0A).
 */
export function opensslAlert(message: string): string | undefined {
  const n = /SSL alert number (\d+)/.exec(message);
  const reason = /:((?:sslv3|tlsv1|tlsv13) alert [^:]+):/.exec(message);
  if (!n || !reason) return undefined;
  const code = (0x0a000000 + 1000 + Number(n[1])).toString(16).toUpperCase().padStart(8, '0');
  return `error:${code}:SSL routines::${reason[1]}`;
}

const SSL_HINT = `More details here: https://curl.se/docs/sslcerts.html

curl failed to verify the legitimacy of the server and therefore could not
establish a secure connection to it. To learn more about this situation and
how to fix it, please visit the web page mentioned above.
`;

async function requestOnce(ctx: CommandContext, u: URL, o: Options, method: string, body: Buffer | undefined, log: (s: string) => Promise<void>, progress: Progress, sink?: BodySink): Promise<Transfer> {
  const sock = await connect(ctx, u, o, log);
  progress.connected = true;
  const headers: Record<string, string> = { Host: u.host, 'User-Agent': o.userAgent ?? `curl/${VERSION}`, Accept: '*/*' };
  if (o.user !== undefined) headers.Authorization = 'Basic ' + Buffer.from(o.user.includes(':') ? o.user : `${o.user}:`).toString('base64');
  if (body !== undefined) {
    headers['Content-Length'] = String(body.length);
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
  }
  for (const h of o.headers) {
    const i = h.indexOf(':');
    if (i <= 0) continue;
    const name = h.slice(0, i).trim();
    const value = h.slice(i + 1).trim();
    for (const k of Object.keys(headers)) if (k.toLowerCase() === name.toLowerCase()) delete headers[k];
    if (value !== '') headers[name] = value;
  }
  const path = `${u.pathname || '/'}${u.search}`;
  await log(`> ${method} ${path} HTTP/1.1\r\n` + Object.entries(headers).map(([k, v]) => `> ${k}: ${v}\r\n`).join('') + '> \r\n');
  return new Promise((resolve, reject) => {
    const req = http.request({ method, path, headers, setHost: false, createConnection: () => sock as never });
    const onAbort = () => {
      req.destroy();
      sock.destroy();
      reject(new CurlError(52, 'Empty reply from server'));
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const fail = (e: Error) => {
      ctx.signal.removeEventListener('abort', onAbort);
      sock.destroy();
      const msg = e.message;
      const alert = opensslAlert(msg);
      if (alert) reject(new CurlError(56, `OpenSSL SSL_read: OpenSSL/${OPENSSL_LIB}: ${alert}, errno 0`));
      else if (/Parse Error|HPE_/.test(msg) || (e as { code?: string }).code?.startsWith('HPE_')) reject(new CurlError(1, 'Received HTTP/0.9 when not allowed'));
      else reject(new CurlError(52, 'Empty reply from server'));
    };
    req.once('error', fail);
    req.once('response', async (res) => {
      const head = { status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', httpVersion: res.httpVersion, rawHeaders: res.rawHeaders, headers: res.headers, url: u };
      res.pause();
      res.once('error', fail);
      // A body for the terminal is written as it arrives, as curl does: a streaming
      // response (etcd's /v3/watch) shows each event at once, not when it ends.
      let write: ((chunk: Buffer) => Promise<void>) | undefined;
      try {
        write = await sink?.(head);
      } catch (e) {
        fail(e as Error);
        return;
      }
      const chunks: Buffer[] = [];
      let streamed = 0;
      res.on('data', (d: Buffer) => {
        progress.received += d.length;
        if (!write) {
          chunks.push(d);
          return;
        }
        streamed += d.length;
        res.pause();
        write(d).then(() => res.resume(), reject);
      });
      res.once('end', () => {
        ctx.signal.removeEventListener('abort', onAbort);
        sock.destroy();
        resolve({ ...head, body: Buffer.concat(chunks), streamed });
      });
      res.resume();
    });
    req.end(body);
  });
}

function headerBlock(t: Transfer): string {
  let s = `HTTP/${t.httpVersion} ${t.status} ${t.statusText}\r\n`;
  for (let i = 0; i + 1 < t.rawHeaders.length; i += 2) s += `${t.rawHeaders[i]}: ${t.rawHeaders[i + 1]}\r\n`;
  return s + '\r\n';
}

function writeOut(fmt: string, t: Transfer | undefined, secs: number, err?: CurlError): string {
  const vars: Record<string, string> = {
    http_code: String(t?.status ?? 0).padStart(3, '0'),
    response_code: String(t?.status ?? 0).padStart(3, '0'),
    size_download: String(t?.body.length ?? 0),
    url_effective: t?.url.href ?? '',
    content_type: String(t?.headers['content-type'] ?? ''),
    time_total: secs.toFixed(6),
    exitcode: String(err?.code ?? 0),
    errormsg: err?.message ?? '',
  };
  return fmt
    .replace(/%\{([a-z_]+)\}/g, (m, k: string) => vars[k] ?? m)
    .replace(/\\([nrt\\])/g, (_m, c: string) => ({ n: '\n', r: '\r', t: '\t', '\\': '\\' })[c]!);
}

async function readData(ctx: CommandContext, o: Options): Promise<Buffer | undefined> {
  if (o.data.length === 0) return undefined;
  const parts: string[] = [];
  for (const d of o.data) {
    if (d.startsWith('=')) parts.push(d.slice(1));
    else {
      const binary = d.startsWith('B');
      const file = d.slice(binary ? 2 : 1);
      let text: string | undefined;
      if (file === '-') {
        const chunks: Uint8Array[] = [];
        for (let c = await ctx.stdin.read(); c !== null; c = await ctx.stdin.read()) chunks.push(c);
        text = Buffer.concat(chunks).toString('utf8');
      } else text = readText(ctx.fs, resolvePath(ctx.cwd, file));
      if (text === undefined) {
        await ctx.stderr.write(`Warning: Couldn't read data from file "${file}", this makes an empty POST.\n`);
        text = '';
      }
      parts.push(binary ? text : text.replace(/[\r\n]/g, ''));
    }
  }
  return Buffer.from(parts.join('&'));
}

export const curl: Command = {
  name: 'curl',
  summary: 'transfer a URL',
  async run(ctx) {
    let o: Options;
    try {
      o = parseOptions(ctx.argv.slice(1));
    } catch (e) {
      if (e instanceof UsageError) {
        await ctx.stderr.write(e.message + TRY);
        return 2;
      }
      throw e;
    }
    if (o.help) {
      await ctx.stdout.write(HELP);
      return 0;
    }
    if (o.version) {
      await ctx.stdout.write(VERSION_TEXT);
      return 0;
    }
    if (o.urls.length === 0) {
      await ctx.stderr.write('curl: no URL specified!\n' + TRY);
      return 2;
    }
    const showErrors = !o.silent || o.showError;
    const meter = !o.silent && !o.verbose && (o.output !== undefined || o.remoteName || !ctx.stdout.isTTY);
    const log = async (s: string) => {
      if (o.verbose) await ctx.stderr.write(s);
    };
    let status = 0;
    for (const raw of o.urls) {
      const started = ctx.clock.monotonic();
      let t: Transfer | undefined;
      let meterShown = false;
      const progress: Progress = { connected: false, received: 0 };
      // -m: the whole transfer, connect included, ends after the time given (error 28).
      const transfer = new AbortController();
      const onCtxAbort = () => transfer.abort(ctx.signal.reason);
      ctx.signal.addEventListener('abort', onCtxAbort, { once: true });
      let timedOut = false;
      const cancelTimer = o.maxTimeMs !== undefined ? ctx.clock.after(o.maxTimeMs, () => ((timedOut = true), transfer.abort())) : () => {};
      const tctx: CommandContext = { ...ctx, signal: transfer.signal };
      try {
        let u = parseUrl(raw);
        // -O names the file after the URL as given, not where redirects led.
        const given = u;
        const body = await readData(ctx, o);
        let method = o.method ?? (o.head ? 'HEAD' : body !== undefined ? 'POST' : 'GET');
        if (meter) {
          await ctx.stderr.write(METER_HEAD + meterLine(0, 0, 0, 0));
          meterShown = true;
        }
        const toStdout = (o.output === undefined && !o.remoteName) || o.output === '-';
        let streamedHead = false;
        const sink: BodySink = async (head) => {
          if (!toStdout || method === 'HEAD') return undefined;
          if (o.location && head.headers.location && [301, 302, 303, 307, 308].includes(head.status)) return undefined;
          if ((o.fail || o.failWithBody) && head.status >= 400) return undefined;
          if (o.verbose) await ctx.stderr.write(headerBlock({ ...head, body: Buffer.alloc(0), streamed: 0 }).replace(/^/gm, '< ').replace(/< $/, ''));
          if (o.include) await ctx.stdout.write(headerBlock({ ...head, body: Buffer.alloc(0), streamed: 0 }));
          streamedHead = true;
          return async (chunk) => {
            await ctx.stdout.write(chunk);
          };
        };
        for (let hops = 0; ; hops++) {
          t = await requestOnce(tctx, u, o, method, body, log, progress, sink);
          if (streamedHead) break;
          if (o.verbose) await ctx.stderr.write(headerBlock(t).replace(/^/gm, '< ').replace(/< $/, ''));
          const loc = t.headers.location;
          if (!o.location || !loc || ![301, 302, 303, 307, 308].includes(t.status)) break;
          if (hops >= o.maxRedirs) throw new CurlError(47, `Maximum (${o.maxRedirs}) redirects followed`);
          if (o.include) await ctx.stdout.write(headerBlock(t));
          u = new URL(loc, u);
          if (t.status === 303 || ((t.status === 301 || t.status === 302) && method === 'POST' && o.method === undefined)) method = 'GET';
        }
        const secs = (ctx.clock.monotonic() - started) / 1000;
        if ((o.fail || o.failWithBody) && t.status >= 400) {
          if (o.failWithBody) await ctx.stdout.write(t.body);
          if (meterShown) await ctx.stderr.write('\r' + meterLine(0, 0, 0, secs) + '\n');
          throw new CurlError(22, `The requested URL returned error: ${t.status}`);
        }
        let out = Buffer.alloc(0);
        if ((o.include || o.head) && !streamedHead) out = Buffer.from(headerBlock(t));
        if (method !== 'HEAD') out = Buffer.concat([out, t.body]);
        let target = o.output;
        if (target === undefined && o.remoteName) {
          target = basename(decodeURIComponent(given.pathname));
          if (!target || target === '/') throw new CurlError(23, 'Remote file name has no length!');
        }
        if (target !== undefined && target !== '-') {
          try {
            ctx.fs.writeFile(resolvePath(ctx.cwd, target), out);
          } catch (e) {
            if (!isFsError(e)) throw e;
            await ctx.stderr.write(`Warning: Failed to open the file ${target}: ${e.reason()}\n`);
            throw new CurlError(23, 'Failure writing output to destination');
          }
        } else if (!streamedHead) await ctx.stdout.write(out);
        const got = t.body.length + t.streamed;
        if (meterShown) await ctx.stderr.write('\r' + meterLine(got, got, body?.length ?? 0, secs) + '\n');
        if (o.writeOut !== undefined) await ctx.stdout.write(writeOut(o.writeOut, t, secs));
      } catch (caught) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        let e = caught;
        if (timedOut) {
          const ms = Math.round(ctx.clock.monotonic() - started);
          e = new CurlError(28, progress.connected ? `Operation timed out after ${ms} milliseconds with ${progress.received} bytes received` : `Connection timed out after ${ms} milliseconds`);
        }
        if (!(e instanceof CurlError)) throw e;
        if (meterShown && e.code !== 22) await ctx.stderr.write('\n');
        if (showErrors) await ctx.stderr.write(`curl: (${e.code}) ${e.message}\n${e.extra}`);
        if (o.writeOut !== undefined) await ctx.stdout.write(writeOut(o.writeOut, t, (ctx.clock.monotonic() - started) / 1000, e));
        status = e.code;
      } finally {
        cancelTimer();
        ctx.signal.removeEventListener('abort', onCtxAbort);
      }
    }
    return status;
  },
};
