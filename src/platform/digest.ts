// Cryptographic digests for the layers that may not import node: modules themselves
// (raft, etcd). Hashing is pure, so this keeps simulation deterministic.
import { createHash } from 'node:crypto';

export type DigestAlgorithm = 'sha1' | 'sha256';

export function digest(algorithm: DigestAlgorithm, data: Uint8Array | string): Uint8Array {
  const h = createHash(algorithm);
  if (typeof data === 'string') h.update(data, 'utf8');
  else h.update(data);
  return new Uint8Array(h.digest());
}
