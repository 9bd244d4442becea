// auth enable | disable | status, and what the user and role commands share: the call
// through clientv3's Auth API, reading passwords, and the output of the formats etcdctl
// has for auth responses (simple, json, fields, protobuf; table is not supported).
import { ExitError, type CommandSpec } from '../cli/command.ts';
import type { FlagSet } from '../cli/flags.ts';
import { RpcError } from '../client/rpc-error.ts';
import { asObject, big, decodeHeader, type Header } from '../client/types.ts';
import { EXIT, rpcExit, type Ctl } from '../ctl.ts';
import { EXIT_BAD_FEATURE, jHeader } from '../format/printer.ts';
import { goJson, type GoObject } from '../format/go-json.ts';
import { pbAppend, pbHeaderOnly } from '../format/protobuf.ts';

export type Json = Record<string, unknown>;

/** One Auth call; `timeout` false is clientv3's context.TODO() (the user and role commands). */
export async function authCall(ctl: Ctl, flags: FlagSet, method: string, path: string, body: Json, timeout = false): Promise<Json> {
  const resp = await ctl
    .client(flags)
    .call(`/etcdserverpb.Auth/${method}`, `/v3/auth/${path}`, body, timeout ? ctl.commandTimeoutMs(flags) : undefined)
    .catch(rpcExit);
  return asObject(resp);
}

export const headerOf = (o: Json): Header => decodeHeader(o.header);

export function unsupported(format: string): never {
  throw new ExitError(EXIT_BAD_FEATURE, `${format} not supported as output format`);
}

/** fieldsPrinter.hdr. */
export function fieldsHeader(h: Header, isHex: boolean): string {
  const u64 = (v: bigint) => BigInt.asUintN(64, v);
  const hex = (v: bigint) => u64(v).toString(16);
  let s = isHex ? `"ClusterID" : ${hex(h.clusterId)}\n"MemberID" : ${hex(h.memberId)}\n` : `"ClusterID" : ${u64(h.clusterId)}\n"MemberID" : ${u64(h.memberId)}\n`;
  if (h.revision > 0n) s += `"Revision" : ${h.revision}\n`;
  return s + `"RaftTerm" : ${u64(h.raftTerm)}\n`;
}


/**
 * A response printed by a format: `simple` text; json and protobuf of the RPC response;
 * `fields` when the printer has it (else unsupported, as etcdctl's printerUnsupported).
 */
export function printAuth(ctl: Ctl, flags: FlagSet, o: { simple: string; json: GoObject; pb: Uint8Array; fields?: string }): string | Uint8Array {
  const p = ctl.printer(flags);
  if (p.format === 'simple') return o.simple;
  if (p.format === 'json') return goJson(o.json) + '\n';
  if (p.format === 'protobuf') return o.pb;
  if (p.format === 'fields' && o.fields !== undefined) return o.fields;
  return unsupported(p.format);
}

/** A response with only a header (UserAdd, RoleAdd, …): its simple line, fields = the header. */
export function printHeaderOnly(ctl: Ctl, flags: FlagSet, o: Json, simple: string): string | Uint8Array {
  const h = headerOf(o);
  return printAuth(ctl, flags, { simple, json: { header: jHeader(h) }, pb: pbHeaderOnly(h), fields: fieldsHeader(h, ctl.printer(flags).isHex) });
}

/** Reads one line from stdin (without its newline), or null at the end. */
export class StdinLines {
  private buf = '';
  private ended = false;
  constructor(private readonly ctl: Ctl) {}
  async line(): Promise<string | null> {
    for (;;) {
      const i = this.buf.indexOf('\n');
      if (i >= 0) {
        const l = this.buf.slice(0, i).replace(/\r$/, '');
        this.buf = this.buf.slice(i + 1);
        return l;
      }
      if (this.ended) {
        if (this.buf === '') return null;
        const l = this.buf;
        this.buf = '';
        return l;
      }
      const c = await this.ctl.o.stdin.read();
      if (c === null) this.ended = true;
      else this.buf += Buffer.from(c).toString('utf8');
    }
  }
}

/** fmt.Scanf("%s"): the first word of the input ('' if there is none). */
export async function scanWord(ctl: Ctl): Promise<string> {
  const l = await new StdinLines(ctl).line();
  return (l ?? '').trimStart().split(/[ \t]/)[0] ?? '';
}

/**
 * readPasswordInteractive: asks twice (speakeasy prints the prompt, reads a line without
 * echo, then prints a newline); an empty or mismatched password ends with status 128.
 */
export async function readPasswordInteractive(ctl: Ctl, name: string): Promise<string> {
  const lines = new StdinLines(ctl);
  // speakeasy turns echo off and on with stty(1), which complains when stdin is not a terminal.
  const stty = async () => {
    if (!ctl.o.stdin.isTTY) await ctl.err("stty: 'standard input': Inappropriate ioctl for device\n");
  };
  const ask = async (prompt: string): Promise<string> => {
    await ctl.out(prompt);
    await stty();
    ctl.o.setEcho?.(false);
    let l: string | null;
    try {
      l = await lines.line();
    } finally {
      ctl.o.setEcho?.(true);
    }
    await stty();
    await ctl.out('\n');
    if (l === null) throw new ExitError(EXIT.badArgs, 'failed to ask password: EOF');
    return l;
  };
  const first = await ask(`Password of ${name}: `);
  if (first.length === 0) throw new ExitError(EXIT.badArgs, 'empty password');
  const second = await ask(`Type password of ${name} again for confirmation: `);
  if (first !== second) throw new ExitError(EXIT.badArgs, 'given passwords are different');
  return first;
}

function noArgs(what: string) {
  return (args: string[]) => {
    if (args.length !== 0) throw new ExitError(EXIT.badArgs, `${what} command does not accept any arguments`);
  };
}

export function authCommand(ctl: Ctl): CommandSpec {
  const enable: CommandSpec = {
    use: 'enable',
    short: 'Enables authentication',
    run: async (run) => {
      noArgs('auth enable')(run.args);
      await ctl.config(run);
      // etcdctl creates the root role and grants it to root when only that is missing.
      for (let attempt = 0; ; attempt++) {
        try {
          await ctl.client(run.flags).call('/etcdserverpb.Auth/AuthEnable', '/v3/auth/enable', {}, ctl.commandTimeoutMs(run.flags));
          break;
        } catch (e) {
          if (!(e instanceof RpcError) || e.text !== 'etcdserver: root user does not have root role' || attempt > 0) rpcExit(e);
          await authCall(ctl, run.flags, 'RoleAdd', 'role/add', { name: 'root' }, true);
          await authCall(ctl, run.flags, 'UserGrantRole', 'user/grant', { user: 'root', role: 'root' }, true);
        }
      }
      await ctl.out('Authentication Enabled\n');
    },
  };
  const disable: CommandSpec = {
    use: 'disable',
    short: 'Disables authentication',
    run: async (run) => {
      noArgs('auth disable')(run.args);
      await ctl.config(run);
      await authCall(ctl, run.flags, 'AuthDisable', 'disable', {}, true);
      await ctl.out('Authentication Disabled\n');
    },
  };
  const status: CommandSpec = {
    use: 'status',
    short: 'Returns authentication status',
    run: async (run) => {
      noArgs('auth status')(run.args);
      await ctl.config(run);
      const o = await authCall(ctl, run.flags, 'AuthStatus', 'status', {}, true);
      const h = headerOf(o);
      const enabled = o.enabled === true;
      const rev = big(o.authRevision);
      await ctl.out(
        printAuth(ctl, run.flags, {
          simple: `Authentication Status: ${enabled}\nAuthRevision: ${rev}\n`,
          json: { header: jHeader(h), enabled: enabled || undefined, authRevision: rev === 0n ? undefined : rev },
          pb: pbAppend(pbHeaderOnly(h), [{ num: 2, varint: enabled ? 1n : 0n }, { num: 3, varint: rev }]),
        }),
      );
    },
  };
  return { use: 'auth <enable or disable>', short: 'Enable or disable authentication', subcommands: [enable, disable, status] };
}
