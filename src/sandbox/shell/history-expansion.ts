// Interactive history expansion (!!, !$, !^, !*, !n, !-n, !prefix, !?text?), done on the
// line before it is parsed, as bash does for interactive shells.

export type HistoryExpansion = { ok: true; line: string; changed: boolean } | { ok: false; error: string };

function words(cmd: string): string[] {
  return cmd.trim().split(/\s+/).filter(Boolean);
}

export function expandHistory(line: string, history: readonly string[]): HistoryExpansion {
  if (!line.includes('!')) return { ok: true, line, changed: false };
  let out = '';
  let changed = false;
  let inSingle = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'" ) inSingle = !inSingle;
    if (c === '\\' && i + 1 < line.length) {
      out += c + line[++i];
      continue;
    }
    if (c !== '!' || inSingle) {
      out += c;
      continue;
    }
    const rest = line.slice(i + 1);
    if (rest === '' || /^[\s=("]/.test(rest)) {
      out += c;
      continue;
    }
    let event: string | undefined;
    let len = 0;
    let designator: ((w: string[]) => string) | undefined;
    let m: RegExpExecArray | null;
    if (rest[0] === '!') {
      event = history[history.length - 1];
      len = 1;
    } else if (rest[0] === '$' || rest[0] === '^' || rest[0] === '*') {
      event = history[history.length - 1];
      len = 1;
      const d = rest[0];
      designator = (w) => (d === '$' ? (w[w.length - 1] ?? '') : d === '^' ? (w[1] ?? '') : w.slice(1).join(' '));
    } else if ((m = /^-?\d+/.exec(rest))) {
      const n = Number(m[0]);
      event = n < 0 ? history[history.length + n] : history[n - 1];
      len = m[0].length;
    } else if ((m = /^\?([^?\n]*)\??/.exec(rest))) {
      const text = m[1]!;
      event = [...history].reverse().find((h) => h.includes(text));
      len = m[0].length;
    } else if ((m = /^[^\s;&|<>()'"`]+/.exec(rest))) {
      const prefix = m[0].replace(/[:$^*].*$/, '');
      event = [...history].reverse().find((h) => h.startsWith(prefix));
      len = prefix.length;
    }
    const spec = line.slice(i, i + 1 + len);
    if (event === undefined) return { ok: false, error: `${spec}: event not found` };
    // Word designators after the event: !!:1, !!:$, !ls:2
    const dm = designator ? null : /^:(\d+|\$|\^|\*)/.exec(line.slice(i + 1 + len));
    if (dm) {
      const d = dm[1]!;
      designator = (w) => (d === '$' ? (w[w.length - 1] ?? '') : d === '^' ? (w[1] ?? '') : d === '*' ? w.slice(1).join(' ') : (w[Number(d)] ?? ''));
      len += dm[0].length;
    }
    out += designator ? designator(words(event)) : event;
    changed = true;
    i += len;
  }
  return { ok: true, line: out, changed };
}
