// One learner in one lab: their own sandbox, their terminal tabs, their task states.
// Terminals outlive a page load: a reload re-attaches to the same shell and replays
// what it printed (the scrollback), so a running `etcdctl watch` is still there.
import { createCheckContext } from '../lab/check-context.ts';
import { runChecks, sameTaskStates, type CheckMode } from '../lab/run-checks.ts';
import type { LabSandbox, TerminalSession } from '../lab/sandbox-port.ts';
import type { LabDefinition, TaskState } from '../lab/types.ts';
import type { SavedTab } from './data-store.ts';
import type { ServerFrame } from './frames.ts';

export interface TabClient {
  send(frame: ServerFrame): void;
  /** Ends the connection (the session is gone: reset, eviction, shutdown). */
  close?(): void;
}

export interface LabSessionOptions {
  learner: string;
  lab: LabDefinition;
  sandbox: LabSandbox;
  tasks: TaskState[];
  tabs: SavedTab[];
  scrollbackBytes: number;
  maxTabs: number;
  now: () => number;
  log: (msg: string, err?: unknown) => void;
  /** Called when task states change (to persist them). */
  onTasksChanged: (tasks: TaskState[]) => void;
  /** Called when the tab list changes (to persist it). */
  onTabsChanged: (tabs: SavedTab[]) => void;
  /**
   * Called after every check run: the ids of the tasks whose checks ran (a task already
   * passed is not re-checked), when, and whether the states changed (the instructor view).
   */
  onChecked?: (info: { tasks: TaskState[]; checkedIds: string[]; at: number; changed: boolean; mode: CheckMode }) => void;
  /** Called when a page attaches or detaches (online or not, for the instructor view). */
  onClientsChanged?: () => void;
}

export class TabLimitError extends Error {}
export class UnknownTabError extends Error {}
export class UnknownHostError extends Error {}

class Tab {
  terminal: TerminalSession | undefined;
  scrollback = '';
  readonly clients = new Set<TabClient>();
  cols = 80;
  rows = 24;
  constructor(
    readonly id: string,
    readonly host: string,
  ) {}
}

export class LabSession {
  readonly learner: string;
  readonly lab: LabDefinition;
  readonly sandbox: LabSandbox;
  private tasksState: TaskState[];
  private readonly tabs = new Map<string, Tab>();
  private checking: Promise<TaskState[]> | undefined;
  lastActive: number;
  /** Input arrived since the last snapshot. */
  dirty = false;
  lastInputAt = 0;
  private disposed = false;

  constructor(private readonly opts: LabSessionOptions) {
    this.learner = opts.learner;
    this.lab = opts.lab;
    this.sandbox = opts.sandbox;
    this.tasksState = opts.tasks;
    this.lastActive = opts.now();
    const hosts = new Set(opts.lab.topology.hosts.map((h) => h.name));
    for (const t of opts.tabs) if (hosts.has(t.host) && !this.tabs.has(t.id)) this.tabs.set(t.id, new Tab(t.id, t.host));
    // A fresh session opens a terminal tab per host (a multi-host lab is worked from all of them).
    if (this.tabs.size === 0) opts.lab.topology.hosts.forEach((h, i) => this.tabs.set(String(i + 1), new Tab(String(i + 1), h.name)));
  }

  get tasks(): TaskState[] {
    return this.tasksState;
  }

  tabList(): SavedTab[] {
    return [...this.tabs.values()].map((t) => ({ id: t.id, host: t.host }));
  }

  /** Clients attached to any tab (a page is open). */
  clientCount(): number {
    let n = 0;
    for (const t of this.tabs.values()) n += t.clients.size;
    return n;
  }

  touch(): void {
    this.lastActive = this.opts.now();
  }

  addTab(host: string): SavedTab {
    if (!this.lab.topology.hosts.some((h) => h.name === host)) throw new UnknownHostError(`no host ${host} in lab ${this.lab.id}`);
    if (this.tabs.size >= this.opts.maxTabs) throw new TabLimitError(`at most ${this.opts.maxTabs} terminal tabs per lab`);
    let n = 1;
    while (this.tabs.has(String(n))) n++;
    const tab = new Tab(String(n), host);
    this.tabs.set(tab.id, tab);
    this.opts.onTabsChanged(this.tabList());
    return { id: tab.id, host };
  }

  closeTab(id: string): void {
    const tab = this.tabs.get(id);
    if (!tab) throw new UnknownTabError(`no terminal tab ${id}`);
    if (this.tabs.size === 1) throw new TabLimitError('the last terminal tab cannot be closed');
    this.tabs.delete(id);
    for (const c of tab.clients) c.send({ type: 'exit', code: 0 });
    this.closeTerminal(tab);
    this.opts.onTabsChanged(this.tabList());
  }

  /** Connects a browser terminal to a tab: replays its scrollback, then streams. */
  attach(tabId: string, client: TabClient, cols: number, rows: number): () => void {
    const tab = this.tabs.get(tabId);
    if (!tab) throw new UnknownTabError(`no terminal tab ${tabId}`);
    if (this.disposed) throw new Error('this lab session has ended');
    this.touch();
    tab.clients.add(client);
    client.send({ type: 'status', tab: { id: tab.id, host: tab.host }, tasks: this.tasksState });
    if (tab.scrollback) client.send({ type: 'output', data: tab.scrollback });
    tab.cols = cols;
    tab.rows = rows;
    if (!tab.terminal) this.startTerminal(tab);
    else this.safely(() => tab.terminal?.resize(cols, rows));
    this.safely(() => this.opts.onClientsChanged?.());
    return () => {
      if (!tab.clients.delete(client)) return;
      this.touch();
      this.safely(() => this.opts.onClientsChanged?.());
    };
  }

  input(tabId: string, data: string): void {
    const tab = this.tabs.get(tabId);
    if (!tab || this.disposed) return;
    this.touch();
    this.dirty = true;
    this.lastInputAt = this.opts.now();
    if (!tab.terminal) {
      // The shell ended (exit, Ctrl-D): a key starts a fresh login, like a new ssh session.
      this.startTerminal(tab);
      return;
    }
    this.safely(() => tab.terminal?.input(data));
  }

  resize(tabId: string, cols: number, rows: number): void {
    const tab = this.tabs.get(tabId);
    if (!tab) return;
    tab.cols = cols;
    tab.rows = rows;
    this.safely(() => tab.terminal?.resize(cols, rows));
  }

  private lastPollAt = 0;
  private lastActivityMark = '';
  private lastActivityAt = 0;

  /**
   * Whether a background re-check is worth its cost now. State changes come from
   * processes (each start and exit is in the event log) and keystrokes, and settle
   * within seconds (etcd elects itself, a loop finishes); an idle page is re-checked
   * only now and then. `Check` always runs.
   */
  wantsPoll(now: number): boolean {
    if (this.tasksState.every((t) => t.status === 'passed')) return false;
    const events = this.sandbox.events();
    const last = events[events.length - 1];
    const mark = `${events.length}|${last?.at ?? 0}|${this.lastInputAt}`;
    if (mark !== this.lastActivityMark) {
      this.lastActivityMark = mark;
      this.lastActivityAt = now;
    }
    const due = now - this.lastActivityAt < 15_000 || now - this.lastPollAt >= 30_000;
    if (due) this.lastPollAt = now;
    return due;
  }

  /** Runs the checks (one run at a time) and tells every attached page when states change. */
  check(mode: CheckMode): Promise<TaskState[]> {
    if (this.checking && mode === 'poll') return this.checking;
    const previous = this.checking ?? Promise.resolve(this.tasksState);
    const run = previous
      .catch(() => this.tasksState)
      .then(async () => {
        if (this.disposed) return this.tasksState;
        const ctx = createCheckContext(this.sandbox);
        const before = this.tasksState;
        const next = await runChecks(this.lab, ctx, before, { mode, now: this.opts.now() });
        if (this.disposed) return this.tasksState;
        const changed = !sameTaskStates(next, before);
        if (changed) {
          this.tasksState = next;
          this.opts.onTasksChanged(next);
          this.broadcast({ type: 'status', tasks: next });
        }
        // runChecks re-runs every check except those of tasks that had already passed.
        const passedBefore = new Set(before.filter((t) => t.status === 'passed').map((t) => t.id));
        const checkedIds = this.lab.tasks.map((t) => t.id).filter((id) => !passedBefore.has(id));
        this.safely(() => this.opts.onChecked?.({ tasks: this.tasksState, checkedIds, at: this.opts.now(), changed, mode }));
        return this.tasksState;
      });
    this.checking = run;
    void run.finally(() => {
      if (this.checking === run) this.checking = undefined;
    });
    return run;
  }

  broadcast(frame: ServerFrame): void {
    for (const tab of this.tabs.values()) for (const c of tab.clients) this.safely(() => c.send(frame));
  }

  snapshot(): Uint8Array {
    const data = this.sandbox.snapshot();
    this.dirty = false;
    return data;
  }

  /** Ends every terminal and the sandbox; attached pages are told the session ended. */
  dispose(reason: string): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const tab of this.tabs.values()) {
      for (const c of tab.clients) {
        this.safely(() => c.send({ type: 'status', closed: reason }));
        this.safely(() => c.close?.());
      }
      tab.clients.clear();
      this.closeTerminal(tab);
    }
    this.safely(() => this.sandbox.dispose());
    this.safely(() => this.opts.onClientsChanged?.());
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  private startTerminal(tab: Tab): void {
    const index = [...this.tabs.keys()].indexOf(tab.id);
    const session = this.safely(() =>
      this.sandbox.openTerminal({
        host: tab.host,
        user: 'learner',
        cols: tab.cols,
        rows: tab.rows,
        ttyName: `pts/${Math.max(0, index)}`,
        onOutput: (data) => {
          tab.scrollback = trimScrollback(tab.scrollback + data, this.opts.scrollbackBytes);
          for (const c of tab.clients) this.safely(() => c.send({ type: 'output', data }));
        },
        onExit: (code) => {
          if (tab.terminal === session) tab.terminal = undefined;
          const note = `\r\n[session ended with exit status ${code}; press any key for a new login]\r\n`;
          tab.scrollback = trimScrollback(tab.scrollback + note, this.opts.scrollbackBytes);
          for (const c of tab.clients) this.safely(() => c.send({ type: 'exit', code }));
        },
      }),
    );
    tab.terminal = session;
  }

  private closeTerminal(tab: Tab): void {
    const t = tab.terminal;
    tab.terminal = undefined;
    if (t) this.safely(() => t.close());
  }

  /** A throw from a learner's shell or program is logged, never allowed to reach the server. */
  private safely<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      this.opts.log(`learner ${this.learner} lab ${this.lab.id}: ${e instanceof Error ? e.message : String(e)}`, e);
      return undefined;
    }
  }
}

/** Keeps the tail of the output, cut at a line start where possible so escapes stay whole. */
export function trimScrollback(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(text.length - max);
  const nl = cut.indexOf('\n');
  if (nl >= 0 && nl < 4096) cut = cut.slice(nl + 1);
  return cut;
}
