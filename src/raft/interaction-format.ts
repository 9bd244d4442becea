// Text form of a Ready, as the transcripts print it (after etcd-io/raft's DescribeReady).

import type { Entry, Ready } from './types.ts';
import { describeEntries, describeMessage, fmtId } from './util.ts';

export function describeReady(rd: Ready, formatData: (e: Entry) => string): string {
  const lines: string[] = [`Ready MustSync=${rd.mustSync}:`];
  if (rd.softState) lines.push(`Lead:${fmtId(rd.softState.lead)} State:${rd.softState.raftState}`);
  if (rd.hardState) lines.push(`HardState Term:${rd.hardState.term} Vote:${fmtId(rd.hardState.vote)} Commit:${rd.hardState.commit}`);
  if (rd.readStates.length > 0) {
    lines.push('ReadStates:');
    for (const rs of rd.readStates) lines.push(`Index:${rs.index} RequestCtx:${new TextDecoder().decode(rs.requestCtx)}`);
  }
  if (rd.entries.length > 0) lines.push('Entries:', describeEntries(rd.entries, formatData));
  if (rd.snapshot) {
    const md = rd.snapshot.metadata;
    lines.push(
      `Snapshot Index:${md.index} Term:${md.term} ConfState:Voters:[${md.confState.voters.join(' ')}] Learners:[${md.confState.learners.join(' ')}]`,
    );
  }
  if (rd.committedEntries.length > 0) lines.push('CommittedEntries:', describeEntries(rd.committedEntries, formatData));
  if (rd.messages.length > 0) {
    lines.push('Messages:');
    for (const m of rd.messages) lines.push(describeMessage(m, formatData));
  }
  return lines.join('\n');
}
