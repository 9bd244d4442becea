// A small pflag: typed flags with Go's parsing rules and Go's error wording, because
// etcdctl's users see pflag's messages verbatim ("invalid argument "x" for "--rev" flag: …").
import { goQuoteString } from '../format/go-fmt.ts';
import { goTimeQuote, parseGoDuration } from './go-duration.ts';

export type FlagKind = 'bool' | 'string' | 'int' | 'int64' | 'uint64' | 'duration' | 'stringSlice';

export interface FlagSpec {
  name: string;
  short?: string;
  kind: FlagKind;
  /** Default value as Go would print it (DefValue): "false", "0", "2s", "[127.0.0.1:2379]", "simple". */
  def: string;
  usage: string;
  hidden?: boolean;
}

export class FlagError extends Error {}

/** Go strconv-style validation; returns the canonical text or throws pflag's message. */
function validate(spec: FlagSpec, raw: string): string {
  switch (spec.kind) {
    case 'bool': {
      const v = parseGoBool(raw);
      if (v === undefined) throw new Error(`strconv.ParseBool: parsing ${goQuoteString(raw)}: invalid syntax`);
      return String(v);
    }
    case 'int':
    case 'int64': {
      if (!/^[+-]?\d+$/.test(raw)) throw new Error(`strconv.ParseInt: parsing ${goQuoteString(raw)}: invalid syntax`);
      const n = BigInt(raw);
      if (n > 9223372036854775807n || n < -9223372036854775808n) throw new Error(`strconv.ParseInt: parsing ${goQuoteString(raw)}: value out of range`);
      return n.toString();
    }
    case 'uint64': {
      if (!/^\+?\d+$/.test(raw)) throw new Error(`strconv.ParseUint: parsing ${goQuoteString(raw)}: invalid syntax`);
      return BigInt(raw).toString();
    }
    case 'duration': {
      const ms = parseGoDuration(raw);
      if (ms === undefined) throw new Error(`time: invalid duration ${goTimeQuote(raw)}`);
      return raw;
    }
    default:
      return raw;
  }
}

export function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

export class FlagSet {
  private readonly specs = new Map<string, FlagSpec>();
  private readonly shorts = new Map<string, string>();
  private readonly values = new Map<string, string>();
  private readonly sliceValues = new Map<string, string[]>();
  readonly changed = new Set<string>();

  add(spec: FlagSpec): void {
    this.specs.set(spec.name, spec);
    if (spec.short) this.shorts.set(spec.short, spec.name);
  }

  has(name: string): boolean {
    return this.specs.has(name);
  }

  spec(name: string): FlagSpec | undefined {
    return this.specs.get(name);
  }

  byShort(s: string): FlagSpec | undefined {
    const n = this.shorts.get(s);
    return n === undefined ? undefined : this.specs.get(n);
  }

  /** Sorted by name, as pflag's VisitAll. */
  all(): FlagSpec[] {
    return [...this.specs.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** pflag's Set: validates, appends for slices (the first explicit value replaces the default). */
  set(name: string, raw: string): void {
    const spec = this.specs.get(name);
    if (!spec) throw new FlagError(`no such flag -${name}`);
    const v = validate(spec, raw);
    if (spec.kind === 'stringSlice') {
      const parts = raw === '' ? [] : parseCsv(raw);
      const prev = this.changed.has(name) ? (this.sliceValues.get(name) ?? []) : [];
      this.sliceValues.set(name, [...prev, ...parts]);
    }
    this.values.set(name, v);
    this.changed.add(name);
  }

  string(name: string): string {
    return this.values.get(name) ?? this.specs.get(name)?.def ?? '';
  }
  bool(name: string): boolean {
    return this.string(name) === 'true';
  }
  int(name: string): bigint {
    return BigInt(this.string(name) || '0');
  }
  number(name: string): number {
    return Number(this.int(name));
  }
  /** Milliseconds. */
  duration(name: string): number {
    return parseGoDuration(this.string(name)) ?? 0;
  }
  stringSlice(name: string): string[] {
    if (this.changed.has(name)) return this.sliceValues.get(name) ?? [];
    const def = this.specs.get(name)?.def ?? '[]';
    const inner = def.slice(1, -1);
    return inner === '' ? [] : inner.split(',');
  }
}

/** pflag reads slice values as one CSV record. */
function parseCsv(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"' && cur === '') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

export interface ParsedArgs {
  args: string[];
  /** Index in args where "--" was seen, or -1 (cobra's ArgsLenAtDash). */
  argsLenAtDash: number;
  help: boolean;
}

/**
 * pflag's Parse with interspersed flags: "--name=v", "--name v", "-n v", "-nv",
 * "-abc" for bool shorthands, "--" ends flags. Errors carry pflag's words.
 */
export function parseArgs(fs: FlagSet, argv: string[]): ParsedArgs {
  const args: string[] = [];
  let help = false;
  let dash = -1;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      dash = args.length;
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const body = a.slice(2);
      if (body.startsWith('-') || body.startsWith('=')) throw new FlagError(`bad flag syntax: ${a}`);
      const eq = body.indexOf('=');
      const name = eq >= 0 ? body.slice(0, eq) : body;
      const spec = fs.spec(name);
      if (!spec) {
        if (name === 'help') {
          help = true;
          continue;
        }
        throw new FlagError(`unknown flag: --${name}`);
      }
      let value: string;
      if (eq >= 0) value = body.slice(eq + 1);
      else if (spec.kind === 'bool') value = 'true';
      else if (i + 1 < argv.length) value = argv[++i]!;
      else throw new FlagError(`flag needs an argument: ${a}`);
      setOrFail(fs, spec, value, `--${spec.name}`);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      let rest = a.slice(1);
      while (rest.length > 0) {
        const c = rest[0]!;
        const spec = fs.byShort(c);
        if (!spec) {
          if (c === 'h') {
            help = true;
            rest = rest.slice(1);
            continue;
          }
          throw new FlagError(`unknown shorthand flag: '${c}' in -${rest}`);
        }
        let value: string;
        if (rest.length > 2 && rest[1] === '=') {
          value = rest.slice(2);
          rest = '';
        } else if (spec.kind === 'bool') {
          value = 'true';
          rest = rest.slice(1);
        } else if (rest.length > 1) {
          value = rest.slice(1);
          rest = '';
        } else if (i + 1 < argv.length) {
          value = argv[++i]!;
          rest = '';
        } else throw new FlagError(`flag needs an argument: '${c}' in -${c}`);
        setOrFail(fs, spec, value, `-${spec.short}, --${spec.name}`);
      }
      continue;
    }
    args.push(a);
  }
  return { args, argsLenAtDash: dash, help };
}

function setOrFail(fs: FlagSet, spec: FlagSpec, value: string, label: string): void {
  try {
    fs.set(spec.name, value);
  } catch (e) {
    throw new FlagError(`invalid argument ${goQuoteString(value)} for "${label}" flag: ${(e as Error).message}`);
  }
}
