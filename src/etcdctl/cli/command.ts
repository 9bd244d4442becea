// A small cobra: a command tree, finding the subcommand, parsing flags, help and
// errors with cobra's words and exit codes, so `etcdctl gett` or `etcdctl get --foo`
// answer exactly as the real binary does.
import { FlagSet, FlagError, parseArgs, type FlagSpec, type ParsedArgs } from './flags.ts';
import { renderUsage, type CliInfo } from './help.ts';

export type { CliInfo };

export interface RunContext {
  cmd: CommandNode;
  flags: FlagSet;
  args: string[];
  argsLenAtDash: number;
}

export interface CommandSpec {
  use: string;
  short: string;
  long?: string;
  example?: string;
  aliases?: string[];
  suggestFor?: string[];
  flags?: FlagSpec[];
  persistentFlags?: FlagSpec[];
  subcommands?: CommandSpec[];
  disableFlagsInUseLine?: boolean;
  /** cobra's Args validator: an error text, or undefined when the args are fine. */
  args?: (args: string[], cmd: CommandNode) => string | undefined;
  run?: (ctx: RunContext) => Promise<void>;
}

/** Ends the program with a status; with a message, prints "Error: <message>" first (cobrautl.ExitWithError). */
export class ExitError extends Error {
  constructor(
    readonly code: number,
    readonly text?: string,
  ) {
    super(text ?? `exit ${code}`);
  }
}

export class CommandNode {
  readonly children: CommandNode[] = [];
  constructor(
    readonly spec: CommandSpec,
    readonly parent: CommandNode | undefined,
  ) {
    for (const s of spec.subcommands ?? []) this.children.push(new CommandNode(s, this));
    // cobra sorts subcommands by name.
    this.children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  get name(): string {
    return this.spec.use.split(' ')[0]!;
  }
  get path(): string {
    return this.parent ? `${this.parent.path} ${this.name}` : this.name;
  }
  get root(): CommandNode {
    return this.parent ? this.parent.root : this;
  }
  get runnable(): boolean {
    return this.spec.run !== undefined;
  }
  /** Own flags, own persistent flags and the help flag (cobra's LocalFlags). */
  localFlags(): FlagSpec[] {
    const out = [...(this.spec.flags ?? []), ...(this.spec.persistentFlags ?? [])];
    out.push({ name: 'help', short: 'h', kind: 'bool', def: 'false', usage: `help for ${this.name}` });
    return out;
  }
  /** Persistent flags of the ancestors that no local flag shadows. */
  inheritedFlags(): FlagSpec[] {
    const local = new Set(this.localFlags().map((f) => f.name));
    const out: FlagSpec[] = [];
    for (let p = this.parent; p; p = p.parent) {
      for (const f of p.spec.persistentFlags ?? []) if (!local.has(f.name) && !out.some((o) => o.name === f.name)) out.push(f);
    }
    return out;
  }
  flagSet(): FlagSet {
    const fs = new FlagSet();
    for (const f of [...this.inheritedFlags(), ...this.localFlags()]) if (f.name !== 'help') fs.add(f);
    return fs;
  }
  useLine(): string {
    const base = this.parent ? `${this.parent.path} ${this.spec.use}` : this.spec.use;
    return this.spec.disableFlagsInUseLine || base.includes('[flags]') ? base : `${base} [flags]`;
  }
  /** Every descendant in cobra's order (depth first). */
  descendants(): CommandNode[] {
    const out: CommandNode[] = [];
    for (const c of this.children) out.push(c, ...c.descendants());
    return out;
  }
  findChild(name: string): CommandNode | undefined {
    const exact = this.children.find((c) => c.name === name || (c.spec.aliases ?? []).includes(name));
    if (exact) return exact;
    // cobra.EnablePrefixMatching, which etcdctl turns on: a unique prefix names the command.
    const matches = this.children.filter((c) => c.name.startsWith(name) || (c.spec.aliases ?? []).some((a) => a.startsWith(name)));
    return matches.length === 1 ? matches[0] : undefined;
  }
}

export interface Terminal {
  out(text: string): void | Promise<void>;
  err(text: string): void | Promise<void>;
}

/** Removes flags (and the values they take) to find the command words, as cobra's stripFlags. */
function stripFlags(args: string[], fs: FlagSet): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const s = args[i]!;
    if (s === '--') break;
    if (s.startsWith('--') && !s.includes('=')) {
      const spec = fs.spec(s.slice(2));
      if (!(spec?.kind === 'bool') && s !== '--help') i++;
    } else if (s.startsWith('-') && s.length === 2 && !s.includes('=')) {
      const spec = fs.byShort(s.slice(1));
      if (!(spec?.kind === 'bool') && s !== '-h') i++;
    } else if (s !== '' && !s.startsWith('-')) out.push(s);
  }
  return out;
}

function removeFirst(args: string[], word: string): string[] {
  const i = args.indexOf(word);
  return i < 0 ? args : [...args.slice(0, i), ...args.slice(i + 1)];
}

function levenshtein(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d.push([i]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

function suggestions(cmd: CommandNode, typed: string): string[] {
  const out: string[] = [];
  for (const c of cmd.children) {
    const byDistance = levenshtein(typed.toLowerCase(), c.name.toLowerCase()) <= 2;
    const byPrefix = c.name.toLowerCase().startsWith(typed.toLowerCase());
    const byFor = (c.spec.suggestFor ?? []).includes(typed);
    if (byDistance || byPrefix || byFor) out.push(c.name);
  }
  return out;
}

export function helpText(cmd: CommandNode, info: CliInfo): string {
  return renderUsage(cmd, info);
}

/** cobra's Execute for etcdctl: returns the exit status. */
export async function execute(root: CommandNode, argv: string[], term: Terminal, info: CliInfo): Promise<number> {
  // Find the command.
  let cmd = root;
  let rest = argv;
  for (;;) {
    const words = stripFlags(rest, cmd.flagSet());
    const next = words[0];
    if (next === undefined) break;
    const child = cmd.findChild(next);
    if (!child) break;
    rest = removeFirst(rest, next);
    cmd = child;
  }
  if (cmd === root && root.children.length > 0) {
    const words = stripFlags(rest, cmd.flagSet());
    if (words.length > 0) {
      const sugg = suggestions(root, words[0]!);
      const hint = sugg.length ? `\n\nDid you mean this?\n${sugg.map((s) => `\t${s}\n`).join('')}` : '';
      await term.err(`Error: unknown command "${words[0]}" for "${root.name}"${hint}\n`);
      await term.err(`Run '${root.name} --help' for usage.\n`);
      return 1;
    }
  }
  const fs = cmd.flagSet();
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs(fs, rest);
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    await term.err(`Error: ${e.message}\n`);
    await term.out(helpText(cmd, info));
    await term.err('\n');
    return 1;
  }
  if (parsed.help || !cmd.runnable) {
    await term.out(helpText(cmd, info));
    return 0;
  }
  const argErr = cmd.spec.args?.(parsed.args, cmd);
  if (argErr !== undefined) {
    await term.err(`Error: ${argErr}\n`);
    await term.out(helpText(cmd, info));
    await term.err('\n');
    return 1;
  }
  try {
    await cmd.spec.run!({ cmd, flags: fs, args: parsed.args, argsLenAtDash: parsed.argsLenAtDash });
    return 0;
  } catch (e) {
    if (e instanceof ExitError) {
      if (e.text !== undefined) await term.err(`Error: ${e.text}\n`);
      return e.code;
    }
    throw e;
  }
}

/** cobra's help command: `etcdctl help get`. */
export function helpCommand(info: CliInfo, term: Terminal): CommandSpec {
  return {
    use: 'help [command]',
    short: 'Help about any command',
    long: 'Help provides help for any command in the application.\nSimply type etcdctl help [path to command] for full details.',
    run: async ({ cmd, args }) => {
      let target = cmd.root;
      for (const a of args) {
        const c = target.findChild(a);
        if (!c) {
          await term.out(`Unknown help topic ${'`'}${args.join(' ')}${'`'}\n`);
          await term.out(helpText(cmd.root, info));
          return;
        }
        target = c;
      }
      await term.out(helpText(target, info));
    },
  };
}
