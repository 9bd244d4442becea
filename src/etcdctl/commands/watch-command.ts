// watch: streams events until Ctrl-C or until the server cancels the watch.
import { ExitError, type CommandSpec } from '../cli/command.ts';
import { FlagSet, FlagError, parseArgs, type FlagSpec } from '../cli/flags.ts';
import type { GatewayClient } from '../client/gateway-client.ts';
import { RpcError } from '../client/rpc-error.ts';
import { decodeWatch } from '../client/types.ts';
import { EXIT, type Ctl } from '../ctl.ts';
import { readLines } from '../../platform/streams.ts';
import { goQuoteBytes, goQuoteString } from '../format/go-fmt.ts';
import { argify } from './txn-parse.ts';
import { sleep } from '../../platform/clock.ts';
import { b64, prefixRangeEnd } from './kv-ops.ts';

export const WATCH_FLAGS: FlagSpec[] = [
  { name: 'interactive', short: 'i', kind: 'bool', def: 'false', usage: 'Interactive mode' },
  { name: 'prefix', kind: 'bool', def: 'false', usage: 'Watch on a prefix if prefix is set' },
  { name: 'rev', kind: 'int64', def: '0', usage: 'Revision to start watching' },
  { name: 'prev-kv', kind: 'bool', def: 'false', usage: 'get the previous key-value pair before the event happens' },
  { name: 'progress-notify', kind: 'bool', def: 'false', usage: 'get periodic watch progress notification from server' },
];

interface WatchSpec {
  args: string[];
  exec: string[];
  prefix: boolean;
  rev: bigint;
  prevKv: boolean;
  progressNotify: boolean;
}

const enc = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

function createRequest(w: WatchSpec): Record<string, unknown> {
  if (w.args.length < 1) throw new ExitError(EXIT.badArgs, 'bad number of arguments');
  const key = enc(w.args[0]!);
  const req: Record<string, unknown> = { key: b64(key) };
  if (w.args.length === 2) {
    if (w.prefix) throw new ExitError(EXIT.badArgs, '`range_end` and `--prefix` are mutually exclusive');
    req.range_end = b64(enc(w.args[1]!));
  }
  if (w.prefix) req.range_end = b64(key.length === 0 ? Uint8Array.of(0) : prefixRangeEnd(key));
  if (w.rev !== 0n) req.start_revision = w.rev.toString();
  if (w.prevKv) req.prev_kv = true;
  if (w.progressNotify) req.progress_notify = true;
  return { create_request: req };
}

/**
 * Streams one watch to the printer; resolves when the server cancels it (or Ctrl-C).
 * A lost connection is retried from the next revision, as clientv3 resumes a watch.
 */
async function printWatch(ctl: Ctl, c: GatewayClient, flags: FlagSet, w: WatchSpec): Promise<'canceled' | 'closed'> {
  const printer = ctl.printer(flags);
  let canceled = false;
  let nextRev = w.rev;
  for (;;) {
    try {
      await c.stream(
        '/v3/watch',
        createRequest({ ...w, rev: nextRev }),
        async (msg) => {
          const r = decodeWatch(msg);
          if (r.header.revision > 0n && !r.canceled) nextRev = r.header.revision + 1n;
          if (r.created && r.events.length === 0 && !r.canceled) return true;
          if (r.canceled) {
            const reason = r.compactRevision > 0n ? 'etcdserver: mvcc: required revision has been compacted' : r.cancelReason || 'etcdserver: no leader';
            await ctl.err(`watch was canceled (${reason})\n`);
            canceled = true;
          } else if (r.events.length === 0) await ctl.out(`progress notify: ${r.header.revision}\n`);
          await ctl.out(printer.watch(r));
          if (w.exec.length > 0 && ctl.o.exec) await runExec(ctl, w.exec, r);
          return !canceled;
        },
        {},
      );
    } catch (e) {
      if (!(e instanceof RpcError)) throw e;
      if (e.code !== 'Unavailable') {
        await ctl.err(`watch was canceled (${e.text})\n`);
        return 'canceled';
      }
    }
    if (canceled) return 'canceled';
    if (ctl.o.signal.aborted) return 'closed';
    try {
      await sleep(ctl.o.clock, 1000, ctl.o.signal);
    } catch {
      return 'closed';
    }
  }
}

async function runExec(ctl: Ctl, argv: string[], r: ReturnType<typeof decodeWatch>): Promise<void> {
  for (const ev of r.events) {
    const env = {
      ...ctl.o.env,
      ETCD_WATCH_REVISION: r.header.revision.toString(),
      ETCD_WATCH_EVENT_TYPE: `"${ev.type}"`,
      // etcdctl sets these with Go's %q of the raw bytes: bytes that are not UTF-8 show as \xNN.
      ETCD_WATCH_KEY: goQuoteBytes(ev.kv.key),
      ETCD_WATCH_VALUE: goQuoteBytes(ev.kv.value),
    };
    const status = await ctl.o.exec!(argv, env);
    if (status !== 0) {
      await ctl.err(`command [${argv.map(goQuoteString).join(' ')}] error (exit status ${status})\n`);
      throw new ExitError(EXIT.error);
    }
  }
}

export function watchCommand(ctl: Ctl): CommandSpec {
  return {
    use: 'watch [options] [key or prefix] [range_end] [--] [exec-command arg1 arg2 ...]',
    short: 'Watches events stream on keys or prefixes',
    flags: WATCH_FLAGS,
    run: async (run) => {
      const { flags, args } = run;
      const envKey = ctl.o.env.ETCDCTL_WATCH_KEY ?? '';
      const envRange = ctl.o.env.ETCDCTL_WATCH_RANGE_END ?? '';
      if (envKey === '' && envRange !== '') throw new ExitError(EXIT.badArgs, `ETCDCTL_WATCH_KEY is empty but got ETCDCTL_WATCH_RANGE_END=${goQuoteString(envRange)}`);
      const envArgs = envKey ? [envKey, ...(envRange ? [envRange] : [])] : [];
      if (flags.bool('interactive')) {
        await ctl.config(run);
        const c = ctl.client(flags);
        const running: Promise<unknown>[] = [];
        for await (const l of readLines(ctl.o.stdin)) {
          const words = argify(l);
          if (words.length < 1) {
            await ctl.err(`Invalid command: ${l} (watch and progress supported)\n`);
            continue;
          }
          if (words[0] === 'progress') continue;
          if (words[0] !== 'watch') {
            await ctl.err(`Invalid command ${l} (only support watch)\n`);
            continue;
          }
          if (words.length < 2 && envKey === '') {
            await ctl.err(`Invalid command ${l} (command type or key is not provided)\n`);
            continue;
          }
          const lineArgs = words.slice(1);
          const sep = lineArgs.indexOf('--');
          if (sep >= 0 && sep === lineArgs.length - 1) throw new ExitError(EXIT.badArgs, 'bad number of arguments (found separator --, but no commands)');
          const fs = new FlagSet();
          for (const f of WATCH_FLAGS) fs.add(f);
          let parsed;
          try {
            parsed = parseArgs(fs, lineArgs);
          } catch (e) {
            if (e instanceof FlagError) throw new ExitError(EXIT.badArgs, e.message);
            throw e;
          }
          const wargs = parsed.argsLenAtDash >= 0 ? parsed.args.slice(0, parsed.argsLenAtDash) : parsed.args;
          const exec = parsed.argsLenAtDash >= 0 ? parsed.args.slice(parsed.argsLenAtDash) : [];
          if (exec.length === 0 && envKey === '' && wargs.length < 1) throw new ExitError(EXIT.badArgs, 'bad number of arguments');
          if (exec.length === 0 && wargs.length > 0 && envKey !== '') throw new ExitError(EXIT.badArgs, 'bad number of arguments (found conflicting environment key)');
          const spec: WatchSpec = { args: [...envArgs, ...wargs], exec, prefix: fs.bool('prefix'), rev: fs.int('rev'), prevKv: fs.bool('prev-kv'), progressNotify: fs.bool('progress-notify') };
          running.push(printWatch(ctl, c, flags, spec).catch(() => undefined));
        }
        throw new ExitError(EXIT.invalidInput, 'error reading watch request line: EOF');
      }
      const dash = run.argsLenAtDash;
      const wargs = dash >= 0 ? args.slice(0, dash) : args;
      const exec = dash >= 0 ? args.slice(dash) : [];
      if (dash >= 0 && exec.length === 0) throw new ExitError(EXIT.badArgs, 'bad number of arguments (found separator --, but no commands)');
      if (dash < 0 && args.length < 1 && envKey === '') throw new ExitError(EXIT.badArgs, 'bad number of arguments');
      if (envKey !== '' && wargs.length > 0) throw new ExitError(EXIT.badArgs, 'bad number of arguments (found conflicting environment key)');
      await ctl.config(run);
      const c = ctl.client(flags);
      const spec: WatchSpec = {
        args: [...envArgs, ...wargs],
        exec,
        prefix: flags.bool('prefix'),
        rev: flags.int('rev'),
        prevKv: flags.bool('prev-kv'),
        progressNotify: flags.bool('progress-notify'),
      };
      await printWatch(ctl, c, flags, spec);
      if (ctl.o.signal.aborted) return;
      throw new ExitError(EXIT.interrupted, 'watch is canceled by the server');
    },
  };
}
