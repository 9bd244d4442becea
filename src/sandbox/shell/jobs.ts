// The job table: background jobs started with `&`, their state, and bash's notices
// ("[1]+  Done                    etcd > etcd.log 2>&1 &").
import type { RunningProcess } from '../types.ts';
import { SIGNAL_DESCRIPTIONS, deathSignal } from './death-signal.ts';

export interface Job {
  id: number;
  pids: number[];
  procs: RunningProcess[];
  /** Command text as bash shows it, with the trailing ' &'. */
  text: string;
  running: boolean;
  status: number;
  /** The signal that ended it, if any. */
  signal?: string;
  done: Promise<number>;
  /** The user was told it ended (or waited for it). */
  reported: boolean;
}

export class JobTable {
  private jobs: Job[] = [];
  /** Order in which jobs became current: last is '+', the one before '-'. */
  private order: number[] = [];

  add(procs: RunningProcess[], text: string, done: Promise<number>): Job {
    const id = (this.jobs.length ? Math.max(...this.jobs.map((j) => j.id)) : 0) + 1;
    const job: Job = { id, pids: procs.map((p) => p.info.pid), procs, text, running: true, status: 0, done, reported: false };
    this.jobs.push(job);
    this.order.push(id);
    done.then(
      (st) => {
        job.running = false;
        job.status = st;
      },
      () => {
        job.running = false;
        job.status = 1;
      },
    );
    return job;
  }

  list(): Job[] {
    return [...this.jobs];
  }

  /** Resolves a job spec: %1, %%, %+, %-, %name, %?text. Undefined when none matches. */
  find(spec: string): Job | undefined {
    const s = spec.startsWith('%') ? spec.slice(1) : spec;
    if (s === '' || s === '%' || s === '+') return this.current();
    if (s === '-') return this.previous();
    if (/^\d+$/.test(s)) return this.jobs.find((j) => j.id === Number(s));
    if (s.startsWith('?')) return this.jobs.find((j) => j.text.includes(s.slice(1)));
    return this.jobs.find((j) => j.text.startsWith(s));
  }

  current(): Job | undefined {
    const id = this.order[this.order.length - 1];
    return this.jobs.find((j) => j.id === id);
  }

  previous(): Job | undefined {
    const id = this.order[this.order.length - 2];
    return this.jobs.find((j) => j.id === id);
  }

  marker(job: Job): string {
    if (this.current() === job) return '+';
    if (this.previous() === job) return '-';
    return ' ';
  }

  remove(job: Job): void {
    this.jobs = this.jobs.filter((j) => j !== job);
    this.order = this.order.filter((id) => id !== job.id);
  }

  /** bash's state column: Running, Done, Exit 3, Terminated, Killed … */
  static stateText(job: Job): string {
    if (job.running) return 'Running';
    if (job.status === 0) return 'Done';
    const last = job.procs[job.procs.length - 1];
    const sig = last ? deathSignal(last, job.status) : undefined;
    if (sig !== undefined) return SIGNAL_DESCRIPTIONS[sig] ?? `Unknown signal ${sig}`;
    return `Exit ${job.status}`;
  }

  /** One line as `jobs` prints it. */
  format(job: Job, withPid = false): string {
    const st = JobTable.stateText(job);
    // bash prints the state padded to 24 columns; a Done job loses the trailing ' &'.
    const text = job.running ? job.text : job.text.replace(/\s*&$/, '');
    if (withPid) return `[${job.id}]${this.marker(job)} ${job.pids[job.pids.length - 1] ?? ''} ${st.padEnd(24)}${text}`;
    return `[${job.id}]${this.marker(job)}  ${st.padEnd(24)}${text}`;
  }

  /** Notices for finished jobs not yet reported, removing them (printed before a prompt). */
  takeNotices(): string[] {
    const out: string[] = [];
    for (const j of this.jobs) {
      if (!j.running && !j.reported) {
        out.push(this.format(j));
        j.reported = true;
      }
    }
    for (const j of this.jobs.filter((x) => x.reported && !x.running)) this.remove(j);
    return out;
  }

  /** Finished jobs are forgotten silently (non-interactive shells). */
  reap(): void {
    for (const j of this.jobs.filter((x) => !x.running)) this.remove(j);
  }
}
