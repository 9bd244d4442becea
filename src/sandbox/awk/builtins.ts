// awk's built-in functions (length, substr, split, sub/gsub, match, sprintf, math …).
import type { Expr, LValue } from './ast.ts';
import { matchAll, splitByRegex, type Regex } from '../regex/index.ts';
import { AwkRuntimeError, StrNum, toNumber, type Val } from './values.ts';
import { capped, MAX_STRING_CHARS, outOfMemory, type AwkArray } from './memory.ts';

/**
 * What the built-in functions use of the running program. Declared here rather than
 * importing AwkInterpreter, because the interpreter calls callBuiltin: builtins.ts stays
 * below interpreter.ts and the two never import each other. AwkInterpreter implements it.
 */
export interface AwkBuiltinRuntime {
  readonly globals: Map<string, Val>;
  readonly arrays: Map<string, AwkArray>;
  /** The current record ($0). */
  readonly record: string;
  /** rand()'s state and srand()'s last seed. */
  randSeed: number;
  randState: number;
  eval(e: Expr): Promise<Val>;
  str(v: Val): string;
  frame(): Map<string, Val | AwkArray> | undefined;
  getArray(name: string): AwkArray;
  regex(src: string): Regex;
  toRegex(e: Expr): Promise<Regex>;
  splitFields(rec: string, fs: string): string[];
  getL(t: LValue): Promise<Val>;
  setL(t: LValue, v: Val): Promise<void>;
  sprintf(fmt: string, vals: Val[]): string;
  flush(): Promise<void>;
}

const MATH: Record<string, (x: number) => number> = { int: Math.trunc, sqrt: Math.sqrt, exp: Math.exp, log: Math.log, sin: Math.sin, cos: Math.cos };

export async function callBuiltin(rt: AwkBuiltinRuntime, name: string, args: Expr[]): Promise<Val> {
  const ev = async (i: number): Promise<Val> => (args[i] ? rt.eval(args[i]!) : '');
  switch (name) {
    case 'length': {
      const a = args[0];
      if (!a) return rt.record.length;
      if (a.k === 'var' && (rt.arrays.has(a.name) || rt.frame()?.get(a.name) instanceof Map)) return rt.getArray(a.name).size;
      return rt.str(await rt.eval(a)).length;
    }
    case 'substr': {
      const s = rt.str(await ev(0));
      const m = Math.round(toNumber(await ev(1)));
      const n = args[2] ? Math.round(toNumber(await ev(2))) : Infinity;
      const start = Math.max(m, 1);
      const end = Math.min(m + n, s.length + 1);
      return end > start ? s.slice(start - 1, end - 1) : '';
    }
    case 'index':
      return rt.str(await ev(0)).indexOf(rt.str(await ev(1))) + 1;
    case 'split': {
      const s = rt.str(await ev(0));
      const target = args[1];
      if (!target || target.k !== 'var') throw new AwkRuntimeError('split: second argument must be an array');
      const arr = rt.getArray(target.name);
      arr.clear();
      let parts: string[];
      if (args[2]?.k === 'regex') parts = args[2].src === '' ? [...s] : splitByRegex(rt.regex(args[2].src), s);
      else parts = rt.splitFields(s, args[2] ? rt.str(await ev(2)) : rt.str(rt.globals.get('FS')!));
      parts.forEach((p, i) => arr.set(String(i + 1), new StrNum(p)));
      return parts.length;
    }
    case 'sub':
    case 'gsub': {
      const re = await rt.toRegex(args[0]!);
      const repl = rt.str(await ev(1));
      const target: LValue = (args[2] as LValue | undefined) ?? { k: 'field', index: { k: 'num', v: 0 } };
      const s = rt.str(await rt.getL(target));
      let count = 0;
      let result = '';
      let last = 0;
      // matchAll: leftmost-longest matches, an empty one never right after the previous match.
      for (const m of matchAll(re, s)) {
        count++;
        const text = m.groups[0]!;
        result += s.slice(last, m.index) + repl.replace(/\\\\|\\&|&/g, (x) => (x === '&' ? text : x === '\\&' ? '&' : '\\'));
        last = m.end;
        if (result.length > MAX_STRING_CHARS) throw outOfMemory();
        if (name === 'sub') break;
      }
      result = capped(result + s.slice(last));
      if (count > 0) await rt.setL(target, result);
      return count;
    }
    case 'match': {
      const s = rt.str(await ev(0));
      const m = (await rt.toRegex(args[1]!)).exec(s);
      rt.globals.set('RSTART', m ? m.index + 1 : 0);
      rt.globals.set('RLENGTH', m ? m.end - m.index : -1);
      return m ? m.index + 1 : 0;
    }
    case 'sprintf': {
      const vals: Val[] = [];
      for (const a of args) vals.push(await rt.eval(a));
      const [fmt, ...rest] = vals;
      return rt.sprintf(rt.str(fmt ?? ''), rest);
    }
    case 'tolower':
    case 'toupper': {
      const s = rt.str(await ev(0));
      return name === 'tolower' ? s.toLowerCase() : s.toUpperCase();
    }
    case 'int':
    case 'sqrt':
    case 'exp':
    case 'log':
    case 'sin':
    case 'cos':
      return MATH[name]!(toNumber(await ev(0)));
    case 'atan2':
      return Math.atan2(toNumber(await ev(0)), toNumber(await ev(1)));
    case 'rand': {
      // Deterministic like awk's default seed; srand() changes it.
      rt.randState = (Math.imul(rt.randState ^ 0x5deece66, 1103515245) + 12345) >>> 0;
      return rt.randState / 4294967296;
    }
    case 'srand': {
      const prev = rt.randSeed;
      rt.randSeed = args[0] ? Math.trunc(toNumber(await ev(0))) : 0;
      rt.randState = rt.randSeed >>> 0;
      return prev;
    }
    case 'close':
    case 'fflush':
      await rt.flush();
      return 0;
    case 'system':
      throw new AwkRuntimeError('system() is not supported in this sandbox');
  }
  throw new AwkRuntimeError(`unknown function ${name}`);
}
