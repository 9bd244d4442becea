// Runs a parsed awk program over input records (values: see values.ts).
import type { Expr, FunctionDef, LValue, Program, Stmt } from './ast.ts';
import { formatPrintf, numberToString, type FormatArg } from './format.ts';
import { unescapeChar } from './lexer.ts';
import { callBuiltin, type AwkBuiltinRuntime } from './builtins.ts';
import { splitByRegex, type Regex } from '../regex/index.ts';
import { AwkRuntimeError, compareVals, RegexCache, StrNum, toNumber, truthy, type Val } from './values.ts';
import { ArrayMeter, AwkArray, capped, MAX_FIELDS, MAX_STRING_CHARS, outOfMemory } from './memory.ts';

export { AwkArray };

export { AwkRuntimeError };

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
  /**
   * Called at every loop iteration, function call and record: charges the program's CPU
   * time, yields to the event loop now and then, and throws to stop a runaway program.
   * Returns a promise only when the interpreter must wait for it.
   */
  tick(): Promise<void> | void;
}

export class AwkInterpreter implements AwkBuiltinRuntime {
  readonly globals = new Map<string, Val>();
  /** The current record ($0). */
  readonly arrays = new Map<string, AwkArray>();
  private locals: Map<string, Val | AwkArray>[] = [];
  private fields: string[] = [''];
  record = '';
  private nf = 0;
  private ranges = new Map<number, boolean>();
  private openedFiles = new Set<string>();
  private regexes = new RegexCache((src) => new AwkRuntimeError(`regular expression compile failed (missing operand)\n${src}`));
  randSeed = 0;
  randState = 0;
  private exitCode = 0;
  private out = '';
  /** What this run's arrays hold (see memory.ts). */
  private readonly arrayMeter = new ArrayMeter();

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
    const ARGV = new AwkArray(this.arrayMeter);
    argv.forEach((a, i) => ARGV.set(String(i), new StrNum(a)));
    this.arrays.set('ARGV', ARGV);
    const ENVIRON = new AwkArray(this.arrayMeter);
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
    this.globals.set('NR', toNumber(this.globals.get('NR') ?? 0) + 1);
    this.globals.set('FNR', toNumber(this.globals.get('FNR') ?? 0) + 1);
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
    if (p.k === 'expr') return truthy(await this.eval(p.e));
    if (this.ranges.get(idx)) {
      if (truthy(await this.eval(p.to))) this.ranges.set(idx, false);
      return true;
    }
    if (truthy(await this.eval(p.from))) {
      this.ranges.set(idx, !truthy(await this.eval(p.to)));
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

  splitFields(rec: string, fs: string): string[] {
    if (fs === ' ') return rec.split(/[ \t\n]+/).filter((s) => s !== '');
    if (rec === '') return [];
    if (fs.length === 1 && fs !== '\\') return rec.split(fs);
    if (fs === '') return [...rec]; // mawk: an empty separator splits into characters
    return splitByRegex(this.regex(fs), rec);
  }

  private getField(i: number): Val {
    if (i < 0) throw new AwkRuntimeError(`trying to access out of range field ${i}`);
    if (i === 0) return new StrNum(this.record);
    return i <= this.nf ? new StrNum(this.fields[i]!) : '';
  }

  private setField(i: number, v: string): void {
    if (i < 0) throw new AwkRuntimeError(`trying to access out of range field ${i}`);
    if (i > MAX_FIELDS) throw outOfMemory();
    if (i === 0) return this.setRecord(v);
    while (this.nf < i) this.fields[++this.nf] = '';
    this.fields[i] = v;
    this.rebuild();
  }

  private rebuild(): void {
    this.fields.length = this.nf + 1;
    this.record = capped(this.fields.slice(1).join(this.str(this.globals.get('OFS')!)));
    this.fields[0] = this.record;
  }

  // ---- values ----

  str(v: Val): string {
    if (typeof v === 'string') return v;
    if (v instanceof StrNum) return v.s;
    return numberToString(v, this.str(this.globals.get('CONVFMT') ?? '%.6g'));
  }

  private outStr(v: Val): string {
    if (typeof v === 'number') return numberToString(v, this.str(this.globals.get('OFMT') ?? '%.6g'));
    return this.str(v);
  }

  private compare(a: Val, b: Val): number {
    return compareVals(a, b, (v) => this.str(v));
  }

  regex(src: string): Regex {
    return this.regexes.get(src);
  }

  async toRegex(e: Expr): Promise<Regex> {
    if (e.k === 'regex') return this.regex(e.src);
    return this.regex(this.str(await this.eval(e)));
  }

  // ---- variables ----

  frame(): Map<string, Val | AwkArray> | undefined {
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
      const nf = Math.max(0, Math.trunc(toNumber(v)));
      if (nf > MAX_FIELDS) throw outOfMemory();
      this.nf = nf;
      while (this.fields.length <= this.nf) this.fields.push('');
      this.rebuild();
      return;
    }
    this.globals.set(name, v);
  }

  getArray(name: string): AwkArray {
    const f = this.frame();
    if (f?.has(name)) {
      let v = f.get(name)!;
      if (v === '') {
        v = new AwkArray(this.arrayMeter);
        f.set(name, v);
      }
      if (!(v instanceof Map)) throw new AwkRuntimeError(`can't use scalar ${name} as array`);
      return v;
    }
    let a = this.arrays.get(name);
    if (!a) {
      a = new AwkArray(this.arrayMeter);
      this.arrays.set(name, a);
    }
    return a;
  }

  private async subscript(subs: Expr[]): Promise<string> {
    const parts: string[] = [];
    for (const s of subs) parts.push(this.str(await this.eval(s)));
    return parts.join(this.str(this.globals.get('SUBSEP')!));
  }

  async getL(t: LValue): Promise<Val> {
    if (t.k === 'var') return this.getVar(t.name);
    if (t.k === 'field') return this.getField(Math.trunc(toNumber(await this.eval(t.index))));
    const arr = this.getArray(t.name);
    const key = await this.subscript(t.subs);
    if (!arr.has(key)) arr.set(key, '');
    return arr.get(key)!;
  }

  async setL(t: LValue, v: Val): Promise<void> {
    if (t.k === 'var') return this.setVar(t.name, v);
    if (t.k === 'field') return this.setField(Math.trunc(toNumber(await this.eval(t.index))), this.str(v));
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
        if (truthy(await this.eval(s.test))) await this.exec(s.then);
        else if (s.else) await this.exec(s.else);
        return;
      case 'while':
        while (truthy(await this.eval(s.test))) {
          await this.io.tick();
          if (await this.loopBody(s.body)) break;
        }
        return;
      case 'do':
        do {
          await this.io.tick();
          if (await this.loopBody(s.body)) break;
        } while (truthy(await this.eval(s.test)));
        return;
      case 'for':
        if (s.init) await this.exec(s.init);
        while (!s.test || truthy(await this.eval(s.test))) {
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
        throw new ExitSignal(s.code ? Math.trunc(toNumber(await this.eval(s.code))) & 0xff : this.exitCode);
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

  async flush(): Promise<void> {
    if (this.out) {
      const o = this.out;
      this.out = '';
      await this.io.write(o);
    }
  }

  sprintf(fmt: string, vals: Val[]): string {
    const args: FormatArg[] = vals.map((v) => ({ num: () => toNumber(v), str: () => this.str(v) }));
    return capped(formatPrintf(fmt, args));
  }

  // ---- expressions ----

  async eval(e: Expr): Promise<Val> {
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
        if (e.op !== '=') v = this.arith(e.op.slice(0, -1), toNumber(await this.getL(e.target)), toNumber(v));
        await this.setL(e.target, v);
        return v;
      }
      case 'cond':
        return truthy(await this.eval(e.test)) ? this.eval(e.then) : this.eval(e.else);
      case 'and':
        return truthy(await this.eval(e.left)) && truthy(await this.eval(e.right)) ? 1 : 0;
      case 'or':
        return truthy(await this.eval(e.left)) || truthy(await this.eval(e.right)) ? 1 : 0;
      case 'match': {
        const s = this.str(await this.eval(e.left));
        const hit = (await this.toRegex(e.re)).test(s);
        return hit !== e.negate ? 1 : 0;
      }
      case 'in':
        return this.getArray(e.name).has(await this.subscript(e.subs)) ? 1 : 0;
      case 'concat': {
        const left = this.str(await this.eval(e.left));
        const right = this.str(await this.eval(e.right));
        if (left.length + right.length > MAX_STRING_CHARS) throw outOfMemory();
        return left + right;
      }
      case 'unary': {
        const v = await this.eval(e.arg);
        if (e.op === '!') return truthy(v) ? 0 : 1;
        return e.op === '-' ? -toNumber(v) : toNumber(v);
      }
      case 'incr': {
        const old = toNumber(await this.getL(e.target));
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
          default: return this.arith(e.op, toNumber(l), toNumber(r));
        }
      }
      case 'call':
        return this.callUser(e.name, e.args);
      case 'builtin':
        return callBuiltin(this, e.name, e.args);
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
    await this.io.tick();
    const frame = new Map<string, Val | AwkArray>();
    for (const [i, p] of fn.params.entries()) {
      const a = args[i];
      if (!a) frame.set(p, '');
      else if (a.k === 'var' && (this.arrays.has(a.name) || this.frame()?.get(a.name) instanceof Map)) frame.set(p, this.getArray(a.name));
      else frame.set(p, await this.eval(a));
    }
    const passed = new Set([...frame.values()].filter((v) => v instanceof AwkArray));
    this.locals.push(frame);
    try {
      await this.execBlock(fn.body);
      return '';
    } catch (e) {
      if (e instanceof ReturnSignal) return e.value;
      throw e;
    } finally {
      this.locals.pop();
      // Local arrays die with the call: what they held no longer counts.
      for (const v of frame.values()) if (v instanceof AwkArray && !passed.has(v)) v.clear();
    }
  }
}
