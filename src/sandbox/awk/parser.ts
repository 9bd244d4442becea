import type { Expr, FunctionDef, LValue, Pattern, Program, Redirect, Rule, Stmt } from './ast.ts';
import { AwkSyntaxError, tokenize, type Token } from './lexer.ts';

/** Parses an awk program text; throws AwkSyntaxError with mawk's wording. */
export function parseAwk(src: string): Program {
  return new Parser(tokenize(src)).program();
}

class Parser {
  private i = 0;
  /** Inside print's argument list, a bare '>' is a redirection, not a comparison. */
  private noGt = 0;
  /** Inside for(... in ...) header detection, 'in' is not an operator. */
  private noIn = 0;

  constructor(private readonly toks: Token[]) {}

  private get t(): Token {
    return this.toks[this.i]!;
  }
  private peek(n = 1): Token {
    return this.toks[Math.min(this.i + n, this.toks.length - 1)]!;
  }
  private is(text: string): boolean {
    const t = this.t;
    return (t.kind === 'op' || t.kind === 'keyword') && t.text === text;
  }
  private eat(text: string): boolean {
    if (this.is(text)) {
      this.i++;
      return true;
    }
    return false;
  }
  private expect(text: string): void {
    if (!this.eat(text)) this.fail();
  }
  private fail(): never {
    const t = this.t;
    throw new AwkSyntaxError(t.line, t.kind === 'newline' ? 'end of line' : t.kind === 'string' ? `"${t.text}"` : t.text);
  }
  private newlines(): void {
    while (this.t.kind === 'newline') this.i++;
  }
  private terminators(): void {
    while (this.t.kind === 'newline' || this.is(';')) this.i++;
  }

  program(): Program {
    const rules: Rule[] = [];
    const functions = new Map<string, FunctionDef>();
    this.terminators();
    while (this.t.kind !== 'eof') {
      if (this.is('function')) {
        this.i++;
        const name = this.t.text;
        if (this.t.kind !== 'name' && this.t.kind !== 'funcname') this.fail();
        this.i++;
        this.expect('(');
        const params: string[] = [];
        while (!this.is(')')) {
          if (this.t.kind !== 'name') this.fail();
          params.push(this.t.text);
          this.i++;
          if (!this.eat(',')) break;
          this.newlines();
        }
        this.expect(')');
        this.newlines();
        functions.set(name, { name, params, body: this.block() });
      } else {
        rules.push(this.rule());
      }
      this.terminators();
    }
    return { rules, functions };
  }

  private rule(): Rule {
    let pattern: Pattern;
    if (this.eat('BEGIN')) pattern = { k: 'begin' };
    else if (this.eat('END')) pattern = { k: 'end' };
    else if (this.is('{')) pattern = { k: 'all' };
    else {
      const from = this.expr();
      if (this.eat(',')) {
        this.newlines();
        pattern = { k: 'range', from, to: this.expr() };
      } else pattern = { k: 'expr', e: from };
    }
    if (pattern.k === 'begin' || pattern.k === 'end') this.newlines();
    if (this.is('{')) return { pattern, action: this.block() };
    if (pattern.k === 'begin' || pattern.k === 'end') this.fail();
    return { pattern };
  }

  private block(): Stmt[] {
    this.expect('{');
    const body: Stmt[] = [];
    this.terminators();
    while (!this.is('}')) {
      if (this.t.kind === 'eof') this.fail();
      body.push(this.statement());
      this.terminators();
    }
    this.i++;
    return body;
  }

  private simpleEnd(): void {
    if (this.is(';') || this.t.kind === 'newline') {
      this.i++;
      return;
    }
    if (this.is('}') || this.t.kind === 'eof') return;
    this.fail();
  }

  private body(): Stmt {
    this.newlines();
    if (this.eat(';')) return { k: 'block', body: [] };
    return this.statement();
  }

  private statement(): Stmt {
    const t = this.t;
    if (this.is('{')) return { k: 'block', body: this.block() };
    if (t.kind === 'keyword') {
      switch (t.text) {
        case 'if': {
          this.i++;
          this.expect('(');
          const test = this.expr();
          this.expect(')');
          const then = this.body();
          const save = this.i;
          this.terminators();
          if (this.eat('else')) return { k: 'if', test, then, else: this.body() };
          this.i = save;
          return { k: 'if', test, then };
        }
        case 'while': {
          this.i++;
          this.expect('(');
          const test = this.expr();
          this.expect(')');
          if (this.is(';')) {
            this.i++;
            return { k: 'while', test, body: { k: 'block', body: [] } };
          }
          return { k: 'while', test, body: this.body() };
        }
        case 'do': {
          this.i++;
          const body = this.body();
          this.terminators();
          this.expect('while');
          this.expect('(');
          const test = this.expr();
          this.expect(')');
          this.simpleEnd();
          return { k: 'do', body, test };
        }
        case 'for':
          return this.forStatement();
        case 'next':
          this.i++;
          this.simpleEnd();
          return { k: 'next' };
        case 'break':
          this.i++;
          this.simpleEnd();
          return { k: 'break' };
        case 'continue':
          this.i++;
          this.simpleEnd();
          return { k: 'continue' };
        case 'exit': {
          this.i++;
          const code = this.atEnd() ? undefined : this.expr();
          this.simpleEnd();
          return { k: 'exit', code };
        }
        case 'return': {
          this.i++;
          const value = this.atEnd() ? undefined : this.expr();
          this.simpleEnd();
          return { k: 'return', value };
        }
        case 'delete': {
          this.i++;
          if (this.t.kind !== 'name') this.fail();
          const name = this.t.text;
          this.i++;
          let subs: Expr[] | undefined;
          if (this.eat('[')) {
            subs = this.exprList();
            this.expect(']');
          }
          this.simpleEnd();
          return { k: 'delete', name, subs };
        }
        case 'print':
        case 'printf': {
          this.i++;
          this.noGt++;
          let args: Expr[] = [];
          if (this.is('(')) {
            // print (a, b) > f   or   print (a) b
            const save = this.i;
            this.i++;
            const list = this.exprList();
            if (this.eat(')') && (this.atEnd() || this.is('>') || this.is('>>') || this.is('|'))) args = list;
            else {
              this.i = save;
              args = this.exprList();
            }
          } else if (!this.atEnd() && !this.is('>') && !this.is('>>') && !this.is('|')) args = this.exprList();
          this.noGt--;
          let redirect: Redirect | undefined;
          if (this.is('>') || this.is('>>') || this.is('|')) {
            const mode = this.t.text as Redirect['mode'];
            this.i++;
            redirect = { mode, target: this.concatExpr() };
          }
          this.simpleEnd();
          if (t.text === 'printf' && args.length === 0) this.fail();
          return { k: t.text, args, redirect } as Stmt;
        }
        case 'getline': {
          this.i++;
          const target = this.atEnd() ? undefined : this.lvalue();
          this.simpleEnd();
          return { k: 'getline', target };
        }
      }
    }
    const e = this.expr();
    this.simpleEnd();
    return { k: 'expr', e };
  }

  private atEnd(): boolean {
    return this.is(';') || this.is('}') || this.t.kind === 'newline' || this.t.kind === 'eof';
  }

  private forStatement(): Stmt {
    this.i++;
    this.expect('(');
    if (this.t.kind === 'name' && this.peek().text === 'in' && this.peek(2).kind === 'name' && this.peek(3).text === ')') {
      const v = this.t.text;
      const arr = this.peek(2).text;
      this.i += 4;
      return { k: 'forin', v, arr, body: this.body() };
    }
    const init = this.is(';') ? undefined : { k: 'expr' as const, e: this.expr() };
    this.expect(';');
    this.newlines();
    const test = this.is(';') ? undefined : this.expr();
    this.expect(';');
    this.newlines();
    const step = this.is(')') ? undefined : { k: 'expr' as const, e: this.expr() };
    this.expect(')');
    if (this.is(';')) {
      this.i++;
      return { k: 'for', init, test, step, body: { k: 'block', body: [] } };
    }
    return { k: 'for', init, test, step, body: this.body() };
  }

  private exprList(): Expr[] {
    const list = [this.expr()];
    while (this.eat(',')) {
      this.newlines();
      list.push(this.expr());
    }
    return list;
  }

  expr(): Expr {
    return this.ternary();
  }

  private ternary(): Expr {
    const test = this.or();
    if (this.eat('?')) {
      this.newlines();
      const then = this.ternary();
      this.newlines();
      this.expect(':');
      this.newlines();
      return { k: 'cond', test, then, else: this.ternary() };
    }
    if (this.t.kind === 'op' && ['=', '+=', '-=', '*=', '/=', '%=', '^='].includes(this.t.text)) {
      if (!isLValue(test)) this.fail();
      const op = this.t.text;
      this.i++;
      this.newlines();
      return { k: 'assign', op, target: test, value: this.ternary() };
    }
    return test;
  }

  private or(): Expr {
    let left = this.and();
    while (this.eat('||')) {
      this.newlines();
      left = { k: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Expr {
    let left = this.inExpr();
    while (this.eat('&&')) {
      this.newlines();
      left = { k: 'and', left, right: this.inExpr() };
    }
    return left;
  }

  private inExpr(): Expr {
    let left = this.matchExpr();
    while (!this.noIn && this.is('in')) {
      this.i++;
      if (this.t.kind !== 'name') this.fail();
      const subs = left.k === 'group' && (left as { multi?: Expr[] }).multi ? (left as { multi?: Expr[] }).multi! : [left];
      left = { k: 'in', subs, name: this.t.text };
      this.i++;
    }
    return left;
  }

  private matchExpr(): Expr {
    let left = this.comparison();
    while (this.is('~') || this.is('!~')) {
      const negate = this.t.text === '!~';
      this.i++;
      left = { k: 'match', negate, left, re: this.comparison() };
    }
    return left;
  }

  private comparison(): Expr {
    const left = this.concatExpr();
    const t = this.t;
    if (t.kind === 'op' && ['<', '<=', '!=', '==', '>=', '>'].includes(t.text) && !(this.noGt && t.text === '>')) {
      this.i++;
      return { k: 'binary', op: t.text, left, right: this.concatExpr() };
    }
    return left;
  }

  concatExpr(): Expr {
    let left = this.additive();
    while (this.startsOperand()) left = { k: 'concat', left, right: this.additive() };
    return left;
  }

  /** Whether the next token can begin an operand (juxtaposition means concatenation). */
  private startsOperand(): boolean {
    const t = this.t;
    if (t.kind === 'number' || t.kind === 'string' || t.kind === 'regex' || t.kind === 'name' || t.kind === 'funcname' || t.kind === 'builtin') return true;
    if (t.kind === 'op') return ['$', '!', '(', '-', '+', '++', '--'].includes(t.text) && !(t.text === '!' && this.peek().text === '=');
    return false;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    while (this.is('+') || this.is('-')) {
      const op = this.t.text;
      this.i++;
      left = { k: 'binary', op, left, right: this.multiplicative() };
    }
    return left;
  }

  private multiplicative(): Expr {
    let left = this.unary();
    while (this.is('*') || this.is('/') || this.is('%')) {
      const op = this.t.text;
      this.i++;
      left = { k: 'binary', op, left, right: this.unary() };
    }
    return left;
  }

  private unary(): Expr {
    if (this.is('!') || this.is('-') || this.is('+')) {
      const op = this.t.text as '!' | '-' | '+';
      this.i++;
      return { k: 'unary', op, arg: this.unary() };
    }
    return this.power();
  }

  private power(): Expr {
    const base = this.postfix();
    if (this.eat('^')) return { k: 'binary', op: '^', left: base, right: this.unaryPow() };
    return base;
  }

  private unaryPow(): Expr {
    if (this.is('-') || this.is('+') || this.is('!')) {
      const op = this.t.text as '!' | '-' | '+';
      this.i++;
      return { k: 'unary', op, arg: this.unaryPow() };
    }
    return this.power();
  }

  private postfix(): Expr {
    if (this.is('++') || this.is('--')) {
      const op = this.t.text as '++' | '--';
      this.i++;
      return { k: 'incr', op, prefix: true, target: this.lvalue() };
    }
    const e = this.primary();
    if ((this.is('++') || this.is('--')) && isLValue(e)) {
      const op = this.t.text as '++' | '--';
      this.i++;
      return { k: 'incr', op, prefix: false, target: e };
    }
    return e;
  }

  private lvalue(): LValue {
    const e = this.primary();
    if (!isLValue(e)) this.fail();
    return e;
  }

  private primary(): Expr {
    const t = this.t;
    switch (t.kind) {
      case 'number':
        this.i++;
        return { k: 'num', v: Number(t.text) };
      case 'string':
        this.i++;
        return { k: 'str', v: t.text };
      case 'regex':
        this.i++;
        return { k: 'regex', src: t.text };
      case 'funcname': {
        this.i++;
        this.expect('(');
        const args = this.is(')') ? [] : this.exprList();
        this.expect(')');
        return { k: 'call', name: t.text, args };
      }
      case 'builtin': {
        this.i++;
        if (!this.is('(')) {
          if (t.text === 'length') return { k: 'builtin', name: 'length', args: [] };
          this.fail();
        }
        this.i++;
        this.noGt++;
        const saveIn = this.noIn;
        this.noIn = 0;
        const args = this.is(')') ? [] : this.exprList();
        this.noIn = saveIn;
        this.noGt--;
        this.expect(')');
        return { k: 'builtin', name: t.text, args };
      }
      case 'name': {
        this.i++;
        if (this.eat('[')) {
          const subs = this.exprList();
          this.expect(']');
          return { k: 'index', name: t.text, subs };
        }
        return { k: 'var', name: t.text };
      }
      case 'op':
        if (t.text === '$') {
          this.i++;
          if (this.is('++') || this.is('--') || this.is('-')) return { k: 'field', index: this.unary() };
          return { k: 'field', index: this.primary() };
        }
        if (t.text === '(') {
          this.i++;
          const saveGt = this.noGt;
          this.noGt = 0;
          const list = this.exprList();
          this.noGt = saveGt;
          this.expect(')');
          if (list.length > 1) {
            if (!this.is('in')) this.fail();
            return { k: 'group', e: list[0]!, multi: list } as Expr;
          }
          return { k: 'group', e: list[0]! };
        }
        break;
    }
    this.fail();
  }
}

function isLValue(e: Expr): e is LValue {
  return e.k === 'var' || e.k === 'field' || e.k === 'index';
}
