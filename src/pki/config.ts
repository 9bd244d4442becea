// OpenSSL's config file format (as conf_def.c reads it): [sections], name = value,
// '#' comments, '\' continuations, quotes, backslash escapes, and $var / ${var} /
// $(var) / $section::var / $ENV::VAR expansion at load time. Errors carry the line
// number and reason the real tool reports.

export interface ConfigError {
  line: number;
  /** OpenSSL reason text ("missing equal sign"). */
  reason: 'missing close square bracket' | 'missing equal sign' | 'variable has no value' | 'variable expansion too long';
  /** Function and error code the real error-stack line names. */
  func: 'def_load_bio' | 'str_copy';
  code: string;
  /** Extra data after the reason ("HERE-->… " for a missing '='). */
  detail: string;
}

export class ConfigParseError extends Error {
  constructor(readonly info: ConfigError) {
    super(`${info.reason} at line ${info.line}`);
    this.name = 'ConfigParseError';
  }
}

export interface ConfigEntry {
  name: string;
  value: string;
}

/** A parsed config: sections of ordered entries; entries before any [section] are in "default". */
export class OpensslConfig {
  readonly sections = new Map<string, ConfigEntry[]>();

  constructor(readonly file: string) {
    this.sections.set('default', []);
  }

  section(name: string): ConfigEntry[] | undefined {
    return this.sections.get(name);
  }

  /** A value from a section, falling back to the default section as OpenSSL's NCONF_get_string does. */
  get(section: string | undefined, name: string): string | undefined {
    if (section !== undefined) {
      const v = lastValue(this.sections.get(section), name);
      if (v !== undefined) return v;
    }
    return lastValue(this.sections.get('default'), name);
  }
}

function lastValue(entries: ConfigEntry[] | undefined, name: string): string | undefined {
  if (!entries) return undefined;
  for (let i = entries.length - 1; i >= 0; i--) if (entries[i]!.name === name) return entries[i]!.value;
  return undefined;
}

const isNameChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_.;!,:]/.test(c);
const isVarChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_]/.test(c);

export function parseConfig(text: string, file: string, env: Record<string, string>): OpensslConfig {
  const conf = new OpensslConfig(file);
  let section = 'default';
  const rawLines = text.split('\n');
  let lineNo = 0;
  for (let i = 0; i < rawLines.length; i++) {
    lineNo = i + 1;
    let line = rawLines[i]!.replace(/\r$/, '');
    // Continuation: an odd number of trailing backslashes joins the next line.
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < rawLines.length) {
      line = line.slice(0, -1) + rawLines[++i]!.replace(/\r$/, '');
    }
    let p = 0;
    while (p < line.length && /\s/.test(line[p]!)) p++;
    if (p >= line.length || line[p] === '#') continue;
    if (line[p] === '[') {
      p++;
      while (p < line.length && /\s/.test(line[p]!)) p++;
      let name = '';
      while (p < line.length && isNameChar(line[p]) ) name += line[p++];
      while (p < line.length && /\s/.test(line[p]!)) p++;
      if (line[p] !== ']') {
        throw new ConfigParseError({ line: lineNo, reason: 'missing close square bracket', func: 'def_load_bio', code: '07000064', detail: '' });
      }
      section = name;
      if (!conf.sections.has(section)) conf.sections.set(section, []);
      continue;
    }
    if (line.startsWith('.', p)) {
      // .include / .pragma directives: accepted and ignored (the sandbox configs do not need them).
      if (/^\.(include|pragma)\b/.test(line.slice(p))) continue;
    }
    let name = '';
    while (p < line.length && isNameChar(line[p])) name += line[p++];
    let targetSection = section;
    const colons = name.indexOf('::');
    if (colons >= 0) {
      targetSection = name.slice(0, colons);
      name = name.slice(colons + 2);
    }
    while (p < line.length && /\s/.test(line[p]!)) p++;
    if (line[p] !== '=') {
      throw new ConfigParseError({
        line: lineNo,
        reason: 'missing equal sign',
        func: 'def_load_bio',
        code: '07000065',
        detail: `HERE-->${stripComment(line.slice(p))}`,
      });
    }
    p++;
    while (p < line.length && /\s/.test(line[p]!)) p++;
    const value = expandValue(line.slice(p), conf, section, env, lineNo);
    if (!conf.sections.has(targetSection)) conf.sections.set(targetSection, []);
    conf.sections.get(targetSection)!.push({ name, value });
  }
  return conf;
}

function stripComment(s: string): string {
  const i = s.indexOf('#');
  return (i >= 0 ? s.slice(0, i) : s).replace(/\s+$/, '');
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', b: '\b', t: '\t' };

/** Copies a value as str_copy does: quotes, escapes, comments, variables; trailing blanks trimmed. */
function expandValue(s: string, conf: OpensslConfig, section: string, env: Record<string, string>, lineNo: string | number): string {
  const noValue = () =>
    new ConfigParseError({ line: Number(lineNo), reason: 'variable has no value', func: 'str_copy', code: '07000068', detail: '' });
  let out = '';
  // Index in `out` up to which characters are protected from trailing-blank trimming (quoted text).
  let protectedUpTo = 0;
  let p = 0;
  while (p < s.length) {
    const c = s[p]!;
    if (c === '"' || c === "'") {
      p++;
      while (p < s.length && s[p] !== c) {
        if (s[p] === '\\' && p + 1 < s.length) p++;
        out += s[p++];
      }
      // An unterminated quote runs to the end of the line, and its trailing blanks are trimmed.
      if (p < s.length) protectedUpTo = out.length;
      p++;
      continue;
    }
    if (c === '#') break;
    if (c === '\\') {
      const n = s[p + 1];
      if (n === undefined) break;
      out += ESCAPES[n] ?? n;
      p += 2;
      protectedUpTo = out.length;
      continue;
    }
    if (c === '$') {
      p++;
      let close = '';
      if (s[p] === '{') close = '}';
      else if (s[p] === '(') close = ')';
      if (close) p++;
      let first = '';
      while (isVarChar(s[p])) first += s[p++];
      let sect: string | undefined;
      let varName = first;
      if (s[p] === ':' && s[p + 1] === ':') {
        p += 2;
        sect = first;
        varName = '';
        while (isVarChar(s[p])) varName += s[p++];
      }
      if (close) {
        if (s[p] !== close) throw noValue();
        p++;
      }
      if (varName === '') throw noValue();
      let v: string | undefined;
      if (sect === 'ENV') v = env[varName];
      else if (sect !== undefined) v = lastValue(conf.sections.get(sect), varName);
      else v = conf.get(section, varName);
      if (v === undefined) throw noValue();
      out += v;
      continue;
    }
    out += c;
    p++;
  }
  let end = out.length;
  while (end > protectedUpTo && /\s/.test(out[end - 1]!)) end--;
  return out.slice(0, end);
}

/** "yes"/"no" as OpenSSL reads booleans in config files. */
export function configBool(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  if (/^(y|yes|true|on)$/i.test(v)) return true;
  if (/^(n|no|false|off)$/i.test(v)) return false;
  return undefined;
}
