// user add | delete | get | list | passwd | grant-role | revoke-role (etcdctl 3.6's
// user_command.go): these calls carry no command timeout (clientv3's context.TODO()).
import { ExitError, type CommandSpec } from '../cli/command.ts';
import { asArray, type Header } from '../client/types.ts';
import { EXIT, type Ctl } from '../ctl.ts';
import { jHeader } from '../format/printer.ts';
import { pbAppend, pbHeaderOnly, pbStrings } from '../format/protobuf.ts';
import { authCall, headerOf, printAuth, printHeaderOnly, readPasswordInteractive, scanWord } from './auth-commands.ts';
import { roleGetOutput } from './role-commands.ts';

const strings = (v: unknown): string[] => asArray(v).map(String);

export function userCommand(ctl: Ctl): CommandSpec {
  const add: CommandSpec = {
    use: 'add <user name or user:password> [options]',
    short: 'Adds a new user',
    flags: [
      { name: 'interactive', kind: 'bool', def: 'true', usage: 'Read password from stdin instead of interactive terminal' },
      { name: 'new-user-password', kind: 'string', def: '', usage: 'Supply password from the command line flag' },
      { name: 'no-password', kind: 'bool', def: 'false', usage: 'Create a user without password (CN based auth only)' },
    ],
    run: async (run) => {
      const { args, flags } = run;
      if (args.length !== 1) throw new ExitError(EXIT.badArgs, 'user add command requires user name as its argument');
      let user = args[0]!;
      let password = '';
      const noPassword = flags.bool('no-password');
      if (!noPassword) {
        const fromFlag = flags.string('new-user-password');
        const colon = user.indexOf(':');
        if (fromFlag !== '') password = fromFlag;
        else if (colon < 0) password = flags.bool('interactive') ? await readPasswordInteractive(ctl, user) : await scanWord(ctl);
        else {
          password = user.slice(colon + 1);
          user = user.slice(0, colon);
          if (user.length === 0) throw new ExitError(EXIT.badArgs, 'empty user name is not allowed');
        }
      }
      await ctl.config(run);
      const body: Record<string, unknown> = { name: user, password };
      if (noPassword) body.options = { no_password: true };
      const o = await authCall(ctl, flags, 'UserAdd', 'user/add', body);
      await ctl.out(printHeaderOnly(ctl, flags, o, `User ${user} created\n`));
    },
  };
  const del: CommandSpec = {
    use: 'delete <user name>',
    short: 'Deletes a user',
    run: async (run) => {
      if (run.args.length !== 1) throw new ExitError(EXIT.badArgs, 'user delete command requires user name as its argument');
      await ctl.config(run);
      const o = await authCall(ctl, run.flags, 'UserDelete', 'user/delete', { name: run.args[0] });
      await ctl.out(printHeaderOnly(ctl, run.flags, o, `User ${run.args[0]} deleted\n`));
    },
  };
  const get: CommandSpec = {
    use: 'get <user name> [options]',
    short: 'Gets detailed information of a user',
    flags: [{ name: 'detail', kind: 'bool', def: 'false', usage: 'Show permissions of roles granted to the user' }],
    run: async (run) => {
      const { args, flags } = run;
      if (args.length !== 1) throw new ExitError(EXIT.badArgs, 'user get command requires user name as its argument');
      const name = args[0]!;
      await ctl.config(run);
      const o = await authCall(ctl, flags, 'UserGet', 'user/get', { name });
      const roles = strings(o.roles);
      if (flags.bool('detail')) {
        await ctl.out(`User: ${name}\n`);
        for (const role of roles) {
          await ctl.out('\n');
          const r = await authCall(ctl, flags, 'RoleGet', 'role/get', { role });
          await ctl.out(roleGetOutput(ctl, flags, role, r));
        }
        return;
      }
      const h: Header = headerOf(o);
      await ctl.out(
        printAuth(ctl, flags, {
          simple: `User: ${name}\nRoles:${roles.map((r) => ' ' + r).join('')}\n`,
          json: { header: jHeader(h), roles: roles.length ? roles : undefined },
          pb: pbAppend(pbHeaderOnly(h), pbStrings(2, roles)),
        }),
      );
    },
  };
  const list: CommandSpec = {
    use: 'list',
    short: 'Lists all users',
    run: async (run) => {
      if (run.args.length !== 0) throw new ExitError(EXIT.badArgs, 'user list command requires no arguments');
      await ctl.config(run);
      const o = await authCall(ctl, run.flags, 'UserList', 'user/list', {});
      const users = strings(o.users);
      const h = headerOf(o);
      await ctl.out(
        printAuth(ctl, run.flags, {
          simple: users.map((u) => u + '\n').join(''),
          json: { header: jHeader(h), users: users.length ? users : undefined },
          pb: pbAppend(pbHeaderOnly(h), pbStrings(2, users)),
        }),
      );
    },
  };
  const passwd: CommandSpec = {
    use: 'passwd <user name> [options]',
    short: 'Changes password of user',
    flags: [{ name: 'interactive', kind: 'bool', def: 'true', usage: 'If true, read password from stdin instead of interactive terminal' }],
    run: async (run) => {
      const { args, flags } = run;
      if (args.length !== 1) throw new ExitError(EXIT.badArgs, 'user passwd command requires user name as its argument');
      const password = flags.bool('interactive') ? await readPasswordInteractive(ctl, args[0]!) : await scanWord(ctl);
      await ctl.config(run);
      const o = await authCall(ctl, flags, 'UserChangePassword', 'user/changepw', { name: args[0], password });
      await ctl.out(printHeaderOnly(ctl, flags, o, 'Password updated\n'));
    },
  };
  const grant: CommandSpec = {
    use: 'grant-role <user name> <role name>',
    short: 'Grants a role to a user',
    run: async (run) => {
      const [user, role] = run.args;
      if (run.args.length !== 2) throw new ExitError(EXIT.badArgs, 'user grant command requires user name and role name as its argument');
      await ctl.config(run);
      const o = await authCall(ctl, run.flags, 'UserGrantRole', 'user/grant', { user, role });
      await ctl.out(printHeaderOnly(ctl, run.flags, o, `Role ${role} is granted to user ${user}\n`));
    },
  };
  const revoke: CommandSpec = {
    use: 'revoke-role <user name> <role name>',
    short: 'Revokes a role from a user',
    run: async (run) => {
      const [user, role] = run.args;
      if (run.args.length !== 2) throw new ExitError(EXIT.badArgs, 'user revoke-role requires user name and role name as its argument');
      await ctl.config(run);
      const o = await authCall(ctl, run.flags, 'UserRevokeRole', 'user/revoke', { name: user, role });
      await ctl.out(printHeaderOnly(ctl, run.flags, o, `Role ${role} is revoked from user ${user}\n`));
    },
  };
  return { use: 'user <subcommand>', short: 'User related commands', subcommands: [add, del, get, list, passwd, grant, revoke] };
}
