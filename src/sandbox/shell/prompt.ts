// PS1/PS2 as bash expands them: backslash escapes (\u \h \w \$ …), then parameter expansion.
import type { ExpandContext } from './expand.ts';
import { expandString } from './expand.ts';
import { parseExpandableText } from './parser.ts';
import type { ShellState } from './state.ts';

/** Debian's default coloured prompt: green user@host, blue directory. */
export const DEFAULT_PS1 = '${debian_chroot:+($debian_chroot)}\\[\\033[01;32m\\]\\u@\\h\\[\\033[00m\\]:\\[\\033[01;34m\\]\\w\\[\\033[00m\\]\\$ ';

export function decodePromptEscapes(ps: string, st: ShellState, info: { jobs: number; historyNumber: number; now: Date }): string {
  const home = st.home();
  const cwd = st.cwd;
  const w = home !== '/' && (cwd === home || cwd.startsWith(home + '/')) ? '~' + cwd.slice(home.length) : cwd;
  const pad = (n: number) => String(n).padStart(2, '0');
  return ps.replace(/\\([0-7]{3}|.)/g, (_, c: string) => {
    if (/^[0-7]{3}$/.test(c)) return String.fromCharCode(parseInt(c, 8));
    switch (c) {
      case 'u':
        return st.cred.user;
      case 'h':
        return st.host.hostname.split('.')[0]!;
      case 'H':
        return st.host.hostname;
      case 'w':
        return w;
      case 'W':
        return cwd === home ? '~' : cwd === '/' ? '/' : cwd.slice(cwd.lastIndexOf('/') + 1);
      case '$':
        return st.cred.uid === 0 ? '#' : '$';
      case '[':
      case ']':
        return '';
      case 'e':
        return '\x1b';
      case 'a':
        return '\x07';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 's':
        return 'bash';
      case 'v':
        return '5.2';
      case 'V':
        return '5.2.15';
      case 'j':
        return String(info.jobs);
      case '!':
      case '#':
        return String(info.historyNumber);
      case 't':
        return `${pad(info.now.getHours())}:${pad(info.now.getMinutes())}:${pad(info.now.getSeconds())}`;
      case 'A':
        return `${pad(info.now.getHours())}:${pad(info.now.getMinutes())}`;
      case 'l':
        return st.get('TTY_NAME') ?? 'pts/0';
      case '\\':
        return '\\';
      default:
        return '\\' + c;
    }
  });
}

export async function expandPrompt(ps: string, ctx: ExpandContext, info: { jobs: number; historyNumber: number; now: Date }): Promise<string> {
  const decoded = decodePromptEscapes(ps, ctx.state, info);
  try {
    return await expandString(ctx, parseExpandableText(decoded), { tilde: false });
  } catch {
    return decoded;
  }
}
