// Word expansion in bash's order: brace, tilde, parameter/command/arithmetic, word splitting,
// pathname expansion, quote removal. Quoted text is tracked so only unquoted results split
// and glob.
import type { FileSystem } from '../../platform/filesystem.ts';
import type { ParamExpr, Script, Word, WordPart } from './ast.ts';
import { ArithError, evalArith } from './arith.ts';
import { braceExpand } from './brace.ts';
import { escapePattern, globPaths, hasGlobChars, unescapePattern } from './pattern.ts';
import { compileGlob } from '../regex/glob.ts';
import { matchAll } from '../regex/index.ts';
import { ShellError, type ShellState } from './state.ts';

export interface ExpandContext {
  state: ShellState;
  /** The disk as the shell's user sees it (globbing). */
  fs: FileSystem;
  /** Runs $(…) in a subshell; resolves with its output (trailing newlines kept). */
  commandSubst(body: Script): Promise<string>;
  /** Runs <(…); resolves with the name of a file holding its output. */
  processSubst?(body: Script): Promise<string>;
}

type Seg = { text: string; quoted: boolean; split: boolean } | { brk: true };

interface Field {
  pat: string;
  lit: string;
}

/** Full expansion of command words: may yield zero, one or many fields. */
export async function expandWords(ctx: ExpandContext, words: Word[]): Promise<string[]> {
  const out: string[] = [];
  for (const w of words) {
    for (const bw of braceExpand(w)) {
      const segs = await expandParts(ctx, tildeExpand(ctx, bw).parts, false, false);
      for (const f of toFields(ctx, segs)) {
        if (!ctx.state.options.noglob && hasGlobChars(f.pat)) {
          const m = globPaths(ctx.fs, ctx.state.cwd, f.pat, ctx.state.shopts.has('dotglob'));
          if (m.length) {
            out.push(...m);
            continue;
          }
          if (ctx.state.shopts.has('nullglob')) continue;
          if (ctx.state.shopts.has('failglob')) throw new ShellError(`no match: ${f.lit}`);
        }
        out.push(f.lit);
      }
    }
  }
  return out;
}

/** Expansion without splitting or globbing (assignments, here-documents, case subjects, redirect targets). */
export async function expandString(ctx: ExpandContext, word: Word, opts: { tilde?: boolean } = {}): Promise<string> {
  const w = opts.tilde === false ? word : tildeExpand(ctx, word, true);
  const segs = await expandParts(ctx, w.parts, false, false);
  let s = '';
  let first = true;
  for (const g of segs) {
    if ('brk' in g) {
      if (!first) s += ' ';
      continue;
    }
    s += g.text;
    first = false;
  }
  return s;
}

/** A redirect target: expanded like a word; globbing that yields one file is applied. */
export async function expandRedirectTarget(ctx: ExpandContext, word: Word): Promise<string> {
  const fields = await expandWords(ctx, [word]);
  if (fields.length !== 1) {
    throw new ShellError(`${rawText(word)}: ambiguous redirect`);
  }
  return fields[0]!;
}

/** A pattern (case, ${x#pat}): quoted characters are escaped so they match literally. */
export async function expandPattern(ctx: ExpandContext, word: Word): Promise<string> {
  const segs = await expandParts(ctx, tildeExpand(ctx, word).parts, false, false);
  let p = '';
  for (const g of segs) if (!('brk' in g)) p += g.quoted ? escapePattern(g.text) : g.text;
  return p;
}

export function rawText(w: Word): string {
  return w.parts
    .map((p) => {
      switch (p.type) {
        case 'lit':
          return p.text;
        case 'sq':
          return `'${p.text}'`;
        case 'dq':
          return `"${rawText({ parts: p.parts })}"`;
        case 'param':
          return `$${p.expr.name.length > 1 || p.expr.op ? `{${p.expr.name}}` : p.expr.name}`;
        case 'cmdsub':
          return p.text;
        case 'arith':
          return `$((${rawText(p.expr)}))`;
        case 'procsub':
          return p.text;
      }
    })
    .join('');
}

function tildeExpand(ctx: ExpandContext, w: Word, assignment = false): Word {
  const first = w.parts[0];
  if (!first || first.type !== 'lit' || !first.text.startsWith('~')) return w;
  const slash = first.text.indexOf('/');
  const endLit = slash < 0 ? first.text.length : slash;
  // ~user only when the whole prefix up to / is unquoted text in this part.
  if (slash < 0 && w.parts.length > 1 && !assignment) {
    const next = w.parts[1]!;
    if (next.type !== 'lit') return w;
  }
  const user = first.text.slice(1, endLit);
  let home: string | undefined;
  if (user === '') home = ctx.state.home();
  else if (user === '+') home = ctx.state.get('PWD');
  else if (user === '-') home = ctx.state.get('OLDPWD');
  else home = ctx.state.host.users.byName(user)?.home;
  if (home === undefined) return w;
  const rest = first.text.slice(endLit);
  const parts: WordPart[] = [{ type: 'sq', text: home }];
  if (rest) parts.push({ type: 'lit', text: rest });
  return { parts: [...parts, ...w.parts.slice(1)] };
}

function toFields(ctx: ExpandContext, segs: Seg[]): Field[] {
  const ifs = ctx.state.get('IFS') ?? ' \t\n';
  const fields: Field[] = [];
  let cur: Field | null = null;
  // What the last delimiter was: IFS white space that ended a field, or a non-white IFS
  // character (two of those in a row delimit an empty field, as in a::b).
  let last: 'start' | 'field-ws' | 'nonws' | 'ws' = 'start';
  for (const g of segs) {
    if ('brk' in g) {
      if (cur) fields.push(cur);
      cur = null;
      last = 'start';
      continue;
    }
    if (g.split && !g.quoted && ifs !== '') {
      for (const ch of g.text) {
        if (ifs.includes(ch)) {
          const white = ch === ' ' || ch === '\t' || ch === '\n';
          if (white) {
            if (cur) {
              fields.push(cur);
              cur = null;
              last = 'field-ws';
            } else if (last !== 'nonws' && last !== 'field-ws') last = 'ws';
          } else {
            if (cur) fields.push(cur);
            else if (last !== 'field-ws') fields.push({ pat: '', lit: '' });
            cur = null;
            last = 'nonws';
          }
        } else {
          cur ??= { pat: '', lit: '' };
          cur.pat += ch;
          cur.lit += ch;
          last = 'start';
        }
      }
      continue;
    }
    last = 'start';
    cur ??= { pat: '', lit: '' };
    cur.pat += g.quoted ? escapePattern(g.text) : g.text;
    cur.lit += g.text;
  }
  if (cur) fields.push(cur);
  return fields;
}

async function expandParts(ctx: ExpandContext, parts: WordPart[], inDq: boolean, litSplits: boolean): Promise<Seg[]> {
  const out: Seg[] = [];
  for (const p of parts) {
    switch (p.type) {
      case 'lit':
        out.push({ text: p.text, quoted: inDq, split: litSplits && !inDq });
        break;
      case 'sq':
        out.push({ text: p.text, quoted: true, split: false });
        break;
      case 'dq':
        if (p.parts.length === 0) out.push({ text: '', quoted: true, split: false });
        else {
          const inner = await expandParts(ctx, p.parts, true, false);
          if (inner.length === 0 && !p.parts.some(isAtParam)) out.push({ text: '', quoted: true, split: false });
          out.push(...inner);
        }
        break;
      case 'param':
        out.push(...(await expandParam(ctx, p.expr, inDq)));
        break;
      case 'cmdsub': {
        const text = (await ctx.commandSubst(p.body)).replace(/\n+$/, '');
        out.push({ text, quoted: inDq, split: !inDq });
        break;
      }
      case 'procsub': {
        if (!ctx.processSubst) throw new ShellError('process substitution is not available here');
        out.push({ text: await ctx.processSubst(p.body), quoted: true, split: false });
        break;
      }
      case 'arith': {
        const text = arith(ctx, await expandString(ctx, p.expr, { tilde: false })).toString();
        out.push({ text, quoted: inDq, split: !inDq });
        break;
      }
    }
  }
  return out;
}

function isAtParam(p: WordPart): boolean {
  return p.type === 'param' && p.expr.name === '@' && !p.expr.op && !p.expr.length;
}

export function arith(ctx: ExpandContext | { state: ShellState }, expr: string): bigint {
  const st = ctx.state;
  try {
    return evalArith(expr, {
      get: (n) => {
        const v = st.get(n);
        if (v === undefined && st.options.nounset) throw new ShellError(`${n}: unbound variable`, 127, true);
        return v;
      },
      set: (n, v) => st.set(n, v),
    });
  } catch (e) {
    if (e instanceof ArithError) throw new ShellError(e.message, 1, true);
    throw e;
  }
}

/** A parameter's value; undefined when unset. */
export function paramValue(st: ShellState, name: string): string | undefined {
  if (/^[0-9]+$/.test(name)) return name === '0' ? st.arg0 : st.positional[Number(name) - 1];
  switch (name) {
    case '@':
    case '*':
      return st.positional.join((st.get('IFS') ?? ' ').charAt(0));
    case '#':
      return String(st.positional.length);
    case '?':
      return String(st.lastStatus);
    case '$':
      return String(st.pid);
    case '!':
      return st.lastBgPid === undefined ? undefined : String(st.lastBgPid);
    case '-':
      // In bash's flag order: a e f h i m u x B C H, then c (-c) or s (commands from the terminal/stdin).
      return (
        (st.options.allexport ? 'a' : '') +
        (st.options.errexit ? 'e' : '') +
        (st.options.noglob ? 'f' : '') +
        'h' +
        (st.interactive ? 'im' : '') +
        (st.options.nounset ? 'u' : '') +
        (st.options.xtrace ? 'x' : '') +
        'B' +
        (st.options.noclobber ? 'C' : '') +
        (st.interactive ? 'Hs' : st.commandString ? 'c' : '')
      );
    case 'RANDOM':
      return String(Math.floor(Math.random() * 32768));
    case 'SECONDS':
      return st.vars.has('SECONDS') ? st.get('SECONDS') : String(Math.floor((st.host.clock.now() - st.startedAt) / 1000));
    case 'EPOCHSECONDS':
      return String(Math.floor(st.host.clock.now() / 1000));
    case 'BASHPID':
      return String(st.pid);
    case 'LINENO':
      return String(st.lineno);
    default:
      return st.get(name);
  }
}

async function expandParam(ctx: ExpandContext, e0: ParamExpr, inDq: boolean): Promise<Seg[]> {
  const st = ctx.state;
  let e = e0;
  if (e.indirect) {
    const target = paramValue(st, e.name) ?? '';
    if (!/^([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!\-])$/.test(target)) throw new ShellError(`${e.name}: invalid indirect expansion`, 1, true);
    e = { ...e, name: target, indirect: false };
  }
  if (e.index !== undefined) {
    const arr = st.vars.get(e.name)?.array;
    const list: (string | undefined)[] = e.name === 'PIPESTATUS' ? st.pipeStatus.map(String) : arr ? arr : paramValue(st, e.name) === undefined ? [] : [paramValue(st, e.name)!];
    if (e.index === '@' || e.index === '*') {
      const set = list.filter((x): x is string => x !== undefined);
      if (e.length) return [{ text: String(set.length), quoted: inDq, split: !inDq }];
      if (e.index === '*' && inDq) return [{ text: set.join((st.get('IFS') ?? ' ').charAt(0)), quoted: true, split: false }];
      const segs: Seg[] = [];
      set.forEach((v, i) => {
        if (i > 0) segs.push({ brk: true });
        segs.push({ text: v, quoted: inDq, split: !inDq });
      });
      return segs;
    }
    let idx = Number(arith(ctx, e.index));
    if (idx < 0) idx += list.length;
    const v = list[idx];
    if (e.length) return [{ text: String(v?.length ?? 0), quoted: inDq, split: !inDq }];
    return v === undefined ? [] : [{ text: v, quoted: inDq, split: !inDq }];
  }
  const name = e.name;
  const isList = name === '@' || name === '*';
  if (e.length) {
    if (isList) return [{ text: String(st.positional.length), quoted: inDq, split: !inDq }];
    const v = paramValue(st, name);
    if (v === undefined && st.options.nounset) throw new ShellError(`${name}: unbound variable`, 127, true);
    return [{ text: String([...(v ?? '')].length), quoted: inDq, split: !inDq }];
  }
  const value = paramValue(st, name);
  const op = e.op;
  const val = (text: string): Seg[] => [{ text, quoted: inDq, split: !inDq }];
  const listSegs = (): Seg[] => {
    if (name === '*' && inDq) return val(value ?? '');
    const segs: Seg[] = [];
    st.positional.forEach((p, i) => {
      if (i > 0) segs.push({ brk: true });
      segs.push({ text: p, quoted: inDq, split: !inDq });
    });
    return segs;
  };
  const current = (): Seg[] => (isList ? listSegs() : val(value ?? ''));
  const argSegs = async (): Promise<Seg[]> => (e.arg ? expandParts(ctx, tildeExpand(ctx, e.arg).parts, inDq, true) : []);
  const argString = async (): Promise<string> => (e.arg ? expandString(ctx, e.arg) : '');
  const isNull = value === undefined || (op?.startsWith(':') && value === '') || (isList && st.positional.length === 0 && op?.startsWith(':'));
  const unset = isList ? st.positional.length === 0 && !!op?.startsWith(':') : value === undefined;
  switch (op) {
    case undefined:
      if (value === undefined && !isList && st.options.nounset) throw new ShellError(`${name}: unbound variable`, 127, true);
      return current();
    case '-':
    case ':-':
      return (op === '-' ? unset : isNull) ? argSegs() : current();
    case '=':
    case ':=': {
      if (!(op === '=' ? unset : isNull)) return current();
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ShellError(`$${name}: cannot assign in this way`, 1, true);
      const v = await argString();
      st.set(name, v);
      return val(v);
    }
    case '?':
    case ':?': {
      if (!(op === '?' ? unset : isNull)) return current();
      const msg = await argString();
      throw new ShellError(`${name}: ${msg || (op === "?" ? "parameter not set" : "parameter null or not set")}`, 127, true);
    }
    case '+':
    case ':+':
      return (op === '+' ? unset : isNull) ? [] : argSegs();
  }
  if (value === undefined && st.options.nounset && !isList) throw new ShellError(`${name}: unbound variable`, 127, true);
  const v = value ?? '';
  switch (op) {
    case '#':
    case '##':
    case '%':
    case '%%': {
      const pat = e.arg ? await expandPattern(ctx, e.arg) : '';
      return val(removeAffix(v, pat, op));
    }
    case '/':
    case '//':
    case '/#':
    case '/%': {
      const pat = e.arg ? await expandPattern(ctx, e.arg) : '';
      const rep = e.arg2 ? await expandString(ctx, e.arg2) : '';
      return val(replacePattern(v, pat, rep, op));
    }
    case ':': {
      if (isList) {
        // ${@:offset:length} slices the positional parameters ($0 is offset 0).
        const all = [st.arg0, ...st.positional];
        let off = Number(arith(ctx, e.arg ? await expandString(ctx, e.arg) : '0'));
        if (off < 0) off = Math.max(0, all.length + off);
        const len = e.arg2 ? Number(arith(ctx, await expandString(ctx, e.arg2))) : all.length;
        const picked = all.slice(off, off + Math.max(0, len));
        if (name === '*' && inDq) return val(picked.join((st.get('IFS') ?? ' ').charAt(0)));
        const segs: Seg[] = [];
        picked.forEach((p, i) => {
          if (i > 0) segs.push({ brk: true });
          segs.push({ text: p, quoted: inDq, split: !inDq });
        });
        return segs;
      }
      const chars = [...v];
      let off = Number(arith(ctx, e.arg ? await expandString(ctx, e.arg) : '0'));
      if (off < 0) off = Math.max(0, chars.length + off);
      let end = chars.length;
      if (e.arg2) {
        const len = Number(arith(ctx, await expandString(ctx, e.arg2)));
        if (len < 0) {
          end = chars.length + len;
          if (end < off) throw new ShellError(`${len}: substring expression < 0`, 1, true);
        } else end = Math.min(chars.length, off + len);
      }
      return val(chars.slice(off, end).join(''));
    }
    case '^^':
      return val(v.toUpperCase());
    case ',,':
      return val(v.toLowerCase());
    case '^':
      return val(v.charAt(0).toUpperCase() + v.slice(1));
    case ',':
      return val(v.charAt(0).toLowerCase() + v.slice(1));
  }
  return current();
}

function removeAffix(v: string, pat: string, op: string): string {
  const re = compileGlob(pat);
  if (op === '#' || op === '##') {
    const range = op === '#' ? [...Array(v.length + 1).keys()] : [...Array(v.length + 1).keys()].reverse();
    for (const i of range) if (re.test(v.slice(0, i))) return v.slice(i);
    return v;
  }
  const range = op === '%' ? [...Array(v.length + 1).keys()].reverse() : [...Array(v.length + 1).keys()];
  for (const i of range) if (re.test(v.slice(i))) return v.slice(0, i);
  return v;
}

function replacePattern(v: string, pat: string, rep: string, op: string): string {
  if (pat === '') return v;
  // Shell patterns match the longest text at the leftmost place; bash never replaces an empty match.
  if (op === '/#' || op === '/%') {
    const m = compileGlob(pat, op === '/#' ? 'start' : 'end').exec(v);
    return m ? v.slice(0, m.index) + rep + v.slice(m.end) : v;
  }
  let out = '';
  let last = 0;
  for (const m of matchAll(compileGlob(pat, 'none'), v)) {
    if (m.end === m.index) continue;
    out += v.slice(last, m.index) + rep;
    last = m.end;
    if (op !== '//') break;
  }
  return out + v.slice(last);
}

export { unescapePattern };
