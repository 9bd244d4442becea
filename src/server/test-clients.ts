// Test helpers for the server tests: a learner (keeps its cookie like a browser), a
// terminal socket, and strict little parsers for the exported CSV and XML.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import WebSocket from 'ws';
import { loadCourse, type Course } from '../lab/course.ts';
import { realSandboxProvider } from '../lab/sandbox-provider.ts';
import { plainText } from '../lab/terminal-driver.ts';
import { createLabServer, type LabServer, type LabServerOptions } from './app.ts';
import type { ServerFrame } from './frames.ts';

/**
 * Lab servers for one test file, with real sandboxes: each listens on 127.0.0.1:0 with
 * its own data dir; after the file they are closed and their directories removed.
 * Call at the top level of the file (it registers before/after hooks).
 */
export function labServers(defaults: Partial<LabServerOptions> = {}) {
  let course: Course | undefined;
  const dirs: string[] = [];
  const servers: LabServer[] = [];
  before(async () => {
    course = await loadCourse();
  });
  after(async () => {
    for (const s of servers) await s.close().catch(() => undefined);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const tempDir = (): string => {
    const d = mkdtempSync(path.join(tmpdir(), 'hwlab-server-'));
    dirs.push(d);
    return d;
  };
  return {
    get course(): Course {
      if (!course) throw new Error('the course loads in before()');
      return course;
    },
    tempDir,
    async start(opts: Partial<LabServerOptions> & { dataDir?: string } = {}): Promise<{ server: LabServer; url: string; dataDir: string }> {
      const dataDir = opts.dataDir ?? tempDir();
      const server = createLabServer({ course: this.course, provider: realSandboxProvider, webDir: tempDir(), log: () => undefined, ...defaults, ...opts, dataDir });
      servers.push(server);
      const url = await server.listen(0, '127.0.0.1');
      return { server, url, dataDir };
    },
  };
}

export class LearnerClient {
  cookie = '';
  constructor(readonly base: string) {}
  async api(method: string, p: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any; text: string; headers: Headers }> {
    const res = await fetch(this.base + p, {
      method,
      redirect: 'manual',
      headers: { ...(this.cookie ? { cookie: this.cookie } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0]!;
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text, headers: res.headers };
  }
  terminal(lab: string, tab = '1'): Promise<TermClient> {
    return TermClient.open(this.base.replace('http', 'ws') + `/api/labs/${lab}/terminal?tab=${tab}&cols=100&rows=30`, this.cookie);
  }
}

export class TermClient {
  raw = '';
  frames: ServerFrame[] = [];
  closed: { code: number } | undefined;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const f = JSON.parse(String(d)) as ServerFrame;
      this.frames.push(f);
      if (f.type === 'output') this.raw += f.data;
    });
    ws.on('close', (code) => (this.closed = { code }));
  }
  static open(url: string, cookie: string): Promise<TermClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers: { cookie } });
      const t = new TermClient(ws);
      ws.once('open', () => resolve(t));
      ws.once('error', reject);
    });
  }
  get text(): string {
    return plainText(this.raw);
  }
  /** A frame as the browser sends it (an object), or raw text to test bad frames. */
  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }
  type(line: string): void {
    this.send({ type: 'input', data: `${line}\r` });
  }
  async waitFor(pred: (t: TermClient) => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred(this)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; terminal shows:\n${this.text.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  waitText(re: RegExp, timeoutMs?: number): Promise<void> {
    return this.waitFor((t) => re.test(t.text), String(re), timeoutMs);
  }
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((r) => {
      this.ws.once('close', () => r());
      this.ws.close();
    });
  }
}

/** RFC 4180 parser that throws on anything malformed (stray quotes, ragged rows). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new Error(`stray quote at ${i}`);
        field += text[i++];
      }
    }
    row.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text.startsWith('\r\n', i)) i += 2;
    else if (i < text.length) throw new Error(`expected CRLF at ${i}, found ${JSON.stringify(text[i])}`);
    rows.push(row);
    row = [];
  }
  const width = rows[0]?.length ?? 0;
  rows.forEach((r, n) => {
    if (r.length !== width) throw new Error(`row ${n} has ${r.length} fields, the header ${width}`);
  });
  return rows;
}

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** A small strict XML parser: well-formed nesting, quoted attributes, the five entities only. */
export function parseXml(src: string): XmlElement {
  let i = 0;
  const decode = (s: string) => {
    if (/&(?!(amp|lt|gt|quot|apos);)/.test(s)) throw new Error(`bad entity in ${JSON.stringify(s.slice(0, 60))}`);
    if (/[<]/.test(s)) throw new Error('raw < in text');
    return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  };
  if (src.startsWith('<?xml')) i = src.indexOf('?>') + 2;
  const skipWs = () => {
    while (/\s/.test(src[i] ?? '')) i++;
  };
  const element = (): XmlElement => {
    const m = /^<([A-Za-z_][\w.-]*)/.exec(src.slice(i));
    if (!m) throw new Error(`expected an element at ${i}: ${JSON.stringify(src.slice(i, i + 30))}`);
    const el: XmlElement = { name: m[1]!, attrs: {}, children: [], text: '' };
    i += m[0].length;
    for (;;) {
      skipWs();
      if (src.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (src[i] === '>') {
        i++;
        break;
      }
      const a = /^([A-Za-z_][\w.:-]*)="([^"]*)"/.exec(src.slice(i));
      if (!a) throw new Error(`bad attribute at ${i}: ${JSON.stringify(src.slice(i, i + 30))}`);
      if (a[1]! in el.attrs) throw new Error(`duplicate attribute ${a[1]}`);
      el.attrs[a[1]!] = decode(a[2]!);
      i += a[0].length;
    }
    for (;;) {
      const lt = src.indexOf('<', i);
      if (lt < 0) throw new Error(`unclosed <${el.name}>`);
      el.text += decode(src.slice(i, lt));
      i = lt;
      if (src.startsWith(`</${el.name}>`, i)) {
        i += el.name.length + 3;
        return el;
      }
      if (src.startsWith('</', i)) throw new Error(`mismatched close tag at ${i}, expected </${el.name}>`);
      el.children.push(element());
    }
  };
  skipWs();
  const root = element();
  skipWs();
  if (i !== src.length) throw new Error('content after the root element');
  return root;
}
