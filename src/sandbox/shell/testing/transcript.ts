// Data-driven shell transcripts: `$ command` (continued by `> ` lines), the expected output
// (stdout and stderr as written, interleaved), then `? status`. REWRITE=1 rewrites the
// expectations from what the shell does now.
import type { OutputStream } from '../../io.ts';
import { emptyInput } from '../../io.ts';
import type { Host } from '../../types.ts';
import { Interpreter } from '../interpreter.ts';
import { ShellRuntime } from '../runtime.ts';
import { stateFromEnv } from '../startup.ts';
import { ExitSignal, InterruptSignal } from '../state.ts';

export interface TranscriptCase {
  script: string;
  expected: string;
  status: number;
  line: number;
}

export function parseTranscript(text: string): { cases: TranscriptCase[]; header: string[] } {
  const lines = text.split('\n');
  const cases: TranscriptCase[] = [];
  const header: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const l = lines[i]!;
    if (!l.startsWith('$ ')) {
      if (cases.length === 0 && l.trim() !== '') header.push(l);
      i++;
      continue;
    }
    const start = i + 1;
    const script = [l.slice(2)];
    i++;
    while (i < lines.length && lines[i]!.startsWith('> ')) script.push(lines[i++]!.slice(2));
    const out: string[] = [];
    let status = 0;
    while (i < lines.length) {
      const m = /^\? (\d+)$/.exec(lines[i]!);
      if (m) {
        status = Number(m[1]);
        i++;
        break;
      }
      out.push(lines[i++]!);
    }
    cases.push({ script: script.join('\n'), expected: out.length ? out.join('\n') + '\n' : '', status, line: start });
  }
  return { cases, header };
}

export function formatTranscript(header: string[], cases: { script: string; output: string; status: number }[]): string {
  const parts = header.length ? [header.join('\n') + '\n'] : [];
  for (const c of cases) {
    const [first, ...more] = c.script.split('\n');
    let block = `$ ${first}\n` + more.map((m) => `> ${m}\n`).join('');
    block += c.output;
    if (c.output && !c.output.endsWith('\n')) block += '\n';
    block += `? ${c.status}\n`;
    parts.push(block);
  }
  return parts.join('\n');
}

/** One shell that keeps its state from case to case (like lines typed into one shell). */
export class TranscriptShell {
  private sh!: Interpreter;
  private rt!: ShellRuntime;
  output = '';

  constructor(
    private readonly host: Host,
    private readonly user = 'learner',
  ) {
    this.reset();
  }

  reset(): void {
    const cred = this.host.users.credentials(this.user)!;
    const home = this.host.users.byName(this.user)!.home;
    const env = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: home, USER: this.user, LOGNAME: this.user, LANG: 'C.UTF-8' };
    this.rt = new ShellRuntime({ host: this.host, name: 'bash', cpuLimitMs: 2000 });
    const st = stateFromEnv(this.host, cred, env, home, 42);
    // Like bash -c.
    st.commandString = true;
    this.sh = new Interpreter(st, this.rt);
  }

  /** Runs with stdout and stderr kept apart (for comparing with a real bash). */
  async runSplit(script: string): Promise<{ stdout: string; stderr: string; status: number }> {
    let stdout = '';
    let stderr = '';
    const dec = new TextDecoder();
    const out: OutputStream = { isTTY: false, write: (c) => void (stdout += typeof c === 'string' ? c : dec.decode(c)) };
    const err: OutputStream = { isTTY: false, write: (c) => void (stderr += typeof c === 'string' ? c : dec.decode(c)) };
    this.rt.beginCommandLine();
    let status: number;
    try {
      status = await this.sh.runText(script, { stdin: emptyInput, stdout: out, stderr: err });
    } catch (e) {
      if (e instanceof ExitSignal || e instanceof InterruptSignal) {
        status = e.status;
        this.reset();
      } else throw e;
    }
    return { stdout, stderr, status };
  }

  async run(script: string): Promise<{ output: string; status: number }> {
    let output = '';
    const dec = new TextDecoder();
    const sink: OutputStream = { isTTY: false, write: (c) => void (output += typeof c === 'string' ? c : dec.decode(c)) };
    this.rt.beginCommandLine();
    let status: number;
    try {
      status = await this.sh.runText(script, { stdin: emptyInput, stdout: sink, stderr: sink });
    } catch (e) {
      if (e instanceof ExitSignal || e instanceof InterruptSignal) {
        status = e.status;
        this.reset();
      } else throw e;
    }
    if (this.rt.cpuExceeded) output += `bash: ${this.rt.cpuLimitMessage()}\n`;
    return { output, status };
  }
}
