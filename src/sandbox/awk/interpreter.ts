// Runs a parsed awk program over input records. Values follow POSIX awk: numbers,
// strings, and "strnums" (field/input text that looks numeric compares as a number).
import type { Expr, FunctionDef, LValue, Program, Stmt } from './ast.ts';
import { formatPrintf, numberToString, type FormatArg } from './format.ts';
import { unescapeChar } from './lexer.ts';

/** Text from input (fields, split pieces, -v values): numeric if it looks like a number. */
class StrNum {
  constructor(readonly s: string) {}
}
type Val = number | string | StrNum;
type AwkArray = Map<string, Val>;

const NUMERIC = /^[ \t\n]*[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)[ \t\n]*$/;

export class AwkRuntimeError extends Error {}

class NextSignal {}
class ExitSignal {
  constructor(readonly code: number) {}
}
class ReturnSignal {
  constructor(readonly value: Val) {}
}
class BreakSignal {}
class ContinueSignal {}

export interface AwkIO {
  /** Output for print/printf without redirection. */
  write(text: string): Promise<void>;
  /** print > file / >> file. */
  writeFile(path: string, text: string, append: boolean): void;
  /** Budget check, called in loops: throws to stop a runaway program. */
  tick(): Promise<void>;
}

export class AwkInterpreter {
  private globals = new Map<string, Val>();
  private arrays = new Map<string, AwkArray>();
  private locals: Map<string, Val | AwkArray>[] = [];
  private fields: string[] = [''];
  private record = '';
  private nf = 0;
  private ranges = new Map<number, boolean>();
  private openedFiles = new Set<string>();
  private regexCache = new Map<string, RegExp>();
  private randSeed = 0;
  private randState = 0;
  private exitCode = 0;
  private out = '';

  constructor(
    private readonly prog: Program,
    private readonly io: AwkIO,
    vars: Record<string, string> = {},
    argv: string[] = [],
    env: Record<string, string> = {},
  ) {
    this.globals.set('FS', ' ');
    this.globals.set('OFS', ' ');
    this.globals.set('ORS', '\n');
    this.globals.set('RS', '\n');
    this.globals.set('NR', 0);
    this.globals.set('FNR', 0);
    this.globals.set('SUBSEP', '\x1c');
    this.globals.set('OFMT', '%.6g');
    this.globals.set('CONVFMT', '%.6g');
    this.globals.set('RSTART', 0);
    this.globals.set('RLENGTH', -1);
    this.globals.set('FILENAME', '');
    this.globals.set('ARGC', argv.length);
    const ARGV: AwkArray = new Map();
    argv.forEach((a, i) => ARGV.set(String(i), new StrNum(a)));
    this.arrays.set('ARGV', ARGV);
    const ENVIRON: AwkArray = new Map();
    for (const [k, v] of Object.entries(env)) ENVIRON.set(k, new StrNum(v));
    this.arrays.set('ENVIRON', ENVIRON);
    for (const [k, v] of Object.entries(vars)) this.assignCommandLine(k, v);
  }

  /** `var=value` operands and -v: escape sequences are processed, the value is a strnum. */
  assignCommandLine(name: string, value: string): void {
    this.globals.set(name, new StrNum(value.replace(/\\(.)/g, (_, c: string) => unescapeChar(c))));
  }

  async begin(): Promise<boolean> {
    try {
      for (const r of this.prog.rules) if (r.pattern.k === 'begin') await this.execBlock(r.action ?? []);
    } catch (e) {
      if (e instanceof ExitSignal) {
        this.exitCode = e.code;
        await this.flush();
        return false;
      }
      throw e;
    }
    await this.flush();
    return this.prog.rules.some((r) => r.pattern.k !== 'begin');
  }

  /** Whether main rules or END exist (otherwise input is not read). */
  needsInput(): boolean {
    return this.prog.rules.some((r) => r.pattern.k !== 'begin');
  }

  get separator(): string {
    return this.str(this.globals.get('RS') ?? '\n');
  }

  setFilename(name: string): void {
    this.globals.set('FILENAME', name);
    this.globals.set('FNR', 0);
  }

  /** Runs the main rules on one record; returns false when `exit` was called. */
  async processRecord(rec: string): Promise<boolean> {
    this.globals.set('NR', this.num(this.globals.get('NR') ?? 0) + 1);
    this.globals.set('FNR', this.num(this.globals.get('FNR') ?? 0) + 1);
    this.setRecord(rec);
    try {
      for (const [idx, r] of this.prog.rules.entries()) {
        if (r.pattern.k === 'begin' || r.pattern.k === 'end') continue;
        if (!(await this.matches(idx, r.pattern))) continue;
        if (r.action) await this.execBlock(r.action);
        else await this.output(this.record + this.str(this.globals.get("ORS")!), undefined);
      }
    } catch (e) {
      if (e instanceof NextSignal) return true;
      if (e instanceof ExitSignal) {
        this.exitCode = e.code;
        return false;
      }
      throw e;
    } finally {
      await this.flush();
    }
    return true;
  }

  async end(runEndRules: boolean): Promise<number> {
    if (runEndRules) {
      try {
        for (const r of this.prog.rules) if (r.pattern.k === 'end') await this.execBlock(r.action ?? []);
      } catch (e) {
        if (e instanceof ExitSignal) this.exitCode = e.code;
        else throw e;
      }
    }
    await this.flush();
    return this.exitCode;
  }

  private async matches(idx: number, p: Exclude<Program['rules'][number]['pattern'], { k: 'begin' | 'end' }>): Promise<boolean> {
    if (p.k === 'all') return true;
    if (p.k === 'expr') return this.truthy(await this.eval(p.e));
    if (this.ranges.get(idx)) {
      if (this.truthy(await this.eval(p.to))) this.ranges.set(idx, false);
      return true;
    }
    if (this.truthy(await this.eval(p.from))) {
      this.ranges.set(idx, !this.truthy(await this.eval(p.to)));
      return true;
    }
    return false;
  }

  // ---- records and fields ----

  private setRecord(rec: string): void {
    this.record = rec;
    this.fields = [rec, ...this.splitFields(rec, this.str(this.globals.get('FS')!))];
    this.nf = this.fields.length - 1;
  }

  private splitFields(rec: string, fs: string): string[] {
    if (fs === ' ') return rec.split(/[ \t\n]+/).filter((s) => s !== '');
    if (rec === '') return [];
    if (fs.length === 1 && fs !== '\\') return rec.split(fs);
    return rec.split(this.regex(fs));
  }

  private getField(i: number): Val {
    if (i < 0) throw new AwkRuntimeError(`trying to access out of range field ${i}`);
    if (i === 0) return new StrNum(this.record);
    return i <= this.nf ? new StrNum(this.fields[i]!) : '';
  }

  private setField(i: number, v: string): void {
    if (i < 0) throw new AwkRuntimeError(`trying to access out of range field ${i}`);
    if (i === 0) return this.setRecord(v);
    while (this.nf < i) this.fields[++this.nf] = '';
    this.fields[i] = v;
    this.rebuild();
  }

  private rebuild(): void {
    this.fields.length = this.nf + 1;
    this.record = this.fields.slice(1).join(this.str(this.globals.get('OFS')!));
    this.fields[0] = this.record;
  }

  // ---- values ----

  private num(v: Val): number {
    if (typeof v === 'number') return v;
    const s = typeof v === 'string' ? v : v.s;
    const m = /^[ \t\n]*([-+]?(?:0[xX][0-9a-fA-F]+|\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?))/.exec(s);
    if (!m) return 0;
    return /^[-+]?0[xX]/.test(m[1]!) ? 0 : Number(m[1]);
  }

  private str(v: Val): string {
    if (typeof v === 'string') return v;
    if (v instanceof StrNum) return v.s;
    return numberToString(v, this.str(this.globals.get('CONVFMT') ?? '%.6g'));
  }

  private outStr(v: Val): string {
    if (typeof v === 'number') return numberToString(v, this.str(this.globals.get('OFMT') ?? '%.6g'));
    return this.str(v);
  }

  private truthy(v: Val): boolean {
    if (typeof v === 'number') return v !== 0;
    if (typeof v === 'string') return v !== '';
    return NUMERIC.test(v.s) ? this.num(v) !== 0 : v.s !== '';
  }

  private isNumeric(v: Val): boolean {
    return typeof v === 'number' || (v instanceof StrNum && NUMERIC.test(v.s));
  }

  private compare(a: Val, b: Val): number {
    if (this.isNumeric(a) && this.isNumeric(b)) return this.num(a) - this.num(b);
    const x = this.str(a);
    const y = this.str(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }

  private regex(src: string): RegExp {
    let re = this.regexCache.get(src);
    if (!re) {
      const translated = src
        .replace(/\[:alpha:\]/g, 'a-zA-Z')
        .replace(/\[:digit:\]/g, '0-9')
        .replace(/\[:alnum:\]/g, 'a-zA-Z0-9')
        .replace(/\[:space:\]/g, ' \\t\\n\\r\\f\\v')
        .replace(/\[:upper:\]/g, 'A-Z')
        .replace(/\[:lower:\]/g, 'a-z')
        .replace(/\[:punct:\]/g, '!-\\/:-@\\[-`{-~')
        .replace(/\[:blank:\]/g, ' \\t')
        .replace(/\[:xdigit:\]/g, '0-9A-Fa-f');
      try {
        re = new RegExp(translated);
      } catch {
        throw new AwkRuntimeError(`regular expression compile failed (missing operand)\n${src}`);
      }
      if (this.regexCache.size > 500) this.regexCache.clear();
      this.regexCache.set(src, re);
    }
    return re;
  }

  private async toRegex(e: Expr): Promise<RegExp> {
    if (e.k === 'regex') return this.regex(e.src);
    return this.regex(this.str(await this.eval(e)));
  }

  // ---- variables ----

  private frame(): Map<string, Val | AwkArray> | undefined {
    return this.locals[this.locals.length - 1];
  }

  private getVar(name: string): Val {
    const f = this.frame();
    if (f?.has(name)) {
      const v = f.get(name)!;
      if (v instanceof Map) throw new AwkRuntimeError(`can't use array ${name} in scalar context`);
      return v;
    }
    if (name === 'NF') return this.nf;
    if (this.arrays.has(name)) throw new AwkRuntimeError(`can't use array ${name} in scalar context`);
    return this.globals.get(name) ?? '';
  }

  private setVar(name: string, v: Val): void {
    const f = this.frame();
    if (f?.has(name)) {
      f.set(name, v);
      return;
    }
    if (name === 'NF') {
      this.nf = Math.max(0, Math.trunc(this.num(v)));
      while (this.fields.length <= this.nf) this.fields.push('');
      this.rebuild();
      return;
    }
    this.globals.set(name, v);
  }

  private getArray(name: string): AwkArray {
    const f = this.frame();
    if (f?.has(name)) {
      let v = f.get(name)!;
      if (v === '') {
        v = new Map();
        f.set(name, v);
      }
      if (!(v instanceof Map)) throw new AwkRuntimeError(`can't use scalar ${name} as array`);
      return v;
    }
    let a = this.arrays.get(name);
    if (!a) {
      a = new Map();
      this.arrays.set(name, a);
    }
    return a;
  }

  private async subscript(subs: Expr[]): Promise<string> {
    const parts: string[] = [];
    for (const s of subs) parts.push(this.str(await this.eval(s)));
    return parts.join(this.str(this.globals.get('SUBSEP')!));
  }

  private async getL(t: LValue): Promise<Val> {
    if (t.k === 'var') return this.getVar(t.name);
    if (t.k === 'field') return this.getField(Math.trunc(this.num(await this.eval(t.index))));
    const arr = this.getArray(t.name);
    const key = await this.subscript(t.subs);
    if (!arr.has(key)) arr.set(key, '');
    return arr.get(key)!;
  }

  private async setL(t: LValue, v: Val): Promise<void> {
    if (t.k === 'var') return this.setVar(t.name, v);
    if (t.k === 'field') return this.setField(Math.trunc(this.num(await this.eval(t.index))), this.str(v));
    this.getArray(t.name).set(await this.subscript(t.subs), v);
  }

  // ---- statements ----

  private async execBlock(stmts: Stmt[]): Promise<void> {
    for (const s of stmts) await this.exec(s);
  }

  private async exec(s: Stmt): Promise<void> {
    switch (s.k) {
      case 'expr':
        await this.eval(s.e);
        return;
      case 'print': {
        let text: string;
        if (s.args.length === 0) text = this.record;
        else {
          const parts: string[] = [];
          for (const a of s.args) parts.push(this.outStr(await this.eval(a)));
          text = parts.join(this.str(this.globals.get('OFS')!));
        }
        return this.output(text + this.str(this.globals.get('ORS')!), s.redirect);
      }
      case 'printf': {
        const vals: Val[] = [];
        for (const a of s.args) vals.push(await this.eval(a));
        const [fmt, ...rest] = vals;
        return this.output(this.sprintf(this.str(fmt!), rest), s.redirect);
      }
      case 'if':
        if (this.truthy(await this.eval(s.test))) await this.exec(s.then);
        else if (s.else) await this.exec(s.else);
        return;
      case 'while':
        while (this.truthy(await this.eval(s.test))) {
          await this.io.tick();
          if (await this.loopBody(s.body)) break;
        }
        return;
      case 'do':
        do {
          await this.io.tick();
          if (await this.loopBody(s.body)) break;
        } while (this.truthy(await this.eval(s.test)));
        return;
      case 'for':
        if (s.init) await this.exec(s.init);
        while (!s.test || this.truthy(await this.eval(s.test))) {
          await this.io.tick();
          if (await this.loopBody(s.body)) break;
          if (s.step) await this.exec(s.step);
        }
        return;
      case 'forin': {
        const arr = this.getArray(s.arr);
        for (const key of [...arr.keys()]) {
          if (!arr.has(key)) continue;
          await this.io.tick();
          this.setVar(s.v, new StrNum(key));
          if (await this.loopBody(s.body)) break;
        }
        return;
      }
      case 'block':
        return this.execBlock(s.body);
      case 'next':
        throw new NextSignal();
      case 'exit':
        throw new ExitSignal(s.code ? Math.trunc(this.num(await this.eval(s.code))) & 0xff : this.exitCode);
      case 'return':
        throw new ReturnSignal(s.value ? await this.eval(s.value) : '');
      case 'break':
        throw new BreakSignal();
      case 'continue':
        throw new ContinueSignal();
      case 'delete':
        if (s.subs) this.getArray(s.name).delete(await this.subscript(s.subs));
        else this.getArray(s.name).clear();
        return;
      case 'getline':
        throw new AwkRuntimeError('getline is not supported in this sandbox');
    }
  }

  /** Runs a loop body; true means break. */
  private async loopBody(body: Stmt): Promise<boolean> {
    try {
      await this.exec(body);
    } catch (e) {
      if (e instanceof BreakSignal) return true;
      if (e instanceof ContinueSignal) return false;
      throw e;
    }
    return false;
  }

  private async output(text: string, redirect: { mode: string; target: Expr } | undefined): Promise<void> {
    if (!redirect) {
      this.out += text;
      if (this.out.length > 16384) await this.flush();
      return;
    }
    if (redirect.mode === '|') throw new AwkRuntimeError('output to a command (print | "cmd") is not supported in this sandbox');
    const path = this.str(await this.eval(redirect.target));
    const append = redirect.mode === '>>' || this.openedFiles.has(path);
    this.openedFiles.add(path);
    this.io.writeFile(path, text, append);
  }

  private async flush(): Promise<void> {
    if (this.out) {
      const o = this.out;
      this.out = '';
      await this.io.write(o);
    }
  }

  private sprintf(fmt: string, vals: Val[]): string {
    const args: FormatArg[] = vals.map((v) => ({ num: () => this.num(v), str: () => this.str(v) }));
    return formatPrintf(fmt, args);
  }

  // ---- expressions ----

  private async eval(e: Expr): Promise<Val> {
    switch (e.k) {
      case 'num':
        return e.v;
      case 'str':
        return e.v;
      case 'regex':
        return this.regex(e.src).test(this.record) ? 1 : 0;
      case 'group':
        return this.eval(e.e);
      case 'var':
        return this.getVar(e.name);
      case 'field':
      case 'index':
        return this.getL(e);
      case 'assign': {
        let v = await this.eval(e.value);
        if (v instanceof StrNum && e.op === '=') v = new StrNum(v.s);
        if (e.op !== '=') v = this.arith(e.op.slice(0, -1), this.num(await this.getL(e.target)), this.num(v));
        await this.setL(e.target, v);
        return v;
      }
      case 'cond':
        return this.truthy(await this.eval(e.test)) ? this.eval(e.then) : this.eval(e.else);
      case 'and':
        return this.truthy(await this.eval(e.left)) && this.truthy(await this.eval(e.right)) ? 1 : 0;
      case 'or':
        return this.truthy(await this.eval(e.left)) || this.truthy(await this.eval(e.right)) ? 1 : 0;
      case 'match': {
        const s = this.str(await this.eval(e.left));
        const hit = (await this.toRegex(e.re)).test(s);
        return hit !== e.negate ? 1 : 0;
      }
      case 'in':
        return this.getArray(e.name).has(await this.subscript(e.subs)) ? 1 : 0;
      case 'concat':
        return this.str(await this.eval(e.left)) + this.str(await this.eval(e.right));
      case 'unary': {
        const v = await this.eval(e.arg);
        if (e.op === '!') return this.truthy(v) ? 0 : 1;
        return e.op === '-' ? -this.num(v) : this.num(v);
      }
      case 'incr': {
        const old = this.num(await this.getL(e.target));
        const nv = e.op === '++' ? old + 1 : old - 1;
        await this.setL(e.target, nv);
        return e.prefix ? nv : old;
      }
      case 'binary': {
        const l = await this.eval(e.left);
        const r = await this.eval(e.right);
        switch (e.op) {
          case '<': return this.compare(l, r) < 0 ? 1 : 0;
          case '<=': return this.compare(l, r) <= 0 ? 1 : 0;
          case '>': return this.compare(l, r) > 0 ? 1 : 0;
          case '>=': return this.compare(l, r) >= 0 ? 1 : 0;
          case '==': return this.compare(l, r) === 0 ? 1 : 0;
          case '!=': return this.compare(l, r) !== 0 ? 1 : 0;
          default: return this.arith(e.op, this.num(l), this.num(r));
        }
      }
      case 'call':
        return this.callUser(e.name, e.args);
      case 'builtin':
        return this.callBuiltin(e.name, e.args);
    }
  }

  private arith(op: string, a: number, b: number): number {
    switch (op) {
      case '+': return a + b;
      case '-': return a - b;
      case '*': return a * b;
      // mawk follows IEEE: 1/0 is inf, 5%0 is -nan.
      case '/': return a / b;
      case '%': return a % b;
      case '^': return a ** b;
    }
    throw new AwkRuntimeError(`unknown operator ${op}`);
  }

  private async callUser(name: string, args: Expr[]): Promise<Val> {
    const fn: FunctionDef | undefined = this.prog.functions.get(name);
    if (!fn) throw new AwkRuntimeError(`function ${name} never defined`);
    if (this.locals.length > 200) throw new AwkRuntimeError('function call nesting too deep');
    const frame = new Map<string, Val | AwkArray>();
    for (const [i, p] of fn.params.entries()) {
      const a = args[i];
      if (!a) frame.set(p, '');
      else if (a.k === 'var' && (this.arrays.has(a.name) || this.frame()?.get(a.name) instanceof Map)) frame.set(p, this.getArray(a.name));
      else frame.set(p, await this.eval(a));
    }
    this.locals.push(frame);
    try {
      await this.execBlock(fn.body);
      return '';
    } catch (e) {
      if (e instanceof ReturnSignal) return e.value;
      throw e;
    } finally {
      this.locals.pop();
    }
  }

  private async callBuiltin(name: string, args: Expr[]): Promise<Val> {
    const ev = async (i: number): Promise<Val> => (args[i] ? this.eval(args[i]!) : '');
    switch (name) {
      case 'length': {
        const a = args[0];
        if (!a) return this.record.length;
        if (a.k === 'var' && (this.arrays.has(a.name) || this.frame()?.get(a.name) instanceof Map)) return this.getArray(a.name).size;
        return this.str(await this.eval(a)).length;
      }
      case 'substr': {
        const s = this.str(await ev(0));
        const m = Math.round(this.num(await ev(1)));
        const n = args[2] ? Math.round(this.num(await ev(2))) : Infinity;
        const start = Math.max(m, 1);
        const end = Math.min(m + n, s.length + 1);
        return end > start ? s.slice(start - 1, end - 1) : '';
      }
      case 'index':
        return this.str(await ev(0)).indexOf(this.str(await ev(1))) + 1;
      case 'split': {
        const s = this.str(await ev(0));
        const target = args[1];
        if (!target || target.k !== 'var') throw new AwkRuntimeError('split: second argument must be an array');
        const arr = this.getArray(target.name);
        arr.clear();
        let parts: string[];
        if (args[2]?.k === 'regex') parts = s === '' ? [] : s.split(this.regex(args[2].src));
        else parts = this.splitFields(s, args[2] ? this.str(await ev(2)) : this.str(this.globals.get('FS')!));
        parts.forEach((p, i) => arr.set(String(i + 1), new StrNum(p)));
        return parts.length;
      }
      case 'sub':
      case 'gsub': {
        const re = await this.toRegex(args[0]!);
        const repl = this.str(await ev(1));
        const target: LValue = (args[2] as LValue | undefined) ?? { k: 'field', index: { k: 'num', v: 0 } };
        const s = this.str(await this.getL(target));
        let count = 0;
        const g = new RegExp(re.source, name === 'gsub' ? 'g' : '');
        const result = s.replace(g, (m) => {
          count++;
          return repl.replace(/\\\\|\\&|&/g, (x) => (x === '&' ? m : x === '\\&' ? '&' : '\\'));
        });
        if (count > 0) await this.setL(target, result);
        return count;
      }
      case 'match': {
        const s = this.str(await ev(0));
        const m = (await this.toRegex(args[1]!)).exec(s);
        this.globals.set('RSTART', m ? m.index + 1 : 0);
        this.globals.set('RLENGTH', m ? m[0].length : -1);
        return m ? m.index + 1 : 0;
      }
      case 'sprintf': {
        const vals: Val[] = [];
        for (const a of args) vals.push(await this.eval(a));
        const [fmt, ...rest] = vals;
        return this.sprintf(this.str(fmt ?? ''), rest);
      }
      case 'tolower':
        return this.str(await ev(0)).toLowerCase();
      case 'toupper':
        return this.str(await ev(0)).toUpperCase();
      case 'int':
        return Math.trunc(this.num(await ev(0)));
      case 'sqrt':
        return Math.sqrt(this.num(await ev(0)));
      case 'exp':
        return Math.exp(this.num(await ev(0)));
      case 'log':
        return Math.log(this.num(await ev(0)));
      case 'sin':
        return Math.sin(this.num(await ev(0)));
      case 'cos':
        return Math.cos(this.num(await ev(0)));
      case 'atan2':
        return Math.atan2(this.num(await ev(0)), this.num(await ev(1)));
      case 'rand': {
        // Deterministic like awk's default seed; srand() changes it.
        this.randState = (Math.imul(this.randState ^ 0x5deece66, 1103515245) + 12345) >>> 0;
        return this.randState / 4294967296;
      }
      case 'srand': {
        const prev = this.randSeed;
        this.randSeed = args[0] ? Math.trunc(this.num(await ev(0))) : 0;
        this.randState = this.randSeed >>> 0;
        return prev;
      }
      case 'close':
      case 'fflush':
        await this.flush();
        return 0;
      case 'system':
        throw new AwkRuntimeError('system() is not supported in this sandbox');
    }
    throw new AwkRuntimeError(`unknown function ${name}`);
  }
}
