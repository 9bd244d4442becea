// Command-line parsing with the rules of Go's `flag` package, which etcd uses: one or two
// dashes, `-f=v` or `-f v`, booleans only take a value through `=`, parsing stops at the
// first non-flag argument or after `--`. Error texts are Go's.

export type FlagKind = 'string' | 'bool' | 'uint' | 'int' | 'duration';

export interface FlagDef {
  name: string;
  kind: FlagKind;
  /** Default as the value string the flag would accept. */
  def: string;
  help: string;
  /** Extra validation/normalisation; throws with the reason Go's Value.Set would give. */
  validate?: (v: string) => string;
}

export type GoFlagResult =
  | { ok: true; values: Map<string, string>; set: Set<string>; args: string[] }
  | { ok: false; help: true }
  | { ok: false; help: false; message: string };

const GO_DURATION = /^([0-9]*(\.[0-9]*)?(ns|us|µs|ms|s|m|h))+$/;

/** Go's time.ParseDuration, in milliseconds. */
export function parseGoDuration(s: string): number {
  if (s === '0') return 0;
  const neg = s.startsWith('-');
  const body = s.replace(/^[+-]/, '');
  if (!GO_DURATION.test(body)) throw new Error(`time: invalid duration "${s}"`);
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const m of body.matchAll(/([0-9]*(?:\.[0-9]*)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * unit[m[2]!]!;
  return neg ? -total : total;
}

/** Go's Duration.String for whole milliseconds (100ms, 1s, 2m0s, 1h0m0s). */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  const sec = `${Number.isInteger(s) ? s : s.toFixed(3).replace(/0+$/, '')}s`;
  if (h > 0) return `${h}h${m}m${sec}`;
  if (m > 0) return `${m}m${sec}`;
  return sec;
}

function checkValue(def: FlagDef, v: string): string {
  switch (def.kind) {
    case 'bool':
      if (!/^(1|0|t|f|T|F|true|false|TRUE|FALSE|True|False)$/.test(v)) throw new Error('parse error');
      return /^(1|t|T|true|TRUE|True)$/.test(v) ? 'true' : 'false';
    case 'uint':
      if (!/^(0x[0-9a-fA-F]+|[0-9]+)$/.test(v)) throw new Error('parse error');
      if (BigInt(v) > 0xffffffffffffffffn) throw new Error('value out of range');
      return String(BigInt(v));
    case 'int':
      if (!/^[+-]?(0x[0-9a-fA-F]+|[0-9]+)$/.test(v)) throw new Error('parse error');
      return String(BigInt(v.replace(/^\+/, '')));
    case 'duration':
      parseGoDuration(v);
      return v;
    default:
      return v;
  }
}

export function parseGoFlags(defs: FlagDef[], argv: string[]): GoFlagResult {
  const byName = new Map(defs.map((d) => [d.name, d]));
  const values = new Map<string, string>();
  for (const d of defs) values.set(d.name, d.def);
  const set = new Set<string>();
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i]!;
    if (arg.length < 2 || arg[0] !== '-') break;
    let dashes = 1;
    if (arg[1] === '-') {
      dashes = 2;
      if (arg.length === 2) {
        i++;
        break;
      }
    }
    let name = arg.slice(dashes);
    if (name.length === 0 || name[0] === '-' || name[0] === '=') return { ok: false, help: false, message: `bad flag syntax: ${arg}` };
    i++;
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const def = byName.get(name);
    if (!def) {
      if (name === 'help' || name === 'h') return { ok: false, help: true };
      return { ok: false, help: false, message: `flag provided but not defined: -${name}` };
    }
    if (def.kind === 'bool') {
      const v = value ?? 'true';
      try {
        values.set(name, checkValue(def, v));
      } catch (e) {
        return { ok: false, help: false, message: `invalid boolean value ${goQuote(v)} for -${name}: ${(e as Error).message}` };
      }
    } else {
      if (value === undefined) {
        if (i >= argv.length) return { ok: false, help: false, message: `flag needs an argument: -${name}` };
        value = argv[i++]!;
      }
      try {
        let v = checkValue(def, value);
        if (def.validate) v = def.validate(v);
        values.set(name, v);
      } catch (e) {
        return { ok: false, help: false, message: `invalid value ${goQuote(value)} for flag -${name}: ${(e as Error).message}` };
      }
    }
    set.add(name);
  }
  return { ok: true, values, set, args: argv.slice(i) };
}

/** Go's %q for plain strings. */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** Sets one flag from a string (used for ETCD_* variables); throws Go's Set error. */
export function setFlagValue(def: FlagDef, raw: string): string {
  const v = checkValue(def, raw);
  return def.validate ? def.validate(v) : v;
}
