// One terminal tab: an xterm bound to a WebSocket that carries typed JSON frames.
// It reconnects on its own when the connection drops (server restart, network blip).
import { FitAddon } from '@xterm/addon-fit';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal } from '@xterm/xterm';
import type { ClientFrame, ServerFrame } from '../server/frames.ts';
import { api, type TabInfo } from './api.ts';

export interface TerminalTabEvents {
  onStatus(frame: Extract<ServerFrame, { type: 'status' }>): void;
  onConnection(state: 'connecting' | 'open' | 'closed'): void;
}

export class TerminalTab {
  readonly term: Terminal;
  private readonly fit = new FitAddon();
  private ws: WebSocket | undefined;
  private closedForGood = false;
  private retries = 0;
  private retryTimer: number | undefined;
  private readonly resizeObserver: ResizeObserver;

  constructor(
    readonly labId: string,
    readonly info: TabInfo,
    readonly element: HTMLElement,
    private readonly events: TerminalTabEvents,
  ) {
    this.term = new Terminal({
      cursorBlink: true,
      fontFamily: '"JetBrains Mono", "Fira Code", "DejaVu Sans Mono", Menlo, Consolas, monospace',
      fontSize: 14,
      lineHeight: 1.15,
      scrollback: 5000,
      convertEol: false,
      theme: {
        background: '#0f1720',
        foreground: '#d6dee8',
        cursor: '#7dd3fc',
        selectionBackground: '#33485e',
        black: '#1c2733',
        brightBlack: '#5c6b7a',
        green: '#7bd88f',
        brightGreen: '#98e6a9',
        blue: '#6cb6ff',
        brightBlue: '#8ccaff',
        yellow: '#f0c674',
        red: '#ff7b72',
        cyan: '#76e3ea',
        magenta: '#d2a8ff',
      },
    });
    this.term.loadAddon(this.fit);
    this.term.loadAddon(new WebLinksAddon());
    this.term.open(element);
    this.term.onData((data) => this.send({ type: 'input', data }));
    this.term.onResize(({ cols, rows }) => this.send({ type: 'resize', cols, rows }));
    this.resizeObserver = new ResizeObserver(() => this.fitNow());
    this.resizeObserver.observe(element);
    this.fitNow();
    this.connect();
  }

  fitNow(): void {
    if (this.element.offsetParent === null) return; // hidden tab: fit when shown
    try {
      this.fit.fit();
    } catch {
      /* not laid out yet */
    }
  }

  focus(): void {
    this.term.focus();
  }

  /** Types text into the shell as if the learner had typed it. */
  type(text: string): void {
    this.send({ type: 'input', data: text });
  }

  /** The buffer (scrollback included) as text, soft-wrapped rows joined (tests read the terminal through this). */
  text(): string {
    const buf = this.term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buf.length; i++) {
      const line = buf.getLine(i);
      const text = line?.translateToString(true) ?? '';
      // A row that continues the previous one (soft wrap) is the same logical line.
      if (line?.isWrapped && lines.length) lines[lines.length - 1] += text;
      else lines.push(text);
    }
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    return lines.join('\n');
  }

  dispose(): void {
    this.closedForGood = true;
    window.clearTimeout(this.retryTimer);
    this.resizeObserver.disconnect();
    this.ws?.close();
    this.term.dispose();
  }

  private send(frame: ClientFrame): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  private connect(): void {
    if (this.closedForGood) return;
    this.events.onConnection('connecting');
    const ws = new WebSocket(api.terminalUrl(this.labId, this.info.id, this.term.cols, this.term.rows));
    this.ws = ws;
    let replaying = true;
    ws.onopen = () => {
      this.retries = 0;
      this.events.onConnection('open');
    };
    ws.onmessage = (ev) => {
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(ev.data)) as ServerFrame;
      } catch {
        return;
      }
      if (frame.type === 'output') {
        if (replaying) {
          // The server replays the scrollback first: start from a clean screen.
          this.term.reset();
          replaying = false;
        }
        this.term.write(frame.data);
      } else if (frame.type === 'exit') {
        replaying = false;
        this.term.write(`\r\n\x1b[2m[session ended with exit status ${frame.code}; press any key for a new login]\x1b[0m\r\n`);
      } else if (frame.type === 'status') {
        if (frame.tab) replaying = true;
        this.events.onStatus(frame);
      }
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.events.onConnection('closed');
      if (this.closedForGood) return;
      const delay = Math.min(5000, 300 * 2 ** this.retries++);
      this.retryTimer = window.setTimeout(() => this.connect(), delay);
    };
  }
}
