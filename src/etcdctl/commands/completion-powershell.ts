// `etcdctl completion powershell`: our own PowerShell completion script, generated from the
// command tree. PowerShell hands a native command's completer the words of the line; the
// script walks them down the command tree (skipping flags and the values they take) and
// offers that command's subcommands, flags or flag values. Returning nothing lets PowerShell
// fall back to file names, which is what --cacert, --cert and --key want.
import type { CommandNode } from '../cli/command.ts';
import { allCommands, completionModel, oneLine, type CompletionCommand, type CompletionFlag } from './completion-model.ts';

/** A PowerShell single-quoted string: every kind of single quote is doubled. */
function quote(text: string): string {
  return `'${text.replace(/['\u2018\u2019\u201a\u201b]/g, (c) => c + c)}'`;
}

function list(items: string[]): string {
  return `@(${items.join(', ')})`;
}

function flagEntry(f: CompletionFlag): string {
  return `@{ Long = ${quote(`--${f.long}`)}; Short = ${quote(f.short ? `-${f.short}` : '')}; Description = ${quote(oneLine(f.description) || `--${f.long}`)}; TakesValue = $${f.takesValue}; Values = ${list((f.values ?? []).map(quote))}; Files = $${f.files} }`;
}

// CompletionResult refuses an empty tooltip, so every description falls back to the name.
function commandEntry(c: CompletionCommand, flagIndex: (f: CompletionFlag) => number): string {
  const subs = c.subcommands.map((s) => `@{ Name = ${quote(s.name)}; Description = ${quote(oneLine(s.description) || s.name)} }`);
  const args = (c.args ?? []).map((a) => `@{ Name = ${quote(a.value)}; Description = ${quote(oneLine(a.description ?? '') || a.value)} }`);
  return `        ${quote(c.key)} = @{
            Subcommands = ${list(subs)}
            Arguments = ${list(args)}
            Flags = ${list(c.flags.map((f) => String(flagIndex(f))))}
        }`;
}

export function powershellCompletion(root: CommandNode): string {
  const model = completionModel(root);
  const program = model.name;
  const commands = allCommands(model);
  // Each distinct flag is written once; commands refer to flags by their index.
  const flags: CompletionFlag[] = [];
  const ids: string[] = [];
  const flagIndex = (f: CompletionFlag): number => {
    const id = JSON.stringify(f);
    let i = ids.indexOf(id);
    if (i < 0) {
      i = ids.push(id) - 1;
      flags.push(f);
    }
    return i;
  };
  const commandTable = commands.map((c) => commandEntry(c, flagIndex));
  return `# powershell completion for ${program}, generated from its command tree.
#
# Load it in the current session:
#   PS> ${program} completion powershell | Out-String | Invoke-Expression
# or save it once and dot-source it from your PowerShell profile:
#   PS> ${program} completion powershell > ${program}.ps1

Register-ArgumentCompleter -Native -CommandName '${program}' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    # Every flag of the tree, once.
    $flags = @(
${flags.map((f) => `        ${flagEntry(f)}`).join('\n')}
    )

    # Every command path ('' is ${program} itself): subcommands, fixed arguments, flags by index.
    $commands = @{
${commandTable.join('\n')}
    }

    # The flag a word names at a command path, or $null.
    function Find-${program}Flag([string]$path, [string]$word) {
        foreach ($i in $commands[$path].Flags) {
            $flag = $flags[$i]
            if ($word -ceq $flag.Long -or ($flag.Short -ne '' -and $word -ceq $flag.Short)) { return $flag }
        }
        return $null
    }

    # The words before the one being completed; the first is the program name.
    $words = @($commandAst.CommandElements | Where-Object { $_.Extent.EndOffset -lt $cursorPosition } | ForEach-Object { $_.Extent.Text })

    # Walk down the tree: words naming a subcommand lead on; flags, and the values
    # of flags that take one, are stepped over.
    $path = ''
    $pendingFlag = $null
    for ($i = 1; $i -lt $words.Count; $i++) {
        $word = $words[$i]
        if ($null -ne $pendingFlag) { $pendingFlag = $null; continue }
        if ($word -eq '--') { break }
        if ($word.StartsWith('-')) {
            if (-not $word.Contains('=')) {
                $flag = Find-${program}Flag $path $word
                if ($null -ne $flag -and $flag.TakesValue) { $pendingFlag = $flag }
            }
            continue
        }
        foreach ($sub in $commands[$path].Subcommands) {
            if ($sub.Name -ceq $word) {
                if ($path -eq '') { $path = $word } else { $path = "$path $word" }
                break
            }
        }
    }

    # The value of a flag: its fixed values; none (files, free text) leaves it to PowerShell.
    $valuePrefix = ''
    if ($null -eq $pendingFlag -and $wordToComplete -match '^(-{1,2}[^=]+)=(.*)$') {
        $pendingFlag = Find-${program}Flag $path $Matches[1]
        $valuePrefix = $Matches[1] + '='
        $wordToComplete = $Matches[2]
        if ($null -eq $pendingFlag) { return }
    }
    if ($null -ne $pendingFlag) {
        foreach ($value in $pendingFlag.Values) {
            if ($value.StartsWith($wordToComplete, [System.StringComparison]::Ordinal)) {
                [System.Management.Automation.CompletionResult]::new($valuePrefix + $value, $value, 'ParameterValue', $pendingFlag.Description)
            }
        }
        return
    }

    if ($wordToComplete.StartsWith('-')) {
        foreach ($i in $commands[$path].Flags) {
            $flag = $flags[$i]
            foreach ($name in @($flag.Long, $flag.Short)) {
                if ($name -ne '' -and $name.StartsWith($wordToComplete, [System.StringComparison]::Ordinal)) {
                    [System.Management.Automation.CompletionResult]::new($name, $name, 'ParameterName', $flag.Description)
                }
            }
        }
        return
    }

    # Subcommands, or a command's fixed arguments; a command with neither takes file names.
    foreach ($candidate in @($commands[$path].Subcommands) + @($commands[$path].Arguments)) {
        if ($candidate.Name.StartsWith($wordToComplete, [System.StringComparison]::Ordinal)) {
            [System.Management.Automation.CompletionResult]::new($candidate.Name, $candidate.Name, 'ParameterValue', $candidate.Description)
        }
    }
}
`;
}
