// The interactive terminal: prompt, line editing, history, completion, signals, jobs, limits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeHost } from './testing/fake-host.ts';
import { TermHarness } from './testing/term-harness.ts';

const LEFT = '\x1b[D';
const UP = '\x1b[A';
const DOWN = '\x1b[B';

test('shows a Debian-style prompt and runs a command', async () => {
  const t = new TermHarness(new FakeHost());
  await t.session.ready;
  await t.waitFor(/^learner@node-1:~\$ $/);
  assert.equal(await t.run('echo hello world'), 'hello world');
  assert.equal(await t.run('cd /tmp && pwd'), '/tmp');
  await t.waitFor(/learner@node-1:\/tmp\$ $/);
  assert.equal(await t.run('nosuch'), '-bash: nosuch: command not found');
  assert.equal(await t.run('echo $?'), '127');
  t.session.close();
});

test('root gets a # prompt', async () => {
  const t = new TermHarness(new FakeHost(), { user: 'root' });
  await t.waitFor(/^root@node-1:~# $/);
  assert.equal(await t.run('whoami'), 'root');
  t.session.close();
});

test('editing keys: arrows, Home/End, Ctrl-A/E/K/U/W', async () => {
  const t = new TermHarness(new FakeHost());
  await t.session.ready;
  // Left three times, insert X in the middle.
  assert.equal(await t.run(`echo abc${LEFT}${LEFT}${LEFT}X`), 'Xabc');
  // Ctrl-A then type a prefix.
  assert.equal(await t.run('cho start\x01e'), 'start');
  // Ctrl-U clears what is before the cursor.
  assert.equal(await t.run('garbage\x15echo clean'), 'clean');
  // Ctrl-W deletes the previous word; Ctrl-K kills to the end.
  assert.equal(await t.run('echo keep drop\x17tail'), 'keep tail');
  assert.equal(await t.run(`echo one two${LEFT}${LEFT}${LEFT}\x0b`), 'one');
  // Backspace.
  assert.equal(await t.run('echo abcd\x7f\x7f'), 'ab');
  t.session.close();
});

test('history: Up/Down recall, `history` builtin, persisted to ~/.bash_history for the next session', async () => {
  const host = new FakeHost();
  const t = new TermHarness(host);
  await t.session.ready;
  await t.run('echo first');
  await t.run('echo second');
  assert.equal(await t.run(UP + UP), 'first');
  assert.equal(await t.run(UP + UP + DOWN), 'first');
  const h = await t.run('history');
  assert.match(h, /^ {4}1 {2}echo first\n {4}2 {2}echo second\n/);
  await t.run('echo last');
  assert.equal(new TextDecoder().decode(host.rootFs.readFile('/home/learner/.bash_history')).split('\n')[0], 'echo first');
  t.session.close();
  const t2 = new TermHarness(host);
  await t2.session.ready;
  assert.equal(await t2.run(UP), 'last');
  t2.session.close();
});

test('Tab completes commands and paths; a second Tab lists the candidates', async () => {
  const t = new TermHarness(new FakeHost());
  await t.session.ready;
  assert.equal(await t.run('ech\t hi'), 'hi');
  assert.equal(await t.run('argv /usr/bin/te\t'), '</usr/bin/tee>');
  assert.equal(await t.run('argv /us\tbin/wh\t'), '</usr/bin/whoami>');
  assert.equal(await t.run('echo $HOM\t'), '/home/learner');
  const from = t.raw.length;
  t.send('argv /usr/bin/t\t\t');
  const listing = await t.waitFor(/tee\s+tr\n/, from);
  assert.match(listing, /learner@node-1:~\$ argv \/usr\/bin\/t$/);
  t.send('\x15\r');
  await t.idle(t.raw.length);
  t.session.close();
});

test('Ctrl-C at the prompt prints ^C and a fresh prompt with $? = 130', async () => {
  const t = new TermHarness(new FakeHost());
  await t.session.ready;
  const from = t.raw.length;
  t.send('echo never\x03');
  await t.waitFor(/\^C\nlearner@node-1:~\$ $/, from);
  assert.equal(await t.run('echo $?'), '130');
  t.session.close();
});

test('Ctrl-C interrupts the foreground command at once and abandons the rest of the line', async () => {
  const t = new TermHarness(new FakeHost());
  await t.session.ready;
  const from = t.raw.length;
  t.send('sleep 100; echo after\r');
  await t.waitFor(() => t.session.state().busy, from);
  t.send('\x03');
  const s = await t.waitFor(/\^C\nlearner@node-1:~\$ $/, from);
  assert.doesNotMatch(s, /\nafter\n/);
  assert.equal(await t.run('echo $?'), '130');
  // A shell loop stops too.
  const f2 = t.raw.length;
  t.send('while true; do :; done\r');
  await t.waitFor(() => t.session.state().busy, f2);
  t.send('\x03');
  await t.waitFor(/\^C\nlearner@node-1:~\$ $/, f2);
  t.session.close();
});

test('a foreground program reads typed lines (echoed), Ctrl-D ends its input', async () => {
  const t = new TermHarness(new FakeHost());
  await t.session.ready;
  const from = t.raw.length;
  t.send('tr a-z A-Z\r');
  await t.waitFor(() => t.session.state().busy, from);
  t.send('hello\r');
  t.send('\x04');
  const s = await t.waitFor(/HELLO\nlearner@node-1:~\$ $/, from);
  assert.match(s, /\$ tr a-z A-Z\nhello\nHELLO\n/);
  t.session.close();
});

test('Ctrl-D on an empty line logs out', async () => {
  const t = new TermHarness(new FakeHost());
  await t.session.ready;
  await t.run('false');
  t.send('\x04');
  await t.waitFor(() => t.exitCode !== undefined);
  assert.equal(t.exitCode, 1);
  assert.match(t.text, /logout\n$/);
});

test('exit N ends the session with N', async () => {
  const t = new TermHarness(new FakeHost());
  await t.session.ready;
  t.send('exit 3\r');
  await t.waitFor(() => t.exitCode !== undefined);
  assert.equal(t.exitCode, 3);
  assert.equal(t.session.state().exited, true);
});

test('continuation prompt for unfinished commands, and a pasted here-document', async () => {
  const t = new TermHarness(new FakeHost());
  await t.session.ready;
  let from = t.raw.length;
  t.send('echo one |\r');
  await t.waitFor(/\n> $/, from);
  t.send('tr a-z A-Z\r');
  await t.waitFor(/ONE\nlearner@node-1:~\$ $/, from);
  from = t.raw.length;
  t.send('cat <<EOF | sudo tee -a /etc/motd\rhello $USER\rEOF\recho done\r');
  const s = await t.waitFor(/done\nlearner@node-1:~\$ $/, from);
  assert.match(s, /> hello \$USER\n> EOF\nhello learner\n/);
  t.session.close();
});

test('several pasted lines run in order', async () => {
  const t = new TermHarness(new FakeHost());
  await t.session.ready;
  const from = t.raw.length;
  t.send('\x1b[200~echo a\recho b\recho c\r\x1b[201~');
  const s = await t.waitFor(/c\nlearner@node-1:~\$ $/, from);
  assert.match(s, /echo a\na\n.*echo b\nb\n.*echo c\nc\n/s);
  t.session.close();
});

test('background jobs: [1] pid, jobs, Done notice before the next prompt, kill %1', async () => {
  const t = new TermHarness(new FakeHost());
  await t.session.ready;
  assert.match(await t.run('sleep 0.01 &'), /^\[1\] \d+$/);
  await t.waitFor(() => t.session.state().jobs.every((j) => j.state === 'Done'));
  assert.equal(await t.run(''), '[1]+  Done                    sleep 0.01');
  assert.match(await t.run('sleep 100 > /tmp/log 2>&1 &'), /^\[1\] \d+$/);
  assert.equal(await t.run('jobs'), '[1]+  Running                 sleep 100 > /tmp/log 2>&1 &');
  assert.match(await t.run('jobs -l'), /^\[1\]\+ \d+ Running {17}sleep 100 > \/tmp\/log 2>&1 &$/);
  const first = await t.run('kill %1');
  await t.waitFor(() => t.session.state().jobs.every((j) => j.state === 'Done'));
  const killed = first + '\n' + (await t.run(''));
  assert.equal(killed.trim(), '[1]+  Terminated              sleep 100 > /tmp/log 2>&1');
  assert.equal(await t.run('kill %1'), '-bash: kill: %1: no such job');
  t.session.close();
});

test('fg brings a job to the foreground, where Ctrl-C stops it', async () => {
  const t = new TermHarness(new FakeHost());
  await t.session.ready;
  await t.run('sleep 100 &');
  const from = t.raw.length;
  t.send('fg\r');
  await t.waitFor(/fg\nsleep 100\n$/, from);
  t.send('\x03');
  await t.waitFor(/\^C\nlearner@node-1:~\$ $/, from);
  assert.equal(await t.run('jobs'), '');
  t.session.close();
});

test('closing the session hangs up its background jobs', async () => {
  const host = new FakeHost();
  const t = new TermHarness(host);
  await t.session.ready;
  await t.run('sleep 100 &');
  assert.equal(host.processes().filter((p) => p.argv[0] === 'sleep').length, 1);
  t.session.close();
  await t.session.exited;
  await t.waitFor(() => host.processes().every((p) => p.argv[0] !== 'sleep'));
});

test('a runaway loop hits the CPU limit without freezing the event loop', async () => {
  const t = new TermHarness(new FakeHost(), { cpuLimitMs: 300 });
  await t.session.ready;
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  const out = await t.run('while true; do :; done');
  clearInterval(timer);
  assert.equal(out, '-bash: command line exceeded the sandbox CPU limit (0.3 s)');
  assert.ok(ticks > 0, 'timers kept running during the loop');
  assert.equal(await t.run('echo $?'), '152');
  t.session.close();
});

test('a flood of output is cut at the limit and the command stopped', async () => {
  const t = new TermHarness(new FakeHost(), { outputLimitBytes: 50 * 1024 });
  await t.session.ready;
  const out = await t.run('yes');
  assert.match(out, /^(y\n)+y?\n?-bash: output limit reached \(50 KB per command line\): command stopped$/);
  assert.ok(t.raw.length < 200_000);
  assert.equal(await t.run('yes | head -2'), 'y\ny');
  t.session.close();
});

test('syntax errors read like an interactive bash', async () => {
  const t = new TermHarness(new FakeHost());
  await t.session.ready;
  assert.equal(await t.run('echo (a'), "-bash: syntax error near unexpected token `a'");
  assert.equal(await t.run('fi'), "-bash: syntax error near unexpected token `fi'");
  // A redirection missing its word is an error at Enter, not a continuation prompt.
  assert.equal(await t.run('cat <<'), "-bash: syntax error near unexpected token `newline'");
  assert.equal(await t.run('echo hi >'), "-bash: syntax error near unexpected token `newline'");
  // A trailing backslash still continues the line.
  const from = t.raw.length;
  t.send('echo a \\\r');
  await t.waitFor(/\n> $/, from);
  t.send('b\r');
  await t.waitFor(/\na b\nlearner@node-1:~\$ $/, from);
  t.session.close();
});

test('login reads /etc/profile and ~/.profile; exports there reach programs', async () => {
  const host = new FakeHost();
  host.rootFs.writeFile('/etc/profile', 'export FROM_ETC=etc\n');
  host.rootFs.writeFile('/home/learner/.profile', 'export ETCDCTL_API=3\nalias ll="ls"\n');
  const t = new TermHarness(host);
  await t.session.ready;
  assert.equal(await t.run('env | grep ETCDCTL'), 'ETCDCTL_API=3');
  assert.equal(await t.run('echo $FROM_ETC'), 'etc');
  t.session.close();
});

test('Ctrl-L clears the screen and redraws the line', async () => {
  const t = new TermHarness(new FakeHost());
  await t.session.ready;
  const from = t.raw.length;
  t.send('echo x\x0c');
  await t.waitFor(() => t.raw.slice(from).includes('\x1b[2J') && /echo x$/.test(t.text));
  t.send('\r');
  await t.idle(from);
  t.session.close();
});

test('history expansion: !! and !$ are shown and run; a missing event is an error', async () => {
  const t = new TermHarness(new FakeHost());
  await t.session.ready;
  await t.run('echo one two');
  assert.equal(await t.run('!!'), 'echo one two\none two');
  assert.equal(await t.run('echo !$'), 'echo two\ntwo');
  assert.equal(await t.run('!nosuch'), '-bash: !nosuch: event not found');
  assert.equal(await t.run("echo 'a!b' x! \\!y"), 'a!b x! !y');
  t.session.close();
});

test('a program can put the terminal in raw mode (as ssh does) and get keystrokes unprocessed', async () => {
  const host = new FakeHost();
  const { terminalInput } = await import('./tty.ts');
  host.install('/usr/bin/rawkeys', {
    name: 'rawkeys',
    summary: 'test: echoes raw key codes until q',
    run: async (ctx) => {
      const term = terminalInput(ctx.stdin);
      if (!term) return 1;
      term.setRawMode(true);
      await ctx.stdout.write('raw on\n');
      for (let c = await ctx.stdin.read(); c !== null; c = await ctx.stdin.read()) {
        const s = new TextDecoder().decode(c);
        await ctx.stdout.write(JSON.stringify(s) + '\n');
        if (s.includes('q')) break;
      }
      return 0;
    },
  });
  const t = new TermHarness(host);
  await t.session.ready;
  const from = t.raw.length;
  t.send('rawkeys\r');
  await t.waitFor(/raw on\n$/, from);
  t.send('\x03');
  t.send('\x1b[A');
  t.send('q');
  const s = await t.waitFor(/"q"\nlearner@node-1:~\$ $/, from);
  assert.match(s, /"\\u0003"\n"\\u001b\[A"\n"q"\n/);
  // Cooked mode again afterwards.
  assert.equal(await t.run('echo back'), 'back');
  t.session.close();
});

test('attachTerminalSession: a nested session on another host inside a program (ssh-like)', async () => {
  const { attachTerminalSession } = await import('./attach.ts');
  const local = new FakeHost();
  const remote = new FakeHost();
  (remote as { hostname: string }).hostname = 'node-2';
  local.install('/usr/bin/fakessh', {
    name: 'fakessh',
    summary: 'test: a terminal on the remote host',
    run: (ctx) => attachTerminalSession({ host: remote, user: ctx.proc.cred.user, ttyName: 'pts/1', stdin: ctx.stdin, stdout: ctx.stdout, signal: ctx.signal }),
  });
  const t = new TermHarness(local);
  await t.session.ready;
  const from = t.raw.length;
  t.send('fakessh\r');
  await t.waitFor(/learner@node-2:~\$ $/, from);
  const f1 = t.raw.length;
  t.send('h=$(echo remote); echo $h\r');
  await t.waitFor(/\nremote\nlearner@node-2:~\$ $/, f1);
  // Ctrl-C reaches the remote shell's foreground job, not the local one.
  const f2 = t.raw.length;
  t.send('sleep 100\r');
  await t.waitFor(/sleep 100\n$/, f2);
  t.send('\x03');
  await t.waitFor(/\^C\nlearner@node-2:~\$ $/, f2);
  const f3 = t.raw.length;
  t.send('exit 4\r');
  await t.waitFor(/logout\nlearner@node-1:~\$ $/, f3);
  assert.equal(await t.run('echo $?'), '4');
  // Keys typed ahead during a later command still reach the next prompt (the ended
  // session's reader does not swallow them).
  const f4 = t.raw.length;
  t.send('sleep 0.1\r');
  await t.waitFor(() => t.session.state().busy, f4);
  t.send('echo typed-ahead\r');
  await t.waitFor(/\ntyped-ahead\nlearner@node-1:~\$ $/, f4);
  t.session.close();
});

test('typing `bash` at the prompt starts an interactive child shell; exit returns', async () => {
  const t = new TermHarness(new FakeHost());
  await t.session.ready;
  await t.run('export MARK=parent; cd /tmp');
  const from = t.raw.length;
  t.send('bash\r');
  await t.waitFor(/bash\nlearner@node-1:\/tmp\$ $/, from);
  const f2 = t.raw.length;
  t.send('echo "$MARK $SHLVL"; MARK=child; exit 5\r');
  await t.waitFor(/exit\nlearner@node-1:\/tmp\$ $/, f2);
  assert.match(t.text.slice(-200), /parent 2\n/);
  assert.equal(await t.run('echo $MARK $?'), 'parent 5');
  t.session.close();
});

test('Tab Tab on an empty line offers every command, asking first when there are many', async () => {
  const host = new FakeHost();
  for (let i = 0; i < 120; i++) host.install(`/usr/local/bin/tool${String(i).padStart(3, '0')}`, { name: 'tool', summary: 'x', run: async () => 0 });
  const t = new TermHarness(host);
  await t.session.ready;
  let from = t.raw.length;
  t.send('\t\t');
  await t.waitFor(/Display all \d+ possibilities\? \(y or n\)$/, from);
  t.send('n');
  await t.waitFor(/\(y or n\)\nlearner@node-1:~\$ $/, from);
  from = t.raw.length;
  t.send('tool11\t\t');
  const s = await t.waitFor(/tool119\nlearner@node-1:~\$ tool11$/, from);
  assert.match(s, /tool110 +tool112/);
  t.send('\x15\r');
  await t.idle(t.raw.length);
  t.session.close();
});

test('kill -9 $$ ends the session with 137', async () => {
  const t = new TermHarness(new FakeHost());
  await t.session.ready;
  t.send('kill -9 $$\r');
  await t.waitFor(() => t.exitCode !== undefined);
  assert.equal(t.exitCode, 137);
  assert.equal(t.session.state().exited, true);
});

test('read -s does not echo what is typed; read -p shows its prompt', async () => {
  const t = new TermHarness(new FakeHost());
  await t.session.ready;
  const from = t.raw.length;
  t.send('read -s -p "Password: " pw; echo; echo "got ${#pw} chars"\r');
  await t.waitFor(/Password: $/, from);
  t.send('hunter2\r');
  const s = await t.waitFor(/got 7 chars\nlearner@node-1:~\$ $/, from);
  assert.doesNotMatch(s, /hunter2/);
  t.session.close();
});

test('PS1 with escapes, variables and command substitution', async () => {
  const t = new TermHarness(new FakeHost());
  await t.session.ready;
  const from = t.raw.length;
  // As in bash, $? read before a $(…) of the prompt still shows the last command's status.
  t.send("PS1='[\\u on \\h \\W $? $(whoami)]\\$ '; false\r");
  await t.waitFor(/\[learner on node-1 ~ 1 learner\]\$ $/, from);
  t.session.close();
});

test('history expansion skips here-document bodies but applies inside double quotes', async () => {
  const t = new TermHarness(new FakeHost());
  await t.session.ready;
  await t.run('echo one');
  const from = t.raw.length;
  t.send('cat <<EOF\r#!/bin/bash\rhi !!\rEOF\r');
  await t.waitFor(/#!\/bin\/bash\nhi !!\nlearner@node-1:~\$ $/, from);
  assert.equal(await t.run('echo "#!/bin/bash"'), '-bash: !/bin/bash: event not found');
  assert.equal(await t.run('echo "a!"'), 'a!');
  t.session.close();
});

test('a background command that is not found is still a job with a pid; its error goes where its stderr goes', async () => {
  const host = new FakeHost();
  const t = new TermHarness(host);
  await t.session.ready;
  assert.match(await t.run('etcd > etcd.log 2>&1 &'), /^\[1\] \d+$/);
  await t.waitFor(() => t.session.state().jobs.every((j) => j.state === 'Done'));
  assert.equal(await t.run(''), '[1]+  Exit 127                etcd > etcd.log 2>&1');
  assert.equal(await t.run('cat etcd.log'), '-bash: etcd: command not found');
  t.session.close();
});
