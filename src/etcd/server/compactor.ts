// --auto-compaction-mode / --auto-compaction-retention: the leader compacts old revisions
// through raft, like etcd's revision and periodic compactors.
import type { Clock, Cancel } from '../../platform/clock.ts';
import { parseGoDuration, formatGoDuration } from '../config/go-flags.ts';
import type { Logger } from '../log.ts';

export interface CompactorTarget {
  readonly isLeader: boolean;
  currentRevision(): number;
  compact(revision: number): Promise<unknown>;
}

export type CompactionPolicy = { mode: 'revision'; keep: number } | { mode: 'periodic'; retentionMs: number };

/** etcd's reading of the flags; undefined when auto compaction is off ("0"). Throws etcd's error. */
export function parseCompactionPolicy(mode: string, retention: string): CompactionPolicy | undefined {
  if (mode === 'revision') {
    if (!/^\d+$/.test(retention)) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(retention)}: invalid syntax`);
    const keep = Number(retention);
    return keep > 0 ? { mode, keep } : undefined;
  }
  // periodic: a bare integer means hours.
  const ms = /^\d+$/.test(retention) ? Number(retention) * 3_600_000 : parseGoDuration(retention);
  return ms > 0 ? { mode: 'periodic', retentionMs: ms } : undefined;
}

const REVISION_CHECK_MS = 5 * 60_000;

export function startCompactor(policy: CompactionPolicy, target: CompactorTarget, clock: Clock, log: Logger): Cancel {
  if (policy.mode === 'revision') {
    let last = 0;
    return clock.every(REVISION_CHECK_MS, () => {
      if (!target.isLeader) return;
      const rev = target.currentRevision() - policy.keep;
      if (rev <= 0 || rev === last) return;
      const started = clock.monotonic();
      log.info('v3compactor/revision.go:86', 'starting auto revision compaction', { revision: rev, 'revision-compaction-retention': policy.keep });
      target.compact(rev).then(
        () => {
          last = rev;
          log.info('v3compactor/revision.go:94', 'completed auto revision compaction', { revision: rev, 'revision-compaction-retention': policy.keep, took: formatGoDuration(Math.round(clock.monotonic() - started)) });
        },
        (e: Error) => log.warn('v3compactor/revision.go:102', 'failed auto revision compaction', { revision: rev, 'revision-compaction-retention': policy.keep, 'retry-interval': '5m0s', error: e.message }),
      );
    });
  }
  // Periodic: sample the revision every tenth of the period; compact to the one taken a retention ago.
  const period = Math.min(policy.retentionMs, 3_600_000);
  const sampleEvery = Math.max(1, Math.floor(period / 10));
  const samples: { at: number; rev: number }[] = [];
  let nextCompact = clock.monotonic() + policy.retentionMs;
  let last = 0;
  return clock.every(sampleEvery, () => {
    const now = clock.monotonic();
    samples.push({ at: now, rev: target.currentRevision() });
    while (samples.length > 0 && samples[0]!.at < now - policy.retentionMs - period) samples.shift();
    if (!target.isLeader || now < nextCompact) return;
    nextCompact = now + period;
    const old = [...samples].reverse().find((s) => s.at <= now - policy.retentionMs);
    if (!old || old.rev <= last || old.rev <= 1) return;
    const rev = old.rev;
    const started = now;
    log.info('v3compactor/periodic.go:134', 'starting auto periodic compaction', { revision: rev, 'compact-period': formatGoDuration(policy.retentionMs) });
    target.compact(rev).then(
      () => {
        last = rev;
        log.info('v3compactor/periodic.go:143', 'completed auto periodic compaction', { revision: rev, 'compact-period': formatGoDuration(policy.retentionMs), took: formatGoDuration(Math.round(clock.monotonic() - started)) });
      },
      (e: Error) => log.warn('v3compactor/periodic.go:150', 'failed auto periodic compaction', { revision: rev, 'compact-period': formatGoDuration(policy.retentionMs), error: e.message }),
    );
  });
}
