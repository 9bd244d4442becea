// The awk program tree.

export type Expr =
  | { k: 'num'; v: number }
  | { k: 'str'; v: string }
  | { k: 'regex'; src: string } // /re/ alone matches $0
  | { k: 'var'; name: string }
  | { k: 'field'; index: Expr }
  | { k: 'index'; name: string; subs: Expr[] }
  | { k: 'assign'; op: string; target: LValue; value: Expr }
  | { k: 'cond'; test: Expr; then: Expr; else: Expr }
  | { k: 'binary'; op: string; left: Expr; right: Expr }
  | { k: 'and'; left: Expr; right: Expr }
  | { k: 'or'; left: Expr; right: Expr }
  | { k: 'match'; negate: boolean; left: Expr; re: Expr }
  | { k: 'in'; subs: Expr[]; name: string }
  | { k: 'concat'; left: Expr; right: Expr }
  | { k: 'unary'; op: '!' | '-' | '+'; arg: Expr }
  | { k: 'incr'; op: '++' | '--'; prefix: boolean; target: LValue }
  | { k: 'call'; name: string; args: Expr[] }
  | { k: 'builtin'; name: string; args: Expr[] }
  | { k: 'group'; e: Expr };

export type LValue = { k: 'var'; name: string } | { k: 'field'; index: Expr } | { k: 'index'; name: string; subs: Expr[] };

export interface Redirect {
  mode: '>' | '>>' | '|';
  target: Expr;
}

export type Stmt =
  | { k: 'expr'; e: Expr }
  | { k: 'print'; args: Expr[]; redirect?: Redirect }
  | { k: 'printf'; args: Expr[]; redirect?: Redirect }
  | { k: 'if'; test: Expr; then: Stmt; else?: Stmt }
  | { k: 'while'; test: Expr; body: Stmt }
  | { k: 'do'; body: Stmt; test: Expr }
  | { k: 'for'; init?: Stmt; test?: Expr; step?: Stmt; body: Stmt }
  | { k: 'forin'; v: string; arr: string; body: Stmt }
  | { k: 'block'; body: Stmt[] }
  | { k: 'next' }
  | { k: 'exit'; code?: Expr }
  | { k: 'return'; value?: Expr }
  | { k: 'break' }
  | { k: 'continue' }
  | { k: 'delete'; name: string; subs?: Expr[] }
  | { k: 'getline'; target?: LValue };

export type Pattern =
  | { k: 'begin' }
  | { k: 'end' }
  | { k: 'all' }
  | { k: 'expr'; e: Expr }
  | { k: 'range'; from: Expr; to: Expr };

export interface Rule {
  pattern: Pattern;
  /** Undefined = print $0. */
  action?: Stmt[];
}

export interface FunctionDef {
  name: string;
  params: string[];
  body: Stmt[];
}

export interface Program {
  rules: Rule[];
  functions: Map<string, FunctionDef>;
}
