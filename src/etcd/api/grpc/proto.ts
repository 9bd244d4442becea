// A small protobuf wire codec (proto3): varints, length-delimited fields, fixed32/64 skipping.
// Enough for etcd's etcdserverpb/mvccpb messages; encoders and decoders for those are written
// by hand in messages-*.ts against the field numbers of etcd's rpc.proto and kv.proto.
//
// int64/uint64 travel as 64-bit varints. Revisions, counts and TTLs are JS numbers (a lab never
// reaches 2^53); member, cluster and lease ids are uint64 and stay exact as bigint or hex.

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

/** A malformed message: grpc-go reports it as codes.Internal with this wording. */
export class ProtoError extends Error {
  constructor(detail: string) {
    super(`grpc: error unmarshalling request: ${detail}`);
    this.name = 'ProtoError';
  }
}

const MASK64 = (1n << 64n) - 1n;
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8');

/** Appends fields to a growing buffer. Zero values are left out (proto3), as Go's marshaller does. */
export class Writer {
  private buf = new Uint8Array(64);
  private len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** An unsigned varint of a non-negative safe integer. */
  rawVarint(v: number): this {
    this.ensure(10);
    while (v > 0x7f) {
      this.buf[this.len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.len++] = v;
    return this;
  }

  /** A 64-bit varint of any int64/uint64 (negative numbers take ten bytes, two's complement). */
  rawVarint64(v: bigint): this {
    let u = v & MASK64;
    this.ensure(10);
    while (u > 0x7fn) {
      this.buf[this.len++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.len++] = Number(u);
    return this;
  }

  rawBytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  tag(field: number, wire: number): this {
    return this.rawVarint(field * 8 + wire);
  }

  /** int64 from a JS number; 0 is omitted. */
  int64(field: number, v: number | undefined): this {
    if (!v) return this;
    this.tag(field, WIRE_VARINT);
    return v > 0 && Number.isSafeInteger(v) ? this.rawVarint(v) : this.rawVarint64(BigInt(Math.trunc(v)));
  }

  /** uint64/int64 from a bigint; 0 is omitted. */
  int64Big(field: number, v: bigint): this {
    if (v === 0n) return this;
    return this.tag(field, WIRE_VARINT).rawVarint64(v);
  }

  /** A uint64 id given as lowercase hex ('' or '0' = 0, omitted). */
  idHex(field: number, hex: string): this {
    if (hex === '' || hex === '0') return this;
    return this.int64Big(field, BigInt('0x' + hex));
  }

  /** uint32 (etcd's hashes). */
  uint32(field: number, v: number): this {
    if (!v) return this;
    return this.tag(field, WIRE_VARINT).rawVarint(v >>> 0);
  }

  bool(field: number, v: boolean | undefined): this {
    if (!v) return this;
    return this.tag(field, WIRE_VARINT).rawVarint(1);
  }

  /** An enum by number; 0 is omitted. */
  enumValue(field: number, v: number): this {
    if (!v) return this;
    return this.tag(field, WIRE_VARINT).rawVarint(v);
  }

  bytes(field: number, b: Uint8Array | undefined): this {
    if (!b || b.length === 0) return this;
    return this.tag(field, WIRE_LEN).rawVarint(b.length).rawBytes(b);
  }

  string(field: number, s: string | undefined): this {
    if (!s) return this;
    return this.bytes(field, textEncoder.encode(s));
  }

  /** Every element, even empty ones (repeated fields keep their zero values). */
  repeatedString(field: number, list: readonly string[]): this {
    for (const s of list) {
      const b = textEncoder.encode(s);
      this.tag(field, WIRE_LEN).rawVarint(b.length).rawBytes(b);
    }
    return this;
  }

  repeatedBytes(field: number, list: readonly Uint8Array[]): this {
    for (const b of list) this.tag(field, WIRE_LEN).rawVarint(b.length).rawBytes(b);
    return this;
  }

  /** A present sub-message (written even when empty: presence is what it says). */
  message(field: number, encoded: Uint8Array): this {
    return this.tag(field, WIRE_LEN).rawVarint(encoded.length).rawBytes(encoded);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Reads the fields of one message in order. */
export class Reader {
  private pos = 0;
  /** Wire type of the field last returned by next(). */
  wire = 0;

  constructor(private readonly buf: Uint8Array) {}

  /** The next field number, or 0 at the end. */
  next(): number {
    if (this.pos >= this.buf.length) return 0;
    const key = this.varint();
    const field = Math.floor(key / 8);
    this.wire = key % 8;
    if (field === 0) throw new ProtoError('proto: cannot parse invalid wire-format data');
    return field;
  }

  private byte(): number {
    const b = this.buf[this.pos++];
    if (b === undefined) throw new ProtoError('unexpected EOF');
    return b;
  }

  /** A varint as a JS number (exact below 2^53). */
  private varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 0x80;
    }
    throw new ProtoError('proto: integer overflow');
  }

  /** A varint as an unsigned 64-bit bigint. */
  private varint64(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result & MASK64;
      shift += 7n;
    }
    throw new ProtoError('proto: integer overflow');
  }

  private expect(wire: number, what: string): void {
    if (this.wire !== wire) throw new ProtoError(`proto: cannot parse invalid wire-format data (${what} with wire type ${this.wire})`);
  }

  /** int64 as a number (negative values come back negative). */
  int64(): number {
    this.expect(WIRE_VARINT, 'int64');
    const start = this.pos;
    const n = this.varint();
    if (Number.isSafeInteger(n)) return n;
    this.pos = start;
    return Number(BigInt.asIntN(64, this.varint64()));
  }

  /** uint64/int64 exactly. */
  uint64(): bigint {
    this.expect(WIRE_VARINT, 'uint64');
    return this.varint64();
  }

  /** A uint64 id as lowercase hex ('' for 0). */
  idHex(): string {
    const v = this.uint64();
    return v === 0n ? '' : v.toString(16);
  }

  bool(): boolean {
    this.expect(WIRE_VARINT, 'bool');
    return this.varint64() !== 0n;
  }

  enumValue(): number {
    this.expect(WIRE_VARINT, 'enum');
    return Number(BigInt.asIntN(32, this.varint64()));
  }

  /** The enums of a repeated enum field, packed (proto3's default) or not. */
  repeatedEnum(): number[] {
    if (this.wire === WIRE_VARINT) return [this.enumValue()];
    const inner = new Reader(this.bytes());
    const out: number[] = [];
    inner.wire = WIRE_VARINT;
    while (inner.pos < inner.buf.length) out.push(inner.enumValue());
    return out;
  }

  bytes(): Uint8Array {
    this.expect(WIRE_LEN, 'bytes');
    const n = this.varint();
    if (this.pos + n > this.buf.length) throw new ProtoError('unexpected EOF');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  string(): string {
    return textDecoder.decode(this.bytes());
  }

  /** Skips the current field (unknown fields are ignored, as proto3 requires). */
  skip(): void {
    switch (this.wire) {
      case WIRE_VARINT:
        this.varint64();
        return;
      case WIRE_FIXED64:
        this.advance(8);
        return;
      case WIRE_LEN:
        this.advance(this.varint());
        return;
      case WIRE_FIXED32:
        this.advance(4);
        return;
      default:
        throw new ProtoError(`proto: cannot parse invalid wire-format data (wire type ${this.wire})`);
    }
  }

  private advance(n: number): void {
    if (this.pos + n > this.buf.length) throw new ProtoError('unexpected EOF');
    this.pos += n;
  }
}

/**
 * Copies a decoded byte field out of the frame it points into, as a plain Uint8Array: frames
 * are node Buffers, and a Buffer would not survive the server's JSON raft entries (toJSON).
 */
export const own = (b: Uint8Array): Uint8Array => new Uint8Array(b);
