// elect <election-name> [proposal]: campaigns with clientv3's Election recipe (a session
// lease of 60 s), prints the leader key and proposal once elected, and leads until Ctrl-C
// (then resigns). elect -l <election-name> observes: prints each leader's key and value,
// and each value it proclaims, until Ctrl-C.
import { ExitError, type CommandSpec } from '../cli/command.ts';
import { Election, Session } from '../client/concurrency.ts';
import { decodeRange } from '../client/types.ts';
import { EXIT, rpcExit, type Ctl } from '../ctl.ts';
import { b64 } from './kv-ops.ts';
import { interrupted } from './lock-command.ts';

/** concurrency's defaultSessionTTL: etcdctl elect does not set one. */
const SESSION_TTL = 60;

export function electCommand(ctl: Ctl): CommandSpec {
  return {
    use: 'elect <election-name> [proposal]',
    short: 'Observes and participates in leader election',
    flags: [{ name: 'listen', short: 'l', kind: 'bool', def: 'false', usage: 'observation mode' }],
    run: async (run) => {
      const { args, flags } = run;
      if (args.length !== 1 && args.length !== 2) throw new ExitError(EXIT.badArgs, 'elect takes one election name argument and an optional proposal argument');
      await ctl.config(run);
      const ctx = ctl.client(flags);
      const bg = ctx.withSignal(undefined);
      const listen = flags.bool('listen');
      if (args.length === 1 && !listen) throw new ExitError(EXIT.badArgs, 'no proposal argument but -l not set');
      if (args.length === 2 && listen) throw new ExitError(EXIT.badArgs, 'proposal given but -l is set');
      const session = await Session.create(ctx, bg, ctl.o.clock, SESSION_TTL).catch(rpcExit);
      ctl.handlesSignals = true;
      const printer = ctl.printer(flags);
      const e = new Election(session, args[0]!);
      try {
        if (listen) {
          await e.observe(ctx, async (r) => void (await ctl.out(printer.get(r)))).catch(() => undefined);
          if (!ctl.o.signal.aborted) throw new ExitError(EXIT.error, 'elect: observer lost');
          return;
        }
        await e.campaign(ctx, bg, args[1]!).catch(rpcExit);
        const r = decodeRange(await ctx.call('/etcdserverpb.KV/Range', '/v3/kv/range', { key: b64(e.key) }, undefined).catch(rpcExit));
        await ctl.out(printer.get(r));
        const why = await Promise.race([interrupted(ctl.o.signal), session.done.then(() => 'expired' as const)]);
        if (why === 'expired') throw new ExitError(EXIT.error, 'elect: session expired');
        await e.resign(bg).catch(rpcExit);
      } finally {
        session.close();
      }
    },
  };
}
