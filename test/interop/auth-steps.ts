// The user / role / auth sequence the auth interop tests run with etcdctl: users with
// passwords (flag, prompt, stdin), roles with key, prefix, range and open-ended permissions,
// auth enable, what alice may then read and write, password change, clean-up, auth disable.
import { withoutClientLogs, type ToolOutput } from './support.ts';

export const root = '--user=root:rootpw';
export const alice = '--user=alice:alicepw';

/** [args, stdin?]: the user/role/auth life of a small cluster. */
export const AUTH_STEPS: [string[], string?][] = [
  [['user', 'add', 'root', '--new-user-password=rootpw']],
  [['user', 'add', 'root', '--new-user-password=again']],
  [['user', 'add', 'bob'], 'bobpw\nbobpw\n'],
  [['user', 'add', 'carol', '--interactive=false'], 'carolpw\n'],
  [['user', 'add', 'svc', '--no-password']],
  [['role', 'add', 'app']],
  [['role', 'add', 'app']],
  [['role', 'grant-permission', 'app', 'readwrite', '/app/', '--prefix']],
  [['role', 'grant-permission', 'app', 'read', '/cfg']],
  [['role', 'grant-permission', 'app', 'write', '/z', '--from-key']],
  [['role', 'grant-permission', 'app', 'read', 'a', 'c']],
  [['role', 'grant-permission', 'app', 'bogus', 'k']],
  [['role', 'get', 'app']],
  [['role', 'get', 'app', '-w', 'fields']],
  [['role', 'get', 'nosuch']],
  [['role', 'list']],
  [['user', 'add', 'alice', '--new-user-password=alicepw']],
  [['user', 'grant-role', 'alice', 'app']],
  [['user', 'grant-role', 'alice', 'nosuch']],
  [['user', 'get', 'alice']],
  [['user', 'get', 'alice', '--detail']],
  [['user', 'list']],
  [['user', 'list', '-w', 'json']],
  [['role', 'revoke-permission', 'app', 'a', 'c']],
  [['role', 'revoke-permission', 'app', 'a', 'c']],
  [['auth', 'enable']],
  [['user', 'list']],
  [['put', 'k', 'v']],
  [['get', 'k']],
  [[root, 'user', 'list']],
  [['--user=root:wrong', 'user', 'list']],
  [[alice, 'put', '/app/x', '1']],
  [[alice, 'get', '/app/x']],
  [[alice, 'get', '/app/', '--prefix']],
  [[alice, 'put', '/other', '1']],
  [[alice, 'get', '/other']],
  [[alice, 'get', '/cfg']],
  [[alice, 'put', '/cfg', 'x']],
  [[alice, 'put', '/zz', 'x']],
  [[alice, 'get', '/zz']],
  [[alice, 'del', '/app/x']],
  [[alice, 'txn'], 'value("/app/x") = "1"\n\nput /app/y 2\n\nput /app/y 3\n\n'],
  [[alice, 'txn'], 'value("/cfg") = "1"\n\nput /app/y 2\n\n\n'],
  [[alice, 'user', 'list']],
  [[alice, 'user', 'get', 'alice']],
  [[alice, 'role', 'get', 'app']],
  [[root, 'get', '/app/', '--prefix', '--keys-only']],
  [[root, 'user', 'passwd', 'alice', '--interactive=false'], 'newpw\n'],
  [[alice, 'get', '/app/y']],
  [['--user=alice:newpw', 'get', '/app/y', '--print-value-only']],
  [[root, 'user', 'delete', 'root']],
  [[root, 'user', 'revoke-role', 'root', 'root']],
  [[root, 'role', 'delete', 'root']],
  [[root, 'user', 'revoke-role', 'alice', 'app']],
  [[root, 'user', 'revoke-role', 'alice', 'app']],
  [[root, 'user', 'delete', 'alice']],
  [[root, 'role', 'delete', 'app']],
  [[root, 'user', 'delete', 'nobody']],
  [[root, 'auth', 'disable']],
  [['user', 'list']],
  [['get', '/app/y', '--print-value-only']],
];

/** What two runs of the steps may differ in: clientv3's warning lines and the server's port. */
export function normaliseStep(o: ToolOutput, port: string): ToolOutput {
  const clean = (s: string) => withoutClientLogs(s).replaceAll(port, 'PORT');
  return { status: o.status, stdout: clean(o.stdout), stderr: clean(o.stderr) };
}
