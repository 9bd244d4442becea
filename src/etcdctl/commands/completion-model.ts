// What the zsh, fish and PowerShell completion scripts need from the command tree, in one
// shape: every command path with its subcommands, its flags (own and inherited, hidden ones
// left out) and the values its flags and arguments take. Each shell's generator only
// renders this, so the three scripts cannot disagree about what etcdctl accepts.
import type { CommandNode } from '../cli/command.ts';

export interface CompletionFlag {
  long: string;
  short?: string;
  description: string;
  /** false for booleans: the next word is not this flag's value. */
  takesValue: boolean;
  /** A slice flag may be given more than once (--endpoints a --endpoints b). */
  repeatable: boolean;
  /** The fixed set of values the flag accepts, when there is one. */
  values?: string[];
  /** The value is a file name (certificates and keys). */
  files: boolean;
}

export interface CompletionCommand {
  name: string;
  /** Words after the program name that lead here: '' for the root, 'user add' for a leaf. */
  key: string;
  description: string;
  subcommands: CompletionCommand[];
  flags: CompletionFlag[];
  /** Fixed first-argument values (completion's shells, help's topics); none means files. */
  args?: { value: string; description?: string }[];
}

/** Values etcdctl checks for these flags; the global flags' usage text lists the same. */
const FLAG_VALUES: Record<string, string[]> = {
  'write-out': ['fields', 'json', 'protobuf', 'simple', 'table'],
  consistency: ['l', 's'],
  order: ['ASCEND', 'DESCEND'],
  'sort-by': ['CREATE', 'KEY', 'MODIFY', 'VALUE', 'VERSION'],
};

const FILE_FLAGS = new Set(['cacert', 'cert', 'key']);

/** The shells `etcdctl completion` writes scripts for, as cobra's completion command lists them. */
export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish', 'powershell'];

function flagsOf(cmd: CommandNode): CompletionFlag[] {
  const out: CompletionFlag[] = [];
  for (const f of [...cmd.localFlags(), ...cmd.inheritedFlags()]) {
    if (f.hidden || out.some((o) => o.long === f.name)) continue;
    const values = FLAG_VALUES[f.name];
    out.push({
      long: f.name,
      ...(f.short ? { short: f.short } : {}),
      description: f.usage,
      takesValue: f.kind !== 'bool',
      repeatable: f.kind === 'stringSlice',
      ...(values ? { values } : {}),
      files: FILE_FLAGS.has(f.name),
    });
  }
  return out.sort((a, b) => (a.long < b.long ? -1 : a.long > b.long ? 1 : 0));
}

function argsOf(cmd: CommandNode): CompletionCommand['args'] {
  if (cmd.parent === undefined) return undefined;
  if (cmd.name === 'completion' && cmd.parent.parent === undefined) {
    return COMPLETION_SHELLS.map((s) => ({ value: s }));
  }
  if (cmd.name === 'help' && cmd.parent.parent === undefined) {
    return cmd.root.children.map((c) => ({ value: c.name, description: c.spec.short }));
  }
  return undefined;
}

export function completionModel(root: CommandNode): CompletionCommand {
  const build = (cmd: CommandNode): CompletionCommand => {
    const args = argsOf(cmd);
    return {
      name: cmd.name,
      key: cmd.path.split(' ').slice(1).join(' '),
      description: cmd.spec.short,
      subcommands: cmd.children.map(build),
      flags: flagsOf(cmd),
      ...(args ? { args } : {}),
    };
  };
  return build(root);
}

/** Every command of the tree, the root first, parents before their children. */
export function allCommands(root: CompletionCommand): CompletionCommand[] {
  const out: CompletionCommand[] = [];
  const visit = (c: CompletionCommand) => {
    out.push(c);
    c.subcommands.forEach(visit);
  };
  visit(root);
  return out;
}

/** Descriptions are one line in every shell's menu: the first line, blanks squeezed. */
export function oneLine(text: string): string {
  return (text.split('\n')[0] ?? '').replace(/\s+/g, ' ').trim();
}
