// shopt (shell options beyond set -o) and trap (EXIT traps run when the shell ends;
// other signals are remembered and listed, since programs here get signals directly).
import { out, type Builtin } from './types.ts';

const KNOWN_SHOPTS = ['autocd', 'cdspell', 'checkhash', 'checkjobs', 'checkwinsize', 'cmdhist', 'dotglob', 'expand_aliases', 'extglob', 'extquote', 'failglob', 'globstar', 'histappend', 'histverify', 'hostcomplete', 'huponexit', 'interactive_comments', 'lastpipe', 'lithist', 'login_shell', 'nocaseglob', 'nocasematch', 'nullglob', 'progcomp', 'promptvars', 'sourcepath', 'xpg_echo'];

export const shopt: Builtin = async (sh, argv, io) => {
  const st = sh.state;
  let mode: 's' | 'u' | 'show' = 'show';
  let quiet = false;
  let setOpts = false;
  const names: string[] = [];
  for (const a of argv.slice(1)) {
    if (/^-[suqpo]+$/.test(a)) {
      if (a.includes('s')) mode = 's';
      if (a.includes('u')) mode = 'u';
      if (a.includes('q')) quiet = true;
      if (a.includes('o')) setOpts = true;
      continue;
    }
    names.push(a);
  }
  if (setOpts) {
    // shopt -o: the set -o options. posix and others not modelled are off.
    const map: Record<string, keyof typeof st.options> = { errexit: 'errexit', nounset: 'nounset', xtrace: 'xtrace', pipefail: 'pipefail', noglob: 'noglob', noclobber: 'noclobber' };
    let status = 0;
    for (const n of names) {
      const key = map[n];
      if (mode !== 'show') {
        if (key) st.options[key] = mode === 's';
        continue;
      }
      const on = key ? st.options[key] : false;
      if (!on) status = 1;
      if (!quiet) await out(io, `${n.padEnd(15)}\t${on ? 'on' : 'off'}\n`);
    }
    return status;
  }
  const isOn = (n: string) => (n === 'login_shell' ? st.login : st.shopts.has(n));
  if (names.length === 0) {
    for (const n of KNOWN_SHOPTS) if (mode === 'show' || (mode === 's') === isOn(n)) await out(io, `${n.padEnd(15)}\t${isOn(n) ? 'on' : 'off'}\n`);
    return 0;
  }
  let status = 0;
  for (const n of names) {
    if (!KNOWN_SHOPTS.includes(n)) {
      await sh.error(io, `shopt: ${n}: invalid shell option name`);
      status = 1;
      continue;
    }
    if (mode === 's') st.shopts.add(n);
    else if (mode === 'u') st.shopts.delete(n);
    else {
      if (!isOn(n)) status = 1;
      if (!quiet) await out(io, `${n.padEnd(15)}\t${isOn(n) ? 'on' : 'off'}\n`);
    }
  }
  return status;
};

const SIGNAL_NAMES = ['EXIT', 'HUP', 'INT', 'QUIT', 'KILL', 'USR1', 'USR2', 'PIPE', 'ALRM', 'TERM', 'CHLD', 'CONT', 'STOP', 'TSTP', 'ERR', 'DEBUG', 'RETURN'];

function normalizeSignal(s: string): string | undefined {
  if (s === '0') return 'EXIT';
  const nums: Record<string, string> = { '1': 'HUP', '2': 'INT', '3': 'QUIT', '9': 'KILL', '10': 'USR1', '12': 'USR2', '13': 'PIPE', '14': 'ALRM', '15': 'TERM' };
  if (nums[s]) return nums[s];
  const n = s.toUpperCase().replace(/^SIG/, '');
  return SIGNAL_NAMES.includes(n) ? n : undefined;
}

export const trap: Builtin = async (sh, argv, io) => {
  const st = sh.state;
  const args = argv.slice(1).filter((a) => a !== '--');
  if (args.length === 0 || args[0] === '-p') {
    for (const [sig, action] of st.traps) await out(io, `trap -- '${action.replace(/'/g, `'\\''`)}' ${sig === 'EXIT' ? 'EXIT' : 'SIG' + sig}\n`);
    return 0;
  }
  if (args[0] === '-l') {
    await out(io, ' 1) SIGHUP\t 2) SIGINT\t 3) SIGQUIT\t 9) SIGKILL\t10) SIGUSR1\n12) SIGUSR2\t13) SIGPIPE\t14) SIGALRM\t15) SIGTERM\n');
    return 0;
  }
  let action: string | undefined = args[0]!;
  let sigs = args.slice(1);
  if (sigs.length === 0 || /^\d+$/.test(action)) {
    // `trap SIG` / `trap - SIG` reset; a lone number is a signal too.
    sigs = args;
    action = undefined;
  } else if (action === '-') action = undefined;
  let status = 0;
  for (const s of sigs) {
    const sig = normalizeSignal(s);
    if (!sig) {
      await sh.error(io, `trap: ${s}: invalid signal specification`);
      status = 1;
      continue;
    }
    if (action === undefined) st.traps.delete(sig);
    else st.traps.set(sig, action);
  }
  return status;
};
