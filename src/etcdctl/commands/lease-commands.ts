// lease grant | revoke | timetolive | list | keep-alive
import { ExitError, type CommandSpec } from '../cli/command.ts';
import { RpcError } from '../client/rpc-error.ts';
import { asArray, asObject, big, bytes, decodeHeader } from '../client/types.ts';
import { EXIT, rpcExit, type Ctl } from '../ctl.ts';
import { parseHexInt64 } from './kv-ops.ts';
import { sleep } from '../../platform/clock.ts';

function leaseFromArgs(arg: string): bigint {
  const id = parseHexInt64(arg);
  if (typeof id === 'string') throw new ExitError(EXIT.badArgs, `bad lease ID arg (${id}), expecting ID in Hex`);
  return id;
}

export function leaseCommand(ctl: Ctl): CommandSpec {
  const grant: CommandSpec = {
    use: 'grant <ttl>',
    short: 'Creates leases',
    run: async (run) => {
      const { args, flags } = run;
      if (args.length !== 1) throw new ExitError(EXIT.badArgs, 'lease grant command needs TTL argument');
      if (!/^[+-]?\d+$/.test(args[0]!)) throw new ExitError(EXIT.badArgs, `bad TTL (strconv.ParseInt: parsing ${JSON.stringify(args[0])}: invalid syntax)`);
      const ttl = BigInt(args[0]!);
      await ctl.config(run);
      const resp = await ctl
        .client(flags)
        .call('/etcdserverpb.Lease/LeaseGrant', '/v3/lease/grant', { TTL: ttl.toString(), ID: '0' }, ctl.commandTimeoutMs(flags))
        .catch((e) => rpcExit(e, EXIT.error, (t) => `failed to grant lease (${t})`));
      const o = asObject(resp);
      await ctl.out(ctl.printer(flags).grant({ header: decodeHeader(o.header), id: big(o.ID), ttl: big(o.TTL), error: typeof o.error === 'string' ? o.error : '' }));
    },
  };
  const revoke: CommandSpec = {
    use: 'revoke <leaseID>',
    short: 'Revokes leases',
    run: async (run) => {
      const { args, flags } = run;
      if (args.length !== 1) throw new ExitError(EXIT.badArgs, 'lease revoke command needs 1 argument');
      const id = leaseFromArgs(args[0]!);
      await ctl.config(run);
      const resp = await ctl
        .client(flags)
        .call('/etcdserverpb.Lease/LeaseRevoke', '/v3/lease/revoke', { ID: id.toString() }, ctl.commandTimeoutMs(flags))
        .catch((e) => rpcExit(e, EXIT.error, (t) => `failed to revoke lease (${t})`));
      await ctl.out(ctl.printer(flags).revoke(id, decodeHeader(asObject(resp).header)));
    },
  };
  const timetolive: CommandSpec = {
    use: 'timetolive <leaseID> [options]',
    short: 'Get lease information',
    flags: [{ name: 'keys', kind: 'bool', def: 'false', usage: 'Get keys attached to this lease' }],
    run: async (run) => {
      const { args, flags } = run;
      if (args.length !== 1) throw new ExitError(EXIT.badArgs, 'lease timetolive command needs lease ID as argument');
      const id = leaseFromArgs(args[0]!);
      const keys = flags.bool('keys');
      await ctl.config(run);
      const body: Record<string, unknown> = { ID: id.toString() };
      if (keys) body.keys = true;
      const resp = await ctl
        .client(flags)
        .call('/etcdserverpb.Lease/LeaseTimeToLive', '/v3/lease/timetolive', body, ctl.commandTimeoutMs(flags))
        .catch((e) => rpcExit(e, EXIT.badConnection));
      const o = asObject(resp);
      await ctl.out(
        ctl.printer(flags).timeToLive({ header: decodeHeader(o.header), id: big(o.ID), ttl: big(o.TTL), grantedTtl: big(o.grantedTTL), keys: asArray(o.keys).map(bytes) }, keys),
      );
    },
  };
  const list: CommandSpec = {
    use: 'list',
    short: 'List all active leases',
    run: async (run) => {
      const { flags } = run;
      await ctl.config(run);
      const resp = await ctl
        .client(flags)
        .call('/etcdserverpb.Lease/LeaseLeases', '/v3/lease/leases', {}, ctl.commandTimeoutMs(flags))
        .catch((e) => rpcExit(e, EXIT.badConnection));
      const o = asObject(resp);
      await ctl.out(ctl.printer(flags).leases({ header: decodeHeader(o.header), leases: asArray(o.leases).map((l) => big(asObject(l).ID)) }));
    },
  };
  const keepAlive: CommandSpec = {
    use: 'keep-alive [options] <leaseID>',
    short: 'Keeps leases alive (renew)',
    flags: [{ name: 'once', kind: 'bool', def: 'false', usage: 'Resets the keep-alive time to its original value and cobrautl.Exits immediately' }],
    run: async (run) => {
      const { args, flags } = run;
      if (args.length !== 1) throw new ExitError(EXIT.badArgs, 'lease keep-alive command needs lease ID as argument');
      const id = leaseFromArgs(args[0]!);
      await ctl.config(run);
      const c = ctl.client(flags);
      const p = ctl.printer(flags);
      // One keep-alive round trip over the gateway's stream endpoint.
      const once = async (): Promise<{ header: ReturnType<typeof decodeHeader>; id: bigint; ttl: bigint }> => {
        let got: Record<string, unknown> | undefined;
        await c.stream('/v3/lease/keepalive', { ID: id.toString() }, (m) => {
          got = m;
          return false;
        }, {});
        const o = asObject(got);
        return { header: decodeHeader(o.header), id: big(o.ID), ttl: big(o.TTL) };
      };
      const notFound = () => new ExitError(EXIT.badConnection, 'etcdserver: requested lease not found');
      if (flags.bool('once')) {
        const r = await once().catch((e) => rpcExit(e, EXIT.badConnection));
        if (r.ttl <= 0n) throw notFound();
        await ctl.out(p.keepAlive(r));
        return;
      }
      for (;;) {
        let r;
        try {
          r = await once();
        } catch (e) {
          if (ctl.o.signal.aborted) return;
          if (e instanceof RpcError) throw new ExitError(EXIT.badConnection, e.text);
          throw e;
        }
        if (r.ttl <= 0n) break;
        await ctl.out(p.keepAlive(r));
        try {
          // clientv3 renews every TTL/3 seconds.
          await sleep(ctl.o.clock, Math.max(500, (Number(r.ttl) * 1000) / 3), ctl.o.signal);
        } catch {
          return;
        }
      }
      if (p.format === 'simple') await ctl.out(`lease ${BigInt.asUintN(64, id).toString(16).padStart(16, '0')} expired or revoked.\n`);
    },
  };
  return { use: 'lease <subcommand>', short: 'Lease related commands', subcommands: [grant, revoke, timetolive, list, keepAlive] };
}
