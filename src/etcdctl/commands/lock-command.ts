// lock <lockname> [exec-command arg1 arg2 ...]: takes the named lock with clientv3's Mutex
// recipe over a session lease (--ttl seconds). Without a command it prints the lock's key
// and holds the lock until Ctrl-C (then deletes the key; the lease is left to expire, as
// etcdctl leaves it); with one, it runs the command with ETCD_LOCK_KEY and ETCD_LOCK_REV
// in its environment and releases the lock when it exits, ending with its exit status.
import { ExitError, type CommandSpec } from '../cli/command.ts';
import { Mutex, Session } from '../client/concurrency.ts';
import type { GatewayClient } from '../client/gateway-client.ts';
import { decodeRange } from '../client/types.ts';
import { EXIT, rpcExit, type Ctl } from '../ctl.ts';
import { b64 } from './kv-ops.ts';

/** concurrency's defaultSessionTTL, kept when --ttl is not positive. */
const DEFAULT_SESSION_TTL = 60;

/** Resolves when the program is told to stop (SIGINT or SIGTERM: what etcdctl's signal.Notify catches). */
export function interrupted(signal: AbortSignal): Promise<'signal'> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve('signal');
    else signal.addEventListener('abort', () => resolve('signal'), { once: true });
  });
}

/** concurrency.WithTTL: a TTL that is not positive is warned about and the default kept. */
export async function sessionTtl(ctl: Ctl, ttl: bigint): Promise<number> {
  if (ttl > 0n) return Number(ttl);
  await ctl.err(
    JSON.stringify({
      level: 'warn',
      ts: ctl.zapTs(),
      caller: 'concurrency/session.go:133',
      msg: 'WithTTL(): TTL should be > 0, preserving current TTL',
      'current-session-ttl': DEFAULT_SESSION_TTL,
    }) + '\n',
  );
  return DEFAULT_SESSION_TTL;
}

/** Go's exec.LookPath for a bare name: the first executable file of that name in $PATH. */
function lookPath(ctl: Ctl, name: string): boolean {
  if (name.includes('/')) return true;
  for (const dir of (ctl.o.env.PATH ?? '').split(':')) {
    const p = ctl.path(`${dir || '.'}/${name}`);
    try {
      const st = ctl.o.fs.stat(p);
      if (st.type !== 'dir' && (st.mode & 0o111) !== 0) return true;
    } catch {
      /* not there: try the next directory */
    }
  }
  return false;
}

/** Runs the exec-command; resolves to Go's cmd.Run() outcome: undefined (status 0) or the error and exit code. */
async function runCommand(ctl: Ctl, argv: string[], env: Record<string, string>): Promise<{ text: string; code: number } | undefined> {
  const name = argv[0]!;
  if (!ctl.o.exec) return { text: `exec: ${JSON.stringify(name)}: running programs is not available here`, code: EXIT.error };
  if (!lookPath(ctl, name)) return { text: `exec: ${JSON.stringify(name)}: executable file not found in $PATH`, code: EXIT.error };
  const status = await ctl.o.exec(argv, env);
  if (status === 0) return undefined;
  if (name.includes('/') && (status === 126 || status === 127)) return { text: `fork/exec ${name}: ${status === 127 ? 'no such file or directory' : 'permission denied'}`, code: EXIT.error };
  // A child ended by the signal that interrupted us: Go reports "signal: …" and exits with -1 (255).
  const reason = ctl.o.signal.reason;
  if (ctl.o.signal.aborted && ((reason === 'SIGINT' && status === 130) || (reason === 'SIGTERM' && status === 143))) {
    return { text: `signal: ${reason === 'SIGINT' ? 'interrupt' : 'terminated'}`, code: 255 };
  }
  return { text: `exit status ${status}`, code: status };
}

async function getKey(c: GatewayClient, key: string) {
  return decodeRange(await c.call('/etcdserverpb.KV/Range', '/v3/kv/range', { key: b64(key) }, undefined));
}

export function lockCommand(ctl: Ctl): CommandSpec {
  return {
    use: 'lock <lockname> [exec-command arg1 arg2 ...]',
    short: 'Acquires a named lock',
    flags: [{ name: 'ttl', kind: 'int', def: '10', usage: 'timeout for session' }],
    run: async (run) => {
      const { args, flags } = run;
      if (args.length === 0) throw new ExitError(EXIT.badArgs, 'lock takes a lock name argument and an optional command to execute');
      await ctl.config(run);
      const ctx = ctl.client(flags);
      const bg = ctx.withSignal(undefined);
      const ttl = await sessionTtl(ctl, flags.int('ttl'));
      const session = await Session.create(ctx, bg, ctl.o.clock, ttl).catch(rpcExit);
      // From here etcdctl catches Ctrl-C to release the lock before it exits.
      ctl.handlesSignals = true;
      try {
        const m = new Mutex(session, args[0]!);
        await m.lock(ctx, bg).catch(rpcExit);
        if (args.length > 1) {
          const env = { ETCD_LOCK_KEY: m.key, ETCD_LOCK_REV: String(m.header?.revision ?? 0n), ...ctl.o.env };
          const failed = await runCommand(ctl, args.slice(1), env);
          const unlockError = await m.unlock(bg).then(
            () => undefined,
            (e: unknown) => e,
          );
          if (failed) throw new ExitError(failed.code, failed.text);
          if (unlockError) rpcExit(unlockError);
          return;
        }
        const held = await getKey(ctx, m.key).catch(rpcExit);
        if (held.kvs.length === 0) throw new ExitError(EXIT.error, 'lock lost on init');
        await ctl.out(ctl.printer(flags).get(held));
        const why = await Promise.race([interrupted(ctl.o.signal), session.done.then(() => 'expired' as const)]);
        if (why === 'signal') {
          await m.unlock(bg).catch(rpcExit);
          return;
        }
        throw new ExitError(EXIT.error, 'session expired');
      } finally {
        session.close();
      }
    },
  };
}
