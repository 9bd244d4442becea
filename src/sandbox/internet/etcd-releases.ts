// etcd's release tarballs as GitHub serves them: etcd-vX.Y.Z-linux-amd64.tar.gz, a real
// gzip'ed ustar archive with the binaries (program marker files naming the version, see
// src/sandbox/programs.ts), the READMEs and the API docs, under one top directory.
// Binaries are padded with zeros to a believable size for `ls -l` (they compress to almost
// nothing); the padding is a fraction of the real size to keep a host's disk small.
import { gzip } from '../archive/gzip.ts';
import { writeTar, type TarEntry } from '../archive/tar-format.ts';
import { programFileContent } from '../programs.ts';

/** Patch releases published per minor series (v3.6.0 … v3.6.5 and so on). */
const SERIES: Record<string, { last: number; firstDate: number; etcd: number; etcdctl: number; etcdutl?: number }> = {
  '3.4': { last: 37, firstDate: Date.UTC(2019, 7, 30), etcd: 23_760_896, etcdctl: 17_727_488 },
  '3.5': { last: 21, firstDate: Date.UTC(2021, 5, 15), etcd: 23_474_176, etcdctl: 17_891_328, etcdutl: 15_835_136 },
  '3.6': { last: 5, firstDate: Date.UTC(2025, 4, 15), etcd: 26_406_912, etcdctl: 19_202_048, etcdutl: 17_539_072 },
};

/** Binaries in the sandbox are this fraction of the real size (a host's disk is 64 MiB). */
const SIZE_DIVISOR = 64;

export const ETCD_ARCHES = ['amd64', 'arm64'] as const;

/** "v3.6.4" → parts, when GitHub has such a release. */
export function etcdRelease(tag: string): { version: string; series: string; patch: number } | undefined {
  const m = /^v(3\.[456])\.(\d+)$/.exec(tag);
  if (!m) return undefined;
  const series = m[1]!;
  const patch = Number(m[2]);
  const s = SERIES[series];
  if (!s || patch > s.last || String(patch) !== m[2]) return undefined;
  return { version: `${series}.${patch}`, series, patch };
}

export function etcdReleaseTags(): string[] {
  const out: string[] = [];
  for (const [series, s] of Object.entries(SERIES)) for (let p = 0; p <= s.last; p++) out.push(`v${series}.${p}`);
  return out;
}

const enc = new TextEncoder();

function programBytes(name: string, version: string, realSize: number): Uint8Array {
  const marker = enc.encode(programFileContent(name, version));
  const out = new Uint8Array(Math.max(marker.length, Math.round(realSize / SIZE_DIVISOR)));
  out.set(marker);
  return out;
}

const readme = (version: string) => `# etcd v${version}

etcd is a distributed reliable key-value store for the most critical data of a
distributed system, with a focus on being:

* Simple: well-defined, user-facing API (gRPC)
* Secure: automatic TLS with optional client cert authentication
* Fast: benchmarked 10,000 writes/sec
* Reliable: properly distributed using Raft

## Getting started

Run the server:

    ./etcd

It listens for clients on http://localhost:2379 and for peers on
http://localhost:2380 and keeps its data in ./default.etcd.

Talk to it:

    ./etcdctl put mykey "this is awesome"
    ./etcdctl get mykey

Documentation: https://etcd.io/docs/
`;

const readmeCtl = `etcdctl
========

etcdctl is a command line client for etcd. It talks to the v3 API.

    etcdctl [global flags] command [command flags] [arguments]

Key commands: put, get, del, txn, watch, lease, member, endpoint health,
endpoint status, snapshot save, user, role, auth. Run \`etcdctl help\` for the list.

Global flags are also read from the environment as ETCDCTL_<FLAG>, for example
ETCDCTL_ENDPOINTS, ETCDCTL_CACERT, ETCDCTL_CERT and ETCDCTL_KEY.
`;

const readmeUtl = `etcdutl
========

etcdutl is a command line administration utility for etcd. It works on the data
files of a stopped member: snapshot restore, snapshot status, defrag, backup,
migrate, hashkv.

    etcdutl snapshot restore snapshot.db --data-dir /var/lib/etcd-restored
`;

const readmeV2 = `etcdctl (v2 API)
================

The v2 API and its etcdctl commands are deprecated and not built any more.
Use the v3 commands described in README-etcdctl.md.
`;

const swagger = (title: string, version: string) =>
  JSON.stringify({ swagger: '2.0', info: { title, version }, consumes: ['application/json'], produces: ['application/json'], paths: {} }, null, 2) + '\n';

const cache = new Map<string, Uint8Array>();

/** The .tar.gz GitHub serves for `tag` and `arch`, or undefined when there is no such release. */
export function etcdTarball(tag: string, arch: string = 'amd64'): Uint8Array | undefined {
  const rel = etcdRelease(tag);
  if (!rel || !(ETCD_ARCHES as readonly string[]).includes(arch)) return undefined;
  const key = `${tag}/${arch}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const s = SERIES[rel.series]!;
  const top = `etcd-${tag}-linux-${arch}`;
  const mtime = Math.floor((s.firstDate + rel.patch * 41 * 86_400_000) / 1000);
  const common = { uid: 0, gid: 0, uname: 'root', gname: 'root', mtime };
  const dir = (name: string): TarEntry => ({ ...common, name: `${top}/${name}`, type: 'dir', mode: 0o755 });
  const file = (name: string, data: Uint8Array | string, mode = 0o644): TarEntry => ({
    ...common,
    name: `${top}/${name}`,
    type: 'file',
    mode,
    data: typeof data === 'string' ? enc.encode(data) : data,
  });
  const entries: TarEntry[] = [
    { ...common, name: `${top}/`, type: 'dir', mode: 0o755 },
    dir('Documentation/'),
    file('Documentation/README.md', `# Documentation\n\nThe etcd documentation lives at https://etcd.io/docs/v${rel.series}/.\n`),
    dir('Documentation/dev-guide/'),
    dir('Documentation/dev-guide/apispec/'),
    dir('Documentation/dev-guide/apispec/swagger/'),
    file('Documentation/dev-guide/apispec/swagger/rpc.swagger.json', swagger('api/etcdserverpb/rpc.proto', 'version not set')),
    file('Documentation/dev-guide/apispec/swagger/v3election.swagger.json', swagger('server/etcdserver/api/v3election/v3electionpb/v3election.proto', 'version not set')),
    file('Documentation/dev-guide/apispec/swagger/v3lock.swagger.json', swagger('server/etcdserver/api/v3lock/v3lockpb/v3lock.proto', 'version not set')),
    file('README-etcdctl.md', readmeCtl),
  ];
  if (s.etcdutl) entries.push(file('README-etcdutl.md', readmeUtl));
  entries.push(file('README.md', readme(rel.version)), file('READMEv2-etcdctl.md', readmeV2));
  entries.push(file('etcd', programBytes('etcd', rel.version, s.etcd), 0o755));
  entries.push(file('etcdctl', programBytes('etcdctl', rel.version, s.etcdctl), 0o755));
  if (s.etcdutl) entries.push(file('etcdutl', programBytes('etcdutl', rel.version, s.etcdutl), 0o755));
  const tgz = gzip(writeTar(entries), { mtime });
  cache.set(key, tgz);
  return tgz;
}
