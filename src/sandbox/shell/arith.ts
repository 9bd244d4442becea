// Shell arithmetic ($((…)), ((…)), let): 64-bit-ish integers via BigInt, C precedence.

export class ArithError extends Error {
  constructor(
    readonly expr: string,
    readonly reason: string,
    readonly token: string,
  ) {
    super(`${expr}: ${reason} (error token is "${token}")`);
  }
}

export interface ArithVars {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

type Tok = { k: 'num'; v: bigint; pos: number } | { k: 'id'; v: string; pos: number } | { k: 'op'; v: string; pos: number } | { k: 'end'; pos: number };

const OPS = ['<<=', '>>=', '**', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '+', '-', '*', '/', '%', '<', '>', '&', '|', '^', '!', '~', '?', ':', '=', '(', ')', ','];

function wrap(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}

export function evalArith(expr: string, vars: ArithVars, depth = 0): bigint {
  const toks: Tok[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^(0[xX][0-9a-fA-F]+|[0-9]+#[0-9a-zA-Z@_]+|[0-9]+[a-zA-Z_]*)/.exec(expr.slice(i))!;
      toks.push({ k: 'num', v: parseNumber(m[0], expr, expr.slice(i)), pos: i });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(expr.slice(i))!;
      toks.push({ k: 'id', v: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    const op = OPS.find((o) => expr.startsWith(o, i));
    if (!op) throw new ArithError(expr, 'syntax error: invalid arithmetic operator', expr.slice(i));
    toks.push({ k: 'op', v: op, pos: i });
    i += op.length;
  }
  toks.push({ k: 'end', pos: expr.length });
  let p = 0;
  const peek = () => toks[p]!;
  const rest = (t: Tok) => expr.slice(t.pos);
  const isOp = (v: string) => {
    const t = peek();
    return t.k === 'op' && t.v === v;
  };
  const varValue = (name: string): bigint => {
    const raw = vars.get(name);
    if (raw === undefined || raw.trim() === '') return 0n;
    if (depth > 20) throw new ArithError(expr, 'expression recursion level exceeded', name);
    return evalArith(raw, vars, depth + 1);
  };

  const assignOps = new Set(['=', '+=', '-=', '*=', '/=', '%=', '<<=', '>>=', '&=', '|=', '^=']);

  function comma(skip: boolean): bigint {
    let v = assign(skip);
    while (isOp(',')) {
      p++;
      v = assign(skip);
    }
    return v;
  }
  function assign(skip: boolean): bigint {
    const t = peek();
    if (t.k === 'id') {
      const n = toks[p + 1];
      if (n && n.k === 'op' && assignOps.has(n.v)) {
        p += 2;
        const rhs = assign(skip);
        if (skip) return 0n;
        const cur = n.v === '=' ? 0n : varValue(t.v);
        const v = n.v === '=' ? rhs : binary(n.v.slice(0, -1), cur, rhs, n);
        vars.set(t.v, v.toString());
        return v;
      }
    }
    return ternary(skip);
  }
  function ternary(skip: boolean): bigint {
    const c = bin(0, skip);
    if (!isOp('?')) return c;
    p++;
    const a = comma(skip || c === 0n);
    if (!isOp(':')) throw new ArithError(expr, "expected `:' for conditional expression", rest(peek()));
    p++;
    const b = ternary(skip || c !== 0n);
    return c !== 0n ? a : b;
  }
  const LEVELS = [['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '>', '<=', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];
  function bin(level: number, skip: boolean): bigint {
    if (level >= LEVELS.length) return power(skip);
    let l = bin(level + 1, skip);
    for (;;) {
      const t = peek();
      if (t.k !== 'op' || !LEVELS[level]!.includes(t.v)) return l;
      p++;
      if (t.v === '&&' || t.v === '||') {
        const short = t.v === '&&' ? l === 0n : l !== 0n;
        const r = bin(level + 1, skip || short);
        l = t.v === '&&' ? (l !== 0n && r !== 0n ? 1n : 0n) : l !== 0n || r !== 0n ? 1n : 0n;
        continue;
      }
      const r = bin(level + 1, skip);
      l = skip ? 0n : binary(t.v, l, r, t);
    }
  }
  function binary(op: string, l: bigint, r: bigint, t: Tok): bigint {
    switch (op) {
      case '+': return wrap(l + r);
      case '-': return wrap(l - r);
      case '*': return wrap(l * r);
      case '/':
      case '%':
        if (r === 0n) throw new ArithError(expr, 'division by 0', rest(toks[toks.indexOf(t) + 1] ?? t).trim());
        return op === '/' ? l / r : l % r;
      case '<<': return wrap(l << r);
      case '>>': return l >> r;
      case '<': return l < r ? 1n : 0n;
      case '>': return l > r ? 1n : 0n;
      case '<=': return l <= r ? 1n : 0n;
      case '>=': return l >= r ? 1n : 0n;
      case '==': return l === r ? 1n : 0n;
      case '!=': return l !== r ? 1n : 0n;
      case '&': return l & r;
      case '|': return l | r;
      case '^': return l ^ r;
    }
    throw new ArithError(expr, 'syntax error: invalid arithmetic operator', op);
  }
  function power(skip: boolean): bigint {
    const b = unary(skip);
    if (isOp('**')) {
      p++;
      const e = power(skip);
      if (e < 0n) throw new ArithError(expr, 'exponent less than 0', String(e));
      return skip ? 0n : wrap(b ** e);
    }
    return b;
  }
  function unary(skip: boolean): bigint {
    const t = peek();
    if (t.k === 'op') {
      if (t.v === '-' || t.v === '+' || t.v === '!' || t.v === '~') {
        p++;
        const v = unary(skip);
        return t.v === '-' ? wrap(-v) : t.v === '+' ? v : t.v === '!' ? (v === 0n ? 1n : 0n) : ~v;
      }
      if (t.v === '++' || t.v === '--') {
        p++;
        const id = peek();
        if (id.k !== 'id') throw new ArithError(expr, 'syntax error: operand expected', rest(id));
        p++;
        const v = varValue(id.v) + (t.v === '++' ? 1n : -1n);
        if (!skip) vars.set(id.v, v.toString());
        return v;
      }
    }
    return postfix(skip);
  }
  function postfix(skip: boolean): bigint {
    const t = peek();
    if (t.k === 'id') {
      p++;
      const n = peek();
      if (n.k === 'op' && (n.v === '++' || n.v === '--')) {
        p++;
        const v = varValue(t.v);
        if (!skip) vars.set(t.v, (v + (n.v === '++' ? 1n : -1n)).toString());
        return v;
      }
      return skip ? 0n : varValue(t.v);
    }
    if (t.k === 'num') {
      p++;
      return t.v;
    }
    if (t.k === 'op' && t.v === '(') {
      p++;
      const v = comma(skip);
      if (!isOp(')')) throw new ArithError(expr, "missing `)'", rest(peek()));
      p++;
      return v;
    }
    // At the end, bash names the last token it read (the dangling operator): "1+" → "+".
    const last = t.k === 'end' && p > 0 ? toks[p - 1] : t;
    throw new ArithError(expr, 'syntax error: operand expected', last ? rest(last) : '');
  }
  if (toks.length === 1) return 0n;
  const v = comma(false);
  const t = peek();
  if (t.k !== 'end') throw new ArithError(expr, 'syntax error in expression', rest(t));
  return v;
}

function parseNumber(s: string, expr: string, rest: string): bigint {
  if (/^0[xX]/.test(s)) return BigInt(s);
  const hash = s.indexOf('#');
  if (hash > 0) {
    const base = Number(s.slice(0, hash));
    let v = 0n;
    for (const ch of s.slice(hash + 1)) {
      const d = digitValue(ch, base);
      if (d < 0 || d >= base) throw new ArithError(expr, 'value too great for base', rest);
      v = v * BigInt(base) + BigInt(d);
    }
    return v;
  }
  if (!/^[0-9]+$/.test(s)) throw new ArithError(expr, 'value too great for base', rest);
  if (s.length > 1 && s.startsWith('0')) {
    if (/[89]/.test(s)) throw new ArithError(expr, 'value too great for base', rest);
    return BigInt('0o' + s.slice(1));
  }
  return BigInt(s);
}

function digitValue(ch: string, base: number): number {
  if (/[0-9]/.test(ch)) return ch.charCodeAt(0) - 48;
  if (/[a-z]/.test(ch)) return ch.charCodeAt(0) - 97 + 10;
  if (/[A-Z]/.test(ch)) return ch.charCodeAt(0) - 65 + (base > 36 ? 36 : 10);
  if (ch === '@') return 62;
  if (ch === '_') return 63;
  return -1;
}
