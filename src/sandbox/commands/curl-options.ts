// curl's command line: its options (long, short, bundled), URLs, and the error it exits with.

/** An error curl reports as "curl: (code) message". */
export class CurlError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly extra = '',
  ) {
    super(message);
  }
}

export interface Options {
  urls: string[];
  silent: boolean;
  showError: boolean;
  fail: boolean;
  failWithBody: boolean;
  location: boolean;
  output?: string;
  remoteName: boolean;
  method?: string;
  data: string[];
  headers: string[];
  insecure: boolean;
  include: boolean;
  head: boolean;
  verbose: boolean;
  cacert?: string;
  cert?: string;
  key?: string;
  connectTimeoutMs?: number;
  maxTimeMs?: number;
  writeOut?: string;
  userAgent?: string;
  user?: string;
  maxRedirs: number;
  help: boolean;
  version: boolean;
}

// Options taking an argument, by long name, with their short letter.
const WITH_ARG: Record<string, string | undefined> = {
  data: 'd', 'data-raw': undefined, 'data-binary': undefined, 'data-ascii': undefined, 'data-urlencode': undefined,
  output: 'o', request: 'X', header: 'H', cacert: undefined, cert: 'E', key: undefined, 'connect-timeout': undefined,
  'max-time': 'm', 'write-out': 'w', 'user-agent': 'A', user: 'u', 'max-redirs': undefined, 'cert-type': undefined, 'key-type': undefined,
  capath: undefined, resolve: undefined, retry: undefined, 'retry-delay': undefined, 'retry-max-time': undefined,
};
const FLAGS: Record<string, string | undefined> = {
  silent: 's', 'show-error': 'S', fail: 'f', 'fail-with-body': undefined, location: 'L', 'remote-name': 'O', insecure: 'k',
  include: 'i', head: 'I', verbose: 'v', help: 'h', version: 'V', 'no-progress-meter': undefined, http1: undefined,
  'http1.1': undefined, compressed: undefined, 'progress-bar': '#', 'no-buffer': 'N', globoff: 'g', 'fail-early': undefined,
};
const SHORT: Record<string, { name: string; arg: boolean }> = {};
for (const [n, s] of Object.entries(WITH_ARG)) if (s) SHORT[s] = { name: n, arg: true };
for (const [n, s] of Object.entries(FLAGS)) if (s) SHORT[s] = { name: n, arg: false };

export class UsageError extends Error {}

export function parseOptions(argv: string[]): Options {
  const o: Options = {
    urls: [], silent: false, showError: false, fail: false, failWithBody: false, location: false, remoteName: false,
    data: [], headers: [], insecure: false, include: false, head: false, verbose: false, maxRedirs: 50, help: false, version: false,
  };
  const apply = (name: string, value?: string) => {
    const v = value ?? '';
    const seconds = (s: string) => {
      const n = Number(s);
      if (!Number.isFinite(n) || s.trim() === '') throw new UsageError(`curl: option --${name}: expected a proper numerical parameter\n`);
      return n * 1000;
    };
    switch (name) {
      case 'silent': o.silent = true; break;
      case 'show-error': o.showError = true; break;
      case 'fail': o.fail = true; break;
      case 'fail-with-body': o.failWithBody = true; break;
      case 'location': o.location = true; break;
      case 'remote-name': o.remoteName = true; break;
      case 'insecure': o.insecure = true; break;
      case 'include': o.include = true; break;
      case 'head': o.head = true; break;
      case 'verbose': o.verbose = true; break;
      case 'help': o.help = true; break;
      case 'version': o.version = true; break;
      case 'data': case 'data-ascii': o.data.push('@' === v[0] ? v : `=${v}`); break;
      case 'data-raw': o.data.push(`=${v}`); break;
      case 'data-binary': o.data.push(v[0] === '@' ? `B${v}` : `=${v}`); break;
      case 'data-urlencode': o.data.push(`=${encodeURIComponent(v)}`); break;
      case 'output': o.output = v; break;
      case 'request': o.method = v; break;
      case 'header': o.headers.push(v); break;
      case 'cacert': o.cacert = v; break;
      case 'cert': o.cert = v; break;
      case 'key': o.key = v; break;
      case 'connect-timeout': o.connectTimeoutMs = seconds(v); break;
      case 'max-time': o.maxTimeMs = seconds(v); break;
      case 'write-out': o.writeOut = v; break;
      case 'user-agent': o.userAgent = v; break;
      case 'user': o.user = v; break;
      case 'max-redirs': o.maxRedirs = Number(v); break;
      default: break; // accepted and without effect here (--compressed, --http1.1, -g …)
    }
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--') && a.length > 2) {
      let name = a.slice(2);
      if (name.startsWith('no-') && name.slice(3) in FLAGS) continue;
      if (name in FLAGS) apply(name);
      else if (name in WITH_ARG) {
        if (i + 1 >= argv.length) throw new UsageError(`curl: option ${a}: requires parameter\n`);
        apply(name, argv[++i]);
      } else throw new UsageError(`curl: option ${a}: is unknown\n`);
      name = '';
    } else if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const s = SHORT[a[j]!];
        if (!s) throw new UsageError(`curl: option ${a}: is unknown\n`);
        if (!s.arg) {
          apply(s.name);
          continue;
        }
        if (j + 1 < a.length) apply(s.name, a.slice(j + 1));
        else if (i + 1 < argv.length) apply(s.name, argv[++i]);
        else throw new UsageError(`curl: option -${a[j]}: requires parameter\n`);
        break;
      }
    } else o.urls.push(a);
  }
  return o;
}

/** curl's own URL handling: no scheme means http://. */
export function parseUrl(raw: string): URL {
  const withScheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(raw) ? raw : `http://${raw}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    throw new CurlError(3, 'URL using bad/illegal format or missing URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new CurlError(1, `Protocol "${u.protocol.slice(0, -1)}" not supported or disabled in libcurl`);
  return u;
}

export const port = (u: URL) => (u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80);
