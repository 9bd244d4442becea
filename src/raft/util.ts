// Small helpers shared by the raft modules: message classification and formatting.

import type { Entry, Message, MessageType, NodeId } from './types.ts';

/** Messages a node generates for itself; the network must never deliver them. */
export function isLocalMsg(t: MessageType): boolean {
  return t === 'MsgHup' || t === 'MsgBeat' || t === 'MsgUnreachable' || t === 'MsgSnapStatus' || t === 'MsgCheckQuorum';
}

export function isResponseMsg(t: MessageType): boolean {
  return (
    t === 'MsgAppResp' ||
    t === 'MsgVoteResp' ||
    t === 'MsgHeartbeatResp' ||
    t === 'MsgUnreachable' ||
    t === 'MsgPreVoteResp'
  );
}

export function voteRespMsgType(t: MessageType): MessageType {
  if (t === 'MsgVote') return 'MsgVoteResp';
  if (t === 'MsgPreVote') return 'MsgPreVoteResp';
  throw new Error(`not a vote message: ${t}`);
}

/** Ids print as they are (hex); the empty id prints as 0, like etcd-io/raft's %x of None. */
export function fmtId(id: NodeId): string {
  return id === '' ? '0' : id;
}

const typeNames: Record<Entry['type'], string> = { normal: 'EntryNormal', confchange: 'EntryConfChange' };

/** Describes an entry like etcd-io/raft's DescribeEntry: term/index type "data". */
export function describeEntry(e: Entry, formatData?: (e: Entry) => string): string {
  const data = formatData ? formatData(e) : JSON.stringify(new TextDecoder().decode(e.data));
  return `${e.term}/${e.index} ${typeNames[e.type]} ${data}`;
}

export function describeEntries(ents: Entry[], formatData?: (e: Entry) => string): string {
  return ents.map((e) => describeEntry(e, formatData)).join('\n');
}

/** Describes a message like etcd-io/raft's DescribeMessage. */
export function describeMessage(m: Message, formatData?: (e: Entry) => string): string {
  let s = `${fmtId(m.from)}->${fmtId(m.to)} ${m.type} Term:${m.term} Log:${m.logTerm}/${m.index}`;
  if (m.reject) s += ` Rejected (Hint: ${m.rejectHint})`;
  if (m.commit !== 0) s += ` Commit:${m.commit}`;
  if (m.context && m.context.length > 0) s += ` Context:${new TextDecoder().decode(m.context)}`;
  if (m.entries.length > 0) s += ` Entries:[${m.entries.map((e) => describeEntry(e, formatData)).join(', ')}]`;
  if (m.snapshot && m.snapshot.metadata.index !== 0) {
    const md = m.snapshot.metadata;
    s += ` Snapshot: Index:${md.index} Term:${md.term} ConfState:Voters:[${md.confState.voters.join(' ')}] Learners:[${md.confState.learners.join(' ')}]`;
  }
  return s;
}
