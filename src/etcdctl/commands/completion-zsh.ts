// `etcdctl completion zsh`: our own zsh completion script, generated from the command tree.
// One function per command; each hands its flags to _arguments, lists its subcommands with
// _describe, and passes the words after a subcommand on to that subcommand's function, the
// way zsh's own completions for git-like tools are built.
import type { CommandNode } from '../cli/command.ts';
import { allCommands, completionModel, oneLine, type CompletionCommand, type CompletionFlag } from './completion-model.ts';

/** A word inside single quotes in zsh source. */
function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Text inside an _arguments option description: brackets and backslashes are special there. */
function bracketText(text: string): string {
  return oneLine(text).replace(/[\\[\]:]/g, (c) => `\\${c}`);
}

/** A name:description item for _describe: a colon in the name must be escaped. */
function describeItem(name: string, description: string | undefined): string {
  const n = name.replace(/[\\:]/g, (c) => `\\${c}`);
  const d = description === undefined ? '' : oneLine(description);
  return quote(d ? `${n}:${d}` : n);
}

function valueAction(f: CompletionFlag): string {
  if (f.values) return `:${f.long}:(${f.values.join(' ')})`;
  if (f.files) return `:${f.long}:_files`;
  return `:${f.long}:`;
}

/** _arguments specs for one flag: the short and long spellings exclude each other. */
function flagSpecs(f: CompletionFlag): string[] {
  const desc = `[${bracketText(f.description)}]`;
  const value = f.takesValue ? valueAction(f) : '';
  const long = `--${f.long}${f.takesValue ? '=' : ''}`;
  const repeat = f.repeatable ? '*' : '';
  if (!f.short) return [quote(`${repeat}${long}${desc}${value}`)];
  const short = `-${f.short}${f.takesValue ? '+' : ''}`;
  const excl = f.repeatable ? '' : `(-${f.short} --${f.long})`;
  return [quote(`${excl}${repeat}${short}${desc}${value}`), quote(`${excl}${repeat}${long}${desc}${value}`)];
}

export function zshFunctionName(program: string, cmd: CompletionCommand): string {
  return cmd.key === '' ? `_${program}` : `_${program}__${cmd.key.split(' ').join('__')}`;
}

/** The global array holding the flags every command accepts (etcdctl's global flags). */
function commonArray(program: string): string {
  return `_${program}_common_flags`;
}

function commandFunction(program: string, cmd: CompletionCommand, common: Set<string>): string {
  const fn = zshFunctionName(program, cmd);
  const title = cmd.key === '' ? `${program} command` : `${program} ${cmd.key} command`;
  const specs = [`"\${${commonArray(program)}[@]}"`, ...cmd.flags.filter((f) => !common.has(flagId(f))).flatMap(flagSpecs)];
  const states: string[] = [];
  if (cmd.subcommands.length > 0) {
    specs.push(quote('1: :->subcommand'), quote('*:: :->command'));
    const items = cmd.subcommands.map((s) => `        ${describeItem(s.name, s.description)}`);
    states.push(`    (subcommand)
      local -a subcommands
      subcommands=(
${items.join('\n')}
      )
      _describe -t commands ${quote(title)} subcommands && ret=0
      ;;`);
    const branches = cmd.subcommands.map((s) => `        (${s.name}) ${zshFunctionName(program, s)} && ret=0 ;;`);
    states.push(`    (command)
      curcontext="\${curcontext%:*:*}:${program}-\${words[1]}:"
      case \${words[1]} in
${branches.join('\n')}
        (*) _message ${quote(`unknown ${title}`)} ;;
      esac
      ;;`);
  } else if (cmd.args) {
    specs.push(quote('1: :->argument'));
    const items = cmd.args.map((a) => `        ${describeItem(a.value, a.description)}`);
    states.push(`    (argument)
      local -a arguments
      arguments=(
${items.join('\n')}
      )
      _describe -t arguments ${quote(`${program} ${cmd.key} argument`)} arguments && ret=0
      ;;`);
  } else {
    // Like cobra, a command without fixed arguments completes file names.
    specs.push(quote('*: :_files'));
  }
  const body = states.length
    ? `
  case $state in
${states.join('\n')}
  esac`
    : '';
  return `${fn}() {
  local curcontext="$curcontext" state state_descr line ret=1
  typeset -A opt_args

  _arguments -C -s -S : \\
    ${specs.join(' \\\n    ')} && ret=0${body}

  return ret
}
`;
}

function flagId(f: CompletionFlag): string {
  return JSON.stringify(f);
}

export function zshCompletion(root: CommandNode): string {
  const model = completionModel(root);
  const program = model.name;
  const commands = allCommands(model);
  // Flags that every command accepts alike are written once, in a global array.
  const common = new Set(model.flags.map(flagId).filter((id) => commands.every((c) => c.flags.some((f) => flagId(f) === id))));
  const commonSpecs = model.flags.filter((f) => common.has(flagId(f))).flatMap(flagSpecs);
  const functions = commands.map((c) => commandFunction(program, c, common));
  return `#compdef ${program}
# zsh completion for ${program}, generated from its command tree.
#
# Load it in the current shell (after compinit):
#   source <(${program} completion zsh)
# or install it once for every new shell:
#   ${program} completion zsh > "\${fpath[1]}/_${program}"

# The flags every ${program} command accepts.
typeset -ga ${commonArray(program)}
${commonArray(program)}=(
  ${commonSpecs.join('\n  ')}
)

${functions.join('\n')}
# Autoloaded from $fpath, this file is the body of _${program}: complete now.
# Sourced, it registers _${program} with the completion system.
if [[ "\${funcstack[1]}" == "_${program}" ]]; then
  _${program} "$@"
else
  compdef _${program} ${program}
fi
`;
}
