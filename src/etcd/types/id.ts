// etcd's uint64 ids (members, clusters, leases). Raft and the gateway pass them around as
// lowercase hex strings without leading zeros (how etcd prints them: 8e9e05c52164694d);
// JSON carries them as decimal strings (grpc-gateway's uint64 rule).
import { digest } from '../../platform/digest.ts';

const MASK64 = (1n << 64n) - 1n;

export function idToHex(id: bigint): string {
  return (id & MASK64).toString(16);
}

export function hexToId(hex: string): bigint {
  if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) throw new Error(`invalid id ${JSON.stringify(hex)}`);
  return BigInt('0x' + hex);
}

export function hexToDecimal(hex: string): string {
  return hexToId(hex).toString(10);
}

/** Accepts what etcdctl and the gateway send: decimal uint64 (or a number). */
export function decimalToHex(dec: string | number): string {
  const s = String(dec);
  if (!/^[0-9]+$/.test(s)) throw new Error(`invalid id ${JSON.stringify(s)}`);
  const v = BigInt(s);
  if (v > MASK64) throw new Error(`id out of range ${s}`);
  return idToHex(v);
}

function first8BigEndian(hash: Uint8Array): bigint {
  let v = 0n;
  for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(hash[i]!);
  return v;
}

/**
 * A member's id as etcd derives it: sha1 over the sorted peer URLs joined without a
 * separator, then the cluster token, then (for members added at runtime) the unix second.
 */
export function computeMemberId(peerUrls: string[], clusterToken: string, nowUnixSeconds?: number): string {
  const joined = [...peerUrls].sort().join('') + clusterToken + (nowUnixSeconds === undefined ? '' : String(nowUnixSeconds));
  const hash = digest('sha1', joined);
  return idToHex(first8BigEndian(hash));
}

/** The cluster id: sha1 over the sorted member ids, each as 8 big-endian bytes. */
export function computeClusterId(memberIds: string[]): string {
  const ids = memberIds.map(hexToId).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const buf = Buffer.alloc(8 * ids.length);
  ids.forEach((id, i) => buf.writeBigUInt64BE(id, i * 8));
  return idToHex(first8BigEndian(digest('sha1', buf)));
}
