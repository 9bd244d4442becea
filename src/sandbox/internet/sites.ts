// The sites of the virtual internet, registered on every sandbox's network:
//   github.com                       release downloads: 302 to the asset host, 404 "Not Found"
//   objects.githubusercontent.com    the release assets themselves
//   labs.iximiuz.com                 the course's static files (etcd.service)
// Plain http on port 80 answers 301 to https, as these sites do.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FileSystem } from '../../platform/filesystem.ts';
import type { VirtualInternet } from '../virtual-network.ts';
import { COURSE_FILES } from './course-files.ts';
import { etcdTarball } from './etcd-releases.ts';
import { CA_BUNDLE } from './http-client.ts';
import { INTERNET_CA_PEM, SITE_CERT_PEM, SITE_KEY_PEM } from './tls-material.ts';

export const ASSET_HOST = 'objects.githubusercontent.com';
/** GitHub's repository id of etcd-io/etcd, part of its asset URLs. */
const ETCD_REPO_ID = 11225014;
const RELEASE_PATH = /^\/etcd-io\/etcd\/releases\/download\/(v[^/]+)\/etcd-(v[^/]+)-linux-([a-z0-9]+)\.tar\.gz$/;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const isTls = (req: IncomingMessage) => Boolean((req.socket as { encrypted?: boolean }).encrypted);

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': '9' });
  res.end('Not Found');
}

/** Redirects plain http to https like the real sites, then serves `inner`. */
function httpsOnly(inner: Handler): Handler {
  return (req, res) => {
    if (!isTls(req)) {
      res.writeHead(301, { Location: `https://${(req.headers.host ?? '').replace(/:80$/, '')}${req.url ?? '/'}`, 'Content-Length': '0' });
      res.end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'Content-Type': 'text/plain', 'Content-Length': '18' });
      res.end('Method Not Allowed');
      return;
    }
    inner(req, res);
  };
}

/** A stable UUID-looking asset id per file name (GitHub's asset URLs carry one). */
function assetId(name: string): string {
  let h = 0x811c9dc5;
  let hex = '';
  for (let round = 0; hex.length < 32; round++) {
    for (const ch of `${name}#${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    hex += h.toString(16).padStart(8, '0');
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function assetUrl(fileName: string): string {
  const q = new URLSearchParams({
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': 'releaseassetproduction/20261121/us-east-1/s3/aws4_request',
    'X-Amz-Expires': '300',
    'X-Amz-SignedHeaders': 'host',
    'response-content-disposition': `attachment; filename=${fileName}`,
    'response-content-type': 'application/octet-stream',
  });
  return `https://${ASSET_HOST}/github-production-release-asset-2e65be/${ETCD_REPO_ID}/${assetId(fileName)}?${q.toString().replace(/\+/g, '%20')}`;
}

const github: Handler = (req, res) => {
  const url = new URL(req.url ?? '/', 'https://github.com');
  const m = RELEASE_PATH.exec(url.pathname);
  if (!m || m[1] !== m[2] || !etcdTarball(m[1]!, m[3]!)) return notFound(res);
  const name = `etcd-${m[1]}-linux-${m[3]}.tar.gz`;
  res.writeHead(302, { Location: assetUrl(name), 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': '0' });
  res.end();
};

const assets: Handler = (req, res) => {
  const url = new URL(req.url ?? '/', `https://${ASSET_HOST}`);
  const disposition = url.searchParams.get('response-content-disposition') ?? '';
  const name = /filename=(etcd-(v[^/]+)-linux-([a-z0-9]+)\.tar\.gz)$/.exec(disposition);
  const expectedPath = name ? `/github-production-release-asset-2e65be/${ETCD_REPO_ID}/${assetId(name[1]!)}` : '';
  const body = name && url.pathname === expectedPath ? etcdTarball(name[2]!, name[3]!) : undefined;
  if (!name || !body) {
    // The asset host answers unknown objects the way S3 does.
    const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>';
    res.writeHead(404, { 'Content-Type': 'application/xml', 'Content-Length': String(xml.length) });
    res.end(xml);
    return;
  }
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': String(body.length),
    'Content-Disposition': disposition,
    'Last-Modified': 'Fri, 25 Jul 2025 17:22:54 GMT',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
};

const iximiuz: Handler = (req, res) => {
  const url = new URL(req.url ?? '/', 'https://labs.iximiuz.com');
  const f = COURSE_FILES[url.pathname];
  if (!f) return notFound(res);
  const body = Buffer.from(f.body);
  res.writeHead(200, { 'Content-Type': f.type, 'Content-Length': String(body.length), 'Cache-Control': 'public, max-age=3600' });
  res.end(req.method === 'HEAD' ? undefined : body);
};

export const SITES: Record<string, Handler> = {
  'github.com': github,
  [ASSET_HOST]: assets,
  'labs.iximiuz.com': iximiuz,
};

/**
 * Puts the sites on a sandbox's internet. The listeners exist as soon as this returns
 * (the async parts only finish TLS setup), so a download right after createSandbox works.
 */
export function installInternetSites(internet: VirtualInternet): Promise<void> {
  const tls = { key: SITE_KEY_PEM, cert: SITE_CERT_PEM };
  return Promise.all(Object.entries(SITES).map(([name, h]) => internet.register(name, httpsOnly(h), { tls }))).then(() => undefined);
}

/** Makes a fresh host trust the virtual internet's CA (its ca-certificates bundle). */
export function installCaBundle(disk: FileSystem): void {
  disk.mkdir('/etc/ssl/certs', { recursive: true });
  disk.writeFile(CA_BUNDLE, INTERNET_CA_PEM, { mode: 0o644 });
}
