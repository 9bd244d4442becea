// Runs a terminal session inside a program's own terminal: what `ssh node-2` does. The
// program's terminal goes to raw mode, keystrokes are passed to the remote session and its
// screen output written back; resizes follow. Resolves with the remote shell's exit status.
import type { InputStream, OutputStream } from '../io.ts';
import { createTerminalSession, type TerminalSessionOptions } from './terminal-session.ts';
import { terminalInput } from './tty.ts';

export interface AttachOptions extends Omit<TerminalSessionOptions, 'onOutput' | 'onExit' | 'cols' | 'rows'> {
  stdin: InputStream;
  stdout: OutputStream;
  /** The calling program's signal: when it is killed, the remote session is closed. */
  signal?: AbortSignal;
}

export async function attachTerminalSession(opts: AttachOptions): Promise<number> {
  const term = terminalInput(opts.stdin);
  const size = term?.size ?? { cols: 80, rows: 24 };
  const { stdin, stdout, signal, ...sessionOpts } = opts;
  let writing: Promise<void> = Promise.resolve();
  const session = createTerminalSession({
    ...sessionOpts,
    cols: size.cols,
    rows: size.rows,
    onOutput: (data) => {
      // Keep the remote output in order even when the local terminal makes writers wait.
      writing = writing.then(() => stdout.write(data)).catch(() => session.close());
    },
  });
  term?.setRawMode(true);
  const prevResize = term?.onResize;
  if (term) term.onResize = (cols, rows) => session.resize(cols, rows);
  const onAbort = () => session.close();
  signal?.addEventListener('abort', onAbort, { once: true });
  let ended = false;
  const dec = new TextDecoder();
  // Keystrokes from the local terminal to the session, until it ends. A read that fails
  // (the program was killed) ends the loop; it must never become an unhandled rejection.
  void (async () => {
    try {
      while (!ended) {
        const chunk = await stdin.read();
        if (chunk === null) {
          // End of input: like closing the connection.
          if (!ended) session.close();
          return;
        }
        if (!ended) session.input(dec.decode(chunk, { stream: true }));
      }
    } catch {
      if (!ended) session.close();
    }
  })();
  try {
    const code = await session.exited;
    ended = true;
    await writing;
    return code;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (term) {
      term.onResize = prevResize;
      term.setRawMode(false);
    }
  }
}
