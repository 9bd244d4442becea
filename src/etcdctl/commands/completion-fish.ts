// `etcdctl completion fish`: our own fish completion script, generated from the command tree.
// fish's `complete` takes one rule per candidate with a condition; the condition here is the
// command path the words before the cursor name ("user add"), worked out by a small function,
// because the same name sits at several depths (get, user get, role get) and a plain
// "has this word been seen" test would mix up their flags.
import type { CommandNode } from '../cli/command.ts';
import { allCommands, completionModel, oneLine, type CompletionCommand, type CompletionFlag } from './completion-model.ts';

/** A word inside single quotes in fish source. */
function quote(text: string): string {
  return `'${text.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/** The condition "the command line is at one of these command paths". */
function at(program: string, keys: string[]): string {
  return quote(`__${program}_at ${keys.map((k) => `"${k}"`).join(' ')}`);
}

function flagRule(program: string, f: CompletionFlag, keys: string[] | undefined): string {
  const parts = [`complete -c ${program}`];
  if (keys) parts.push(`-n ${at(program, keys)}`);
  if (f.short) parts.push(`-s ${f.short}`);
  parts.push(`-l ${f.long}`);
  if (f.values) parts.push(`-x -a ${quote(f.values.join(' '))}`);
  else if (f.files) parts.push('-r -F');
  else if (f.takesValue) parts.push('-x');
  parts.push(`-d ${quote(oneLine(f.description))}`);
  return parts.join(' ');
}

function lines(words: string[], indent: string): string {
  return words.map((w) => `${indent}${w}`).join('\n');
}

/** A `switch` over command paths that prints each path's words one per line. */
function tableFunction(name: string, why: string, commands: CompletionCommand[], words: (c: CompletionCommand) => string[]): string {
  const cases = commands
    .filter((c) => words(c).length > 0)
    .map((c) => `        case ${quote(c.key)}\n            printf '%s\\n' ${words(c).map(quote).join(' ')}`);
  return `# ${why}
function ${name}
    switch "$argv[1]"
${cases.join('\n')}
    end
end
`;
}

export function fishCompletion(root: CommandNode): string {
  const model = completionModel(root);
  const program = model.name;
  const commands = allCommands(model);
  const rules: string[] = [];

  // Where a command has subcommands or fixed arguments, file names are no candidates.
  const noFiles = commands.filter((c) => c.subcommands.length > 0 || c.args).map((c) => c.key);
  rules.push(`complete -c ${program} -n ${at(program, noFiles)} -f`);

  for (const c of commands) {
    for (const s of c.subcommands) rules.push(`complete -c ${program} -n ${at(program, [c.key])} -a ${quote(s.name)} -d ${quote(oneLine(s.description))}`);
    for (const a of c.args ?? []) {
      const desc = a.description === undefined ? '' : ` -d ${quote(oneLine(a.description))}`;
      rules.push(`complete -c ${program} -n ${at(program, [c.key])} -a ${quote(a.value)}${desc}`);
    }
  }

  // One rule per distinct flag, limited to the paths that have it (none when all do).
  const byFlag = new Map<string, { flag: CompletionFlag; keys: string[] }>();
  for (const c of commands) {
    for (const f of c.flags) {
      const id = JSON.stringify(f);
      const entry = byFlag.get(id) ?? { flag: f, keys: [] };
      entry.keys.push(c.key);
      byFlag.set(id, entry);
    }
  }
  for (const { flag, keys } of byFlag.values()) rules.push(flagRule(program, flag, keys.length === commands.length ? undefined : keys));

  const subcommands = tableFunction(`__${program}_subcommands`, 'The subcommands of a command path (the empty path is etcdctl itself).', commands, (c) => c.subcommands.map((s) => s.name));
  const valueFlags = tableFunction(`__${program}_value_flags`, 'The flags of a command path that take a value: the word after one is not a command.', commands, (c) =>
    c.flags.filter((f) => f.takesValue).flatMap((f) => [`--${f.long}`, ...(f.short ? [`-${f.short}`] : [])]),
  );

  return `# fish completion for ${program}, generated from its command tree.
#
# Load it in the current shell:
#   ${program} completion fish | source
# or install it once for every new shell:
#   ${program} completion fish > ~/.config/fish/completions/${program}.fish

${subcommands}
${valueFlags}
# The command path the words before the cursor lead to, such as "user add".
function __${program}_command_path
    set -l words (commandline -opc)
    set -e words[1]
    set -l path ''
    set -l skip_value 0
    for word in $words
        if test $skip_value = 1
            set skip_value 0
            continue
        end
        switch $word
            case '--'
                break
            case '--*=*'
                continue
            case '-*'
                if contains -- $word (__${program}_value_flags "$path")
                    set skip_value 1
                end
                continue
        end
        if contains -- $word (__${program}_subcommands "$path")
            if test -z "$path"
                set path $word
            else
                set path "$path $word"
            end
        end
    end
    printf '%s\\n' "$path"
end

# True when the words before the cursor lead to one of the given command paths.
function __${program}_at
    set -l path (__${program}_command_path)
    contains -- "$path" $argv
end

${rules.join('\n')}
`;
}
