// --auto-tls: a self-signed certificate for the advertised hosts, written under
// <data-dir>/fixtures/client like etcd's transport.SelfCert (node-forge for the X.509 part).
import forge from 'node-forge';
import type { FileSystem } from '../../platform/filesystem.ts';
import type { Logger } from '../log.ts';
import { mkdirDurable } from '../wal/wal.ts';

export function selfSignedCert(fs: FileSystem, dir: string, hosts: string[], validityYears: number, nowMs: number, log: Logger, logDir: string): { cert: Uint8Array; key: Uint8Array } {
  const certPath = `${dir}/cert.pem`;
  const keyPath = `${dir}/key.pem`;
  if (fs.exists(certPath) && fs.exists(keyPath)) {
    return { cert: fs.readFile(certPath), key: fs.readFile(keyPath) };
  }
  mkdirDurable(fs, dir);
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  // A positive DER INTEGER with no leading zero bytes (OpenSSL rejects padded ones).
  const hex = BigInt(Math.floor(nowMs)).toString(16);
  cert.serialNumber = '01' + (hex.length % 2 ? '0' + hex : hex);
  cert.validity.notBefore = new Date(nowMs);
  cert.validity.notAfter = new Date(nowMs + validityYears * 365 * 24 * 3600 * 1000);
  const subject = [{ name: 'organizationName', value: 'etcd' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  const altNames = hosts.map((h) => (/^[\d.]+$/.test(h) || h.includes(':') ? { type: 7, ip: h } : { type: 2, value: h }));
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  const keyPem = forge.pki.privateKeyToPem(keys.privateKey);
  fs.writeFile(certPath, certPem, { mode: 0o600 });
  fs.writeFile(keyPath, keyPem, { mode: 0o600 });
  fs.fsync(certPath);
  fs.fsync(keyPath);
  fs.fsync(dir);
  log.info('transport/listener.go:211', 'created cert file', { path: `${logDir}/cert.pem` });
  log.info('transport/listener.go:237', 'created key file', { path: `${logDir}/key.pem` });
  log.warn('embed/config.go:1108', 'automatically generate certificates', { 'certificate-validity-bound-years': validityYears });
  return { cert: new TextEncoder().encode(certPem), key: new TextEncoder().encode(keyPem) };
}
