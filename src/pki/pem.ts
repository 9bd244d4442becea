// PEM armour: base64 in 64-character lines between BEGIN/END labels, as OpenSSL writes it.

export function toPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Every block with one of these labels, in order, as DER. Text outside blocks is ignored. */
export function pemBlocks(text: string, labels: string[]): { label: string; der: Buffer }[] {
  const out: { label: string; der: Buffer }[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const label = m[1]!;
    if (!labels.includes(label)) continue;
    const body = m[2]!.split(/\r?\n/).filter((l) => !l.includes(':')).join('');
    out.push({ label, der: Buffer.from(body.replace(/\s+/g, ''), 'base64') });
  }
  return out;
}

export const CERT_LABELS = ['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE'];
export const CSR_LABELS = ['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST'];
