// Job control builtins: jobs, fg, bg, kill, wait, disown.
import { SIGNAL_NUMBERS, type SignalName } from '../../types.ts';
import type { Job } from '../jobs.ts';
import { JobTable } from '../jobs.ts';
import { reportFinishedJobs } from '../signal-report.ts';
import { InterruptSignal } from '../state.ts';
import { out, type Builtin } from './types.ts';

export const jobs: Builtin = async (sh, argv, io) => {
  const withPid = argv.includes('-l');
  const pidsOnly = argv.includes('-p');
  const specs = argv.slice(1).filter((a) => !a.startsWith('-'));
  const table = sh.rt.jobs;
  let list = table.list();
  if (specs.length) {
    list = [];
    for (const s of specs) {
      const j = table.find(s);
      if (!j) {
        await sh.error(io, `jobs: ${s}: no such job`);
        return 1;
      }
      list.push(j);
    }
  }
  for (const j of list) {
    if (pidsOnly) await out(io, `${j.pids[j.pids.length - 1] ?? ''}\n`);
    else await out(io, table.format(j, withPid) + '\n');
    if (!j.running) j.reported = true;
  }
  if (!specs.length) table.takeNotices();
  return 0;
};

async function findJob(sh: Parameters<Builtin>[0], name: string, spec: string | undefined, io: Parameters<Builtin>[2]): Promise<Job | undefined> {
  const job = spec === undefined ? sh.rt.jobs.current() : sh.rt.jobs.find(spec);
  if (!job) await sh.error(io, spec === undefined ? `${name}: current: no such job` : `${name}: ${spec}: no such job`);
  return job;
}

export const fg: Builtin = async (sh, argv, io) => {
  if (!sh.rt.interactive) {
    await sh.error(io, `${argv[0]}: no job control`);
    return 1;
  }
  const job = await findJob(sh, 'fg', argv[1], io);
  if (!job) return 1;
  await out(io, job.text.replace(/\s*&$/, '') + '\n');
  for (const p of job.procs) sh.rt.foreground.add(p);
  try {
    const status = await sh.rt.waitExternal(job.done);
    sh.rt.jobs.remove(job);
    if (status === 130) throw new InterruptSignal(130);
    return status;
  } finally {
    for (const p of job.procs) sh.rt.foreground.delete(p);
  }
};

export const bg: Builtin = async (sh, argv, io) => {
  if (!sh.rt.interactive) {
    await sh.error(io, `${argv[0]}: no job control`);
    return 1;
  }
  const job = await findJob(sh, 'bg', argv[1], io);
  if (!job) return 1;
  if (job.running) {
    await sh.error(io, `bg: job ${job.id} already in background`);
    return 0;
  }
  await sh.error(io, `bg: job has terminated`);
  return 1;
};

const SIGNAL_LIST = Object.entries(SIGNAL_NUMBERS).sort((a, b) => a[1] - b[1]);

/** 'KILL', 'SIGKILL', '9' → SIGKILL. */
export function parseSignal(s: string): SignalName | undefined {
  if (/^\d+$/.test(s)) return SIGNAL_LIST.find(([, n]) => n === Number(s))?.[0] as SignalName | undefined;
  const name = (s.toUpperCase().startsWith('SIG') ? s.toUpperCase() : 'SIG' + s.toUpperCase()) as SignalName;
  return name in SIGNAL_NUMBERS ? name : undefined;
}

export const kill: Builtin = async (sh, argv, io) => {
  let args = argv.slice(1);
  let sig: SignalName = 'SIGTERM';
  if (args.length === 0) {
    await io.stderr.write('kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n');
    return 2;
  }
  if (args[0] === '-l' || args[0] === '-L') {
    if (args[1]) {
      const n = Number(args[1]);
      const name = Number.isInteger(n) ? SIGNAL_LIST.find(([, v]) => v === (n > 128 ? n - 128 : n))?.[0] : parseSignal(args[1]);
      if (!name) {
        await sh.error(io, `kill: ${args[1]}: invalid signal specification`);
        return 1;
      }
      await out(io, Number.isInteger(n) ? name.slice(3) + '\n' : SIGNAL_NUMBERS[name as SignalName] + '\n');
      return 0;
    }
    await out(io, SIGNAL_LIST.map(([n, v]) => `${String(v).padStart(2)}) ${n}`).join('\t') + '\n');
    return 0;
  }
  if (args[0] === '-0' || (args[0] === '-s' && args[1] === '0')) {
    args = args.slice(args[0] === '-0' ? 1 : 2).filter((a) => a !== '--');
    let status = 0;
    // Signal 0: only asks whether the process exists (and may be signalled).
    for (const t of args) {
      const pid = t.startsWith('%') ? sh.rt.jobs.find(t)?.pids.at(-1) : Number(t);
      const p = pid === undefined ? undefined : sh.rt.host.processes().find((x) => x.pid === pid);
      if (!p) {
        await sh.error(io, t.startsWith('%') && pid === undefined ? `kill: ${t}: no such job` : `kill: (${t}) - No such process`);
        status = 1;
      } else if (sh.state.cred.uid !== 0 && p.cred.uid !== sh.state.cred.uid) {
        await sh.error(io, `kill: (${t}) - Operation not permitted`);
        status = 1;
      }
    }
    return status;
  }
  if (args[0] === '-s' || args[0] === '-n') {
    const s = parseSignal(args[1] ?? '');
    if (!s) {
      await sh.error(io, `kill: ${args[1] ?? ''}: invalid signal specification`);
      return 1;
    }
    sig = s;
    args = args.slice(2);
  } else if (args[0]!.startsWith('-') && args[0] !== '--' && args[0]!.length > 1) {
    const s = parseSignal(args[0]!.slice(1));
    if (!s) {
      await sh.error(io, `kill: ${args[0]!.slice(1)}: invalid signal specification`);
      return 1;
    }
    sig = s;
    args = args.slice(1);
  }
  if (args[0] === '--') args = args.slice(1);
  let status = 0;
  for (const t of args) {
    if (t.startsWith('%')) {
      const job = sh.rt.jobs.find(t);
      if (!job) {
        await sh.error(io, `kill: ${t}: no such job`);
        status = 1;
        continue;
      }
      for (const p of job.procs) p.kill(sig);
      continue;
    }
    if (!/^-?\d+$/.test(t)) {
      await sh.error(io, `kill: ${t}: arguments must be process or job IDs`);
      status = 1;
      continue;
    }
    const pid = Number(t);
    const job = sh.rt.jobs.list().find((j) => j.procs.some((p) => p.info.pid === pid));
    const proc = job?.procs.find((p) => p.info.pid === pid);
    if (proc) {
      proc.kill(sig);
      continue;
    }
    const exists = sh.rt.host.processes().some((p) => p.pid === pid);
    if (!sh.rt.host.kill(pid, sig, sh.state.cred)) {
      await sh.error(io, `kill: (${pid}) - ${exists ? 'Operation not permitted' : 'No such process'}`);
      status = 1;
    }
  }
  return status;
};

export const wait: Builtin = async (sh, argv, io) => {
  const args = argv.slice(1).filter((a) => a !== '-n' && a !== '-f');
  const table = sh.rt.jobs;
  if (args.length === 0) {
    for (const j of table.list()) {
      await sh.rt.waitExternal(Promise.race([j.done, interruptPromise(sh)]));
      if (sh.rt.isInterrupted) throw new InterruptSignal(130);
    }
    if (!sh.rt.interactive) await reportFinishedJobs(sh, io);
    for (const j of table.list()) if (!j.running) j.reported = true;
    table.takeNotices();
    return 0;
  }
  let status = 0;
  for (const a of args) {
    let job: Job | undefined;
    if (a.startsWith('%')) job = table.find(a);
    else job = table.list().find((j) => j.pids.includes(Number(a)));
    if (!job) {
      await sh.error(io, a.startsWith('%') ? `wait: ${a}: no such job` : `wait: pid ${a} is not a child of this shell`);
      status = 127;
      continue;
    }
    status = await sh.rt.waitExternal(Promise.race([job.done, interruptPromise(sh)]));
    if (sh.rt.isInterrupted) throw new InterruptSignal(130);
    if (!sh.rt.interactive) await reportFinishedJobs(sh, io);
    job.reported = true;
    table.remove(job);
  }
  return status;
};

function interruptPromise(sh: Parameters<Builtin>[0]): Promise<number> {
  return sh.rt.whenInterrupted();
}

export const disown: Builtin = async (sh, argv, io) => {
  const specs = argv.slice(1).filter((a) => !a.startsWith('-'));
  const list = specs.length ? specs.map((s) => sh.rt.jobs.find(s)) : [sh.rt.jobs.current()];
  for (const [i, j] of list.entries()) {
    if (!j) {
      await sh.error(io, `disown: ${specs[i] ?? 'current'}: no such job`);
      return 1;
    }
    sh.rt.jobs.remove(j);
  }
  return 0;
};

export { JobTable };
