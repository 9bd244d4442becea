// Encoding of configuration changes inside log entries (etcd-io/raft marshals the
// ConfChange protobuf into Entry.Data; we use a small JSON document).

import type { ConfChange, ConfChangeType, ConfState, NodeId } from './types.ts';
import { RaftError } from './storage.ts';

const changeTypes: ReadonlySet<string> = new Set<ConfChangeType>([
  'ConfChangeAddNode',
  'ConfChangeRemoveNode',
  'ConfChangeUpdateNode',
  'ConfChangeAddLearnerNode',
]);

function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

function fromHex(s: string): Uint8Array {
  if (s.length % 2 !== 0 || !/^[0-9a-f]*$/.test(s)) throw new RaftError('invalid conf change context');
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function encodeConfChange(cc: ConfChange): Uint8Array {
  const doc = { type: cc.type, nodeId: cc.nodeId, context: toHex(cc.context) };
  return new TextEncoder().encode(JSON.stringify(doc));
}

export function decodeConfChange(data: Uint8Array): ConfChange {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(data));
  } catch {
    throw new RaftError('invalid conf change entry: not JSON');
  }
  const d = doc as { type?: unknown; nodeId?: unknown; context?: unknown };
  if (typeof d.type !== 'string' || !changeTypes.has(d.type) || typeof d.nodeId !== 'string') {
    throw new RaftError('invalid conf change entry');
  }
  return {
    type: d.type as ConfChangeType,
    nodeId: d.nodeId,
    context: typeof d.context === 'string' ? fromHex(d.context) : new Uint8Array(0),
  };
}

/** Short form used in logs and transcripts: v2 (add voter 2), l4 (learner), r3 (remove), u5. */
export function describeConfChange(cc: ConfChange): string {
  const prefix: Record<ConfChangeType, string> = {
    ConfChangeAddNode: 'v',
    ConfChangeAddLearnerNode: 'l',
    ConfChangeRemoveNode: 'r',
    ConfChangeUpdateNode: 'u',
  };
  return `${prefix[cc.type]}${cc.nodeId}`;
}

/**
 * A configuration as raft logs it: ids in decimal, in numeric order (etcd-io/raft prints
 * node ids with %x everywhere except here, where its MajorityConfig uses %d).
 */
export function describeConfState(cs: ConfState): string {
  const decimal = (ids: NodeId[]) =>
    ids
      .map((id) => BigInt(`0x${id || '0'}`))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .join(' ');
  let s = `voters=(${decimal(cs.voters)})`;
  if (cs.learners.length > 0) s += ` learners=(${decimal(cs.learners)})`;
  return s;
}

export function confStatesEqual(a: ConfState, b: ConfState): boolean {
  const same = (x: NodeId[], y: NodeId[]) => x.length === y.length && [...x].sort().every((v, i) => v === [...y].sort()[i]);
  return same(a.voters, b.voters) && same(a.learners, b.learners);
}
