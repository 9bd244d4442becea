// OpenSSL 3's option parser behaviour: "-opt" or "--opt", values in the next argument,
// and its words when something is wrong ("req: Option -out needs a value").
import { formatErrorEntry } from '../errors.ts';

export interface OptionSpec {
  /** Option name without the dash. */
  name: string;
  /** 'flag' takes no value; the others take the next argument. 'int' and 'nonneg' are checked. */
  kind: 'flag' | 'string' | 'int' | 'nonneg';
  /** Repeatable options collect every value. */
  multi?: boolean;
}

export class UsageError extends Error {
  constructor(readonly lines: string[]) {
    super(lines[0]);
    this.name = 'UsageError';
  }
}

export interface ParsedArgs {
  flags: Set<string>;
  values: Map<string, string[]>;
  /** Positional arguments (after the options, or mixed in where the command allows). */
  rest: string[];
  /** "-sha256"-style words that were not options (digest or cipher names). */
  unknown: string[];
}

export interface ParseMode {
  /** What an unknown "-x" is taken as: an error, a digest name, or a cipher name. */
  unknown: 'error' | 'digest' | 'cipher' | 'digest-silent' | 'fetch-cipher';
  /** Options may follow positional arguments (verify takes files at the end only). */
  stopAtFirstPositional?: boolean;
}

export const DIGESTS = ['sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'md5', 'sha512-224', 'sha512-256', 'sha3-256', 'sha3-512'];
export const CIPHERS = ['aes128', 'aes192', 'aes256', 'aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc', 'des3', 'des', 'camellia128', 'camellia256'];

export function parseArgs(prog: string, args: string[], specs: OptionSpec[], mode: ParseMode): ParsedArgs {
  const out: ParsedArgs = { flags: new Set(), values: new Map(), rest: [], unknown: [] };
  const help = `${prog}: Use -help for summary.`;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      if (mode.stopAtFirstPositional !== false) break;
      out.rest.push(a);
      continue;
    }
    const name = a.replace(/^--?/, '');
    const spec = specs.find((s) => s.name === name);
    if (!spec) {
      if (mode.unknown === 'error') throw new UsageError([`${prog}: Unknown option: ${a}`, help]);
      if (mode.unknown === 'digest-silent') {
        out.unknown.push(name);
        continue;
      }
      const known = mode.unknown === 'digest' ? DIGESTS : CIPHERS;
      if (mode.unknown === 'fetch-cipher' && !known.includes(name.toLowerCase())) {
        // genrsa looks the name up as a cipher and reports the provider's failure instead of usage.
        throw new UsageError([
          `${prog}: Unknown cipher: ${name}`,
          formatErrorEntry({
            code: '0308010C',
            lib: 'digital envelope routines',
            func: 'inner_evp_generic_fetch',
            reason: 'unsupported',
            where: '../crypto/evp/evp_fetch.c:386',
            data: `Global default library context, Algorithm (${name} : 0), Properties (<null>)`,
          }),
        ]);
      }
      if (!known.includes(name.toLowerCase())) {
        const what = mode.unknown === 'digest' ? 'Unknown option or message digest' : 'Unknown cipher';
        throw new UsageError([`${prog}: ${what}: ${name}`, help]);
      }
      out.unknown.push(name.toLowerCase());
      continue;
    }
    if (spec.kind === 'flag') {
      out.flags.add(spec.name);
      continue;
    }
    const v = args[i + 1];
    if (v === undefined) throw new UsageError([`${prog}: Option -${spec.name} needs a value`, help]);
    i++;
    if (spec.kind === 'int' || spec.kind === 'nonneg') {
      if (!/^-?\d+$/.test(v) || (spec.kind === 'nonneg' && v.startsWith('-'))) {
        throw new UsageError([`${prog}: Can't parse "${v}" as a number`, help]);
      }
    }
    const list = out.values.get(spec.name) ?? [];
    if (spec.multi) list.push(v);
    else list.splice(0, list.length, v);
    out.values.set(spec.name, list);
  }
  out.rest.push(...args.slice(i));
  return out;
}

export const value = (p: ParsedArgs, name: string): string | undefined => p.values.get(name)?.[0];
export const values = (p: ParsedArgs, name: string): string[] => p.values.get(name) ?? [];
export const flag = (p: ParsedArgs, name: string): boolean => p.flags.has(name);

/** The digest chosen by a -sha256-style word (the last one wins). */
export function digestOf(p: ParsedArgs): string | undefined {
  const d = p.unknown.filter((u) => DIGESTS.includes(u));
  return d[d.length - 1];
}
