// openssl s_client: a TLS client over the host's network (node:tls on the Duplex the
// Network hands out), printing OpenSSL 3's handshake report and then relaying stdin to
// the server and the server's bytes to stdout until stdin ends (`echo | openssl s_client`).
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { NetError } from '../../platform/network.ts';
import { certificatePem, parseCertificateDer, type Certificate } from '../certificate.ts';
import { OpensslFailure, THREAD_ID } from '../errors.ts';
import { keyInfo, privateKeyPem } from '../keys.ts';
import { formatName } from '../name.ts';
import { signatureAlgorithmByOid } from '../oids.ts';
import { formatTime } from '../text.ts';
import { verifyCertificate, VERIFY_ERRORS, type VerifyResult } from '../verify.ts';
import { flag, parseArgs, value } from './args.ts';
import type { OpensslContext } from './context.ts';
import { loadCertificate, loadPrivateKey, loadTrustStore } from './load.ts';
import { sessionTicketBlock } from './s-client-session.ts';

const STRING_OPTS = ['connect', 'host', 'port', 'cert', 'key', 'CAfile', 'CApath', 'servername', 'verify_hostname', 'verify_ip', 'alpn', 'cipher', 'ciphersuites', 'pass', 'verify', 'starttls', 'sess_out', 'sess_in', 'keylogfile', 'cert_chain', 'verifyCAfile', 'chainCAfile'];
const FLAG_OPTS = ['showcerts', 'brief', 'quiet', 'noservername', 'tls1_2', 'tls1_3', 'no_tls1_3', 'no_tls1_2', 'verify_return_error', 'state', 'debug', 'msg', 'prexit', 'crlf', 'ign_eof', 'no_ign_eof', 'reconnect', 'nbio', 'status', 'no-CAfile', 'no-CApath', 'no-CAstore', 'ipv4', 'ipv6'];

const isIp = (h: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(h) || h.includes(':');

function splitHostPort(s: string): { host: string; port: number } | undefined {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(s) ?? /^([^:]*):(\d+)$/.exec(s);
  if (m) return { host: m[1] || 'localhost', port: Number(m[2]) };
  // A bare host name means the default port, 4433.
  if (/^[A-Za-z0-9.-]+$/.test(s)) return { host: s, port: 4433 };
  return undefined;
}

function connectError(e: unknown): OpensslFailure {
  const code = e instanceof NetError ? e.code : 'ECONNREFUSED';
  const errno: Record<string, [number, string]> = {
    ECONNREFUSED: [111, 'Connection refused'],
    EHOSTUNREACH: [113, 'No route to host'],
    ENETUNREACH: [101, 'Network is unreachable'],
    ETIMEDOUT: [110, 'Connection timed out'],
    ECONNRESET: [104, 'Connection reset by peer'],
  };
  if (code === 'ENOTFOUND') {
    return new OpensslFailure(
      [],
      [{ code: '10080002', lib: 'BIO routines', func: 'BIO_lookup_ex', reason: 'system lib', where: '../crypto/bio/bio_addr.c:746', data: 'Name or service not known' }],
      ['connect:errno=22'],
    );
  }
  const [n, text] = errno[code] ?? [111, 'Connection refused'];
  return new OpensslFailure(
    [],
    [
      { code: (0x80000000 + n).toString(16).toUpperCase(), lib: 'system library', func: 'BIO_connect', reason: text, where: '../crypto/bio/bio_sock2.c:117', data: 'calling connect()' },
      { code: '10000067', lib: 'BIO routines', func: 'BIO_connect', reason: 'connect error', where: '../crypto/bio/bio_sock2.c:119', data: '' },
    ],
    [`connect:errno=${n}`],
  );
}

/** One call of s_client's verify callback: the certificate at `depth`, the error it reports (0 = ok), and the context's error at that moment. */
interface VerifyCall {
  depth: number;
  cert: Certificate;
  error: number;
  current: number;
}

/** The verify callback's calls in OpenSSL's order, top of the chain first. */
function verifyCalls(r: VerifyResult, sent: Certificate[]): VerifyCall[] {
  const chain = r.ok ? r.chain : r.chain.length ? r.chain : sent;
  const leaf = sent[0]!;
  if (!r.ok && (r.code === 20 || r.code === 2) && r.depth === 0) {
    return [
      { depth: 0, cert: leaf, error: 20, current: 20 },
      { depth: 0, cert: leaf, error: 21, current: 21 },
      { depth: 0, cert: leaf, error: 0, current: 21 },
    ];
  }
  const calls: VerifyCall[] = [];
  let current = 0;
  // A name check (-verify_hostname, -verify_ip) fails on the leaf before the chain is walked.
  if (!r.ok && (r.code === 62 || r.code === 64)) {
    current = r.code;
    calls.push({ depth: 0, cert: chain[0] ?? leaf, error: r.code, current });
  }
  for (let d = chain.length - 1; d >= 0; d--) {
    // An error at a depth is reported by one call, then the depth is checked again; the
    // context keeps the error for the calls after it.
    if (!r.ok && r.depth === d && r.code !== 62 && r.code !== 64) {
      current = r.code;
      calls.push({ depth: d, cert: chain[d]!, error: r.code, current });
    }
    calls.push({ depth: d, cert: chain[d]!, error: 0, current });
  }
  return calls;
}

/**
 * The callback's lines ("depth=1 CN = etcd\nverify return:1"). With -quiet/-brief only the
 * errors are shown (without "verify return"); the dates or issuer behind an error are
 * printed on every call while the context holds it, as apps/lib/s_cb.c does.
 */
function verifyTrace(r: VerifyResult, sent: Certificate[], quiet: boolean): string {
  let out = '';
  for (const c of verifyCalls(r, sent)) {
    if (!quiet || c.error) out += `depth=${c.depth} ${formatName(c.cert.subject)}\n`;
    if (c.error) out += `verify error:num=${c.error}:${VERIFY_ERRORS[c.error] ?? r.error}\n`;
    if (c.current === 2) out += `issuer= ${formatName(c.cert.issuer)}\n`;
    if (c.current === 9) out += `notBefore=${formatTime(c.cert.notBefore)}\n`;
    if (c.current === 10) out += `notAfter=${formatTime(c.cert.notAfter)}\n`;
    if (!quiet) out += 'verify return:1\n';
  }
  return out;
}

/** print_verify_detail: OK (and the name -verify_hostname matched), or the error's words. */
function verificationLines(ok: boolean, error: string, hostname: string | undefined): string[] {
  if (!ok) return [`Verification error: ${error}`];
  return hostname !== undefined ? ['Verification: OK', `Verified peername: ${hostname}`] : ['Verification: OK'];
}

function tlsErrorLine(e: Error & { code?: string }): string {
  const code = e.code ?? '';
  const alert = /ALERT_(.+)$/.exec(code);
  if (alert) {
    const name = alert[1]!.toLowerCase().replace(/_/g, ' ');
    // OpenSSL's reason for a received alert is 1000 + its number; the text names the spec it comes from.
    const known: Record<string, [number, string]> = {
      'certificate required': [116, 'tlsv13 alert'],
      'bad certificate': [42, 'sslv3 alert'],
      'certificate expired': [45, 'sslv3 alert'],
      'handshake failure': [40, 'sslv3 alert'],
      'unknown ca': [48, 'tlsv1 alert'],
      'decrypt error': [51, 'tlsv1 alert'],
      'protocol version': [70, 'tlsv1 alert'],
      'internal error': [80, 'tlsv1 alert'],
    };
    const [num, family] = known[name] ?? [0, 'ssl/tls alert'];
    const reasonCode = (0x0a000000 + 1000 + num).toString(16).toUpperCase().padStart(8, '0');
    return `${THREAD_ID}:error:${reasonCode}:SSL routines:ssl3_read_bytes:${family} ${name}:../ssl/record/rec_layer_s3.c:1601:SSL alert number ${num}\n`;
  }
  if (/wrong version|WRONG_VERSION/i.test(e.message + code)) {
    return `${THREAD_ID}:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../ssl/record/ssl3_record.c:350:\n`;
  }
  return `${THREAD_ID}:error:0A000126:SSL routines:ssl3_read_n:unexpected eof while reading:../ssl/record/rec_layer_s3.c:318:\n`;
}

export async function sClient(ctx: OpensslContext, args: string[]): Promise<number> {
  const p = parseArgs(
    's_client',
    args,
    [...STRING_OPTS.map((name) => ({ name, kind: 'string' as const })), ...FLAG_OPTS.map((name) => ({ name, kind: 'flag' as const }))],
    { unknown: 'error' },
  );
  const target = splitHostPort(value(p, 'connect') ?? `${value(p, 'host') ?? 'localhost'}:${value(p, 'port') ?? '4433'}`);
  if (!target) throw new OpensslFailure([`s_client: -connect argument or target parameter malformed or ambiguous`]);
  if (!ctx.net) throw connectError(new NetError('ENETUNREACH', 'connect', target));
  const caFile = value(p, 'CAfile');
  const trusted = await loadTrustStore(ctx, {
    caFiles: caFile !== undefined ? [caFile] : [],
    caPaths: value(p, 'CApath') !== undefined ? [value(p, 'CApath')!] : [],
    noCAfile: flag(p, 'no-CAfile'),
    noCApath: flag(p, 'no-CApath'),
  });
  const certPath = value(p, 'cert');
  const clientCert = certPath !== undefined ? await loadCertificate(ctx, certPath, 'certificate') : undefined;
  const clientKey = certPath !== undefined ? await loadPrivateKey(ctx, value(p, 'key') ?? certPath, 'private key', value(p, 'pass')) : undefined;
  const brief = flag(p, 'brief');
  const quiet = flag(p, 'quiet') || brief;

  let raw: Duplex;
  try {
    raw = await ctx.net.connect(target, { signal: ctx.signal, timeoutMs: 75_000 });
  } catch (e) {
    throw connectError(e);
  }
  if (!brief) await ctx.out('CONNECTED(00000003)\n');
  let bytesRead = 0;
  let bytesWritten = 0;
  raw.on('data', (c: Buffer) => (bytesRead += c.length));
  const origWrite = raw.write.bind(raw) as (...a: unknown[]) => boolean;
  (raw as unknown as { write: (...a: unknown[]) => boolean }).write = (chunk: unknown, ...rest: unknown[]) => {
    if (chunk instanceof Uint8Array || typeof chunk === 'string') bytesWritten += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    return origWrite(chunk, ...rest);
  };

  const sni = flag(p, 'noservername') ? undefined : (value(p, 'servername') ?? (isIp(target.host) ? undefined : target.host));
  const socket: TLSSocket = tlsConnect({
    socket: raw,
    servername: sni,
    rejectUnauthorized: false,
    cert: clientCert ? certificatePem(clientCert) : undefined,
    key: clientKey ? privateKeyPem(clientKey) : undefined,
    minVersion: flag(p, 'tls1_3') ? 'TLSv1.3' : 'TLSv1.2',
    maxVersion: flag(p, 'tls1_2') || flag(p, 'no_tls1_3') ? 'TLSv1.2' : 'TLSv1.3',
  });

  // TLS 1.3 tickets may arrive before the report is printed: keep them until then.
  const sessions: Buffer[] = [];
  let onSession: ((b: Buffer) => void) | undefined;
  socket.on('session', (b: Buffer) => (onSession ? onSession(b) : sessions.push(b)));
  // net.Socket hands TLS its native handle (bytes bypass our counters); it counts itself.
  const counted = () => {
    const r = raw as Duplex & { bytesRead?: number; bytesWritten?: number };
    return { read: Math.max(bytesRead, r.bytesRead ?? 0), written: Math.max(bytesWritten, r.bytesWritten ?? 0) };
  };
  const handshake = await new Promise<Error | undefined>((resolve) => {
    socket.once('secureConnect', () => resolve(undefined));
    socket.once('error', (e) => resolve(e));
    ctx.signal?.addEventListener('abort', () => resolve(new Error('interrupted')), { once: true });
  });
  if (handshake) {
    socket.destroy();
    await ctx.err(tlsErrorLine(handshake));
    if (!brief) {
      // What openssl prints when the handshake never completed (a plain-HTTP port, an alert).
      await ctx.out(
        `---\nno peer certificate available\n---\nNo client certificate CA names sent\n---\nSSL handshake has read ${Math.min(counted().read, 5)} bytes and written ${counted().written} bytes\nVerification: OK\n---\n` +
          'New, (NONE), Cipher is (NONE)\nSecure Renegotiation IS NOT supported\nCompression: NONE\nExpansion: NONE\nNo ALPN negotiated\nEarly data was not sent\nVerify return code: 0 (ok)\n---\n',
      );
    }
    return 1;
  }

  // What the server sent, leaf first.
  const sent: Certificate[] = [];
  let pc = socket.getPeerCertificate(true) as { raw?: Buffer; issuerCertificate?: unknown } | undefined;
  const seen = new Set<string>();
  while (pc && pc.raw && !seen.has(pc.raw.toString('base64'))) {
    seen.add(pc.raw.toString('base64'));
    sent.push(parseCertificateDer(pc.raw));
    pc = pc.issuerCertificate as typeof pc;
  }
  if (sent.length === 0) {
    await ctx.err(tlsErrorLine(new Error('no peer certificate')));
    socket.destroy();
    return 1;
  }
  const leaf = sent[0]!;
  const r = verifyCertificate(leaf, trusted, {
    untrusted: sent.slice(1),
    now: ctx.clock.now(),
    hostname: value(p, 'verify_hostname'),
    ip: value(p, 'verify_ip'),
  });
  const cipher = socket.getCipher();
  const protocol = socket.getProtocol() ?? 'TLSv1.3';
  const tempKey = socket.getEphemeralKeyInfo() as { type?: string; name?: string; size?: number } | null;
  const tempKeyText = tempKey && tempKey.name ? `${tempKey.name}, ${tempKey.size} bits` : undefined;
  const leafKey = keyInfo(leaf.publicKey);
  const sigType = leafKey.type === 'rsa' ? (protocol === 'TLSv1.3' ? 'RSA-PSS' : 'RSA') : leafKey.type === 'ec' ? 'ECDSA' : 'Ed25519';
  const cipherName = protocol === 'TLSv1.3' ? (cipher.standardName ?? cipher.name) : cipher.name;

  // OpenSSL 3.0's s_client says this whenever no -servername (or -noservername) was given.
  if (value(p, 'servername') === undefined && !flag(p, 'noservername')) await ctx.err("Can't use SSL_get_servername\n");
  await ctx.err(verifyTrace(r, sent, quiet));
  // The last error the verify callback saw is what SSL_get_verify_result reports.
  const final = !r.ok && (r.code === 20 || r.code === 2) && r.depth === 0 ? { code: 21, error: VERIFY_ERRORS[21]! } : { code: r.code, error: r.error };
  if (r.code === 0 || !flag(p, 'verify_return_error')) {
    // continue
  } else {
    socket.destroy();
    return 1;
  }

  if (brief) {
    await ctx.err(
      [
        'CONNECTION ESTABLISHED',
        `Protocol version: ${protocol}`,
        `Ciphersuite: ${cipherName}`,
        `Peer certificate: ${formatName(leaf.subject)}`,
        'Hash used: SHA256',
        `Signature type: ${sigType}`,
        ...verificationLines(r.ok, final.error, value(p, 'verify_hostname')),
        ...(tempKeyText ? [`Server Temp Key: ${tempKeyText}`] : []),
        '',
      ].join('\n'),
    );
  } else {
    let out = '---\nCertificate chain\n';
    sent.forEach((c, i) => {
      const k = keyInfo(c.publicKey);
      const alg = k.type === 'rsa' ? 'rsaEncryption' : k.type === 'ec' ? 'id-ecPublicKey' : 'ED25519';
      out += ` ${i} s:${formatName(c.subject)}\n   i:${formatName(c.issuer)}\n`;
      out += `   a:PKEY: ${alg}, ${k.bits} (bit); sigalg: ${signatureAlgorithmByOid(c.signatureOid)?.shortName ?? c.signatureOid}\n`;
      out += `   v:NotBefore: ${formatTime(c.notBefore)}; NotAfter: ${formatTime(c.notAfter)}\n`;
      if (flag(p, 'showcerts')) out += certificatePem(c);
    });
    out += '---\n';
    if (!flag(p, 'showcerts')) out += `Server certificate\n${certificatePem(leaf)}`;
    out += `subject=${formatName(leaf.subject)}\nissuer=${formatName(leaf.issuer)}\n---\n`;
    out += 'No client certificate CA names sent\n';
    out += `Peer signing digest: SHA256\nPeer signature type: ${sigType}\n`;
    if (tempKeyText) out += `Server Temp Key: ${tempKeyText}\n`;
    const c = counted();
    out += `---\nSSL handshake has read ${c.read} bytes and written ${c.written} bytes\n`;
    out += `${verificationLines(r.ok, final.error, value(p, 'verify_hostname')).join('\n')}\n---\n`;
    out += `New, ${protocol}, Cipher is ${cipherName}\nServer public key is ${leafKey.bits} bit\n`;
    out += `Secure Renegotiation IS ${protocol === 'TLSv1.3' ? 'NOT ' : ''}supported\nCompression: NONE\nExpansion: NONE\n`;
    out += `${socket.alpnProtocol ? `ALPN protocol: ${socket.alpnProtocol}` : 'No ALPN negotiated'}\n`;
    if (protocol === 'TLSv1.3') out += 'Early data was not sent\n';
    out += `Verify return code: ${final.code} (${final.error})\n---\n`;
    await ctx.out(out);
  }

  // Writes made from socket events: a reader that went away (`| head`) must end the
  // program as a broken pipe, not surface later as an unhandled rejection.
  let outputError: unknown;
  let stopRelay: (() => void) | undefined;
  const emit = (d: string | Uint8Array) => {
    if (outputError !== undefined) return;
    ctx.out(d).catch((e: unknown) => {
      outputError ??= e;
      stopRelay?.();
    });
  };
  if (!brief && protocol === 'TLSv1.3') {
    const print = (b: Buffer) => {
      const block = sessionTicketBlock(b, protocol, cipherName, final.code);
      if (block) emit(block);
    };
    for (const b of sessions.splice(0)) print(b);
    onSession = print;
  }

  // Relay: server → stdout as it arrives; stdin → server until EOF, then "DONE".
  let serverError: Error | undefined;
  let serverClosed = false;
  socket.on('data', (d: Buffer) => emit(d));
  const closed = new Promise<void>((resolve) => {
    stopRelay = resolve;
    socket.once('end', () => {
      serverClosed = true;
      resolve();
    });
    socket.once('close', () => {
      serverClosed = true;
      resolve();
    });
    socket.on('error', (e) => {
      serverError = e;
      resolve();
    });
  });
  const stdinDone = (async () => {
    for (;;) {
      const c = await ctx.stdin.read();
      if (c === null) return;
      if (!socket.writable) return;
      socket.write(Buffer.from(c));
    }
  })();
  let interrupted = false;
  await Promise.race([
    stdinDone,
    closed,
    new Promise<void>((r) =>
      ctx.signal?.addEventListener(
        'abort',
        () => {
          interrupted = true;
          r();
        },
        { once: true },
      ),
    ),
  ]);
  if (interrupted) {
    socket.destroy();
    return 130;
  }

  // -ign_eof waits for the server to hang up; otherwise give it a moment to answer what was
  // sent (the reply to a request piped in, or a TLS alert) before closing, as the real
  // tool's read loop usually catches it.
  if (flag(p, 'ign_eof') && !serverClosed) {
    await Promise.race([closed, new Promise<void>((r) => ctx.signal?.addEventListener('abort', () => r(), { once: true }))]);
    if (ctx.signal?.aborted) {
      socket.destroy();
      return 130;
    }
  }
  else await Promise.race([closed, new Promise<void>((r) => setTimeout(r, 50))]);
  socket.end();
  socket.destroy();
  if (outputError !== undefined) throw outputError;
  if (serverError) {
    await ctx.err(tlsErrorLine(serverError as Error & { code?: string }));
    return 1;
  }
  if (serverClosed) {
    // The peer went away while we were still reading: what openssl 3 reports for a server that closes first.
    await ctx.err(tlsErrorLine(new Error('eof')));
    return 1;
  }
  await ctx.err('DONE\n');
  return 0;
}
