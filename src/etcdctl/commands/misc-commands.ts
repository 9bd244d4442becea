// version, completion, alarm, and the commands this lab does not run against its etcd
// (auth, users, roles, mirrors, checks, downgrades): they are listed
// and documented exactly as etcdctl lists them, and say plainly they are not available.
import { ExitError, type CommandNode, type CommandSpec } from '../cli/command.ts';
import { asArray, asObject } from '../client/types.ts';
import { EXIT, rpcExit, type Ctl } from '../ctl.ts';
import { bashCompletion } from './completion.ts';
import { COMPLETION_SHELLS } from './completion-model.ts';
import { zshCompletion } from './completion-zsh.ts';
import { fishCompletion } from './completion-fish.ts';
import { powershellCompletion } from './completion-powershell.ts';

const COMPLETION_LONG = `To load completions:

Bash:

  $ source <(etcdctl completion bash)

  # To load completions for each session, execute once:
  # Linux:
  $ etcdctl completion bash > /etc/bash_completion.d/etcdctl
  # macOS:
  $ etcdctl completion bash > /usr/local/etc/bash_completion.d/etcdctl

Zsh:

  # If shell completion is not already enabled in your environment,
  # you will need to enable it.  You can execute the following once:

  $ echo "autoload -U compinit; compinit" >> ~/.zshrc

  # To load completions for each session, execute once:
  $ etcdctl completion zsh > "\${fpath[1]}/_etcdctl"

  # You will need to start a new shell for this setup to take effect.

fish:

  $ etcdctl completion fish | source

  # To load completions for each session, execute once:
  $ etcdctl completion fish > ~/.config/fish/completions/etcdctl.fish

PowerShell:

  PS> etcdctl completion powershell | Out-String | Invoke-Expression

  # To load completions for every new session, run:
  PS> etcdctl completion powershell > etcdctl.ps1
  # and source this file from your PowerShell profile.
`;

export function versionCommand(ctl: Ctl): CommandSpec {
  return {
    use: 'version',
    short: 'Prints the version of etcdctl',
    run: async () => {
      await ctl.out(`etcdctl version: ${ctl.version}\nAPI version: ${ctl.apiVersion}\n`);
    },
  };
}

/** Each shell's script, written from the command tree. */
const COMPLETION_SCRIPTS: Record<string, (root: CommandNode) => string> = {
  bash: bashCompletion,
  zsh: zshCompletion,
  fish: fishCompletion,
  powershell: powershellCompletion,
};

export function completionCommand(ctl: Ctl): CommandSpec {
  const valid = COMPLETION_SHELLS;
  return {
    use: 'completion [bash|zsh|fish|powershell]',
    short: 'Generate completion script',
    long: COMPLETION_LONG,
    disableFlagsInUseLine: true,
    args: (args, cmd) => {
      if (args.length !== 1) return `accepts 1 arg(s), received ${args.length}`;
      if (!valid.includes(args[0]!)) return `invalid argument "${args[0]}" for "${cmd.path}"`;
      return undefined;
    },
    run: async ({ args, cmd }) => {
      const script = COMPLETION_SCRIPTS[args[0]!];
      if (!script) throw new ExitError(EXIT.badArgs, `invalid argument "${args[0]}" for "${cmd.path}"`);
      await ctl.out(script(cmd.root));
    },
  };
}

export function alarmCommand(ctl: Ctl): CommandSpec {
  const call = async (run: Parameters<NonNullable<CommandSpec['run']>>[0], action: 'GET' | 'DEACTIVATE', what: string) => {
    if (run.args.length !== 0) throw new ExitError(EXIT.badArgs, `alarm ${what} command accepts no arguments`);
    await ctl.config(run);
    const r = await ctl.client(run.flags).call('/etcdserverpb.Maintenance/Alarm', '/v3/maintenance/alarm', { action }, ctl.commandTimeoutMs(run.flags)).catch(rpcExit);
    for (const a of asArray(asObject(r).alarms)) {
      const o = asObject(a);
      await ctl.out(`memberID:${String(o.memberID ?? '0')} alarm:${String(o.alarm ?? 'NONE')} \n`);
    }
  };
  return {
    use: 'alarm <subcommand>',
    short: 'Alarm related commands',
    subcommands: [
      { use: 'disarm', short: 'Disarms all alarms', run: (r) => call(r, 'DEACTIVATE', 'disarm') },
      { use: 'list', short: 'Lists all alarms', run: (r) => call(r, 'GET', 'list') },
    ],
  };
}

/** Commands listed for fidelity; running one explains it is outside this lab. */
export function unavailableCommands(ctl: Ctl): CommandSpec[] {
  const na = (what: string) => async () => {
    void ctl;
    throw new ExitError(EXIT.error, `"${what}" is not available in this lab's etcdctl`);
  };
  const leaf = (use: string, short: string, path: string): CommandSpec => ({ use, short, run: na(path) });
  return [
    leaf('make-mirror [options] <destination>', 'Makes a mirror at the destination etcd cluster', 'make-mirror'),
    {
      use: 'check <subcommand>',
      short: 'commands for checking properties of the etcd cluster',
      subcommands: [
        leaf('perf [options]', 'Check the performance of the etcd cluster', 'check perf'),
        leaf('datascale [options]', 'Check the memory usage of holding data for different workloads on a given server endpoint.', 'check datascale'),
      ],
    },
    {
      use: 'downgrade <TARGET_VERSION>',
      short: 'Downgrade related commands',
      subcommands: [
        leaf('validate <TARGET_VERSION>', 'Validate downgrade capability before starting downgrade', 'downgrade validate'),
        leaf('enable <TARGET_VERSION>', 'Start a downgrade action to cluster', 'downgrade enable'),
        leaf('cancel', 'Cancel the ongoing downgrade action to cluster', 'downgrade cancel'),
      ],
    },
  ];
}
