// bash's reports of programs killed by signals (non-interactive forms, as Debian's bash 5.2
// prints them) and `ulimit -t` binding the programs the shell starts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SimClock } from '../../platform/sim-clock.ts';
import { run } from '../commands/testing.ts';
import { createSandbox } from '../sandbox.ts';

function host(cpuMsPerProcess = 60_000) {
  const sb = createSandbox({ hosts: [{ name: 'node-1', ip: '10.0.0.11', limits: { cpuMsPerProcess } }], clock: new SimClock(Date.UTC(2026, 10, 21, 9)) });
  return sb.host('node-1');
}

const bash = (cmd: string, h = host()) => run(h, ['bash', '-c', cmd]);

test('a foreground program killed by SIGKILL: "bash: line N:  PID Killed" padded as bash pads it, then the script goes on', async () => {
  const r = await bash(`sh -c 'echo $$; kill -9 $$'; echo after`);
  const pid = r.stdout.split('\n')[0]!;
  assert.match(pid, /^\d+$/);
  assert.equal(r.stdout, `${pid}\nafter\n`);
  assert.equal(r.stderr, `bash: line 1: ${pid.padStart(5)} Killed                  sh -c 'echo $$; kill -9 $$'\n`);
  assert.equal(r.status, 0);
});

test('the line is the script line; the command is shown with its assignments and redirections in bash spelling', async () => {
  const h = host();
  h.rootFs.writeFile('/home/learner/s.sh', `echo one\n\nX=1  sh -c 'echo $$ >&2; kill -KILL $$'   2>/tmp/pid  >/dev/null\necho two\n`);
  const r = await run(h, ['bash', 's.sh']);
  const pid = new TextDecoder().decode(h.rootFs.readFile('/tmp/pid')).trim();
  assert.equal(r.stdout, 'one\ntwo\n');
  // The report goes to the shell's stderr, not the command's redirected one.
  assert.equal(r.stderr, `s.sh: line 3: ${pid.padStart(5)} Killed                  X=1 sh -c 'echo $$ >&2; kill -KILL $$' 2> /tmp/pid > /dev/null\n`);
});

test('SIGTERM is reported as a bare "Terminated"; SIGINT, SIGPIPE and a plain `exit 137` are not reported', async () => {
  assert.deepEqual(await bash(`sh -c 'kill -TERM $$'; echo $?`), { status: 0, stdout: '143\n', stderr: 'Terminated\n' });
  assert.deepEqual(await bash(`sh -c 'kill -INT $$'; sh -c 'kill -PIPE $$'; sh -c 'exit 137'; echo $?`), { status: 0, stdout: '137\n', stderr: '' });
  // A pipeline is reported by its last process: the first one's death is silent.
  assert.deepEqual(await bash(`sh -c 'kill -9 $$' | cat; echo \${PIPESTATUS[@]}`), { status: 0, stdout: '137 0\n', stderr: '' });
});

test('"(core dumped)" follows a core-dumping signal only once ulimit -c allows core files', async () => {
  const off = await bash(`sh -c 'echo $$; kill -QUIT $$'; :`);
  assert.equal(off.stderr, `bash: line 1: ${off.stdout.trim().padStart(5)} Quit                    sh -c 'echo $$; kill -QUIT $$'\n`);
  const on = await bash(`ulimit -c unlimited; sh -c 'echo $$; kill -QUIT $$'; :`);
  assert.equal(on.stderr, `bash: line 1: ${on.stdout.trim().padStart(5)} Quit                    (core dumped) sh -c 'echo $$; kill -QUIT $$'\n`);
});

test('bash -c execs its last command: its death is the shell\'s, reported by the shell that waited for it', async () => {
  const inner = await bash(`sh -c 'kill -9 $$'`);
  assert.deepEqual(inner, { status: 137, stdout: '', stderr: '' });
  const outer = await bash(`bash -c "sh -c 'kill -9 \\$\\$'"; echo $?`);
  assert.equal(outer.stdout, '137\n');
  assert.match(outer.stderr, /^bash: line 1: {1,4}\d+ Killed {18}bash -c "sh -c 'kill -9 \\\$\\\$'"\n$/);
});

test('a background job killed by a signal is reported when the shell next looks (wait, the next command)', async () => {
  const r = await bash(`sleep 100 & echo $!; kill -9 $!; wait $!; echo "status $?"`);
  const pid = r.stdout.split('\n')[0]!;
  assert.equal(r.stdout, `${pid}\nstatus 137\n`);
  assert.equal(r.stderr, `bash: line 1: ${pid.padStart(5)} Killed                  sleep 100\n`);
});

test('ulimit -St ends a CPU-bound program with SIGXCPU (152) long before the host limit would', async () => {
  const r = await bash(`ulimit -St 1; awk 'BEGIN { while (1) {} }'; echo "status $?"`);
  assert.equal(r.stdout, 'status 152\n');
  assert.match(r.stderr, /^bash: line 1: {1,4}\d+ CPU time limit exceeded awk 'BEGIN \{ while \(1\) \{\} \}'\n$/);
});

test('ulimit -t sets the hard limit too: at it Linux sends SIGKILL (137), not SIGXCPU', async () => {
  const r = await bash(`ulimit -t 1; echo x | sed ':a;ba'; echo "status $?"`);
  assert.equal(r.stdout, 'status 137\n');
  assert.match(r.stderr, /^bash: line 1: {1,4}\d+ Killed {18}sed ':a;ba'\n$/);
});

test('the limit passes to child shells and their programs, as RLIMIT_CPU crosses fork and exec', async () => {
  const r = await bash(`ulimit -St 1; bash -c 'ulimit -t; ulimit -Ht; awk "BEGIN{while(1){}}"; echo "inner $?"'`);
  assert.equal(r.stdout, '1\nunlimited\ninner 152\n');
  const x = await bash(`ulimit -St 1; echo a | xargs awk 'BEGIN{while(1){}}'; echo "xargs $?"`);
  assert.equal(x.stdout, 'xargs 125\n');
  assert.equal(x.stderr, 'xargs: awk: terminated by signal 24\n');
});

test('a learner lowers the CPU limit but cannot raise it again: bash\'s setrlimit errors', async () => {
  const r = await bash(`ulimit -t 5; ulimit -t 6; echo "raise $?"; ulimit -St 6; echo "soft $?"; ulimit -Ht 4; echo "below soft $?"; ulimit -St 3; ulimit -t; ulimit -Ht`);
  assert.equal(r.stdout, 'raise 1\nsoft 1\nbelow soft 1\n3\n5\n');
  assert.equal(
    r.stderr,
    'bash: line 1: ulimit: cpu time: cannot modify limit: Operation not permitted\n' +
      'bash: line 1: ulimit: cpu time: cannot modify limit: Invalid argument\n' +
      'bash: line 1: ulimit: cpu time: cannot modify limit: Invalid argument\n',
  );
  // Lowering only the hard limit under an unlimited soft one is refused too (setrlimit's EINVAL).
  assert.deepEqual(await bash(`ulimit -Ht 2; echo $?; ulimit -St`), { status: 0, stdout: '1\nunlimited\n', stderr: 'bash: line 1: ulimit: cpu time: cannot modify limit: Invalid argument\n' });
});

test('a limit set in a subshell stays there; raising the soft limit back up to the hard one is allowed', async () => {
  const r = await bash(`(ulimit -St 1; ulimit -t); ulimit -t; ulimit -St 1; ulimit -St unlimited; echo $?; ulimit -t`);
  assert.deepEqual(r, { status: 0, stdout: '1\nunlimited\n0\nunlimited\n', stderr: '' });
});

test('the line is where bash\'s parser stands: the end of an if/while/{ } or a continued line, the `for` line in a loop', async () => {
  const h = host();
  const kill = `sh -c 'echo $$ >&2; kill -9 $$' 2>>/tmp/pids`;
  const cases: [string, number][] = [
    [`if true; then\n:\n${kill}\nfi\n:`, 4],
    [`while true; do\n${kill}\nbreak\ndone\n:`, 4],
    [`{\n:\n${kill}\n}\n:`, 4],
    [`\nx=1 \\\n  ${kill}\n:`, 3],
    [`for i in 1; do\n:\n${kill}\ndone\n:`, 1],
  ];
  for (const [script, line] of cases) {
    const r = await bash(script, h);
    const pid = new TextDecoder().decode(h.rootFs.readFile('/tmp/pids')).trim().split('\n').pop()!;
    assert.match(r.stderr, new RegExp(`^bash: line ${line}: {1,4}${pid} Killed {18}`), script);
  }
});

test('the output budget ends a writer as RLIMIT_FSIZE does, and bash reports SIGXFSZ (its 24-column word leaves no space)', async () => {
  const r = await bash(`yes > /dev/null; echo $?`);
  assert.equal(r.stdout, '153\n');
  assert.match(r.stderr, /\nbash: line 1: {1,4}\d+ File size limit exceededyes > \/dev\/null\n$/);
});
