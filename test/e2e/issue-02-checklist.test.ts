// Issue 2's checklist, typed into a terminal on lab 01's host as a learner would: each
// shell feature, command and bad input the issue names, with what bash/etcd print.
// Fast (no browser): one sandbox, one terminal, one etcd. The limits (CPU per command
// line, output, stdin) have their own tests in src/sandbox.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { realSandboxProvider } from '../../src/lab/sandbox-provider.ts';
import { TerminalDriver } from '../../src/lab/terminal-driver.ts';
import type { LabSandbox } from '../../src/lab/sandbox-port.ts';
import lab from '../../labs/01-first-contact/lab.ts';

let sandbox: LabSandbox;
let term: TerminalDriver;

before(async () => {
  sandbox = await realSandboxProvider.create(lab);
  // Wide enough that no command line wraps in the echo.
  term = new TerminalDriver(sandbox, { host: 'node-1', cols: 400 });
  assert.ok(await term.ready(), term.output);
});

after(() => {
  term.close();
  sandbox.dispose();
});

/** What a line printed, without its echo and the prompt after it. */
async function out(line: string, timeoutMs = 15_000): Promise<string> {
  const r = await term.run(line, { timeoutMs });
  assert.ok(r.completed, `"${line}" did not return to the prompt:\n${r.output}`);
  const lines = r.output.split('\n');
  return lines.slice(line.split('\n').length, -1).join('\n');
}

test('shell: pipes, && || ;, redirects, quotes and escapes', async () => {
  assert.equal(await out('echo a b | tr a-z A-Z | cat'), 'A B');
  assert.equal(await out('true && echo yes || echo no; false && echo yes || echo no'), 'yes\nno');
  assert.equal(await out('echo hi > /tmp/f; echo there >> /tmp/f; cat < /tmp/f'), 'hi\nthere');
  assert.equal(await out('ls /nonexist 2>&1 | cat'), "ls: cannot access '/nonexist': No such file or directory");
  assert.equal(await out(`echo 'single $HOME' "double $HOME" \\$HOME a\\ b`), 'single $HOME double /home/learner $HOME a b');
});

test('shell: $VAR ${VAR} ${VAR:-x} ${VAR?} $(…) heredocs continuations VAR=x cmd export', async () => {
  assert.equal(await out('X=5; echo $X ${X} ${Y:-def} $(echo sub)'), '5 5 def sub');
  assert.equal(await out('echo ${Y?}; echo not reached'), 'bash: Y: parameter not set');
  // Multi-line input: the continuation prompt '> ' shows between the lines.
  const from = term.output.length;
  term.keys("cat <<END\rheredoc $HOME\rEND\rcat <<'END'\rquoted $HOME\rEND\recho cont \\\rinued\r");
  assert.ok(
    await term.waitFor((s) => /> END\nheredoc \/home\/learner\n[\s\S]*> END\nquoted \$HOME\n[\s\S]*> inued\ncont inued\n.*\$ $/.test(s), { from }),
    term.output.slice(from),
  );
  assert.equal(await out('FOO=bar env | grep ^FOO=; echo "[$FOO]"'), 'FOO=bar\n[]');
  assert.equal(await out('export BAZ=1; env | grep ^BAZ='), 'BAZ=1');
});

test('shell: cd, ~, globs, $? and exit codes', async () => {
  assert.equal(await out('cd /tmp; pwd; cd; pwd; cd /nonexist'), '/tmp\n/home/learner\nbash: cd: /nonexist: No such file or directory');
  assert.equal(await out('echo ~ ~root; echo /etc/host*; echo /nomatch*'), '/home/learner /root\n/etc/hostname /etc/hosts\n/nomatch*');
  assert.equal(await out('false; echo $?; true; echo $?'), '1\n0');
});

test('shell: & jobs, jobs, kill %1, fg', async () => {
  assert.match(await out('sleep 30 &'), /^\[1\] \d+$/);
  assert.equal(await out('jobs'), '[1]+  Running                 sleep 30 &');
  assert.equal(await out('kill %1'), '[1]+  Terminated              sleep 30');
  assert.match(await out('sleep 0.2 &'), /^\[1\] \d+$/);
  assert.equal(await out('fg'), 'sleep 0.2');
});

test('line editing: history arrows, Tab completion, Ctrl-C at once', async () => {
  await out('echo first-entry');
  let from = term.output.length;
  term.keys('\x1b[A\r');
  assert.ok(await term.waitFor((s) => /first-entry\n[\s\S]*first-entry\n.*\$ $/.test(s), { from }), term.output.slice(from));
  from = term.output.length;
  term.keys('etcdc\t');
  assert.ok(await term.waitFor((s) => s.endsWith('etcdctl '), { from }), term.output.slice(from));
  term.keys('\x03');
  from = term.output.length;
  term.keys('cat /etc/hostn\t');
  assert.ok(await term.waitFor((s) => s.endsWith('/etc/hostname '), { from }), term.output.slice(from));
  term.keys('\r');
  assert.ok(await term.waitFor((s) => /\nnode-1\n.*\$ $/.test(s), { from }));
  from = term.output.length;
  term.keys('sleep 100\r');
  await new Promise((r) => setTimeout(r, 200));
  term.keys('\x03');
  assert.ok(await term.waitFor((s) => /\^C\n.*\$ $/.test(s), { from, timeoutMs: 2000 }), 'Ctrl-C stops sleep at once');
  assert.equal(await out('echo $?'), '130');
});

test('bad input: unknown command 127, syntax errors in bash words', async () => {
  assert.equal(await out('foo; echo $?'), 'bash: foo: command not found\n127');
  assert.equal(await out('if then'), "bash: syntax error near unexpected token `then'");
  assert.equal(await out('echo )'), "bash: syntax error near unexpected token `)'");
  assert.equal(await out('cat <<'), "bash: syntax error near unexpected token `newline'");
});

test('etcdctl with nothing listening: context deadline exceeded', async () => {
  const text = await out('etcdctl --endpoints=127.0.0.1:2399 --command-timeout=1s get foo; echo $?');
  assert.match(text, /\nError: context deadline exceeded\n1$/);
});

test('etcd: started in the background and served at once; HTTP API and gateway with base64 and int64 strings', async () => {
  assert.equal(await out('etcd > etcd.log 2>&1 & curl -s -m 8 http://127.0.0.1:2379/health; echo', 12_000).then((s) => s.split('\n').slice(1).join('\n')), '{"health":"true","reason":""}');
  assert.match(await out('grep -c "ready to serve client requests" etcd.log'), /^1$/);
  assert.equal(await out('curl -s http://127.0.0.1:2379/version; echo'), '{"etcdserver":"3.6.4","etcdcluster":"3.6.0"}');
  assert.match(await out('curl -s http://127.0.0.1:2379/metrics | grep ^etcd_server_has_leader'), /^etcd_server_has_leader 1$/);
  const putText = await out(`curl -s -X POST http://127.0.0.1:2379/v3/kv/put -d '{"key":"Zm9v","value":"YmFy"}'; echo`);
  const put = JSON.parse(putText) as { header: { revision: unknown } };
  assert.equal(typeof put.header.revision, 'string');
  const range = JSON.parse(await out(`curl -s -X POST http://127.0.0.1:2379/v3/kv/range -d '{"key":"Zm9v"}'; echo`)) as { kvs: { key: string; value: string; version: unknown }[]; count: unknown };
  assert.deepEqual([range.kvs[0]!.key, range.kvs[0]!.value, range.kvs[0]!.version, range.count], ['Zm9v', 'YmFy', '1', '1']);
  const txn = JSON.parse(await out(`curl -s -X POST http://127.0.0.1:2379/v3/kv/txn -d '{"compare":[{"key":"Zm9v","target":"VALUE","result":"EQUAL","value":"YmFy"}],"success":[{"request_put":{"key":"Zm9v","value":"YmF6"}}]}'; echo`)) as { succeeded: boolean };
  assert.equal(txn.succeeded, true);
  // /v3/watch streams: the created event and the replayed history show while it runs.
  const watch = await out(`curl -s -m 1 http://127.0.0.1:2379/v3/watch -d '{"create_request":{"key":"Zm9v","start_revision":"1"}}'; echo " curl=$?"`);
  assert.match(watch, /"created":true/);
  assert.match(watch, /"value":"YmF6"/);
  assert.match(watch, / curl=28$/);
  const del = JSON.parse(await out(`curl -s -X POST http://127.0.0.1:2379/v3/kv/deleterange -d '{"key":"Zm9v"}'; echo`)) as { deleted: unknown };
  assert.equal(del.deleted, '1');
});

test('etcdctl: put, get (--print-value-only, -w json), prefixes, del, --rev, bad flags', async () => {
  assert.equal(await out('etcdctl put foo bar'), 'OK');
  assert.equal(await out('etcdctl get foo'), 'foo\nbar');
  assert.equal(await out('etcdctl get foo --print-value-only'), 'bar');
  assert.match(await out('etcdctl get foo -w json'), /^\{"header":\{"cluster_id":\d+,"member_id":\d+,"revision":\d+,"raft_term":\d+\},"kvs":\[\{"key":"Zm9v",/);
  assert.equal(await out('etcdctl put /foo bar; etcdctl put /foo/bar baz; etcdctl put /foo/bar/baz bat'), 'OK\nOK\nOK');
  assert.equal(await out('etcdctl get --prefix /foo --keys-only'), '/foo\n\n/foo/bar\n\n/foo/bar/baz\n');
  const rev = (await out('etcdctl get /foo/bar -w fields | grep ModRevision')).replace(/\D/g, '');
  assert.equal(await out('etcdctl put /foo/bar changed; etcdctl del --prefix /foo'), 'OK\n3');
  assert.equal(await out(`etcdctl get /foo/bar --rev=${rev} --print-value-only`), 'baz');
  assert.equal(await out('etcdctl put'), 'Error: put command needs 1 argument and input from stdin or 2 arguments');
  assert.match(await out('etcdctl get --bogus foo'), /^Error: unknown flag: --bogus\nNAME:\n  get - Gets the key or a range of keys\n/);
  assert.equal(await out('etcdctl bogus'), "Error: unknown command \"bogus\" for \"etcdctl\"\nRun 'etcdctl --help' for usage.");
  assert.match(await out('etcd --bogus-flag; echo $?'), /^flag provided but not defined: -bogus-flag\nUsage:\n[\s\S]*\n2$/);
});
