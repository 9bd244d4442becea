// The lesson page: the lesson on the left, terminal tabs on the right. Task cards in
// the lesson follow the server's task states; code blocks can be sent to the terminal.
import type { TaskState } from '../lab/types.ts';
import { api, type LabView, type TabInfo } from './api.ts';
import { el, setCrumbs, showError } from './dom.ts';
import { TerminalTab } from './terminal-tab.ts';

declare global {
  interface Window {
    /** For tests and the curious: the lab page's live state. */
    hardwayLab?: {
      labId: string;
      activeTab(): TerminalTab | undefined;
      tabs(): TerminalTab[];
      terminalText(tabId?: string): string;
    };
  }
}

export async function showLessonPage(root: HTMLElement, lessonId: string): Promise<void> {
  let view: LabView;
  try {
    view = await api.lab(lessonId);
  } catch (e) {
    showError(root, `Could not open lesson ${lessonId}: ${(e as Error).message}`);
    return;
  }
  document.title = `${view.lesson?.title ?? view.title} · hardway-lab`;
  setCrumbs([{ text: 'Course', href: '/' }, { text: view.lesson ? `${String(view.lesson.number).padStart(2, '0')} · ${view.lesson.title}` : view.title }]);
  new LessonPage(root, view).start();
}

class LessonPage {
  private readonly tabs = new Map<string, TerminalTab>();
  private activeId: string | undefined;
  private tabInfos: TabInfo[];
  private readonly lessonPane: HTMLElement;
  private readonly tabBar: HTMLElement;
  private readonly termHost: HTMLElement;
  private readonly progressText: HTMLElement;
  private readonly progressBar: HTMLElement;
  private readonly connection: HTMLElement;
  private readonly checkButton: HTMLButtonElement;
  /** This page asked for the reset (the server's "closed: reset" frame is then expected). */
  private resetting = false;

  constructor(
    private readonly root: HTMLElement,
    private readonly view: LabView,
  ) {
    this.tabInfos = view.tabs;
    root.replaceChildren();
    root.className = 'app lesson-layout';

    this.lessonPane = el('article', { class: 'lesson-pane' });
    const lessonBody = el('div', { class: 'lesson-body' });
    if (view.lesson) lessonBody.innerHTML = view.lesson.html; // rendered on the server by markdown-it (html disabled)
    else if (view.intro) lessonBody.innerHTML = view.intro; // a playground's intro.md, rendered the same way
    else lessonBody.append(el('h1', {}, view.title), el('p', {}, `Free play: ${view.hosts.map((h) => `${h.name} (${h.ip})`).join(', ')}. Open a terminal per host with +.`));
    this.lessonPane.append(lessonBody);

    this.progressBar = el('div', { class: 'progress-fill' });
    this.progressText = el('span', { class: 'progress-text' });
    this.checkButton = el('button', { class: 'btn btn-primary', type: 'button', 'data-action': 'check' }, 'Check') as HTMLButtonElement;
    const resetButton = el('button', { class: 'btn btn-ghost', type: 'button', 'data-action': 'reset', title: 'Throw the hosts away and start this lab again' }, 'Reset');
    this.connection = el('span', { class: 'connection', 'data-state': 'connecting', title: 'terminal connection' });
    const toolbar = el(
      'div',
      { class: 'lab-toolbar' },
      el('div', { class: 'progress' }, el('div', { class: 'progress-track' }, this.progressBar), this.progressText),
      this.connection,
      this.checkButton,
      resetButton,
    );

    this.tabBar = el('div', { class: 'tab-bar', role: 'tablist' });
    this.termHost = el('div', { class: 'terminal-host' });
    const termPane = el('section', { class: 'terminal-pane' }, el('div', { class: 'terminal-head' }, this.tabBar, toolbar), this.termHost);
    const divider = el('div', { class: 'divider', title: 'Drag to resize' });
    root.append(this.lessonPane, divider, termPane);

    this.checkButton.addEventListener('click', () => void this.checkNow());
    resetButton.addEventListener('click', () => void this.reset());
    lessonBody.addEventListener('click', (ev) => this.onLessonClick(ev));
    this.enableDivider(divider);
  }

  start(): void {
    this.renderTabs();
    this.applyTasks(this.view.tasks);
    const first = this.tabInfos[0];
    if (first) this.activate(first.id);
    window.hardwayLab = {
      labId: this.view.id,
      activeTab: () => (this.activeId ? this.tabs.get(this.activeId) : undefined),
      tabs: () => [...this.tabs.values()],
      terminalText: (tabId) => this.tabs.get(tabId ?? this.activeId ?? '')?.text() ?? '',
    };
  }

  private renderTabs(): void {
    this.tabBar.replaceChildren();
    for (const info of this.tabInfos) {
      const label = el('span', { class: 'tab-label' }, `${info.host}`, el('span', { class: 'tab-num' }, `#${info.id}`));
      const tab = el('div', { class: 'tab', role: 'tab', 'data-tab-id': info.id, 'aria-selected': String(info.id === this.activeId) }, label);
      if (this.tabInfos.length > 1) {
        const close = el('button', { class: 'tab-close', type: 'button', title: 'Close this terminal', 'aria-label': 'Close terminal' }, '×');
        close.addEventListener('click', (ev) => {
          ev.stopPropagation();
          void this.closeTab(info.id);
        });
        tab.append(close);
      }
      tab.addEventListener('click', () => this.activate(info.id));
      this.tabBar.append(tab);
    }
    const add = el('button', { class: 'tab-add', type: 'button', 'data-action': 'new-tab', title: 'Open another terminal' }, '+');
    add.addEventListener('click', (ev) => this.openAddMenu(ev.currentTarget as HTMLElement));
    this.tabBar.append(add);
  }

  private openAddMenu(anchor: HTMLElement): void {
    const hosts = this.view.hosts;
    if (hosts.length === 1) {
      void this.addTab(hosts[0]!.name);
      return;
    }
    document.querySelector('.tab-menu')?.remove();
    const menu = el('div', { class: 'tab-menu', role: 'menu' });
    for (const h of hosts) {
      const item = el('button', { type: 'button', role: 'menuitem', 'data-host': h.name }, `${h.name}`, el('span', { class: 'muted' }, ` ${h.ip}`));
      item.addEventListener('click', () => {
        menu.remove();
        void this.addTab(h.name);
      });
      menu.append(item);
    }
    const r = anchor.getBoundingClientRect();
    menu.style.left = `${r.left}px`;
    menu.style.top = `${r.bottom + 4}px`;
    document.body.append(menu);
    setTimeout(() => document.addEventListener('click', () => menu.remove(), { once: true }), 0);
  }

  private async addTab(host: string): Promise<void> {
    try {
      const { tab, tabs } = await api.addTab(this.view.id, host);
      this.tabInfos = tabs;
      this.renderTabs();
      this.activate(tab.id);
    } catch (e) {
      this.flash((e as Error).message);
    }
  }

  private async closeTab(id: string): Promise<void> {
    try {
      const { tabs } = await api.closeTab(this.view.id, id);
      this.tabs.get(id)?.dispose();
      this.tabs.delete(id);
      this.termHost.querySelector(`[data-term-id="${CSS.escape(id)}"]`)?.remove();
      this.tabInfos = tabs;
      if (this.activeId === id) this.activeId = undefined;
      this.renderTabs();
      this.activate(this.activeId ?? tabs[0]!.id);
    } catch (e) {
      this.flash((e as Error).message);
    }
  }

  private activate(id: string): void {
    const info = this.tabInfos.find((t) => t.id === id);
    if (!info) return;
    this.activeId = id;
    for (const tabEl of this.tabBar.querySelectorAll<HTMLElement>('.tab')) tabEl.setAttribute('aria-selected', String(tabEl.dataset.tabId === id));
    for (const box of this.termHost.querySelectorAll<HTMLElement>('.term-box')) box.hidden = box.dataset.termId !== id;
    let tab = this.tabs.get(id);
    if (!tab) {
      const box = el('div', { class: 'term-box', 'data-term-id': id });
      this.termHost.append(box);
      tab = new TerminalTab(this.view.id, info, box, {
        onStatus: (frame) => {
          if (frame.tasks) this.applyTasks(frame.tasks);
          if (frame.closed === 'reset' && !this.resetting) void this.afterReset();
          if (frame.error) this.flash(frame.error);
        },
        onConnection: (state) => {
          if (this.activeId === id) this.connection.dataset.state = state;
        },
      });
      this.tabs.set(id, tab);
    }
    tab.fitNow();
    tab.focus();
  }

  private onLessonClick(ev: MouseEvent): void {
    const button = (ev.target as HTMLElement).closest<HTMLButtonElement>('button[data-action]');
    if (!button) return;
    const block = button.closest('.code-block');
    const code = block?.querySelector('code')?.textContent ?? '';
    if (button.dataset.action === 'copy') {
      void navigator.clipboard?.writeText(code.replace(/\n$/, '')).then(
        () => this.pulse(button, 'Copied'),
        () => this.pulse(button, 'Copy failed'),
      );
    } else if (button.dataset.action === 'run') {
      const tab = this.activeId ? this.tabs.get(this.activeId) : undefined;
      if (!tab) return;
      // Each line goes in as if typed and followed by Enter.
      const text = code.replace(/\n+$/, '');
      tab.type(text.replace(/\n/g, '\r') + '\r');
      tab.focus();
      this.pulse(button, 'Sent');
    }
  }

  private pulse(button: HTMLButtonElement, text: string): void {
    const old = button.dataset.label ?? button.textContent ?? '';
    button.dataset.label = old;
    button.textContent = text;
    button.classList.add('pulsed');
    setTimeout(() => {
      button.textContent = old;
      button.classList.remove('pulsed');
    }, 900);
  }

  private async checkNow(): Promise<void> {
    this.checkButton.disabled = true;
    this.checkButton.textContent = 'Checking…';
    try {
      const { tasks } = await api.check(this.view.id);
      this.applyTasks(tasks);
    } catch (e) {
      this.flash((e as Error).message);
    } finally {
      this.checkButton.disabled = false;
      this.checkButton.textContent = 'Check';
    }
  }

  private async reset(): Promise<void> {
    if (!confirm('Reset this lab? Your hosts are thrown away and you start again on fresh ones.')) return;
    this.resetting = true;
    try {
      const { tasks, tabs } = await api.reset(this.view.id);
      this.tabInfos = tabs;
      this.applyTasks(tasks);
      await this.afterReset();
    } catch (e) {
      this.flash((e as Error).message);
    } finally {
      this.resetting = false;
    }
  }

  /** Drops every terminal and reconnects to the fresh sandbox. */
  private async afterReset(): Promise<void> {
    for (const t of this.tabs.values()) t.dispose();
    this.tabs.clear();
    this.termHost.replaceChildren();
    try {
      const view = await api.lab(this.view.id);
      this.tabInfos = view.tabs;
      this.applyTasks(view.tasks);
    } catch {
      /* keep what we have */
    }
    this.activeId = undefined;
    this.renderTabs();
    const first = this.tabInfos[0];
    if (first) this.activate(first.id);
  }

  applyTasks(tasks: TaskState[]): void {
    const passed = tasks.filter((t) => t.status === 'passed').length;
    this.progressText.textContent = `${passed} / ${tasks.length} tasks`;
    this.progressBar.style.width = tasks.length ? `${(100 * passed) / tasks.length}%` : '0%';
    for (const t of tasks) {
      const card = this.lessonPane.querySelector<HTMLElement>(`.task[data-task-id="${CSS.escape(t.id)}"]`);
      if (!card) continue;
      card.dataset.status = t.status;
      const statusText = card.querySelector('.task-status-text');
      if (statusText) statusText.textContent = t.status === 'passed' ? 'done' : t.status;
      const msg = card.querySelector<HTMLElement>('.task-message');
      if (msg) {
        const show = t.status === 'failed' || (t.status === 'passed' && !!t.message);
        msg.hidden = !show || !t.message;
        msg.textContent = t.message;
      }
    }
  }

  private flash(text: string): void {
    const note = el('div', { class: 'toast', role: 'status' }, text);
    document.body.append(note);
    setTimeout(() => note.remove(), 4000);
  }

  private enableDivider(divider: HTMLElement): void {
    divider.addEventListener('pointerdown', (ev) => {
      divider.setPointerCapture(ev.pointerId);
      const move = (e: PointerEvent) => {
        const pct = Math.min(75, Math.max(25, (100 * e.clientX) / window.innerWidth));
        this.root.style.setProperty('--lesson-width', `${pct}%`);
      };
      const up = () => {
        divider.removeEventListener('pointermove', move);
        for (const t of this.tabs.values()) t.fitNow();
      };
      divider.addEventListener('pointermove', move);
      divider.addEventListener('pointerup', up, { once: true });
    });
  }
}
