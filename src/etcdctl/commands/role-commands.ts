// role add | delete | get | list | grant-permission | revoke-permission (etcdctl 3.6's
// role_command.go, printed as its printers do).
import { ExitError, type CommandSpec } from '../cli/command.ts';
import type { FlagSet } from '../cli/flags.ts';
import { asArray, asObject } from '../client/types.ts';
import { EXIT, type Ctl } from '../ctl.ts';
import { jHeader } from '../format/printer.ts';
import { goQuoteString } from '../format/go-fmt.ts';
import { pbAppend, pbHeaderOnly, pbStrings } from '../format/protobuf.ts';
import { authCall, fieldsHeader, headerOf, printAuth, printHeaderOnly, type Json } from './auth-commands.ts';

const PERM_TYPES = ['READ', 'WRITE', 'READWRITE'] as const;

interface Perm {
  permType: number;
  key: Uint8Array;
  rangeEnd: Uint8Array;
}

const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
const fromB64 = (v: unknown) => new Uint8Array(typeof v === 'string' ? Buffer.from(v, 'base64') : Buffer.alloc(0));

function permsOf(o: Json): Perm[] {
  return asArray(o.perm).map((x) => {
    const p = asObject(x);
    const t = p.permType;
    const permType = typeof t === 'number' ? t : typeof t === 'string' ? Math.max(0, PERM_TYPES.indexOf(t as 'READ')) : 0;
    return { permType, key: fromB64(p.key), rangeEnd: fromB64(p.range_end) };
  });
}

/** clientv3.GetPrefixRangeEnd on a Go string (bytes): the key with its last byte below 0xff incremented. */
function prefixRangeEnd(key: string): string {
  const b = Buffer.from(key, 'latin1');
  for (let i = b.length - 1; i >= 0; i--) {
    if (b[i]! < 0xff) {
      const end = Buffer.from(b.subarray(0, i + 1));
      end[i] = end[i]! + 1;
      return end.toString('latin1');
    }
  }
  return '\x00';
}

/** display.RoleGet: simple ("KV Read:" / "KV Write:" ranges), json, fields, protobuf. */
export function roleGetOutput(ctl: Ctl, flags: FlagSet, role: string, o: Json): string | Uint8Array {
  const h = headerOf(o);
  const perms = permsOf(o);
  const range = (p: Perm): string => {
    const key = latin1(p.key);
    const end = latin1(p.rangeEnd);
    let s = end !== '\x00' ? `\t[${text(p.key)}, ${text(p.rangeEnd)})` : `\t[${text(p.key)}, <open ended>`;
    if (prefixRangeEnd(key) === end && key.length > 0) s += ` (prefix ${text(p.key)})`;
    return s + '\n';
  };
  const list = (kinds: number[]) => perms.filter((p) => kinds.includes(p.permType)).map((p) => (p.rangeEnd.length === 0 ? `\t${text(p.key)}\n` : range(p))).join('');
  const simple = `Role ${role}\nKV Read:\n${list([0, 2])}KV Write:\n${list([1, 2])}`;
  const enc = (p: Perm) => pbAppend(new Uint8Array(), [{ num: 1, varint: BigInt(p.permType) }, ...(p.key.length ? [{ num: 2, bytes: p.key }] : []), ...(p.rangeEnd.length ? [{ num: 3, bytes: p.rangeEnd }] : [])]);
  return printAuth(ctl, flags, {
    simple,
    json: {
      header: jHeader(h),
      perm: perms.length ? perms.map((p) => ({ permType: p.permType || undefined, key: p.key.length ? p.key : undefined, range_end: p.rangeEnd.length ? p.rangeEnd : undefined })) : undefined,
    },
    pb: pbAppend(pbHeaderOnly(h), perms.map((p) => ({ num: 2, bytes: enc(p) }))),
    fields:
      fieldsHeader(h, ctl.printer(flags).isHex) +
      perms.map((p) => `"PermType" :  ${PERM_TYPES[p.permType] ?? p.permType}\n"Key" : ${goQuoteString(latin1(p.key))}\n"RangeEnd" : ${goQuoteString(latin1(p.rangeEnd))}\n`).join(''),
  });
}

/**
 * permRange / rangeEndFromPermFlags: the key and range end (bytes, as Go strings are) of
 * [key [endkey]] with --prefix / --from-key.
 */
function permRange(args: string[], prefix: boolean, fromKey: boolean): { key: Uint8Array; rangeEnd: Uint8Array } {
  const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
  const zero = Uint8Array.of(0);
  const none = new Uint8Array();
  const key = utf8(args[0]!);
  if (key.length === 0) {
    if (prefix && fromKey) throw new ExitError(EXIT.badArgs, '--from-key and --prefix flags are mutually exclusive');
    return { key: zero, rangeEnd: prefix || fromKey ? zero : none };
  }
  if (args.length === 1) {
    if (prefix) {
      if (fromKey) throw new ExitError(EXIT.badArgs, '--from-key and --prefix flags are mutually exclusive');
      return { key, rangeEnd: new Uint8Array(Buffer.from(prefixRangeEnd(latin1(key)), 'latin1')) };
    }
    return { key, rangeEnd: fromKey ? zero : none };
  }
  if (prefix) throw new ExitError(EXIT.badArgs, 'unexpected endkey argument with --prefix flag');
  if (fromKey) throw new ExitError(EXIT.badArgs, 'unexpected endkey argument with --from-key flag');
  return { key, rangeEnd: utf8(args[1]!) };
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const isOpenEnd = (b: Uint8Array) => b.length === 1 && b[0] === 0;

export function roleCommand(ctl: Ctl): CommandSpec {
  const add: CommandSpec = {
    use: 'add <role name>',
    short: 'Adds a new role',
    run: async (run) => {
      if (run.args.length !== 1) throw new ExitError(EXIT.badArgs, 'role add command requires role name as its argument');
      await ctl.config(run);
      const o = await authCall(ctl, run.flags, 'RoleAdd', 'role/add', { name: run.args[0] });
      await ctl.out(printHeaderOnly(ctl, run.flags, o, `Role ${run.args[0]} created\n`));
    },
  };
  const del: CommandSpec = {
    use: 'delete <role name>',
    short: 'Deletes a role',
    run: async (run) => {
      if (run.args.length !== 1) throw new ExitError(EXIT.badArgs, 'role delete command requires role name as its argument');
      await ctl.config(run);
      const o = await authCall(ctl, run.flags, 'RoleDelete', 'role/delete', { role: run.args[0] });
      await ctl.out(printHeaderOnly(ctl, run.flags, o, `Role ${run.args[0]} deleted\n`));
    },
  };
  const get: CommandSpec = {
    use: 'get <role name>',
    short: 'Gets detailed information of a role',
    run: async (run) => {
      if (run.args.length !== 1) throw new ExitError(EXIT.badArgs, 'role get command requires role name as its argument');
      await ctl.config(run);
      const o = await authCall(ctl, run.flags, 'RoleGet', 'role/get', { role: run.args[0] });
      await ctl.out(roleGetOutput(ctl, run.flags, run.args[0]!, o));
    },
  };
  const list: CommandSpec = {
    use: 'list',
    short: 'Lists all roles',
    run: async (run) => {
      if (run.args.length !== 0) throw new ExitError(EXIT.badArgs, 'role list command requires no arguments');
      await ctl.config(run);
      const o = await authCall(ctl, run.flags, 'RoleList', 'role/list', {});
      const roles = asArray(o.roles).map(String);
      const h = headerOf(o);
      await ctl.out(
        printAuth(ctl, run.flags, {
          simple: roles.map((r) => r + '\n').join(''),
          json: { header: jHeader(h), roles: roles.length ? roles : undefined },
          pb: pbAppend(pbHeaderOnly(h), pbStrings(2, roles)),
          fields: fieldsHeader(h, ctl.printer(run.flags).isHex) + `"Roles" :${roles.map((r) => ' ' + goQuoteString(r)).join('')}\n`,
        }),
      );
    },
  };
  const permFlags = (verb: string) => [
    { name: 'prefix', kind: 'bool' as const, def: 'false', usage: `${verb} a prefix permission` },
    { name: 'from-key', kind: 'bool' as const, def: 'false', usage: `${verb} a permission of keys that are greater than or equal to the given key using byte compare` },
  ];
  const grant: CommandSpec = {
    use: 'grant-permission [options] <role name> <permission type> <key> [endkey]',
    short: 'Grants a key to a role',
    flags: permFlags('grant'),
    run: async (run) => {
      const { args, flags } = run;
      if (args.length < 3) throw new ExitError(EXIT.badArgs, 'role grant command requires role name, permission type, and key [endkey] as its argument');
      const permType = PERM_TYPES.indexOf(args[1]!.toUpperCase() as 'READ');
      if (permType < 0) throw new ExitError(EXIT.badArgs, `invalid permission type: ${args[1]}`);
      const { key, rangeEnd } = permRange(args.slice(2), flags.bool('prefix'), flags.bool('from-key'));
      await ctl.config(run);
      const perm: Json = { permType: PERM_TYPES[permType], key: b64(key) };
      if (rangeEnd.length > 0) perm.range_end = b64(rangeEnd);
      const o = await authCall(ctl, flags, 'RoleGrantPermission', 'role/grant', { name: args[0], perm });
      await ctl.out(printHeaderOnly(ctl, flags, o, `Role ${args[0]} updated\n`));
    },
  };
  const revoke: CommandSpec = {
    use: 'revoke-permission <role name> <key> [endkey]',
    short: 'Revokes a key from a role',
    flags: permFlags('revoke'),
    run: async (run) => {
      const { args, flags } = run;
      if (args.length < 2) throw new ExitError(EXIT.badArgs, 'role revoke-permission command requires role name and key [endkey] as its argument');
      const { key, rangeEnd } = permRange(args.slice(1), flags.bool('prefix'), flags.bool('from-key'));
      await ctl.config(run);
      const body: Json = { role: args[0], key: b64(key) };
      if (rangeEnd.length > 0) body.range_end = b64(rangeEnd);
      const o = await authCall(ctl, flags, 'RoleRevokePermission', 'role/revoke', body);
      // etcdctl names the key as typed (args[1]) and the range end it computed.
      const simple =
        rangeEnd.length === 0
          ? `Permission of key ${args[1]} is revoked from role ${args[0]}\n`
          : !isOpenEnd(rangeEnd)
            ? `Permission of range [${args[1]}, ${text(rangeEnd)}) is revoked from role ${args[0]}\n`
            : `Permission of range [${args[1]}, <open ended> is revoked from role ${args[0]}\n`;
      await ctl.out(printHeaderOnly(ctl, flags, o, simple));
    },
  };
  return { use: 'role <subcommand>', short: 'Role related commands', subcommands: [add, del, get, list, grant, revoke] };
}
