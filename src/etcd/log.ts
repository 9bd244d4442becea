// etcd's log lines: one JSON object per line, as etcd 3.6's zap logger writes them:
// {"level":"info","ts":"2026-11-21T09:27:35.173464Z","caller":"embed/etcd.go:140","msg":"…",…fields}
import type { Clock } from '../platform/clock.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'panic' | 'fatal';
const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, panic: 4, fatal: 5 };

export function isLogLevel(s: string): s is LogLevel {
  return s in RANK;
}

export interface LogSink {
  write(line: string): void;
}

export type LogFields = Record<string, unknown>;

/** zap's time layout "2006-01-02T15:04:05.000000Z0700" in UTC. */
export function formatZapTime(ms: number, subMs = 0): string {
  const iso = new Date(ms).toISOString(); // 2026-11-21T09:27:35.173Z
  const micro = String(Math.min(999, Math.floor(subMs * 1000))).padStart(3, '0');
  return `${iso.slice(0, 23)}${micro}Z`;
}

export class Logger {
  /** Every line written, for tests and lab checks (bounded). */
  readonly recent: string[] = [];
  constructor(
    private readonly sink: LogSink,
    private readonly clock: Clock,
    private level: LogLevel = 'info',
    private readonly base: LogFields = {},
  ) {}

  private anchor: { wall: number; mono: number } | undefined;

  /**
   * Wall time with sub-millisecond precision: the wall clock anchored to monotonic time, so
   * lines stay in order; re-anchored when the wall clock jumps (etcd logs wall time).
   */
  private timestamp(): string {
    const wall = this.clock.now();
    const mono = this.clock.monotonic();
    if (!this.anchor || Math.abs(this.anchor.wall + (mono - this.anchor.mono) - wall) > 5) this.anchor = { wall, mono };
    const t = this.anchor.wall + (mono - this.anchor.mono);
    return formatZapTime(Math.floor(t), t - Math.floor(t));
  }

  setLevel(level: LogLevel): void {
    this.level = level;
  }

  /** A logger that adds fields to every line (zap's With). */
  with(fields: LogFields): Logger {
    const l = new Logger(this.sink, this.clock, this.level, { ...this.base, ...fields });
    l.anchor = this.anchor;
    return l;
  }

  enabled(level: LogLevel): boolean {
    return RANK[level] >= RANK[this.level];
  }

  /** name: zap's logger name ("raft" for raft's lines), printed before the caller. */
  log(level: LogLevel, caller: string, msg: string, fields: LogFields = {}, name?: string): void {
    if (!this.enabled(level)) return;
    const rec: LogFields = name ? { level, ts: this.timestamp(), logger: name, caller, msg, ...this.base } : { level, ts: this.timestamp(), caller, msg, ...this.base };
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) continue;
      rec[k] = v instanceof Error ? v.message : typeof v === 'bigint' ? v.toString() : v;
    }
    const line = JSON.stringify(rec);
    this.recent.push(line);
    if (this.recent.length > 500) this.recent.shift();
    try {
      this.sink.write(line + '\n');
    } catch {
      // a closed stderr must not take the server down
    }
  }

  debug(caller: string, msg: string, fields?: LogFields): void {
    this.log('debug', caller, msg, fields);
  }
  info(caller: string, msg: string, fields?: LogFields, name?: string): void {
    this.log('info', caller, msg, fields, name);
  }
  warn(caller: string, msg: string, fields?: LogFields): void {
    this.log('warn', caller, msg, fields);
  }
  error(caller: string, msg: string, fields?: LogFields): void {
    this.log('error', caller, msg, fields);
  }
  /** Logs at fatal level; the caller must then stop with exit code 1 (zap's Fatal exits). */
  fatal(caller: string, msg: string, fields?: LogFields): void {
    this.log('fatal', caller, msg, fields);
  }
}

/** A sink that drops everything (tests and simulations that do not read logs). */
export const nullSink: LogSink = { write() {} };
