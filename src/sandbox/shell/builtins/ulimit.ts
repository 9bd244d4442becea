// ulimit: the shell's resource limits, as a Debian 12 host reports them. The values are
// kept per shell and inherited by subshells. `-t` (RLIMIT_CPU) binds the programs the shell
// starts (run-program.ts applies it: soft → SIGXCPU, hard → SIGKILL), always under the
// host's own CPU limit; the other limits are reported and checked but not enforced.
import { ShellError } from '../state.ts';
import { out, type Builtin } from './types.ts';

export interface Limit {
  flag: string;
  label: string;
  unit: string;
  soft: number | 'unlimited';
  hard: number | 'unlimited';
}

export function defaultLimits(): Limit[] {
  const l = (flag: string, label: string, unit: string, soft: number | 'unlimited', hard: number | 'unlimited' = soft): Limit => ({ flag, label, unit, soft, hard });
  return [
    l('R', 'real-time non-blocking time', 'microseconds', 'unlimited'),
    l('c', 'core file size', 'blocks', 0, 'unlimited'),
    l('d', 'data seg size', 'kbytes', 'unlimited'),
    l('e', 'scheduling priority', '', 0),
    l('f', 'file size', 'blocks', 'unlimited'),
    l('i', 'pending signals', '', 15432),
    l('l', 'max locked memory', 'kbytes', 8192),
    l('m', 'max memory size', 'kbytes', 'unlimited'),
    l('n', 'open files', '', 1024, 1048576),
    l('p', 'pipe size', '512 bytes', 8),
    l('q', 'POSIX message queues', 'bytes', 819200),
    l('r', 'real-time priority', '', 0),
    l('s', 'stack size', 'kbytes', 8192, 'unlimited'),
    l('t', 'cpu time', 'seconds', 'unlimited'),
    l('u', 'max user processes', '', 15432),
    l('v', 'virtual memory', 'kbytes', 'unlimited'),
    l('x', 'file locks', '', 'unlimited'),
  ];
}

/** The limits a new shell starts with: Debian's, with `-t` as the process inherited it (RLIMIT_CPU crosses fork and exec). */
export function inheritedLimits(cpu: { soft: number; hard: number } | undefined): Limit[] {
  const limits = defaultLimits();
  const t = limits.find((x) => x.flag === 't')!;
  const secs = (ms: number) => (ms === Infinity ? 'unlimited' : Math.ceil(ms / 1000));
  if (cpu) {
    t.soft = secs(cpu.soft);
    t.hard = secs(cpu.hard);
  }
  return limits;
}

export const ulimit: Builtin = async (sh, argv, io) => {
  const st = sh.state;
  st.limits ??= inheritedLimits(sh.rt.processCpuRlimit?.());
  let hard = false;
  let soft = false;
  let all = false;
  let flag = 'f';
  let value: string | undefined;
  for (const a of argv.slice(1)) {
    if (/^-[A-Za-z]+$/.test(a)) {
      for (const ch of a.slice(1)) {
        if (ch === 'H') hard = true;
        else if (ch === 'S') soft = true;
        else if (ch === 'a') all = true;
        else if (st.limits.some((x) => x.flag === ch)) flag = ch;
        else {
          await sh.error(io, `ulimit: -${ch}: invalid option`);
          await io.stderr.write('ulimit: usage: ulimit [-SHabcdefiklmnpqrstuvxPRT] [limit]\n');
          return 2;
        }
      }
    } else value = a;
  }
  const show = (x: number | 'unlimited') => String(x);
  if (all) {
    for (const x of st.limits) {
      // bash: printf("%-20s %20s", description, "(unit, -f) ") then the value.
      const unit = x.unit ? `(${x.unit}, -${x.flag}) ` : `(-${x.flag}) `;
      await out(io, `${x.label.padEnd(20)} ${unit.padStart(20)}${show(hard ? x.hard : x.soft)}\n`);
    }
    return 0;
  }
  const lim = st.limits.find((x) => x.flag === flag)!;
  if (value === undefined) {
    await out(io, show(hard ? lim.hard : lim.soft) + '\n');
    return 0;
  }
  const v: number | 'unlimited' = value === 'unlimited' ? 'unlimited' : /^\d+$/.test(value) ? Number(value) : NaN;
  if (typeof v === 'number' && Number.isNaN(v)) throw new ShellError(`ulimit: ${value}: invalid number`);
  const above = (a: number | 'unlimited', b: number | 'unlimited') => b !== 'unlimited' && (a === 'unlimited' || a > b);
  const setHard = hard || !soft;
  const setSoft = soft || !hard;
  // Raising a hard limit takes root; a soft limit can never go above the hard one.
  if (setHard && st.cred.uid !== 0 && above(v, lim.hard)) throw new ShellError(`ulimit: ${lim.label}: cannot modify limit: Operation not permitted`);
  if (!setHard && above(v, lim.hard)) throw new ShellError(`ulimit: ${lim.label}: cannot modify limit: Invalid argument`);
  // setrlimit(2) refuses a hard limit below the soft one it would keep (EINVAL).
  if (!setSoft && above(lim.soft, v)) throw new ShellError(`ulimit: ${lim.label}: cannot modify limit: Invalid argument`);
  if (setHard) lim.hard = v;
  if (setSoft) lim.soft = v;
  return 0;
};
