// s_client's "Post-Handshake New Session Ticket arrived" block: a TLS 1.3 ticket from the
// server, printed from the SSL_SESSION that node:tls hands over (its DER, decoded here).
import { children, decodeDer, type Tlv } from '../der.ts';
import { VERIFY_ERRORS } from '../verify.ts';

/** BIO_dump's layout: offset, 16 bytes with a '-' after the eighth, then the printable ones. */
export function bioDump(b: Buffer, indent: string): string[] {
  const lines: string[] = [];
  for (let off = 0; off < b.length; off += 16) {
    const chunk = b.subarray(off, off + 16);
    let hex = '';
    for (let j = 0; j < 16; j++) hex += j < chunk.length ? chunk[j]!.toString(16).padStart(2, '0') + (j === 7 ? '-' : ' ') : '   ';
    const ascii = [...chunk].map((x) => (x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : '.')).join('');
    lines.push(`${indent}${off.toString(16).padStart(4, '0')} - ${hex}  ${ascii}`);
  }
  return lines;
}

const uint = (t: Tlv | undefined): number | undefined => {
  if (!t) return undefined;
  const inner = t.cls === 2 ? children(t)[0] : t;
  if (!inner || inner.tag !== 2) return undefined;
  return inner.content.reduce((n, b) => n * 256 + b, 0);
};

/** The block, or undefined when the session does not decode (then nothing is printed). */
export function sessionTicketBlock(session: Buffer, protocol: string, cipher: string, verifyCode: number): string | undefined {
  let parts: Tlv[];
  try {
    parts = children(decodeDer(session));
  } catch {
    return undefined;
  }
  const universal = parts.filter((p) => p.cls === 0);
  const tagged = (n: number) => parts.find((p) => p.cls === 2 && p.tag === n);
  const sessionId = universal[3]?.content ?? Buffer.alloc(0);
  const psk = universal[4]?.content ?? Buffer.alloc(0);
  const ticketT = tagged(10);
  const ticket = ticketT ? (children(ticketT)[0]?.content ?? Buffer.alloc(0)) : Buffer.alloc(0);
  const lines = [
    '---',
    'Post-Handshake New Session Ticket arrived:',
    'SSL-Session:',
    `    Protocol  : ${protocol}`,
    `    Cipher    : ${cipher}`,
    `    Session-ID: ${sessionId.toString('hex').toUpperCase()}`,
    '    Session-ID-ctx: ',
    `    Resumption PSK: ${psk.toString('hex').toUpperCase()}`,
    '    PSK identity: None',
    '    PSK identity hint: None',
    '    SRP username: None',
    `    TLS session ticket lifetime hint: ${uint(tagged(9)) ?? 0} (seconds)`,
    '    TLS session ticket:',
    ...bioDump(ticket, '    '),
    '',
    `    Start Time: ${uint(tagged(1)) ?? 0}`,
    `    Timeout   : ${uint(tagged(2)) ?? 0} (sec)`,
    `    Verify return code: ${verifyCode} (${VERIFY_ERRORS[verifyCode] ?? 'ok'})`,
    '    Extended master secret: no',
    `    Max Early Data: ${uint(tagged(15)) ?? 0}`,
    '---',
    'read R BLOCK',
  ];
  return lines.join('\n') + '\n';
}
