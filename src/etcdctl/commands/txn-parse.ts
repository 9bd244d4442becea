// Parsing etcdctl's txn language: comparisons like `mod("key") > "0"` and request
// lines like `put key "value"`, with the error texts etcdctl prints.
import { FlagSet, parseArgs, type FlagSpec } from '../cli/flags.ts';
import { goQuoteString } from '../format/go-fmt.ts';
import { delOp, getOp, putOp, b64 } from './kv-ops.ts';

export class TxnSyntaxError extends Error {}

/** Reads a Go-quoted string ("…" with escapes, or `…`) at s[i]; returns the value and the index after it. */
function readGoQuoted(s: string, i: number): { value: string; next: number } | undefined {
  const q = s[i];
  if (q === '`') {
    const end = s.indexOf('`', i + 1);
    return end < 0 ? undefined : { value: s.slice(i + 1, end), next: end + 1 };
  }
  if (q !== '"') return undefined;
  let out = '';
  for (let j = i + 1; j < s.length; j++) {
    const c = s[j]!;
    if (c === '"') return { value: out, next: j + 1 };
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = s[++j];
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v' };
    if (n !== undefined && simple[n] !== undefined) out += simple[n];
    else if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(s.slice(j + 1, j + 3))) {
      out += String.fromCharCode(parseInt(s.slice(j + 1, j + 3), 16));
      j += 2;
    } else if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(j + 1, j + 5))) {
      out += String.fromCharCode(parseInt(s.slice(j + 1, j + 5), 16));
      j += 4;
    } else return undefined;
  }
  return undefined;
}

export interface CompareBody {
  result: 'EQUAL' | 'GREATER' | 'LESS' | 'NOT_EQUAL';
  target: 'VERSION' | 'CREATE' | 'MOD' | 'VALUE' | 'LEASE';
  key: string;
  version?: string;
  create_revision?: string;
  mod_revision?: string;
  value?: string;
  lease?: string;
}

/** ParseCompare: `<target>("<key>") <op> "<value>"`. */
export function parseCompare(line: string): CompareBody {
  const paren = line.indexOf('(');
  if (paren < 0) throw new TxnSyntaxError(`malformed comparison: ${line}`);
  const target = line.slice(0, paren);
  const rest = line.slice(paren + 1);
  // fmt.Sscanf(rest, "%q) %s %q", &key, &op, &val)
  let key = '';
  let op = '';
  let val = '';
  let n = 0;
  const k = readGoQuoted(rest, 0);
  if (k) {
    key = k.value;
    n = 1;
    let i = k.next;
    if (rest[i] === ')') {
      i++;
      while (rest[i] === ' ') i++;
      const m = /^\S+/.exec(rest.slice(i));
      if (m) {
        op = m[0];
        n = 2;
        i += m[0].length;
        while (rest[i] === ' ') i++;
        const v = readGoQuoted(rest, i);
        if (v) {
          val = v.value;
          n = 3;
        }
      }
    }
  }
  if (n !== 3) throw new TxnSyntaxError(`malformed comparison: ${line}; got ${target}(${goQuoteString(key)}) ${op} ${goQuoteString(val)}`);
  const results: Record<string, CompareBody['result']> = { '=': 'EQUAL', '>': 'GREATER', '<': 'LESS', '!=': 'NOT_EQUAL' };
  const result = results[op];
  if (!result) throw new TxnSyntaxError(`malformed comparison: ${line} (unknown op ${op})`);
  const intVal = () => {
    if (!/^[+-]?\d+$/.test(val)) throw new TxnSyntaxError(`invalid txn compare request: ${line}`);
    return BigInt(val).toString();
  };
  const cmp: CompareBody = { result, target: 'VERSION', key: b64(key) };
  switch (target) {
    case 'ver':
    case 'version':
      cmp.target = 'VERSION';
      cmp.version = intVal();
      break;
    case 'c':
    case 'create':
      cmp.target = 'CREATE';
      cmp.create_revision = intVal();
      break;
    case 'm':
    case 'mod':
      cmp.target = 'MOD';
      cmp.mod_revision = intVal();
      break;
    case 'val':
    case 'value':
      cmp.target = 'VALUE';
      cmp.value = b64(val);
      break;
    case 'lease':
      cmp.target = 'LEASE';
      cmp.lease = intVal();
      break;
    default:
      throw new TxnSyntaxError(`malformed comparison: ${line} (unknown target ${target})`);
  }
  return cmp;
}

/** etcdctl's Argify: words, "double-quoted" (Go unquoted) and 'single-quoted' strings. */
export function argify(s: string): string[] {
  const re = /"(?:[^"\\]|\\.)*"|'[^']*'|[^'"\s]\S*[^'"\s]?/g;
  const out: string[] = [];
  for (const m of s.match(re) ?? []) {
    if (m.startsWith("'")) out.push(m.slice(1, -1));
    else if (m.startsWith('"')) out.push(readGoQuoted(m, 0)?.value ?? m);
    else out.push(m);
  }
  return out;
}

export type RequestOp = { request_put: unknown } | { request_range: unknown } | { request_delete_range: unknown };

/** parseRequestUnion: a put/get/del line with that command's own flags. */
export function parseRequest(line: string, specs: { put: FlagSpec[]; get: FlagSpec[]; del: FlagSpec[] }): RequestOp {
  const args = argify(line);
  if (args.length < 2) throw new TxnSyntaxError(`invalid txn compare request: ${line}`);
  const cmd = args[0]!;
  const name = ['put', 'get', 'del'].find((c) => c === cmd || (c.startsWith(cmd) && cmd.length > 0));
  const invalid = () => new TxnSyntaxError(`invalid txn request: ${line}`);
  if (!name) throw invalid();
  const fs = new FlagSet();
  for (const f of specs[name as 'put' | 'get' | 'del']) fs.add(f);
  let parsed;
  try {
    parsed = parseArgs(fs, args.slice(1));
  } catch {
    throw invalid();
  }
  if (name === 'put') {
    if (parsed.args.length < 2) throw new TxnSyntaxError('put command needs 1 argument and input from stdin or 2 arguments');
    return { request_put: putOp(parsed.args[0]!, parsed.args[1]!, fs) };
  }
  if (name === 'get') return { request_range: getOp(parsed.args, fs) };
  return { request_delete_range: delOp(parsed.args, fs) };
}
