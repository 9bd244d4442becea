// The journal of one host: what services printed and what systemd said about them,
// in journald's "short" format: "Nov 21 09:22:32 node-1 etcd[1234]: message".
import type { Host } from '../types.ts';
import type { OutputStream } from '../io.ts';

export interface JournalEntry {
  /** Wall-clock ms. */
  time: number;
  /** SYSLOG_IDENTIFIER: "etcd", "systemd". */
  ident: string;
  pid: number;
  /** The unit the entry belongs to (its process, or systemd speaking about it). */
  unit: string | undefined;
  message: string;
  /** The systemd job this message belongs to (journalctl -x shows its id). */
  job?: number;
  /** _UID of the sender (0 for systemd). */
  uid?: number;
}

/** Groups whose members read the whole system journal on Debian (adm, systemd-journal). */
const JOURNAL_READERS = ['adm', 'systemd-journal'];

/** May cred read all entries? root and members of adm / systemd-journal may; others see only their own. */
export function readsSystemJournal(host: Host, cred: { uid: number; groups: number[] }): boolean {
  if (cred.uid === 0) return true;
  return JOURNAL_READERS.some((name) => {
    const g = host.users.groupByName(name);
    return g !== undefined && cred.groups.includes(g.gid);
  });
}

/** The entries cred may read. */
export function visibleTo(host: Host, cred: { uid: number; groups: number[] }, entries: JournalEntry[]): JournalEntry[] {
  return readsSystemJournal(host, cred) ? entries : entries.filter((e) => e.uid === cred.uid);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');

/** A bounded ring of entries with followers (journalctl -f). */
export class Journal {
  private entries: JournalEntry[] = [];
  private followers = new Set<(e: JournalEntry) => void>();
  constructor(
    readonly host: Host,
    private readonly limit = 5000,
  ) {}

  append(e: Omit<JournalEntry, 'time'> & { time?: number }): void {
    const entry: JournalEntry = { ...e, time: e.time ?? this.host.clock.now() };
    this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    for (const f of this.followers) f(entry);
  }

  query(filter: { unit?: string[] } = {}): JournalEntry[] {
    if (!filter.unit?.length) return [...this.entries];
    return this.entries.filter((e) => e.unit !== undefined && filter.unit!.includes(e.unit));
  }

  follow(fn: (e: JournalEntry) => void): () => void {
    this.followers.add(fn);
    return () => this.followers.delete(fn);
  }

  format(e: JournalEntry): string {
    const d = new Date(e.time);
    return `${MONTHS[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${this.host.hostname} ${e.ident}[${e.pid}]: ${e.message}`;
  }

  /** An output stream that turns a process's lines into entries. */
  streamFor(ident: () => { ident: string; pid: number; uid?: number }, unit: string): OutputStream & { flush(): void } {
    let buf = '';
    const dec = new TextDecoder();
    const emit = (line: string) => {
      const who = ident();
      this.append({ ident: who.ident, pid: who.pid, unit, message: line, ...(who.uid !== undefined ? { uid: who.uid } : {}) });
    };
    return {
      isTTY: false,
      write: (chunk) => {
        buf += typeof chunk === 'string' ? chunk : dec.decode(chunk, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          emit(buf.slice(0, i));
          buf = buf.slice(i + 1);
        }
        // journald splits very long lines (LineMax=48K).
        while (buf.length > 48 * 1024) {
          emit(buf.slice(0, 48 * 1024));
          buf = buf.slice(48 * 1024);
        }
      },
      flush: () => {
        if (buf) emit(buf);
        buf = '';
      },
    };
  }
}

const journals = new WeakMap<Host, Journal>();

export function journalFor(host: Host): Journal {
  let j = journals.get(host);
  if (!j) journals.set(host, (j = new Journal(host)));
  return j;
}
