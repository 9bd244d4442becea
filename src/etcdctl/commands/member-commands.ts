// member add | remove | update | list | promote
import { ExitError, type CommandSpec } from '../cli/command.ts';
import { asArray, asObject, decodeHeader, decodeMember } from '../client/types.ts';
import { EXIT, rpcExit, type Ctl } from '../ctl.ts';
import { goQuoteString } from '../format/go-fmt.ts';

function memberId(args: string[]): bigint {
  if (args.length !== 1) throw new ExitError(EXIT.badArgs, 'member ID is not provided');
  const s = args[0]!;
  if (!/^\+?[0-9a-fA-F]+$/.test(s)) throw new ExitError(EXIT.badArgs, `bad member ID arg (strconv.ParseUint: parsing ${goQuoteString(s)}: invalid syntax), expecting ID in Hex`);
  const v = BigInt('0x' + s.replace('+', ''));
  if (v > 0xffffffffffffffffn) throw new ExitError(EXIT.badArgs, `bad member ID arg (strconv.ParseUint: parsing ${goQuoteString(s)}: value out of range), expecting ID in Hex`);
  return v;
}

const members = (o: Record<string, unknown>) => asArray(o.members).map(decodeMember);

export function memberCommand(ctl: Ctl): CommandSpec {
  const add: CommandSpec = {
    use: 'add <memberName> [options]',
    short: 'Adds a member into the cluster',
    flags: [
      { name: 'peer-urls', kind: 'string', def: '', usage: 'comma separated peer URLs for the new member.' },
      { name: 'learner', kind: 'bool', def: 'false', usage: 'indicates if the new member is raft learner' },
    ],
    run: async (run) => {
      const { args, flags } = run;
      if (args.length < 1) throw new ExitError(EXIT.badArgs, 'member name not provided');
      if (args.length > 1) {
        let ev = 'too many arguments';
        for (const s of args) if (s.toLowerCase().startsWith('http')) ev += `, did you mean --peer-urls=${s}`;
        throw new ExitError(EXIT.badArgs, ev);
      }
      const name = args[0]!;
      const peerUrls = flags.string('peer-urls');
      if (peerUrls.length === 0) throw new ExitError(EXIT.badArgs, 'member peer urls not provided');
      const urls = peerUrls.split(',');
      await ctl.config(run);
      const body: Record<string, unknown> = { peerURLs: urls };
      if (flags.bool('learner')) body.isLearner = true;
      const resp = await ctl.client(flags).call('/etcdserverpb.Cluster/MemberAdd', '/v3/cluster/member/add', body, ctl.commandTimeoutMs(flags)).catch(rpcExit);
      const o = asObject(resp);
      const member = decodeMember(o.member);
      const all = members(o);
      const p = ctl.printer(flags);
      let out = p.memberAdd({ header: decodeHeader(o.header), member, members: all });
      if (p.format === 'simple') {
        const conf: string[] = [];
        for (const m of all) for (const u of m.peerURLs) conf.push(`${m.id === member.id ? name : m.name}=${u}`);
        out += '\n';
        out += `ETCD_NAME=${goQuoteString(name)}\n`;
        out += `ETCD_INITIAL_CLUSTER=${goQuoteString(conf.join(','))}\n`;
        out += `ETCD_INITIAL_ADVERTISE_PEER_URLS=${goQuoteString(peerUrls)}\n`;
        out += 'ETCD_INITIAL_CLUSTER_STATE="existing"\n';
      }
      await ctl.out(out);
    },
  };
  const remove: CommandSpec = {
    use: 'remove <memberID>',
    short: 'Removes a member from the cluster',
    run: async (run) => {
      const id = memberId(run.args);
      await ctl.config(run);
      const resp = await ctl.client(run.flags).call('/etcdserverpb.Cluster/MemberRemove', '/v3/cluster/member/remove', { ID: id.toString() }, ctl.commandTimeoutMs(run.flags)).catch(rpcExit);
      const o = asObject(resp);
      await ctl.out(ctl.printer(run.flags).memberChange('removed from', id, { header: decodeHeader(o.header), members: members(o) }));
    },
  };
  const update: CommandSpec = {
    use: 'update <memberID> [options]',
    short: 'Updates a member in the cluster',
    flags: [{ name: 'peer-urls', kind: 'string', def: '', usage: 'comma separated peer URLs for the updated member.' }],
    run: async (run) => {
      const id = memberId(run.args);
      const peerUrls = run.flags.string('peer-urls');
      if (peerUrls.length === 0) throw new ExitError(EXIT.badArgs, 'member peer urls not provided');
      await ctl.config(run);
      const resp = await ctl
        .client(run.flags)
        .call('/etcdserverpb.Cluster/MemberUpdate', '/v3/cluster/member/update', { ID: id.toString(), peerURLs: peerUrls.split(',') }, ctl.commandTimeoutMs(run.flags))
        .catch(rpcExit);
      const o = asObject(resp);
      await ctl.out(ctl.printer(run.flags).memberChange('updated in', id, { header: decodeHeader(o.header), members: members(o) }));
    },
  };
  const list: CommandSpec = {
    use: 'list',
    short: 'Lists all members in the cluster',
    long: `When --write-out is set to simple, this command prints out comma-separated member lists for each endpoint.
The items in the lists are ID, Status, Name, Peer Addrs, Client Addrs, Is Learner.
`,
    flags: [{ name: 'consistency', kind: 'string', def: 'l', usage: 'Linearizable(l) or Serializable(s)' }],
    run: async (run) => {
      const consistency = run.flags.string('consistency');
      if (consistency !== 's' && consistency !== 'l') throw new ExitError(EXIT.badFeature, `unknown consistency flag ""`);
      await ctl.config(run);
      const body = consistency === 'l' ? { linearizable: true } : {};
      const resp = await ctl.client(run.flags).call('/etcdserverpb.Cluster/MemberList', '/v3/cluster/member/list', body, ctl.commandTimeoutMs(run.flags)).catch(rpcExit);
      const o = asObject(resp);
      await ctl.out(ctl.printer(run.flags).memberList({ header: decodeHeader(o.header), members: members(o) }));
    },
  };
  const promote: CommandSpec = {
    use: 'promote <memberID>',
    short: 'Promotes a non-voting member in the cluster',
    long: `Promotes a non-voting learner member to a voting one in the cluster.
`,
    run: async (run) => {
      const id = memberId(run.args);
      await ctl.config(run);
      const resp = await ctl.client(run.flags).call('/etcdserverpb.Cluster/MemberPromote', '/v3/cluster/member/promote', { ID: id.toString() }, ctl.commandTimeoutMs(run.flags)).catch(rpcExit);
      const o = asObject(resp);
      await ctl.out(ctl.printer(run.flags).memberChange('promoted in', id, { header: decodeHeader(o.header), members: members(o) }));
    },
  };
  return { use: 'member <subcommand>', short: 'Membership related commands', subcommands: [add, remove, update, list, promote] };
}
