// endpoint health | status | hashkv (with --cluster), move-leader, defrag.
import { ExitError, type CommandSpec, type RunContext } from '../cli/command.ts';
import type { FlagSet } from '../cli/flags.ts';
import { formatGoDuration } from '../cli/go-duration.ts';
import { RpcError } from '../client/rpc-error.ts';
import { asArray, asObject, big, decodeHeader, decodeMember, decodeStatus, type EndpointHashKV, type EndpointHealth, type EndpointStatus } from '../client/types.ts';
import { EXIT, rpcExit, type Ctl } from '../ctl.ts';

const elapsed = (ctl: Ctl, startMs: number) => formatGoDuration(BigInt(Math.max(0, Math.round((ctl.o.clock.monotonic() - startMs) * 1e6))));

/** endpointsFromCluster: the --endpoints, or with --cluster every member's client URLs. */
async function endpointsFromCluster(ctl: Ctl, flags: FlagSet): Promise<string[]> {
  if (!flags.bool('cluster')) return ctl.endpoints(flags);
  const c = ctl.client(flags);
  let resp;
  try {
    resp = await c.call('/etcdserverpb.Cluster/MemberList', '/v3/cluster/member/list', { linearizable: true }, ctl.commandTimeoutMs(flags));
  } catch (e) {
    if (e instanceof RpcError) throw new ExitError(EXIT.error, `failed to fetch endpoints from etcd cluster member list: ${e.text}`);
    throw e;
  }
  return asArray(asObject(resp).members).flatMap((m) => decodeMember(m).clientURLs);
}

export function endpointCommand(ctl: Ctl): CommandSpec {
  const health: CommandSpec = {
    use: 'health',
    short: 'Checks the healthiness of endpoints specified in `--endpoints` flag',
    run: async (run) => {
      const { flags } = run;
      await ctl.config(run);
      const eps = await endpointsFromCluster(ctl, flags);
      const results: EndpointHealth[] = [];
      await Promise.all(
        eps.map(async (ep) => {
          const c = ctl.client(flags, [ep], 'client');
          const st = ctl.o.clock.monotonic();
          const h: EndpointHealth = { ep, health: false, took: '', error: '' };
          try {
            await c.call('/etcdserverpb.KV/Range', '/v3/kv/range', { key: Buffer.from('health').toString('base64') }, ctl.commandTimeoutMs(flags));
            h.health = true;
          } catch (e) {
            if (!(e instanceof RpcError)) throw e;
            if (e.code === 'PermissionDenied') h.health = true;
            else h.error = e.text;
          }
          h.took = elapsed(ctl, st);
          if (h.health) {
            try {
              const a = await c.call('/etcdserverpb.Maintenance/Alarm', '/v3/maintenance/alarm', { action: 'GET' }, ctl.commandTimeoutMs(flags));
              const alarms = asArray(asObject(a).alarms);
              if (alarms.length > 0) {
                h.health = false;
                h.error = 'Active Alarm(s): ';
                for (const al of alarms) {
                  const t = asObject(al).alarm;
                  h.error += t === 'NOSPACE' || t === 1 ? 'NOSPACE ' : t === 'CORRUPT' || t === 2 ? 'CORRUPT ' : 'UNKNOWN ';
                }
              }
            } catch {
              h.health = false;
              h.error = 'Unable to fetch the alarm list';
            }
          }
          results.push(h);
        }),
      );
      const { out, err } = ctl.printer(flags).endpointHealth(results);
      await ctl.out(out);
      await ctl.err(err);
      if (results.some((h) => h.error !== '')) throw new ExitError(EXIT.error, 'unhealthy cluster');
    },
  };

  const status: CommandSpec = {
    use: 'status',
    short: 'Prints out the status of endpoints specified in `--endpoints` flag',
    long: `When --write-out is set to simple, this command prints out comma-separated status lists for each endpoint.
The items in the lists are endpoint, ID, version, db size, is leader, is learner, raft term, raft index, raft applied index, errors.
`,
    run: async (run) => {
      const { flags } = run;
      await ctl.config(run);
      const list: EndpointStatus[] = [];
      let failed = false;
      for (const ep of await endpointsFromCluster(ctl, flags)) {
        try {
          const r = await ctl.client(flags, [ep]).call('/etcdserverpb.Maintenance/Status', '/v3/maintenance/status', {}, ctl.commandTimeoutMs(flags));
          list.push({ ep, resp: decodeStatus(r) });
        } catch (e) {
          if (!(e instanceof RpcError)) throw e;
          failed = true;
          await ctl.err(`Failed to get the status of endpoint ${ep} (${e.text})\n`);
        }
      }
      await ctl.out(ctl.printer(flags).endpointStatus(list));
      if (failed) throw new ExitError(EXIT.error);
    },
  };

  const hashkv: CommandSpec = {
    use: 'hashkv',
    short: 'Prints the KV history hash for each endpoint in --endpoints',
    persistentFlags: [{ name: 'rev', kind: 'int64', def: '0', usage: 'maximum revision to hash (default: latest revision)' }],
    run: async (run) => {
      const { flags } = run;
      await ctl.config(run);
      const list: EndpointHashKV[] = [];
      let lastErr: string | undefined;
      for (const ep of await endpointsFromCluster(ctl, flags)) {
        try {
          const body: Record<string, unknown> = {};
          if (flags.int('rev') !== 0n) body.revision = flags.int('rev').toString();
          const r = asObject(await ctl.client(flags, [ep]).call('/etcdserverpb.Maintenance/HashKV', '/v3/maintenance/hashkv', body, ctl.commandTimeoutMs(flags)));
          list.push({ ep, resp: { header: decodeHeader(r.header), hash: big(r.hash), compactRevision: big(r.compact_revision), hashRevision: big(r.hash_revision) } });
        } catch (e) {
          if (!(e instanceof RpcError)) throw e;
          lastErr = e.text;
          await ctl.err(`Failed to get the hash of endpoint ${ep} (${e.text})\n`);
        }
      }
      await ctl.out(ctl.printer(flags).endpointHashKV(list));
      if (lastErr !== undefined) throw new ExitError(EXIT.error, lastErr);
    },
  };

  return {
    use: 'endpoint <subcommand>',
    short: 'Endpoint related commands',
    persistentFlags: [{ name: 'cluster', kind: 'bool', def: 'false', usage: 'use all endpoints from the cluster member list' }],
    subcommands: [health, status, hashkv],
  };
}

export function moveLeaderCommand(ctl: Ctl): CommandSpec {
  return {
    use: 'move-leader <transferee-member-id>',
    short: 'Transfers leadership to another etcd cluster member.',
    run: async (run: RunContext) => {
      const { args, flags } = run;
      if (args.length !== 1) throw new ExitError(EXIT.badArgs, 'move-leader command needs 1 argument');
      const s = args[0]!;
      if (!/^\+?[0-9a-fA-F]+$/.test(s) || BigInt('0x' + s.replace('+', '')) > 0xffffffffffffffffn)
        throw new ExitError(EXIT.badArgs, `strconv.ParseUint: parsing ${JSON.stringify(s)}: ${/^\+?[0-9a-fA-F]+$/.test(s) ? 'value out of range' : 'invalid syntax'}`);
      const target = BigInt('0x' + s.replace('+', ''));
      await ctl.config(run);
      const eps = ctl.endpoints(flags);
      for (const ep of eps) {
        const c = ctl.client(flags, [ep]);
        const st = decodeStatus(await c.call('/etcdserverpb.Maintenance/Status', '/v3/maintenance/status', {}, ctl.commandTimeoutMs(flags)).catch(rpcExit));
        if (st.header.memberId === st.leader) {
          const r = await c
            .call('/etcdserverpb.Maintenance/MoveLeader', '/v3/maintenance/transfer-leadership', { targetID: target.toString() }, ctl.commandTimeoutMs(flags))
            .catch(rpcExit);
          await ctl.out(ctl.printer(flags).moveLeader(st.leader, target, decodeHeader(asObject(r).header)));
          return;
        }
      }
      throw new ExitError(EXIT.badArgs, `no leader endpoint given at [${eps.join(' ')}]`);
    },
  };
}

export function defragCommand(ctl: Ctl): CommandSpec {
  return {
    use: 'defrag',
    short: 'Defragments the storage of the etcd members with given endpoints',
    persistentFlags: [{ name: 'cluster', kind: 'bool', def: 'false', usage: 'use all endpoints from the cluster member list' }],
    run: async (run) => {
      const { flags } = run;
      await ctl.config(run);
      let failures = 0;
      for (const ep of await endpointsFromCluster(ctl, flags)) {
        const st = ctl.o.clock.monotonic();
        try {
          await ctl.client(flags, [ep]).call('/etcdserverpb.Maintenance/Defragment', '/v3/maintenance/defragment', {}, ctl.commandTimeoutMs(flags));
          await ctl.out(`Finished defragmenting etcd member[${ep}]. took ${elapsed(ctl, st)}\n`);
        } catch (e) {
          if (!(e instanceof RpcError)) throw e;
          failures++;
          await ctl.err(`Failed to defragment etcd member[${ep}]. took ${elapsed(ctl, st)}. (${e.text})\n`);
        }
      }
      if (failures) throw new ExitError(EXIT.error);
    },
  };
}
