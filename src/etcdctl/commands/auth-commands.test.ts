// etcdctl user / role / auth against our etcd: the texts etcdctl 3.6 prints (recorded from
// the real etcdctl against the real etcd for the same sequence), prompts, flags and errors.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestEtcd, type RunningEtcd } from '../../etcd/api/test-helpers.ts';
import { ctl } from '../test-support.ts';

let etcd: RunningEtcd;
before(async () => {
  etcd = await startTestEtcd();
});
after(() => etcd.stop());

const run = (args: string[], opts: { stdin?: string; env?: Record<string, string> } = {}) => ctl([`--endpoints=${etcd.url}`, ...args], opts);
const errLine = (r: { stderr: string }) => r.stderr.split('\n').filter((l) => !l.startsWith('{"level"')).join('\n');

describe('etcdctl user, role and auth', () => {
  it('manages users and roles, then enables auth and works with --user', async () => {
    assert.deepEqual(await run(['auth', 'status']), { status: 0, stdout: 'Authentication Status: false\nAuthRevision: 1\n', stderr: '' });
    const add = await run(['user', 'add', 'root'], { stdin: 'rootpw\nrootpw\n' });
    const stty = "stty: 'standard input': Inappropriate ioctl for device\n";
    assert.deepEqual(add, { status: 0, stdout: 'Password of root: \nType password of root again for confirmation: \nUser root created\n', stderr: stty.repeat(4) });
    const dup = await run(['user', 'add', 'root', '--new-user-password=x']);
    assert.equal(dup.status, 1);
    assert.equal(errLine(dup), 'Error: etcdserver: user name already exists\n');
    assert.match(dup.stderr, /"error":"rpc error: code = FailedPrecondition desc = etcdserver: user name already exists"/);
    assert.equal((await run(['user', 'add', 'alice', '--interactive=false'], { stdin: 'alicepw extra\n' })).stdout, 'User alice created\n');
    assert.equal((await run(['user', 'add', 'svc', '--no-password'])).stdout, 'User svc created\n');
    assert.equal((await run(['role', 'add', 'app'])).stdout, 'Role app created\n');
    assert.equal((await run(['role', 'grant-permission', 'app', 'readwrite', '/app/', '--prefix'])).stdout, 'Role app updated\n');
    assert.equal((await run(['role', 'grant-permission', 'app', 'read', '/cfg'])).stdout, 'Role app updated\n');
    assert.equal((await run(['role', 'grant-permission', 'app', 'write', '/z', '--from-key'])).stdout, 'Role app updated\n');
    assert.equal((await run(['role', 'grant-permission', 'app', 'read', 'a', 'b'])).stdout, 'Role app updated\n');
    assert.equal(
      (await run(['role', 'get', 'app'])).stdout,
      'Role app\nKV Read:\n\t[/app/, /app0) (prefix /app/)\n\t/cfg\n\t[a, b) (prefix a)\nKV Write:\n\t[/app/, /app0) (prefix /app/)\n\t[/z, <open ended>\n',
    );
    assert.equal((await run(['user', 'grant-role', 'alice', 'app'])).stdout, 'Role app is granted to user alice\n');
    assert.equal((await run(['user', 'get', 'alice'])).stdout, 'User: alice\nRoles: app\n');
    assert.match((await run(['user', 'get', 'alice', '--detail'])).stdout, /^User: alice\n\nRole app\nKV Read:\n/);
    assert.equal((await run(['user', 'list'])).stdout, 'alice\nroot\nsvc\n');
    assert.equal((await run(['role', 'list'])).stdout, 'app\n');
    assert.match((await run(['role', 'get', 'app', '-w', 'json'])).stdout, /^\{"header":\{"cluster_id":\d+,"member_id":\d+,"revision":1,"raft_term":\d+\},"perm":\[\{"permType":2,"key":"L2FwcC8=","range_end":"L2FwcDA="\},\{"key":"L2NmZw=="\},/);
    assert.match((await run(['role', 'get', 'app', '-w', 'fields'])).stdout, /"PermType" : {2}READWRITE\n"Key" : "\/app\/"\n"RangeEnd" : "\/app0"\n/);
    assert.deepEqual(await run(['role', 'get', 'app', '-w', 'table']), { status: 4, stdout: '', stderr: 'Error: table not supported as output format\n' });
    assert.deepEqual(await run(['user', 'list', '-w', 'fields']), { status: 4, stdout: '', stderr: 'Error: fields not supported as output format\n' });
    assert.equal((await run(['role', 'revoke-permission', 'app', 'a', 'b'])).stdout, 'Permission of range [a, b) is revoked from role app\n');
    assert.equal((await run(['role', 'revoke-permission', 'app', '/cfg'])).stdout, 'Permission of key /cfg is revoked from role app\n');
    assert.equal(errLine(await run(['role', 'revoke-permission', 'app', '/cfg'])), 'Error: etcdserver: permission is not granted to the role\n');
    // etcdctl adds the root role and grants it when only that is missing.
    assert.deepEqual((await run(['auth', 'enable'])).stdout, 'Authentication Enabled\n');
    assert.deepEqual((await run(['role', 'get', 'root', '--user=root:rootpw'])).stdout, 'Role root\nKV Read:\n\t[, <open ended>\nKV Write:\n\t[, <open ended>\n');
    assert.equal(errLine(await run(['user', 'list'])), 'Error: etcdserver: user name is empty\n');
    const wrong = await run(['user', 'list', '--user=root:nope']);
    assert.deepEqual({ status: wrong.status, err: errLine(wrong) }, { status: 2, err: 'Error: etcdserver: authentication failed, invalid user ID or password\n' }, 'as mustClient: a bad connection');
    assert.equal((await run(['user', 'list', '--user=root', '--password=rootpw'])).stdout, 'alice\nroot\nsvc\n');
    assert.equal((await run(['user', 'list'], { env: { ETCDCTL_USER: 'root', ETCDCTL_PASSWORD: 'rootpw' } })).stdout, 'alice\nroot\nsvc\n');
    assert.equal((await run(['user', 'list', '--user=root'], { stdin: 'rootpw\n' })).stdout, 'Password: \nalice\nroot\nsvc\n');
    assert.equal(errLine(await run(['user', 'list', '--user=alice:alicepw'])), 'Error: etcdserver: permission denied\n');
    assert.equal((await run(['user', 'get', 'alice', '--user=alice:alicepw'])).stdout, 'User: alice\nRoles: app\n', 'a user reads itself');
    assert.equal(errLine(await run(['user', 'delete', 'root', '--user=root:rootpw'])), 'Error: etcdserver: invalid auth management\n');
    assert.equal((await run(['user', 'passwd', 'alice', '--interactive=false', '--user=root:rootpw'], { stdin: 'newpw\n' })).stdout, 'Password updated\n');
    assert.equal(errLine(await run(['user', 'get', 'alice', '--user=alice:alicepw'])), 'Error: etcdserver: authentication failed, invalid user ID or password\n');
    assert.equal((await run(['user', 'revoke-role', 'alice', 'app', '--user=root:rootpw'])).stdout, 'Role app is revoked from user alice\n');
    assert.equal((await run(['user', 'delete', 'alice', '--user=root:rootpw'])).stdout, 'User alice deleted\n');
    assert.equal((await run(['role', 'delete', 'app', '--user=root:rootpw'])).stdout, 'Role app deleted\n');
    assert.equal((await run(['auth', 'status', '--user=root:rootpw'])).stdout, 'Authentication Status: true\nAuthRevision: 18\n');
    assert.equal((await run(['auth', 'disable', '--user=root:rootpw'])).stdout, 'Authentication Disabled\n');
  });

  it('refuses bad arguments as etcdctl does', async () => {
    const bad = async (args: string[], text: string, stdin = '') => {
      const r = await run(args, { stdin });
      const stderr = r.stderr.split('\n').filter((l) => !l.startsWith('stty: ')).join('\n');
      assert.deepEqual({ status: r.status, stderr }, { status: 128, stderr: `Error: ${text}\n` }, args.join(' '));
    };
    await bad(['user', 'add'], 'user add command requires user name as its argument');
    await bad(['user', 'add', ':pw'], 'empty user name is not allowed');
    await bad(['user', 'add', 'bob'], 'empty password', '\n');
    await bad(['user', 'add', 'bob'], 'given passwords are different', 'a\nb\n');
    await bad(['role', 'grant-permission', 'r', 'read'], 'role grant command requires role name, permission type, and key [endkey] as its argument');
    await bad(['role', 'grant-permission', 'r', 'foo', 'k'], 'invalid permission type: foo');
    await bad(['role', 'grant-permission', 'r', 'read', 'x', 'y', '--prefix'], 'unexpected endkey argument with --prefix flag');
    await bad(['role', 'grant-permission', 'r', 'read', 'x', '--prefix', '--from-key'], '--from-key and --prefix flags are mutually exclusive');
    await bad(['user', 'grant-role', 'u'], 'user grant command requires user name and role name as its argument');
    await bad(['auth', 'enable', 'x'], 'auth enable command does not accept any arguments');
  });
});
