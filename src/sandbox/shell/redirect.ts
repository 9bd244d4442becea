// Opening redirection targets through the shell user's view of the disk, with bash's errors.
import { isFsError, resolvePath, strerror, type FileSystem } from '../../platform/filesystem.ts';
import { emptyInput, inputFrom, type InputStream, type OutputStream } from '../io.ts';
import type { Redirect } from './ast.ts';
import { expandRedirectTarget, expandString } from './expand.ts';
import type { IO, ShellContext } from './shell-context.ts';
import { ShellError } from './state.ts';

export interface Fds {
  [fd: number]: InputStream | OutputStream | undefined;
}

/** Output into a file: created/truncated at open, every write appended (streams as it is written). */
export function openOutputFile(fs: FileSystem, cwd: string, name: string, opts: { append: boolean; umask: number; noclobber?: boolean }): OutputStream {
  if (name === '/dev/null') return { isTTY: false, write: () => {} };
  const path = resolvePath(cwd, name);
  try {
    if (opts.noclobber && !opts.append && fs.exists(path) && fs.stat(path).type === 'file') throw new ShellError(`${name}: cannot overwrite existing file`);
    if (fs.exists(path) && fs.stat(path).type === 'dir') throw new ShellError(`${name}: Is a directory`);
    if (opts.append && fs.exists(path)) fs.appendFile(path, '');
    else fs.writeFile(path, '', { mode: 0o666 & ~opts.umask });
  } catch (e) {
    throw fsToShellError(e, name);
  }
  return {
    isTTY: false,
    write(chunk) {
      try {
        fs.appendFile(path, chunk);
      } catch (e) {
        throw fsToShellError(e, name);
      }
    },
  };
}

export function openInputFile(fs: FileSystem, cwd: string, name: string): InputStream {
  if (name === '/dev/null') return emptyInput;
  const path = resolvePath(cwd, name);
  try {
    if (fs.stat(path).type === 'dir') {
      // bash opens it fine; the reader then fails with EISDIR. Reading yields nothing here.
      return emptyInput;
    }
    return inputFrom(fs.readFile(path));
  } catch (e) {
    throw fsToShellError(e, name);
  }
}

export function fsToShellError(e: unknown, name: string): unknown {
  if (e instanceof ShellError) return e;
  if (isFsError(e)) return new ShellError(`${name}: ${strerror(e.code)}`);
  return e;
}

// A read() may return more than one line; what `read` did not use is kept per stream so the
// next `read` (or the next program reading the same stream) gets it.
const leftovers = new WeakMap<InputStream, Uint8Array>();

export async function readLine(input: InputStream, delim = '\n'): Promise<{ line: string; eof: boolean }> {
  const dec = new TextDecoder();
  const d = delim.charCodeAt(0);
  let acc: number[] = [];
  for (;;) {
    let chunk = leftovers.get(input) ?? null;
    if (chunk) leftovers.delete(input);
    else chunk = await input.read();
    if (chunk === null) return { line: dec.decode(new Uint8Array(acc)), eof: true };
    const i = chunk.indexOf(d);
    if (i >= 0) {
      acc = acc.concat(Array.from(chunk.subarray(0, i)));
      if (i + 1 < chunk.length) leftovers.set(input, chunk.subarray(i + 1));
      return { line: dec.decode(new Uint8Array(acc)), eof: false };
    }
    acc = acc.concat(Array.from(chunk));
  }
}

/** The stream as a program should see it: first whatever `read` left over. */
export function withLeftover(input: InputStream): InputStream {
  if (!leftovers.has(input)) return input;
  return {
    isTTY: input.isTTY,
    read: async () => {
      const l = leftovers.get(input);
      if (l) {
        leftovers.delete(input);
        return l;
      }
      return input.read();
    },
  };
}

/** Applies redirections to a set of streams (left to right, as bash does). */
export async function applyRedirects(sh: ShellContext, redirects: Redirect[], io: IO): Promise<IO> {
  const fds: (InputStream | OutputStream | undefined)[] = [io.stdin, io.stdout, io.stderr];
  for (const [n, st] of io.extra ?? []) fds[n] = st;
  const ctx = sh.expandContext(io);
  const out = (fd: number): OutputStream | undefined => {
    const s = fds[fd];
    return s && 'write' in s ? s : undefined;
  };
  for (const r of redirects) {
    switch (r.kind) {
      case 'file': {
        const name = await expandRedirectTarget(ctx, r.target);
        if (r.op === '<') fds[r.fd] = openInputFile(sh.fs, sh.state.cwd, name);
        else if (r.op === '<>') fds[r.fd] = openInputFile(sh.fs, sh.state.cwd, name);
        else fds[r.fd] = openOutput(sh, name, r.op === '>>', r.op === '>', io);
        break;
      }
      case 'both': {
        const name = await expandRedirectTarget(ctx, r.target);
        const s = openOutput(sh, name, r.op === '&>>', true, io);
        fds[1] = s;
        fds[2] = s;
        break;
      }
      case 'dup': {
        const t = await expandString(ctx, r.target);
        if (t === '-') {
          fds[r.fd] = r.op === '>&' ? { isTTY: false, write: () => {} } : { isTTY: false, read: async () => null };
          break;
        }
        if (!/^\d+$/.test(t)) throw new ShellError(`${t}: ambiguous redirect`);
        const src = fds[Number(t)];
        if (!src) throw new ShellError(`${t}: Bad file descriptor`);
        fds[r.fd] = src;
        break;
      }
      case 'heredoc': {
        // <<- tabs were stripped when the body was read; expanded text keeps its own tabs.
        const text = r.quoted ? r.body.parts.map((p) => (p.type === 'sq' ? p.text : '')).join('') : await expandString(ctx, r.body, { tilde: false });
        fds[r.fd] = inputOf(text);
        break;
      }
      case 'herestring':
        fds[r.fd] = inputOf((await expandString(ctx, r.target)) + '\n');
        break;
    }
  }
  const stdin = fds[0];
  const extra = new Map<number, InputStream | OutputStream>();
  fds.forEach((st, n) => {
    if (n > 2 && st) extra.set(n, st);
  });
  return {
    ...(extra.size ? { extra } : {}),
    stdin: stdin && 'read' in stdin ? stdin : io.stdin,
    stdout: out(1) ?? io.stdout,
    stderr: out(2) ?? io.stderr,
  };
}

function openOutput(sh: ShellContext, name: string, append: boolean, clobberCheck: boolean, io: IO): OutputStream {
  if (name === '/dev/stdout') return io.stdout;
  if (name === '/dev/stderr') return io.stderr;
  if (name === '/dev/tty') return io.stderr.isTTY ? io.stderr : io.stdout;
  return openOutputFile(sh.fs, sh.state.cwd, name, { append, umask: sh.state.umask, noclobber: clobberCheck && sh.state.options.noclobber });
}

function inputOf(text: string): InputStream {
  return inputFrom(text);
}
