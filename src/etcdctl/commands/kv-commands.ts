// put, get, del, txn, compaction.
import { ExitError, type CommandSpec } from '../cli/command.ts';
import type { FlagSpec } from '../cli/flags.ts';
import { decodeDelete, decodePut, decodeRange, decodeTxn } from '../client/types.ts';
import { EXIT, rpcExit, type Ctl } from '../ctl.ts';
import { readAllText, readLines } from '../../platform/streams.ts';
import { sleep } from '../../platform/clock.ts';
import { delOp, getOp, putOp } from './kv-ops.ts';
import { parseCompare, parseRequest, TxnSyntaxError, type CompareBody, type RequestOp } from './txn-parse.ts';

export const PUT_FLAGS: FlagSpec[] = [
  { name: 'lease', kind: 'string', def: '0', usage: 'lease ID (in hexadecimal) to attach to the key' },
  { name: 'prev-kv', kind: 'bool', def: 'false', usage: 'return the previous key-value pair before modification' },
  { name: 'ignore-value', kind: 'bool', def: 'false', usage: 'updates the key using its current value' },
  { name: 'ignore-lease', kind: 'bool', def: 'false', usage: 'updates the key using its current lease' },
];

export const GET_FLAGS: FlagSpec[] = [
  { name: 'consistency', kind: 'string', def: 'l', usage: 'Linearizable(l) or Serializable(s)' },
  { name: 'order', kind: 'string', def: '', usage: 'Order of results; ASCEND or DESCEND (ASCEND by default)' },
  { name: 'sort-by', kind: 'string', def: '', usage: 'Sort target; CREATE, KEY, MODIFY, VALUE, or VERSION' },
  { name: 'limit', kind: 'int64', def: '0', usage: 'Maximum number of results' },
  { name: 'prefix', kind: 'bool', def: 'false', usage: 'Get keys with matching prefix' },
  { name: 'from-key', kind: 'bool', def: 'false', usage: 'Get keys that are greater than or equal to the given key using byte compare' },
  { name: 'rev', kind: 'int64', def: '0', usage: 'Specify the kv revision' },
  { name: 'keys-only', kind: 'bool', def: 'false', usage: 'Get only the keys' },
  { name: 'count-only', kind: 'bool', def: 'false', usage: 'Get only the count' },
  { name: 'print-value-only', kind: 'bool', def: 'false', usage: 'Only write values when using the "simple" output format' },
  { name: 'min-create-rev', kind: 'int64', def: '0', usage: 'Minimum create revision' },
  { name: 'max-create-rev', kind: 'int64', def: '0', usage: 'Maximum create revision' },
  { name: 'min-mod-rev', kind: 'int64', def: '0', usage: 'Minimum modification revision' },
  { name: 'max-mod-rev', kind: 'int64', def: '0', usage: 'Maximum modification revision' },
];

export const DEL_FLAGS: FlagSpec[] = [
  { name: 'prefix', kind: 'bool', def: 'false', usage: 'delete keys with matching prefix' },
  { name: 'prev-kv', kind: 'bool', def: 'false', usage: 'return deleted key-value pairs' },
  { name: 'from-key', kind: 'bool', def: 'false', usage: 'delete keys that are greater than or equal to the given key using byte compare' },
  { name: 'range', kind: 'bool', def: 'false', usage: 'delete range of keys' },
];

const PUT_LONG = `
Puts the given key into the store.

When <value> begins with '-', <value> is interpreted as a flag.
Insert '--' for workaround:

$ put <key> -- <value>
$ put -- <key> <value>

If <value> isn't given as a command line argument and '--ignore-value' is not specified,
this command tries to read the value from standard input.

If <lease> isn't given as a command line argument and '--ignore-lease' is not specified,
this command tries to read the value from standard input.

For example,
$ cat file | put <key>
will store the content of the file to <key>.
`;

const TXN_LONG = `Txn reads multiple etcd requests from standard input and applies them as a single atomic transaction.

A transaction consists of three components:
1) a list of conditions,
2) a list of requests to apply if all the conditions are true,
3) a list of requests to apply if any condition is false.

Example interactive stdin usage:

---
etcdctl txn -i
# compares:
mod("key1") > "0"

# success requests (get, put, delete):
put key1 "overwrote-key1"

# failure requests (get, put, delete):
put key1 "created-key1"
put key2 "some extra key"
---

Refer to https://github.com/etcd-io/etcd/blob/main/etcdctl/README.md#txn-options.`;

export function kvCommands(ctl: Ctl): CommandSpec[] {
  const put: CommandSpec = {
    use: 'put [options] <key> <value> (<value> can also be given from stdin)',
    short: 'Puts the given key into the store',
    long: PUT_LONG,
    flags: PUT_FLAGS,
    run: async (run) => {
      const { args, flags } = run;
      const usage = 'put command needs 1 argument and input from stdin or 2 arguments';
      if (args.length === 0) throw new ExitError(EXIT.badArgs, usage);
      const ignoreValue = flags.bool('ignore-value');
      if (ignoreValue && args.length > 1) throw new ExitError(EXIT.badArgs, "put command needs only 1 argument when 'ignore-value' is set");
      let value = '';
      if (!ignoreValue) {
        if (args.length > 1) value = args[1]!;
        else {
          value = await readAllText(ctl.o.stdin);
          if (value === '') throw new ExitError(EXIT.badArgs, usage);
        }
      }
      const body = putOp(args[0]!, value, flags);
      await ctl.config(run);
      const c = ctl.client(flags);
      const resp = await c.call('/etcdserverpb.KV/Put', '/v3/kv/put', body, ctl.commandTimeoutMs(flags)).catch(rpcExit);
      await ctl.out(ctl.printer(flags).put(decodePut(resp)));
    },
  };

  const get: CommandSpec = {
    use: 'get [options] <key> [range_end]',
    short: 'Gets the key or a range of keys',
    flags: GET_FLAGS,
    run: async (run) => {
      const { args, flags } = run;
      const body = getOp(args, flags);
      await ctl.config(run);
      const c = ctl.client(flags);
      const resp = await c.call('/etcdserverpb.KV/Range', '/v3/kv/range', body, ctl.commandTimeoutMs(flags)).catch(rpcExit);
      const p = ctl.printer(flags);
      if (flags.bool('count-only') && p.format !== 'fields') throw new ExitError(EXIT.badArgs, '--count-only is only for `--write-out=fields`');
      if (flags.bool('print-value-only')) {
        if (p.format !== 'simple') throw new ExitError(EXIT.badArgs, 'print-value-only is only for `--write-out=simple`');
        p.valueOnly = true;
      }
      await ctl.out(p.get(decodeRange(resp)));
    },
  };

  const del: CommandSpec = {
    use: 'del [options] <key> [range_end]',
    short: 'Removes the specified key or range of keys [key, range_end)',
    flags: DEL_FLAGS,
    run: async (run) => {
      const { args, flags } = run;
      const body = delOp(args, flags);
      if (args.length > 1 && !flags.bool('range')) {
        await ctl.err(
          `Warning: Keys between ${JSON.stringify(args[0])} and ${JSON.stringify(args[1])} will be deleted. Please interrupt the command within next 2 seconds to cancel. You can provide \`--range\` flag to avoid the delay.\n`,
        );
        try {
          await sleep(ctl.o.clock, 2000, ctl.o.signal);
        } catch {
          throw new ExitError(130);
        }
      }
      await ctl.config(run);
      const c = ctl.client(flags);
      const resp = await c.call('/etcdserverpb.KV/DeleteRange', '/v3/kv/deleterange', body, ctl.commandTimeoutMs(flags)).catch(rpcExit);
      await ctl.out(ctl.printer(flags).del(decodeDelete(resp)));
    },
  };

  const txn: CommandSpec = {
    use: 'txn [options]',
    short: 'Txn processes all the requests in one transaction',
    long: TXN_LONG,
    flags: [{ name: 'interactive', short: 'i', kind: 'bool', def: 'false', usage: 'Input transaction in interactive mode' }],
    run: async (run) => {
      const { args, flags } = run;
      if (args.length !== 0) throw new ExitError(EXIT.badArgs, 'txn command does not accept argument');
      await ctl.config(run);
      const c = ctl.client(flags);
      const interactive = flags.bool('interactive');
      const lines = readLines(ctl.o.stdin);
      const nextLine = async (): Promise<string> => {
        const r = await lines.next();
        if (r.done) throw new ExitError(EXIT.invalidInput, 'EOF');
        return r.value;
      };
      const prompt = async (s: string) => {
        if (interactive) await ctl.out(s + '\n');
      };
      const specs = { put: PUT_FLAGS, get: GET_FLAGS, del: DEL_FLAGS };
      const block = async <T>(parse: (l: string) => T): Promise<T[]> => {
        const out: T[] = [];
        for (;;) {
          const l = (await nextLine()).trim();
          if (l === '') return out;
          try {
            out.push(parse(l));
          } catch (e) {
            if (e instanceof TxnSyntaxError) throw new ExitError(e.message.startsWith('put command needs') ? EXIT.badArgs : EXIT.invalidInput, e.message);
            throw e;
          }
        }
      };
      await prompt('compares:');
      const compare: CompareBody[] = await block(parseCompare);
      await prompt('success requests (get, put, del):');
      const success: RequestOp[] = await block((l) => parseRequest(l, specs));
      await prompt('failure requests (get, put, del):');
      const failure: RequestOp[] = await block((l) => parseRequest(l, specs));
      const body = { compare, success, failure };
      // clientv3's Txn carries no deadline in etcdctl (context.Background()).
      const resp = await c.call('/etcdserverpb.KV/Txn', '/v3/kv/txn', body, undefined).catch(rpcExit);
      await ctl.out(ctl.printer(flags).txn(decodeTxn(resp)));
    },
  };

  const compaction: CommandSpec = {
    use: 'compaction [options] <revision>',
    short: 'Compacts the event history in etcd',
    flags: [{ name: 'physical', kind: 'bool', def: 'false', usage: "'true' to wait for compaction to physically remove all old revisions" }],
    run: async (run) => {
      const { args, flags } = run;
      if (args.length !== 1) throw new ExitError(EXIT.badArgs, 'compaction command needs 1 argument');
      const raw = args[0]!;
      if (!/^[+-]?\d+$/.test(raw)) throw new ExitError(EXIT.error, `strconv.ParseInt: parsing ${JSON.stringify(raw)}: invalid syntax`);
      const rev = BigInt(raw);
      await ctl.config(run);
      const c = ctl.client(flags);
      const body: Record<string, unknown> = { revision: rev.toString() };
      if (flags.bool('physical')) body.physical = true;
      await c.call('/etcdserverpb.KV/Compact', '/v3/kv/compaction', body, ctl.commandTimeoutMs(flags)).catch(rpcExit);
      await ctl.out(ctl.printer(flags).compaction(rev));
    },
  };

  return [put, get, del, txn, compaction];
}
