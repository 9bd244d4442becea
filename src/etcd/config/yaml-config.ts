// --config-file: etcd's YAML configuration (keys named like the flags), read with a small
// YAML subset parser: `key: value` scalars, nested maps by indentation (the
// client-transport-security / peer-transport-security blocks), comments, quoted strings.

export type YamlValue = string | number | boolean | null | YamlValue[] | { [k: string]: YamlValue };

export class YamlError extends Error {}

function scalar(raw: string, line: number): YamlValue {
  const v = raw.trim();
  if (v === '' || v === '~' || v === 'null') return null;
  if (v.startsWith("'")) {
    if (!v.endsWith("'") || v.length < 2) throw new YamlError(`yaml: line ${line}: found unexpected end of stream`);
    return v.slice(1, -1).replace(/''/g, "'");
  }
  if (v.startsWith('"')) {
    try {
      return JSON.parse(v) as string;
    } catch {
      throw new YamlError(`yaml: line ${line}: found unexpected end of stream`);
    }
  }
  if (/^(true|True|TRUE|yes|on)$/.test(v)) return true;
  if (/^(false|False|FALSE|no|off)$/.test(v)) return false;
  if (/^-?\d+$/.test(v)) return Number(v);
  if (v.startsWith('[') && v.endsWith(']')) {
    const inner = v.slice(1, -1).trim();
    return inner === '' ? [] : inner.split(',').map((x) => scalar(x, line));
  }
  return v;
}

function stripComment(s: string): string {
  let q: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (q) {
      if (c === q) q = null;
    } else if (c === "'" || c === '"') q = c;
    else if (c === '#' && (i === 0 || /\s/.test(s[i - 1]!))) return s.slice(0, i);
  }
  return s;
}

/** Parses the mapping etcd's config files use. */
export function parseYamlMap(text: string): Record<string, YamlValue> {
  const root: Record<string, YamlValue> = {};
  const stack: { indent: number; obj: Record<string, YamlValue> }[] = [{ indent: -1, obj: root }];
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  let pendingKey: { key: string; indent: number; parent: Record<string, YamlValue> } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = stripComment(lines[i]!);
    if (raw.trim() === '' || raw.trim() === '---') continue;
    const indent = raw.length - raw.trimStart().length;
    const body = raw.trim();
    if (body.startsWith('- ')) {
      if (!pendingKey || indent <= pendingKey.indent) throw new YamlError(`yaml: line ${i + 1}: did not find expected key`);
      const list = (pendingKey.parent[pendingKey.key] as YamlValue[] | null) ?? [];
      list.push(scalar(body.slice(2), i + 1));
      pendingKey.parent[pendingKey.key] = list;
      continue;
    }
    const m = /^([A-Za-z0-9_.-]+)\s*:(?:\s+(.*)|\s*)$/.exec(body);
    if (!m) throw new YamlError(`yaml: line ${i + 1}: could not find expected ':'`);
    while (stack.length > 1 && indent <= stack[stack.length - 1]!.indent) stack.pop();
    const parent = stack[stack.length - 1]!.obj;
    const key = m[1]!;
    const rest = m[2] ?? '';
    if (rest.trim() === '') {
      const child: Record<string, YamlValue> = {};
      parent[key] = null;
      pendingKey = { key, indent, parent };
      // Becomes a map if indented keys follow, a list if "- " items follow.
      const next = lines.slice(i + 1).find((l) => stripComment(l).trim() !== '');
      if (next && next.length - next.trimStart().length > indent && !next.trim().startsWith('- ')) {
        parent[key] = child;
        stack.push({ indent, obj: child });
      }
    } else {
      parent[key] = scalar(rest, i + 1);
      pendingKey = undefined;
    }
  }
  return root;
}

/** The flag that a config-file key sets; transport-security blocks map to (peer-)TLS flags. */
export function configFileToFlags(doc: Record<string, YamlValue>): Map<string, string> {
  const out = new Map<string, string>();
  const str = (v: YamlValue): string => (Array.isArray(v) ? v.map(String).join(',') : v === null ? '' : String(v));
  for (const [k, v] of Object.entries(doc)) {
    if ((k === 'client-transport-security' || k === 'peer-transport-security') && v && typeof v === 'object' && !Array.isArray(v)) {
      const prefix = k === 'peer-transport-security' ? 'peer-' : '';
      for (const [sk, sv] of Object.entries(v)) {
        if (sv === null) continue;
        if (sk === 'auto-tls') out.set(`${prefix}auto-tls`, str(sv));
        else if (sk === 'client-cert-auth') out.set(prefix ? 'peer-client-cert-auth' : 'client-cert-auth', str(sv));
        else out.set(`${prefix}${sk}`, str(sv));
      }
      continue;
    }
    if (v === null) continue;
    out.set(k, str(v));
  }
  return out;
}
