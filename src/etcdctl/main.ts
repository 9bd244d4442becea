// etcdctl (v3 API): the entry point the sandbox and real mode call.
import { CommandNode, execute, helpCommand, ExitError, type CommandSpec, type Terminal } from './cli/command.ts';
import { Ctl, type EtcdctlOptions } from './ctl.ts';
import { GLOBAL_FLAGS } from './global-flags.ts';
import { kvCommands } from './commands/kv-commands.ts';
import { watchCommand } from './commands/watch-command.ts';
import { leaseCommand } from './commands/lease-commands.ts';
import { memberCommand } from './commands/member-commands.ts';
import { defragCommand, endpointCommand, moveLeaderCommand } from './commands/endpoint-commands.ts';
import { snapshotCommand } from './commands/snapshot-command.ts';
import { lockCommand } from './commands/lock-command.ts';
import { electCommand } from './commands/elect-command.ts';
import { authCommand } from './commands/auth-commands.ts';
import { userCommand } from './commands/user-commands.ts';
import { roleCommand } from './commands/role-commands.ts';
import { alarmCommand, completionCommand, unavailableCommands, versionCommand } from './commands/misc-commands.ts';
import { SIGNAL_NUMBERS, type SignalName } from '../platform/signals.ts';
import { BrokenPipeError } from '../platform/streams.ts';

export type { EtcdctlOptions } from './ctl.ts';

export function buildEtcdctl(ctl: Ctl, term: Terminal): CommandNode {
  const info = { version: ctl.version, apiVersion: ctl.apiVersion };
  const root: CommandSpec = {
    use: 'etcdctl',
    short: 'A simple command line client for etcd3.',
    suggestFor: ['etcdctl'],
    persistentFlags: GLOBAL_FLAGS,
    subcommands: [
      ...kvCommands(ctl),
      alarmCommand(ctl),
      defragCommand(ctl),
      endpointCommand(ctl),
      moveLeaderCommand(ctl),
      watchCommand(ctl),
      versionCommand(ctl),
      leaseCommand(ctl),
      memberCommand(ctl),
      snapshotCommand(ctl),
      lockCommand(ctl),
      electCommand(ctl),
      authCommand(ctl),
      userCommand(ctl),
      roleCommand(ctl),
      ...unavailableCommands(ctl),
      completionCommand(ctl),
      helpCommand(info, term),
    ],
  };
  return new CommandNode(root, undefined);
}

/** Whether the program ended because of the signal (not a command that caught it and exited itself). */
function endedBySignal(ctl: Ctl, signal: AbortSignal): boolean {
  if (!signal.aborted) return false;
  return !(ctl.handlesSignals && (signal.reason === 'SIGINT' || signal.reason === 'SIGTERM'));
}

function signalStatus(signal: AbortSignal): number {
  const r = signal.reason as unknown;
  if (typeof r === 'string' && r in SIGNAL_NUMBERS) return 128 + SIGNAL_NUMBERS[r as SignalName];
  return 130;
}

/** Runs etcdctl with argv (without the program name); resolves to the exit status. */
export async function runEtcdctl(opts: EtcdctlOptions): Promise<number> {
  const ctl = new Ctl(opts);
  const term: Terminal = { out: (s) => ctl.out(s), err: (s) => ctl.err(s) };
  const root = buildEtcdctl(ctl, term);
  try {
    const code = await execute(root, opts.argv, term, { version: ctl.version, apiVersion: ctl.apiVersion });
    if (endedBySignal(ctl, opts.signal)) return signalStatus(opts.signal);
    return code;
  } catch (e) {
    if (endedBySignal(ctl, opts.signal)) return signalStatus(opts.signal);
    if (e instanceof BrokenPipeError) return 128 + SIGNAL_NUMBERS.SIGPIPE;
    if (e instanceof ExitError) {
      if (e.text !== undefined) await ctl.err(`Error: ${e.text}\n`);
      return e.code;
    }
    await ctl.err(`Error: ${(e as Error).message}\n`);
    return 1;
  }
}
