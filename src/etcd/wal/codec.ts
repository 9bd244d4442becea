// Binary encodings of what the WAL and snapshot files hold. Numbers are stored as
// float64 (exact for every integer a lab reaches); ids as strings.
import type { ConfState, Entry, EntryType, HardState } from '../../raft/types.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

export class ByteWriter {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  length = 0;
  private grow(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const nb = new Uint8Array(size);
    nb.set(this.buf.subarray(0, this.length));
    this.buf = nb;
    this.view = new DataView(nb.buffer);
  }
  u8(v: number): this {
    this.grow(1);
    this.buf[this.length++] = v;
    return this;
  }
  u32(v: number): this {
    this.grow(4);
    this.view.setUint32(this.length, v >>> 0, true);
    this.length += 4;
    return this;
  }
  f64(v: number): this {
    this.grow(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.u32(b.length);
    this.grow(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }
  str(s: string): this {
    return this.bytes(enc.encode(s));
  }
  raw(b: Uint8Array): this {
    this.grow(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

export class ByteReader {
  private view: DataView;
  pos = 0;
  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new RangeError('truncated record');
  }
  remaining(): number {
    return this.buf.length - this.pos;
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  f64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }
  bytes(): Uint8Array {
    const n = this.u32();
    this.need(n);
    const b = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  str(): string {
    return dec.decode(this.bytes());
  }
}

const ENTRY_TYPES: EntryType[] = ['normal', 'confchange'];

export function writeEntry(w: ByteWriter, e: Entry): void {
  w.u8(ENTRY_TYPES.indexOf(e.type)).f64(e.term).f64(e.index).bytes(e.data);
}

export function readEntry(r: ByteReader): Entry {
  const t = ENTRY_TYPES[r.u8()];
  if (!t) throw new RangeError('bad entry type');
  return { type: t, term: r.f64(), index: r.f64(), data: r.bytes() };
}

export function writeHardState(w: ByteWriter, hs: HardState): void {
  w.f64(hs.term).str(hs.vote).f64(hs.commit);
}

export function readHardState(r: ByteReader): HardState {
  return { term: r.f64(), vote: r.str(), commit: r.f64() };
}

export function writeConfState(w: ByteWriter, cs: ConfState): void {
  w.u32(cs.voters.length);
  for (const v of cs.voters) w.str(v);
  w.u32(cs.learners.length);
  for (const v of cs.learners) w.str(v);
}

export function readConfState(r: ByteReader): ConfState {
  const voters: string[] = [];
  for (let n = r.u32(); n > 0; n--) voters.push(r.str());
  const learners: string[] = [];
  for (let n = r.u32(); n > 0; n--) learners.push(r.str());
  return { voters, learners };
}
