// The parsed form of a sed script, shared by the parser that builds it and the executor
// that runs it; and the one error type both throw, whose message sed prints after "sed: ".
import type { Regex } from '../regex/index.ts';

/** A sed error: the message is what follows "sed: " on stderr; `status` is sed's exit code when it is not the usual one. */
export class SedError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** One address: a line number, $, a regex (null: the last regex used), first~step, or +N (second only). */
export type Addr = { kind: 'line'; n: number } | { kind: 'last' } | { kind: 're'; re: Regex | null } | { kind: 'step'; first: number; step: number } | { kind: 'plus'; n: number };

/** One command with its addresses; a range keeps its state on the command itself. */
export interface Cmd {
  a1?: Addr;
  a2?: Addr;
  negate: boolean;
  name: string;
  /** s: regex, replacement, flags; y: maps; a/i/c: text; b/t/T: label; q/Q: exit code. */
  re?: Regex | null;
  replacement?: string;
  global?: boolean;
  nth?: number;
  print?: boolean;
  text?: string;
  label?: string;
  code?: number;
  ymap?: Map<string, string>;
  /** index of the matching } for {, or of the { for } */
  jump?: number;
  /** range state */
  active?: boolean;
  endLine?: number;
}
