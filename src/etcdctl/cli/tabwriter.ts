// Go's text/tabwriter as etcd's help uses it (minwidth 0, tabwidth 8, padding 1,
// padchar '\t'): consecutive lines with a tab-terminated cell form a block whose
// first column is padded with tabs to a common multiple of 8.

export function tabAlign(text: string, tabwidth = 8, padding = 1): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    if (!lines[i]!.includes('\t')) {
      out.push(lines[i]!);
      i++;
      continue;
    }
    let j = i;
    while (j < lines.length && lines[j]!.includes('\t')) j++;
    out.push(...alignBlock(lines.slice(i, j), tabwidth, padding));
    i = j;
  }
  return out.join('\n');
}

function alignBlock(lines: string[], tabwidth: number, padding: number): string[] {
  // Only the columns shared by the whole block align together; etcd's help has one.
  const cells = lines.map((l) => l.split('\t'));
  const columns = Math.max(...cells.map((c) => c.length - 1));
  const widths: number[] = [];
  for (let col = 0; col < columns; col++) {
    let w = 0;
    for (const c of cells) if (c.length - 1 > col) w = Math.max(w, [...c[col]!].length + padding);
    widths.push(Math.ceil(w / tabwidth) * tabwidth);
  }
  return cells.map((c) =>
    c
      .map((cell, col) => {
        if (col === c.length - 1) return cell;
        const n = widths[col]! - [...cell].length;
        return cell + '\t'.repeat(Math.ceil(n / tabwidth));
      })
      .join(''),
  );
}
