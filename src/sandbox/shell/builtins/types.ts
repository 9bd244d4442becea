import type { IO, ShellContext } from '../shell-context.ts';

/** A shell builtin: runs inside the shell, with its state. Returns the exit status. */
export type Builtin = (sh: ShellContext, argv: string[], io: IO) => Promise<number>;

export async function out(io: IO, text: string): Promise<void> {
  await io.stdout.write(text);
}

export const isName = (s: string): boolean => /^[A-Za-z_][A-Za-z0-9_]*$/.test(s);

/** bash's quoting for `declare -p`/`export -p` values: "…" with \ " $ ` escaped. */
export function dquote(v: string): string {
  return `"${v.replace(/[\\"$`]/g, '\\$&')}"`;
}

/** bash's quoting for `set` and `alias` output: bare when safe, else '…'. */
export function squoteIfNeeded(v: string): string {
  if (v !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(v)) return v;
  return `'${v.replace(/'/g, `'\\''`)}'`;
}
