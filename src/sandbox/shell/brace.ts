// Brace expansion ({a,b,c}, {1..3}, {a..e}, {01..10..2}), done first, on the unquoted text
// of a word only, as bash does: `…/{etcd,etcdctl,etcdutl}` gives three words.
import type { Word, WordPart } from './ast.ts';

type Item = { ch: string } | { part: WordPart };

export function braceExpand(w: Word): Word[] {
  if (!w.parts.some((p) => p.type === 'lit' && p.text.includes('{'))) return [w];
  const items: Item[] = [];
  for (const p of w.parts) {
    if (p.type === 'lit') for (const ch of p.text) items.push({ ch });
    else items.push({ part: p });
  }
  return expandItems(items, 0).map(toWord);
}

function toWord(items: Item[]): Word {
  const parts: WordPart[] = [];
  let lit = '';
  for (const it of items) {
    if ('ch' in it) lit += it.ch;
    else {
      if (lit) parts.push({ type: 'lit', text: lit });
      lit = '';
      parts.push(it.part);
    }
  }
  if (lit) parts.push({ type: 'lit', text: lit });
  return { parts };
}

const isCh = (it: Item | undefined, c: string): boolean => !!it && 'ch' in it && it.ch === c;

function expandItems(items: Item[], depth: number): Item[][] {
  if (depth > 20) return [items];
  for (let i = 0; i < items.length; i++) {
    if (!isCh(items[i], '{') || isCh(items[i - 1], '$')) continue;
    let level = 0;
    const commas: number[] = [];
    let close = -1;
    for (let j = i + 1; j < items.length; j++) {
      if (isCh(items[j], '{')) level++;
      else if (isCh(items[j], '}')) {
        if (level === 0) {
          close = j;
          break;
        }
        level--;
      } else if (isCh(items[j], ',') && level === 0) commas.push(j);
    }
    if (close < 0) return [items];
    const prefix = items.slice(0, i);
    const suffixes = expandItems(items.slice(close + 1), depth + 1);
    let alts: Item[][];
    if (commas.length) {
      alts = [];
      let from = i + 1;
      for (const c of [...commas, close]) {
        alts.push(...expandItems(items.slice(from, c), depth + 1));
        from = c + 1;
      }
    } else {
      const inner = items.slice(i + 1, close);
      const seq = inner.every((it) => 'ch' in it) ? sequence(inner.map((it) => (it as { ch: string }).ch).join('')) : undefined;
      if (!seq) {
        // Not a brace expression: keep the brace and look further right.
        const rest = expandItems(items.slice(i + 1), depth + 1);
        return rest.map((r) => [...items.slice(0, i + 1), ...r]);
      }
      alts = seq.map((s) => [...s].map((ch) => ({ ch })));
    }
    const out: Item[][] = [];
    for (const a of alts) for (const s of suffixes) out.push([...prefix, ...a, ...s]);
    return out;
  }
  return [items];
}

function sequence(text: string): string[] | undefined {
  const num = /^(-?\d+)\.\.(-?\d+)(?:\.\.(-?\d+))?$/.exec(text);
  if (num) {
    const a = Number(num[1]);
    const b = Number(num[2]);
    let step = Math.abs(Number(num[3] ?? 1)) || 1;
    const width = /^-?0\d/.test(num[1]!) || /^-?0\d/.test(num[2]!) ? Math.max(num[1]!.length, num[2]!.length) : 0;
    const out: string[] = [];
    if (a > b) step = -step;
    for (let v = a; a <= b ? v <= b : v >= b; v += step) {
      if (out.length > 100000) break;
      const s = String(Math.abs(v)).padStart(width - (v < 0 ? 1 : 0), '0');
      out.push(v < 0 ? '-' + s : s);
    }
    return out;
  }
  const chr = /^([a-zA-Z])\.\.([a-zA-Z])(?:\.\.(-?\d+))?$/.exec(text);
  if (chr) {
    const a = chr[1]!.charCodeAt(0);
    const b = chr[2]!.charCodeAt(0);
    const step = (Math.abs(Number(chr[3] ?? 1)) || 1) * (a > b ? -1 : 1);
    const out: string[] = [];
    for (let v = a; a <= b ? v <= b : v >= b; v += step) out.push(String.fromCharCode(v));
    return out;
  }
  return undefined;
}
