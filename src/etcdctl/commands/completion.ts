// `etcdctl completion bash`: our own bash completion script, generated from the command
// tree, so it completes exactly the commands and flags this etcdctl has.
import type { CommandNode } from '../cli/command.ts';

function flagWords(cmd: CommandNode): string[] {
  const words: string[] = [];
  for (const f of [...cmd.localFlags(), ...cmd.inheritedFlags()]) {
    words.push(`--${f.name}`);
    if (f.short) words.push(`-${f.short}`);
  }
  return [...new Set(words)].sort();
}

export function bashCompletion(root: CommandNode): string {
  const name = root.name;
  const fn = `__${name}_complete`;
  const cases: string[] = [];
  const visit = (cmd: CommandNode) => {
    const key = cmd.path.split(' ').slice(1).join(' ') || '';
    const subs = cmd.children.map((c) => c.name).join(' ');
    cases.push(`        "${key}")\n            subs="${subs}"\n            flags="${flagWords(cmd).join(' ')}"\n            ;;`);
    for (const c of cmd.children) visit(c);
  };
  visit(root);
  return `# bash completion for ${name}                                -*- shell-script -*-
#
# Load it in the current shell with:  source <(${name} completion bash)

${fn}()
{
    local cur prev path word i subs flags
    COMPREPLY=()
    cur="\${COMP_WORDS[COMP_CWORD]}"
    prev="\${COMP_WORDS[COMP_CWORD-1]}"

    case "\${prev}" in
        -w|--write-out)
            COMPREPLY=( $(compgen -W "fields json protobuf simple table" -- "\${cur}") )
            return 0
            ;;
        --cacert|--cert|--key)
            COMPREPLY=( $(compgen -f -- "\${cur}") )
            return 0
            ;;
    esac

    # The command path: the words before the cursor that name subcommands.
    path=""
    for (( i=1; i<COMP_CWORD; i++ )); do
        word="\${COMP_WORDS[i]}"
        [[ "\${word}" == -* ]] && continue
        if __${name}_has_sub "\${path}" "\${word}"; then
            path="\${path:+\${path} }\${word}"
        fi
    done

    __${name}_words "\${path}"
    if [[ "\${cur}" == -* ]]; then
        COMPREPLY=( $(compgen -W "\${flags}" -- "\${cur}") )
    else
        COMPREPLY=( $(compgen -W "\${subs}" -- "\${cur}") )
    fi
    return 0
}

__${name}_has_sub()
{
    local subs flags
    __${name}_words "$1"
    [[ " \${subs} " == *" $2 "* ]]
}

__${name}_words()
{
    case "$1" in
${cases.join('\n')}
        *)
            subs=""
            flags=""
            ;;
    esac
}

complete -o default -F ${fn} ${name}

# ex: ts=4 sw=4 et filetype=sh
`;
}
