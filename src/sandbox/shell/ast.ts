// The shell's syntax tree. Words keep their structure (quotes, expansions) so expansion
// can tell quoted text from unquoted text, as bash does for splitting and globbing.

export type WordPart =
  /** Unquoted text (subject to brace expansion, splitting is not applied to it, globbing is). */
  | { type: 'lit'; text: string }
  /** Text quoted with '…', $'…' or a backslash: taken as is. */
  | { type: 'sq'; text: string }
  | { type: 'dq'; parts: WordPart[] }
  | { type: 'param'; expr: ParamExpr }
  | { type: 'cmdsub'; body: Script; text: string }
  | { type: 'arith'; expr: Word }
  /** <(cmd): the command's output as a file name. */
  | { type: 'procsub'; body: Script; text: string };

export interface ParamExpr {
  /** Variable name, digit(s) or one of @ * # ? $ ! - 0. */
  name: string;
  /** ${name[index]} (PIPESTATUS, or index 0 of a plain variable) */
  index?: string;
  /** ${!name}: the variable named by name's value */
  indirect?: boolean;
  /** ${#name} */
  length?: boolean;
  /** ':-' '-' ':=' '=' ':?' '?' ':+' '+' '#' '##' '%' '%%' '/' '//' ':' (substring) */
  op?: string;
  arg?: Word;
  /** For '/' and '//': the replacement; for ':' substring: the length. */
  arg2?: Word;
}

export interface Word {
  parts: WordPart[];
}

export type Redirect =
  | { kind: 'file'; fd: number; op: '>' | '>>' | '<' | '>|' | '<>'; target: Word }
  /** &> and &>> : stdout and stderr to the file. */
  | { kind: 'both'; op: '&>' | '&>>'; target: Word }
  /** n>&m, n<&m, n>&- */
  | { kind: 'dup'; fd: number; op: '>&' | '<&'; target: Word }
  | { kind: 'heredoc'; fd: number; body: Word; quoted: boolean; stripTabs: boolean; delimiter: string }
  | { kind: 'herestring'; fd: number; target: Word };

export interface Assignment {
  name: string;
  value: Word;
  append: boolean;
  /** name=(w1 w2 …): an indexed array. */
  array?: Word[];
  /** name[index]=value: one element (the index is arithmetic). */
  index?: string;
}

export interface SimpleCommand {
  type: 'simple';
  assigns: Assignment[];
  words: Word[];
  redirects: Redirect[];
  line: number;
  /** Assignments and words as written (bash prints them in job reports: "bash: line 1:  1234 Killed   sleep 100"). */
  sourceWords?: string[];
  /** Each redirection's target as written, in the order of `redirects`. */
  redirectSources?: string[];
  /** `local a=(…)`, `declare -a a=(…)`: arrays given to a declaration builtin, set after it runs. */
  declArrays?: { name: string; words: Word[]; append: boolean }[];
}

export interface Subshell {
  type: 'subshell';
  body: Script;
  redirects: Redirect[];
}
export interface Group {
  type: 'group';
  body: Script;
  redirects: Redirect[];
}
export interface IfCommand {
  type: 'if';
  clauses: { cond: Script; body: Script }[];
  elseBody?: Script;
  redirects: Redirect[];
}
export interface ForCommand {
  type: 'for';
  name: string;
  /** undefined: iterate "$@" */
  items?: Word[];
  body: Script;
  redirects: Redirect[];
  /** Line of `for` (bash reports deaths inside the loop there). */
  line?: number;
}
export interface ArithForCommand {
  type: 'arith-for';
  init: string;
  cond: string;
  step: string;
  body: Script;
  redirects: Redirect[];
  line?: number;
}
export interface WhileCommand {
  type: 'while';
  until: boolean;
  cond: Script;
  body: Script;
  redirects: Redirect[];
}
export interface CaseCommand {
  type: 'case';
  subject: Word;
  items: { patterns: Word[]; body: Script; terminator: ';;' | ';&' | ';;&' }[];
  redirects: Redirect[];
}
export interface FunctionDef {
  type: 'function';
  name: string;
  body: Command;
  text: string;
}
/** (( expr )) */
export interface ArithCommand {
  type: 'arith-cmd';
  expr: Word;
  redirects: Redirect[];
}
/** [[ … ]] kept as words and evaluated like test with a few extras. */
export interface CondCommand {
  type: 'cond';
  words: Word[];
  redirects: Redirect[];
}

export type Command =
  | SimpleCommand
  | Subshell
  | Group
  | IfCommand
  | ForCommand
  | ArithForCommand
  | WhileCommand
  | CaseCommand
  | FunctionDef
  | ArithCommand
  | CondCommand;

export interface Pipeline {
  negated: boolean;
  commands: Command[];
  /** For each '|' between commands: true when it was '|&' (stderr too). */
  stderrToo: boolean[];
  timed?: boolean;
}

export interface AndOr {
  first: Pipeline;
  rest: { op: '&&' | '||'; pipeline: Pipeline }[];
  background: boolean;
  /** Source text, for the job table ("etcd > etcd.log 2>&1 &"). */
  text: string;
  /** The line it ends on: where bash's parser stands while it runs (the "line N" of its job reports). */
  endLine?: number;
}

export interface Script {
  items: AndOr[];
}
