// olekukonko/tablewriter v0.0.5 with etcdctl's settings: headers upper-cased and
// centred, cells right-aligned, long cells wrapped at 30 columns with tablewriter's
// minimum-raggedness word wrap, borders of + - |.

const MAX_CELL_WIDTH = 30;
const PENALTY = 1e5;

const width = (s: string): number => [...s].length;

function center(s: string, w: number): string {
  const gap = w - width(s);
  if (gap <= 0) return s;
  const left = Math.floor(gap / 2);
  return ' '.repeat(left) + s + ' '.repeat(gap - left);
}

function title(h: string): string {
  const rs = [...h];
  const isNumOrSpace = (c: string | undefined) => c !== undefined && /[0-9 ]/.test(c);
  for (let i = 0; i < rs.length; i++) {
    if (rs[i] === '_') rs[i] = ' ';
    else if (rs[i] === '.' && ((i !== 0 && !isNumOrSpace(rs[i - 1])) || (i !== rs.length - 1 && !isNumOrSpace(rs[i + 1])))) rs[i] = ' ';
  }
  const t = rs.join('').trim();
  return (t === '' && h.length > 0 ? ' ' : t).toUpperCase();
}

function wrapWords(words: string[], lim: number): string[][] {
  const n = words.length;
  const len: number[][] = [];
  for (let i = 0; i < n; i++) {
    len.push(new Array<number>(n).fill(0));
    len[i]![i] = width(words[i]!);
    for (let j = i + 1; j < n; j++) len[i]![j] = len[i]![j - 1]! + 1 + width(words[j]!);
  }
  const nbrk = new Array<number>(n).fill(0);
  const cost = new Array<number>(n).fill(2147483647);
  for (let i = n - 1; i >= 0; i--) {
    if (len[i]![n - 1]! <= lim) {
      cost[i] = 0;
      nbrk[i] = n;
    } else {
      for (let j = i + 1; j < n; j++) {
        const d = lim - len[i]![j - 1]!;
        let c = d * d + cost[j]!;
        if (len[i]![j - 1]! > lim) c += PENALTY;
        if (c < cost[i]!) {
          cost[i] = c;
          nbrk[i] = j;
        }
      }
    }
  }
  const lines: string[][] = [];
  for (let i = 0; i < n; i = nbrk[i]!) lines.push(words.slice(i, nbrk[i]));
  return lines;
}

/** A cell's lines (tablewriter's parseDimension with auto-wrap). */
function cellLines(s: string): string[] {
  const raw = s.split('\n');
  let maxW = Math.max(0, ...raw.map(width));
  if (maxW > MAX_CELL_WIDTH) maxW = MAX_CELL_WIDTH;
  const out: string[] = [];
  raw.forEach((para, i) => {
    const words = para.split(' ');
    let lim = maxW;
    for (const w of words) if (width(w) > lim) lim = width(w);
    if (i > 0) out.push(' ');
    for (const line of wrapWords(words, lim)) out.push(line.join(' '));
  });
  return out;
}

export function renderTable(header: string[], rows: string[][]): string {
  const heads = header.map((h) => cellLines(title(h)));
  const body = rows.map((r) => header.map((_, i) => cellLines(r[i] ?? '')));
  const widths = header.map((_, i) => Math.max(...heads[i]!.map(width), ...body.map((r) => Math.max(...r[i]!.map(width)))));
  const sep = '+' + widths.map((w) => '-'.repeat(w + 2)).join('+') + '+\n';
  const renderRow = (cells: string[][], align: (s: string, w: number) => string) => {
    const h = Math.max(...cells.map((c) => c.length));
    let s = '';
    for (let line = 0; line < h; line++) {
      s += '|' + cells.map((c, i) => ' ' + align(c[line] ?? '', widths[i]!) + ' ').join('|') + '|\n';
    }
    return s;
  };
  let out = sep + renderRow(heads, center) + sep;
  for (const r of body) out += renderRow(r, (s, w) => ' '.repeat(Math.max(0, w - width(s))) + s);
  return out + sep;
}
