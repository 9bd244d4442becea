// Running our etcd (runEtcd) on 127.0.0.1 random ports for API tests, with an in-memory disk.
import forge from 'node-forge';
import { realClock } from '../../platform/clock.ts';
import { realRandom } from '../../platform/random.ts';
import { NodeNetwork } from '../../platform/node-network.ts';
import { SimFileSystem } from '../../platform/sim-fs.ts';
import type { FileSystem } from '../../platform/filesystem.ts';
import { runEtcd } from '../cli/etcd-main.ts';
import type { EtcdServer } from '../server/etcd-server.ts';
import type { ClientEndpoints } from './client-server.ts';

export interface RunningEtcd {
  url: string;
  server: EtcdServer;
  logs: string[];
  stop(): Promise<number>;
}

export async function startTestEtcd(extraArgs: string[] = [], opts: { fs?: FileSystem; scheme?: 'http' | 'https' } = {}): Promise<RunningEtcd> {
  const fs = opts.fs ?? new SimFileSystem();
  if (!fs.exists('/work')) fs.mkdir('/work');
  const scheme = opts.scheme ?? 'http';
  const logs: string[] = [];
  const ac = new AbortController();
  let ready: (v: { server: EtcdServer; clients: ClientEndpoints }) => void = () => {};
  const readyP = new Promise<{ server: EtcdServer; clients: ClientEndpoints }>((r) => (ready = r));
  const exited = runEtcd({
    argv: ['etcd', '--listen-client-urls', `${scheme}://127.0.0.1:0`, '--advertise-client-urls', `${scheme}://127.0.0.1:0`, '--listen-peer-urls', 'http://127.0.0.1:0', ...extraArgs],
    env: {},
    cwd: '/work',
    fs,
    net: new NodeNetwork(),
    clock: realClock,
    random: realRandom,
    stdout: { write: () => {} },
    stderr: { write: (c) => void logs.push(String(c)) },
    signal: ac.signal,
    onReady: (server, clients) => ready({ server, clients }),
  });
  const first = await Promise.race([readyP, exited.then((code) => code)]);
  if (typeof first === 'number') throw new Error(`etcd exited with ${first}:\n${logs.join('')}`);
  const port = first.clients.addresses[0]!.port;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    server: first.server,
    logs,
    stop: async () => {
      ac.abort('SIGTERM');
      return exited;
    },
  };
}

export interface Pair {
  cert: string;
  key: string;
}

/** A test certificate (node-forge, native RSA keygen), signed by `ca` or self-signed. */
export function makeCert(cn: string, opts: { ca?: Pair & { obj: forge.pki.Certificate; k: forge.pki.rsa.PrivateKey }; isCa?: boolean; sans?: string[]; expired?: boolean }): Pair & { obj: forge.pki.Certificate; k: forge.pki.rsa.PrivateKey } {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
  const c = forge.pki.createCertificate();
  c.publicKey = keys.publicKey;
  c.serialNumber = String(Math.floor(Math.random() * 1e9).toString(16)).padStart(8, '1');
  c.validity.notBefore = new Date(Date.now() - 3600_000);
  c.validity.notAfter = new Date(Date.now() + (opts.expired ? -1800_000 : 24 * 3600_000));
  c.setSubject([{ name: 'commonName', value: cn }]);
  c.setIssuer(opts.ca ? opts.ca.obj.subject.attributes : [{ name: 'commonName', value: cn }]);
  const exts: object[] = [{ name: 'basicConstraints', cA: !!opts.isCa }];
  if (opts.isCa) exts.push({ name: 'keyUsage', keyCertSign: true, cRLSign: true });
  else exts.push({ name: 'extKeyUsage', serverAuth: true, clientAuth: true });
  if (opts.sans) exts.push({ name: 'subjectAltName', altNames: opts.sans.map((s) => (/^[\d.]+$/.test(s) ? { type: 7, ip: s } : { type: 2, value: s })) });
  c.setExtensions(exts);
  c.sign(opts.ca ? opts.ca.k : keys.privateKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(c), key: forge.pki.privateKeyToPem(keys.privateKey), obj: c, k: keys.privateKey };
}

