// ss's column layout (iproute2 6.1's render_calc_width and render): cells measured per
// column; without a terminal each column is as wide as its widest cell, on a terminal the
// spare width is shared out so that wrapped lines stay aligned.

interface Column {
  align: 'left' | 'right';
  header: string;
  delim: string;
  disabled: boolean;
}

/**
 * ss's output grid: Netid, State, Recv-Q, Send-Q, local address and port, peer address and
 * port, process, and a last empty column. Every cell is measured; without a terminal each
 * column is as wide as its widest cell, on a terminal the spare width is shared out.
 */
export class Grid {
  private readonly columns: Column[];
  private readonly rows: string[][] = [];

  constructor(netid: boolean, state: boolean) {
    this.columns = [
      { align: 'left', header: 'Netid', delim: '', disabled: !netid },
      { align: 'left', header: 'State', delim: ' ', disabled: !state },
      { align: 'left', header: 'Recv-Q', delim: ' ', disabled: false },
      { align: 'left', header: 'Send-Q', delim: ' ', disabled: false },
      { align: 'right', header: 'Local Address:', delim: ' ', disabled: false },
      { align: 'left', header: 'Port', delim: '', disabled: false },
      { align: 'right', header: 'Peer Address:', delim: ' ', disabled: false },
      { align: 'left', header: 'Port', delim: '', disabled: false },
      { align: 'left', header: 'Process', delim: '', disabled: false },
      { align: 'left', header: '', delim: '', disabled: false },
    ];
  }

  header(): void {
    this.rows.push(this.columns.map((c, i) => (i === this.columns.length - 1 ? '' : c.header)));
  }

  /** Cells from Netid to Process (the last, empty column is implied). */
  row(cells: string[]): void {
    this.rows.push([...cells, '']);
  }

  render(screenWidth: number | undefined): string {
    if (this.rows.length === 0) return '';
    const live = this.columns.map((c, i) => ({ ...c, index: i })).filter((c) => !c.disabled);
    const maxLen = live.map((c) => Math.max(0, ...this.rows.map((r) => r[c.index]!.length)));
    const widths = this.widths(live, maxLen, screenWidth);
    let out = '';
    for (const r of this.rows) {
      let line = '';
      live.forEach((c, k) => {
        const cell = r[c.index]!;
        const width = widths[k]!;
        let printed = 0;
        if (k > 0) {
          line += c.delim;
          printed = c.delim.length;
        }
        if (width && c.align === 'right') {
          const s = width - cell.length - printed;
          if (s > 0) {
            line += ' '.repeat(s);
            printed += s;
          }
        }
        line += cell;
        printed += cell.length;
        if (width && c.align === 'left' && width - printed > 0) line += ' '.repeat(width - printed);
      });
      out += line + '\n';
    }
    return out;
  }

  /** render_calc_width: content widths plus delimiters; on a terminal, spare columns shared out line by line. */
  private widths(live: Column[], maxLen: number[], screenWidth: number | undefined): number[] {
    const screen = screenWidth && screenWidth > 0 ? screenWidth : Number.MAX_SAFE_INTEGER;
    let first = true;
    const widths = live.map((c, k) => {
      const w = Math.min(!first && maxLen[k]! ? maxLen[k]! + c.delim.length : maxLen[k]!, screen);
      if (w) first = false;
      return w;
    });
    if (!screenWidth || screenWidth <= 0) return widths;
    let len = 0;
    let lineCols = 0;
    let eol = -1;
    for (let k = 0; k < widths.length; k++) {
      if (!widths[k]) continue;
      lineCols++;
      len += widths[k]!;
      const last = !widths.slice(k + 1).some((w) => w > 0);
      if (!last && len < screen) continue;
      if (len !== screen) {
        if (len > screen) {
          len -= widths[k]!;
          k--;
          lineCols--;
        }
        const pad = screen - len;
        const spacing = lineCols ? Math.floor(pad / lineCols) : 0;
        let rem = lineCols ? pad % lineCols : 0;
        for (let j = k; j > eol; j--) {
          if (!widths[j]) continue;
          widths[j] = widths[j]! + spacing + (rem ? 1 : 0);
          if (rem) rem--;
        }
      }
      eol = k;
      len = 0;
      lineCols = 0;
    }
    return widths;
  }
}
