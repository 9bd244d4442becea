// etcd's usage template (pkg/cobrautl in etcd 3.6): NAME, USAGE, VERSION, API VERSION,
// COMMANDS, DESCRIPTION, OPTIONS, GLOBAL OPTIONS, aligned by tabwriter.
import { goQuoteString } from '../format/go-fmt.ts';
import type { FlagSpec } from './flags.ts';
import { tabAlign } from './tabwriter.ts';

/** The program's version lines shown in the usage text. */
export interface CliInfo {
  version: string;
  apiVersion: string;
}

/**
 * What the usage text reads of a command. Declared here rather than importing
 * CommandNode, because command.ts calls renderUsage: help.ts stays below
 * command.ts and the two never import each other. CommandNode fits it as is.
 */
export interface UsageCommand {
  readonly name: string;
  readonly path: string;
  readonly parent: UsageCommand | undefined;
  readonly children: readonly UsageCommand[];
  readonly spec: { readonly short: string; readonly long?: string; readonly example?: string };
  readonly runnable: boolean;
  useLine(): string;
  descendants(): UsageCommand[];
  localFlags(): FlagSpec[];
  inheritedFlags(): FlagSpec[];
}

const indent = (s: string) => '  ' + s.replace(/\n/g, '\n  ');

function flagUsages(flags: FlagSpec[]): string {
  const sorted = [...flags].filter((f) => !f.hidden).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let out = '';
  for (const f of sorted) {
    let line = f.short ? `  -${f.short}, --${f.name}` : `      --${f.name}`;
    const noOpt = f.kind === 'bool';
    const value = f.kind === 'string' ? goQuoteString(f.def) : f.def;
    line += noOpt ? `[=${value}]` : `=${value}`;
    out += `${line}\t${f.usage}\n`;
  }
  return out;
}

export function renderUsage(cmd: UsageCommand, info: CliInfo): string {
  let s = 'NAME:\n';
  const cmdName = cmd.path.split(' ').slice(1).join(' ') || cmd.name;
  s += indent(`${cmd.parent ? cmdName : cmd.name} - ${cmd.spec.short}`) + '\n';
  s += '\nUSAGE:\n' + indent(cmd.useLine()) + '\n';
  if (!cmd.parent) s += '\nVERSION:\n' + indent(info.version) + '\n';
  if (cmd.children.length > 0) s += '\nAPI VERSION:\n' + indent(info.apiVersion) + '\n';
  if (cmd.spec.example) s += '\nExamples:\n' + cmd.spec.example + '\n';
  if (cmd.children.length > 0) {
    s += '\nCOMMANDS:\n';
    for (const sub of cmd.descendants()) {
      if (!sub.runnable) continue;
      const rel = sub.path.split(' ').slice(cmd.path.split(' ').length).join(' ');
      s += indent(`${rel}\t${sub.spec.short}`) + '\n';
    }
  }
  if (cmd.spec.long) {
    s += '\nDESCRIPTION:\n';
    for (const line of cmd.spec.long.replace(/^[\n\t ]+|[\n\t ]+$/g, '').split('\n')) s += indent(line) + '\n';
  }
  s += '\nOPTIONS:\n' + flagUsages(cmd.localFlags());
  const inherited = cmd.inheritedFlags();
  if (inherited.length > 0) s += '\nGLOBAL OPTIONS:\n' + flagUsages(inherited);
  s += '\n';
  return tabAlign(s);
}
