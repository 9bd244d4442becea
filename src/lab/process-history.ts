// Which programs ran on a host and when, from the sandbox's event log (process-start and
// process-exit records), so a check can ask about the past: "did a watch run while the
// key changed?" — a question the current state alone cannot answer.
import type { LabEvent } from './check-context.ts';

export interface ProcessRun {
  pid: number;
  argv: string[];
  user: string;
  startedAt: number;
  /** Undefined while it still runs. */
  endedAt?: number;
  status?: number;
}

export function processRuns(events: readonly LabEvent[], host: string): ProcessRun[] {
  const runs = new Map<number, ProcessRun>();
  const out: ProcessRun[] = [];
  for (const e of events) {
    if (e.host !== host) continue;
    const pid = Number(e.data.pid);
    if (e.type === 'process-start' && Array.isArray(e.data.argv)) {
      const run: ProcessRun = { pid, argv: e.data.argv.map(String), user: String(e.data.user ?? ''), startedAt: e.at };
      runs.set(pid, run);
      out.push(run);
    } else if (e.type === 'process-exit') {
      const run = runs.get(pid);
      if (run && run.endedAt === undefined) {
        run.endedAt = e.at;
        run.status = Number(e.data.status);
        runs.delete(pid);
      }
    }
  }
  return out;
}

// etcdctl's global flags that take a separate value (`--endpoints x`); `--flag=x` needs no entry.
const ETCDCTL_VALUE_FLAGS = new Set([
  '--endpoints', '--dial-timeout', '--command-timeout', '--keepalive-time', '--keepalive-timeout', '-w', '--write-out',
  '--cacert', '--cert', '--key', '--user', '--password', '--discovery-srv', '--discovery-srv-name', '--rev', '--prev-kv-file',
  '--lease', '--consistency', '--order', '--sort-by', '--limit', '--from-key-file',
]);

/** For `etcdctl [flags] <command> <key> …`: the command and its first positional argument. */
export function etcdctlCommand(argv: readonly string[]): { command: string; key: string | undefined; flags: string[] } | undefined {
  if (!(argv[0] ?? '').split('/').pop()?.startsWith('etcdctl')) return undefined;
  const positional: string[] = [];
  const flags: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('-') && a.length > 1) {
      flags.push(a);
      if (!a.includes('=') && ETCDCTL_VALUE_FLAGS.has(a)) i++;
      continue;
    }
    positional.push(a);
  }
  const command = positional[0];
  if (!command) return undefined;
  return { command, key: positional[1], flags };
}
