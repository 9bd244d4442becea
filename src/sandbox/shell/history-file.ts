// The shell's history list and ~/.bash_history on the host's disk: each command is appended
// as it is entered, so a reloaded page (a new session) still has it.
import type { FileSystem } from '../../platform/filesystem.ts';
import type { ShellState } from './state.ts';

export class HistoryFile {
  constructor(
    private readonly fs: FileSystem,
    readonly path: string,
  ) {}

  /** The last `max` entries (timestamps lines `#123…` skipped); [] when missing or unreadable. */
  load(max: number): string[] {
    try {
      if (!this.fs.exists(this.path)) return [];
      const text = new TextDecoder().decode(this.fs.readFile(this.path));
      return text
        .split('\n')
        .filter((l) => l !== '' && !/^#\d+$/.test(l))
        .slice(-max);
    } catch {
      return [];
    }
  }

  append(line: string): void {
    try {
      this.fs.appendFile(this.path, line + '\n', { mode: 0o600 });
    } catch {
      // e.g. a read-only home: history stays in memory.
    }
  }
}

/** Adds a line to the history list as HISTCONTROL says; false when it was left out. */
export function addToHistory(st: ShellState, line: string, max: number): boolean {
  const control = st.get('HISTCONTROL') ?? '';
  const ignoreSpace = /ignorespace|ignoreboth/.test(control);
  const ignoreDups = /ignoredups|ignoreboth/.test(control);
  if (ignoreSpace && line.startsWith(' ')) return false;
  const h = st.history;
  if (ignoreDups && h[h.length - 1] === line) return false;
  h.push(line);
  if (h.length > max) h.splice(0, h.length - max);
  return true;
}
