// Byte streams between programs, the shell and the terminal. Small on purpose:
// a command writes chunks and reads chunks; a Pipe joins two commands with a
// bounded buffer so a fast writer waits for a slow reader (and `yes | head` ends).

export interface OutputStream {
  /** Resolves when the chunk is accepted (a pipe may make the writer wait). Throws EPIPE once the reader is gone. */
  write(chunk: string | Uint8Array): void | Promise<void>;
  /** True when this is the terminal (commands may colour or column their output). */
  readonly isTTY: boolean;
}

export interface InputStream {
  /** Next chunk, or null at end of input. */
  read(): Promise<Uint8Array | null>;
  readonly isTTY: boolean;
}

export class BrokenPipeError extends Error {
  readonly code = 'EPIPE';
  constructor() {
    super('write error: Broken pipe');
  }
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Reads to end of input; stops at `limit` bytes (throws so a runaway producer cannot eat memory). */
export async function readAll(input: InputStream, limit = 64 * 1024 * 1024): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (let c = await input.read(); c !== null; c = await input.read()) {
    total += c.length;
    if (total > limit) throw new Error(`input exceeds ${limit} bytes`);
    chunks.push(c);
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

export async function readAllText(input: InputStream, limit?: number): Promise<string> {
  return dec.decode(await readAll(input, limit));
}

/** Yields lines without their trailing newline; a last line without one is yielded too. */
export async function* readLines(input: InputStream): AsyncGenerator<string> {
  let buf = '';
  const d = new TextDecoder();
  for (let c = await input.read(); c !== null; c = await input.read()) {
    buf += d.decode(c, { stream: true });
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      yield buf.slice(0, i);
      buf = buf.slice(i + 1);
    }
  }
  buf += d.decode();
  if (buf.length > 0) yield buf;
}

export const emptyInput: InputStream = { read: async () => null, isTTY: false };

/** An input that yields one fixed buffer (here-docs, here-strings, tests). */
export function inputFrom(data: string | Uint8Array): InputStream {
  let done = false;
  return {
    isTTY: false,
    async read() {
      if (done) return null;
      done = true;
      const b = typeof data === 'string' ? enc.encode(data) : data;
      return b.length ? b : null;
    },
  };
}

/** Collects everything written (command substitution, tests). */
export class CollectingOutput implements OutputStream {
  readonly isTTY: boolean;
  private chunks: Uint8Array[] = [];
  private size = 0;
  constructor(
    isTTY = false,
    private readonly limit = 64 * 1024 * 1024,
  ) {
    this.isTTY = isTTY;
  }
  write(chunk: string | Uint8Array): void {
    const b = typeof chunk === 'string' ? enc.encode(chunk) : chunk;
    this.size += b.length;
    if (this.size > this.limit) throw new Error(`output exceeds ${this.limit} bytes`);
    this.chunks.push(b);
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let off = 0;
    for (const c of this.chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  }
  text(): string {
    return dec.decode(this.bytes());
  }
}

/** A bounded in-memory pipe: writers wait while more than `capacity` bytes are unread. */
export class Pipe {
  private queue: Uint8Array[] = [];
  private buffered = 0;
  private closed = false;
  private readerGone = false;
  private readWaiter: (() => void) | null = null;
  private writeWaiters: (() => void)[] = [];

  constructor(private readonly capacity = 64 * 1024) {}

  readonly writer: OutputStream = {
    isTTY: false,
    write: (chunk) => this.write(chunk),
  };

  readonly reader: InputStream = {
    isTTY: false,
    read: () => this.read(),
  };

  private async write(chunk: string | Uint8Array): Promise<void> {
    if (this.readerGone) throw new BrokenPipeError();
    if (this.closed) return;
    const b = typeof chunk === 'string' ? enc.encode(chunk) : chunk;
    if (b.length === 0) return;
    this.queue.push(b);
    this.buffered += b.length;
    this.readWaiter?.();
    this.readWaiter = null;
    while (this.buffered > this.capacity && !this.readerGone && !this.closed) {
      await new Promise<void>((r) => this.writeWaiters.push(r));
    }
    if (this.readerGone) throw new BrokenPipeError();
  }

  private async read(): Promise<Uint8Array | null> {
    while (this.queue.length === 0) {
      if (this.closed) return null;
      await new Promise<void>((r) => (this.readWaiter = r));
    }
    const b = this.queue.shift()!;
    this.buffered -= b.length;
    if (this.buffered <= this.capacity) this.wakeWriters();
    return b;
  }

  /** The writing side is done: the reader sees end of input after the buffer drains. */
  closeWrite(): void {
    this.closed = true;
    this.readWaiter?.();
    this.readWaiter = null;
    this.wakeWriters();
  }

  /** The reading side is gone: later writes fail with EPIPE (the writer gets SIGPIPE). */
  closeRead(): void {
    this.readerGone = true;
    this.queue = [];
    this.buffered = 0;
    this.wakeWriters();
  }

  private wakeWriters(): void {
    const w = this.writeWaiters;
    this.writeWaiters = [];
    for (const f of w) f();
  }
}
