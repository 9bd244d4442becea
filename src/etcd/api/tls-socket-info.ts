// What etcd's TLS servers need to know about a node:tls socket beyond its public API.
import type tls from 'node:tls';
import type { Duplex } from 'node:stream';

/**
 * The stream under a TLS socket. Over a JS stream (the virtual network, or the gate) node:tls
 * knows no peer address; the stream under its handle (JSStreamSocket.stream) does.
 */
export function streamUnder(t: tls.TLSSocket): (Duplex & { remoteAddress?: string; remotePort?: number }) | undefined {
  return (t as unknown as { _handle?: { _parentWrap?: { stream?: Duplex & { remoteAddress?: string; remotePort?: number } } } })._handle?._parentWrap?.stream;
}

/** The DER certificates the client sent, leaf first. */
export function peerChainOf(t: tls.TLSSocket): Buffer[] {
  const out: Buffer[] = [];
  try {
    let c = t.getPeerCertificate(true) as tls.DetailedPeerCertificate | undefined;
    while (c?.raw && out.length < 10) {
      out.push(c.raw);
      if (!c.issuerCertificate || c.issuerCertificate === c) break;
      c = c.issuerCertificate;
    }
  } catch {
    // no certificate
  }
  return out;
}

