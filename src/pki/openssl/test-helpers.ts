// Test support: run our openssl against an in-memory disk and collect its output.
import { SimClock } from '../../platform/sim-clock.ts';
import { SimFileSystem } from '../../platform/sim-fs.ts';
import { resolvePath, type FileSystem } from '../../platform/filesystem.ts';
import type { Network } from '../../platform/network.ts';
import type { ByteSource } from './context.ts';
import { runOpenssl } from './main.ts';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class OpensslHarness {
  readonly clock: SimClock;
  readonly fs: SimFileSystem;
  cwd = '/work';
  env: Record<string, string> = { HOME: '/root' };
  fsView: FileSystem;
  net: Network | undefined;

  constructor(startMs = Date.UTC(2026, 10, 21, 9, 22, 32)) {
    this.clock = new SimClock(startMs);
    this.fs = new SimFileSystem(() => this.clock.now());
    this.fs.mkdir(this.cwd, { recursive: true });
    this.fsView = this.fs;
  }

  /** stdin: text, or a source of our own (one that never ends models a terminal left open). */
  async run(argv: string[] | string, stdin: string | ByteSource = ''): Promise<RunResult> {
    const args = typeof argv === 'string' ? splitWords(argv) : argv;
    const out: Uint8Array[] = [];
    const err: Uint8Array[] = [];
    let sent = false;
    const code = await runOpenssl({
      argv: args,
      env: this.env,
      cwd: this.cwd,
      fs: this.fsView,
      net: this.net,
      clock: this.clock,
      stdin:
        typeof stdin !== 'string'
          ? stdin
          : {
              isTTY: false,
              read: async () => {
                if (sent || stdin === '') return null;
                sent = true;
                return new TextEncoder().encode(stdin);
              },
            },
      stdout: { isTTY: false, write: (c) => void out.push(typeof c === 'string' ? new TextEncoder().encode(c) : c) },
      stderr: { isTTY: false, write: (c) => void err.push(typeof c === 'string' ? new TextEncoder().encode(c) : c) },
    });
    const text = (bs: Uint8Array[]) => Buffer.concat(bs.map((b) => Buffer.from(b))).toString('utf8');
    return { code, stdout: text(out), stderr: text(err) };
  }

  read(path: string): string {
    return Buffer.from(this.fs.readFile(resolvePath(this.cwd, path))).toString('utf8');
  }

  write(path: string, text: string): void {
    this.fs.writeFile(resolvePath(this.cwd, path), text);
  }
}

/** Splits a command line on blanks, honouring double and single quotes (enough for tests). */
export function splitWords(s: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(s); m; m = re.exec(s)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}
