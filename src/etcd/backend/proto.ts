// Just enough protobuf wire format to read the small messages etcd keeps in its backend
// (mvccpb.KeyValue, leasepb.Lease): varints and length-delimited fields.
export class ProtoError extends Error {}

export class ProtoReader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(what: string): bigint {
    let v = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const x = this.buf[this.pos++];
      if (x === undefined) throw new ProtoError(`${what}: unexpected EOF`);
      v |= BigInt(x & 0x7f) << shift;
      if (x < 0x80) return BigInt.asUintN(64, v);
    }
    throw new ProtoError(`${what}: integer overflow`);
  }
}

export interface ProtoField {
  num: number;
  int?: bigint;
  bytes?: Uint8Array;
}

/** The fields of one message, in order; unknown wire types are errors as gogoproto reports them. */
export function protoFields(r: ProtoReader, what: string): ProtoField[] {
  const out: ProtoField[] = [];
  while (!r.done) {
    const tag = Number(r.varint(what));
    const num = tag >>> 3;
    const wire = tag & 7;
    if (num === 0) throw new ProtoError(`proto: ${what}: illegal tag 0 (wire type ${wire})`);
    if (wire === 0) out.push({ num, int: r.varint(what) });
    else if (wire === 2) {
      const n = Number(r.varint(what));
      if (r.pos + n > r.buf.length) throw new ProtoError(`${what}: unexpected EOF`);
      out.push({ num, bytes: r.buf.subarray(r.pos, r.pos + n) });
      r.pos += n;
    } else if (wire === 1) r.pos += 8;
    else if (wire === 5) r.pos += 4;
    else throw new ProtoError(`proto: ${what}: wiretype end group for non-group`);
    if (r.pos > r.buf.length) throw new ProtoError(`${what}: unexpected EOF`);
  }
  return out;
}

export function uvarintBytes(v: bigint): number[] {
  const out: number[] = [];
  let x = BigInt.asUintN(64, v);
  while (x >= 0x80n) {
    out.push(Number(x & 0x7fn) | 0x80);
    x >>= 7n;
  }
  out.push(Number(x));
  return out;
}
