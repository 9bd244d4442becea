// timeout: run a command with a time limit (GNU coreutils): -s SIG, -k DURATION,
// --preserve-status; 124 when the limit hit, 125 for its own errors, 126/127 as exec.
import { DEFAULT_PATH } from '../host.ts';
import type { Command, SignalName } from '../types.ts';
import { HELP_VERSION, helpOrVersion, lq, parseOrFail, usageError } from './common.ts';
import { hostSignal, signalNumber } from './signals.ts';
import { parseInterval } from './sleep.ts';

const HELP = `Usage: timeout [OPTION] DURATION COMMAND [ARG]...
  or:  timeout [OPTION]
Start COMMAND, and kill it if still running after DURATION.

Mandatory arguments to long options are mandatory for short options too.
      --preserve-status
                 exit with the same status as COMMAND, even when the
                   command times out
      --foreground
                 when not running timeout directly from a shell prompt,
                   allow COMMAND to read from the TTY and get TTY signals;
                   in this mode, children of COMMAND will not be timed out
  -k, --kill-after=DURATION
                 also send a KILL signal if COMMAND is still running
                   this long after the initial signal was sent
  -s, --signal=SIGNAL
                 specify the signal to be sent on timeout;
                   SIGNAL may be a name like 'HUP' or a number;
                   see 'kill -l' for a list of signals
  -v, --verbose  diagnose to stderr any signal sent upon timeout
      --help        display this help and exit
      --version     output version information and exit

DURATION is a floating point number with an optional suffix:
's' for seconds (the default), 'm' for minutes, 'h' for hours or 'd' for days.
A duration of 0 disables the associated timeout.

Upon timeout, send the TERM signal to COMMAND, if no other SIGNAL specified.
If the command times out, and --preserve-status is not set, then exit with
status 124.  Otherwise, exit with the status of COMMAND.
`;

export const timeout: Command = {
  name: 'timeout',
  summary: 'run a command with a time limit',
  async run(ctx) {
    const args = await parseOrFail(ctx, 'timeout', { ...HELP_VERSION, 'preserve-status': {}, foreground: {}, 'kill-after': { short: 'k', arg: true }, signal: { short: 's', arg: true }, verbose: { short: 'v' } }, { posixly: true, status: 125 });
    if (typeof args === 'number') return args;
    if (await helpOrVersion(ctx, args, HELP)) return 0;
    const [dur, ...argv] = args.operands;
    if (dur === undefined || !argv.length) return usageError(ctx, 'timeout', dur === undefined ? 'timeout: missing operand' : `timeout: missing operand after ${lq(dur)}`, 125);
    const secs = parseInterval(dur);
    if (secs === undefined) return usageError(ctx, 'timeout', `timeout: invalid time interval ${lq(dur)}`, 125);
    const killAfterRaw = args.value('kill-after');
    const killAfter = killAfterRaw === undefined ? 0 : parseInterval(killAfterRaw);
    if (killAfter === undefined) return usageError(ctx, 'timeout', `timeout: invalid time interval ${lq(killAfterRaw!)}`, 125);
    const sigSpec = args.value('signal') ?? 'TERM';
    const sigNum = signalNumber(sigSpec);
    if (sigNum === undefined || sigNum === 0) {
      await ctx.stderr.write(`timeout: ${lq(sigSpec)}: invalid signal\nTry 'timeout --help' for more information.\n`);
      return 125;
    }
    const r = ctx.host.resolveProgram(argv[0]!, { path: ctx.env.PATH ?? DEFAULT_PATH, cwd: ctx.cwd, cred: ctx.proc.cred });
    if (!r.ok) {
      await ctx.stderr.write(`timeout: failed to run command ${lq(argv[0]!)}: ${r.error === 'ENOENT' ? 'No such file or directory' : 'Permission denied'}\n`);
      return r.error === 'ENOENT' ? 127 : 126;
    }
    const sig: SignalName = hostSignal(sigNum) ?? 'SIGTERM';
    const ac = new AbortController();
    let timedOut = false;
    let killed = false;
    const cancels: (() => void)[] = [];
    const forward = () => ac.abort(ctx.signal.reason);
    ctx.signal.addEventListener('abort', forward, { once: true });
    if (secs > 0 && Number.isFinite(secs)) {
      cancels.push(
        ctx.clock.after(secs * 1000, () => {
          timedOut = true;
          if (args.has('verbose')) void ctx.stderr.write(`timeout: sending signal ${sigSpec.toUpperCase().replace(/^SIG/, '')} to command ${lq(argv[0]!)}\n`);
          ac.abort(sig);
          if (killAfter > 0) {
            cancels.push(
              ctx.clock.after(killAfter * 1000, () => {
                // The child ignored the first signal: SIGKILL it, as timeout -k does.
                killed = true;
                for (const p of ctx.host.processes()) if (p.ppid === ctx.proc.pid) ctx.host.kill(p.pid, 'SIGKILL', ctx.proc.cred);
              }),
            );
          }
        }),
      );
    }
    try {
      const status = await ctx.spawn.exec(argv, { signal: ac.signal });
      // With KILL (from -s KILL, or -k after a first signal) timeout's own process group is killed too: 137.
      if (timedOut && (sig === 'SIGKILL' || killed)) return 137;
      if (timedOut && !args.has('preserve-status')) return 124;
      return status;
    } finally {
      for (const c of cancels) c();
      ctx.signal.removeEventListener('abort', forward);
    }
  },
};
