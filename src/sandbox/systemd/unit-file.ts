// systemd unit files as systemd reads them: [Section] headers, Key=Value assignments,
// comments (# and ;), backslash line continuations, repeated keys (lists; an empty
// assignment resets the list). Problems are collected in systemd's own log wording,
// "<file>:<line>: <message>", for the journal and for the unit's load state.

export interface UnitFile {
  path: string;
  /** section name → assignments in file order. */
  sections: Map<string, { key: string; value: string; line: number }[]>;
  /** Messages systemd would log while loading, e.g. "…/etcd.service:3: Unknown key name 'Foo' in section 'Service', ignoring." */
  warnings: string[];
}

export function parseUnitFile(path: string, text: string): UnitFile {
  const sections = new Map<string, { key: string; value: string; line: number }[]>();
  const warnings: string[] = [];
  let section: string | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i]!.replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    // Continuations: a trailing backslash joins the next line (comment lines in between are skipped).
    while (line.trimEnd().endsWith('\\') && i + 1 < lines.length) {
      line = line.trimEnd().slice(0, -1) + ' ';
      i++;
      const next = lines[i]!.replace(/\r$/, '');
      if (/^\s*[#;]/.test(next)) continue;
      line += next.trimStart();
    }
    const t = line.trim();
    if (t.startsWith('[')) {
      if (!t.endsWith(']')) {
        warnings.push(`${path}:${lineNo}: Invalid section header '${t}'`);
        section = undefined;
        continue;
      }
      section = t.slice(1, -1);
      if (!sections.has(section)) sections.set(section, []);
      continue;
    }
    if (section === undefined) {
      warnings.push(`${path}:${lineNo}: Assignment outside of section. Ignoring.`);
      continue;
    }
    const eq = t.indexOf('=');
    if (eq < 0) {
      warnings.push(`${path}:${lineNo}: Missing '=', ignoring line.`);
      continue;
    }
    sections.get(section)!.push({ key: t.slice(0, eq).trim(), value: t.slice(eq + 1).trim(), line: lineNo });
  }
  return { path, sections, warnings };
}

/** Splits a command line or an Environment= value into words, systemd style (quotes, backslash escapes). */
export function splitWords(s: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (i >= s.length) break;
    let word = '';
    while (i < s.length && !/\s/.test(s[i]!)) {
      const c = s[i]!;
      if (c === '"' || c === "'") {
        const end = s.indexOf(c, i + 1);
        if (end < 0) return undefined;
        word += s.slice(i + 1, end).replace(/\\(.)/g, '$1');
        i = end + 1;
      } else if (c === '\\' && i + 1 < s.length) {
        word += s[i + 1];
        i += 2;
      } else {
        word += c;
        i++;
      }
    }
    out.push(word);
  }
  return out;
}

/** KEY=VALUE lines of an EnvironmentFile= (comments, quotes, `export` is not allowed by systemd but harmless here). */
export function parseEnvironmentFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.trim();
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i]!.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) continue;
    let value = line.slice(eq + 1).trim();
    if ((value.startsWith('"') && value.endsWith('"') && value.length >= 2) || (value.startsWith("'") && value.endsWith("'") && value.length >= 2)) {
      const q = value[0];
      value = value.slice(1, -1);
      if (q === '"') value = value.replace(/\\(["\\$`])/g, '$1');
    } else {
      const hash = value.search(/\s#/);
      if (hash >= 0) value = value.slice(0, hash).trimEnd();
    }
    env[key] = value;
  }
  return env;
}
