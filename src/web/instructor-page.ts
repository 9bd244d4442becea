// The instructor's page (/instructor): learners × tasks, grouped by lab, kept current by
// the live socket; a failure's message on hover or click; Reset a learner's lab; exports.
// Everything a learner typed (their name) goes in as text, never as HTML.
import type { InstructorFrame, InstructorLab, InstructorLearner, InstructorOverview, InstructorTask } from '../server/instructor-types.ts';
import { call } from './api.ts';
import { el, setCrumbs, showError } from './dom.ts';

declare global {
  interface Window {
    /** For tests: the instructor page's live state. */
    hardwayInstructor?: { live(): 'connecting' | 'open' | 'closed'; learners(): InstructorLearner[] };
  }
}

const MARK: Record<InstructorTask['status'], string> = { passed: '✓', failed: '✗', pending: '·' };
const WORD: Record<InstructorTask['status'], string> = { passed: 'passed', failed: 'failed', pending: 'not checked' };

export async function showInstructorPage(root: HTMLElement): Promise<void> {
  setCrumbs([{ text: 'Course', href: '/' }, { text: 'Instructor' }]);
  document.title = 'Instructor · hardway-lab';
  let data: InstructorOverview;
  try {
    data = await call<InstructorOverview>('GET', '/api/instructor/learners');
  } catch (e) {
    showError(root, `Could not load the learners: ${(e as Error).message}`);
    return;
  }
  new InstructorPage(root, data).start();
}

class InstructorPage {
  private labs: InstructorLab[];
  private readonly learners = new Map<string, InstructorLearner>();
  private labFilter = 'all';
  private liveState: 'connecting' | 'open' | 'closed' = 'connecting';
  private ws: WebSocket | undefined;
  private retries = 0;
  private readonly table: HTMLTableElement;
  private readonly liveBadge: HTMLElement;
  private readonly countText: HTMLElement;
  private readonly detail: HTMLElement;
  private readonly labSelect: HTMLSelectElement;
  private readonly exportLinks: HTMLAnchorElement[] = [];

  constructor(
    private readonly root: HTMLElement,
    data: InstructorOverview,
  ) {
    this.labs = data.labs;
    for (const l of data.learners) this.learners.set(l.id, l);
    root.replaceChildren();
    root.className = 'app instructor-layout';

    this.liveBadge = el('span', { class: 'live-badge', 'data-state': 'connecting', role: 'status' }, 'connecting…');
    this.countText = el('span', { class: 'muted' });
    this.labSelect = el('select', { id: 'lab-filter' }) as HTMLSelectElement;
    this.fillLabSelect();
    this.labSelect.addEventListener('change', () => {
      this.labFilter = this.labSelect.value;
      this.render();
    });
    const exports = el('div', { class: 'export-buttons', role: 'group', 'aria-label': 'Export grades' }, el('span', { class: 'muted' }, 'Export'));
    for (const [format, label] of [
      ['csv', 'CSV'],
      ['json', 'JSON'],
      ['junit', 'JUnit'],
    ] as const) {
      const a = el('a', { class: 'btn btn-light', 'data-format': format, download: '', role: 'button' }, label) as HTMLAnchorElement;
      this.exportLinks.push(a);
      exports.append(a);
    }
    this.updateExportLinks();

    const head = el(
      'div',
      { class: 'instructor-head' },
      el('h1', {}, 'Instructor view'),
      this.liveBadge,
      this.countText,
      el('label', { for: 'lab-filter', class: 'filter-label' }, 'Lab'),
      this.labSelect,
      exports,
    );
    this.table = el('table', { class: 'progress-table' }) as HTMLTableElement;
    this.detail = el('div', { class: 'task-detail', role: 'status', 'aria-live': 'polite' }, 'Click a ✓ ✗ · mark to see what its check found.');
    root.append(head, el('div', { class: 'table-scroll' }, this.table), this.detail);
    this.table.addEventListener('click', (ev) => this.onTableClick(ev));
  }

  start(): void {
    this.render();
    this.connect();
    // "3 min ago" goes stale: refresh the activity column now and then.
    setInterval(() => {
      for (const cell of this.table.querySelectorAll<HTMLElement>('td.activity')) {
        const at = Number(cell.dataset.at);
        if (at) cell.firstElementChild!.textContent = ago(at);
      }
    }, 15_000);
    window.hardwayInstructor = { live: () => this.liveState, learners: () => [...this.learners.values()] };
  }

  private visibleLabs(): InstructorLab[] {
    return this.labFilter === 'all' ? this.labs : this.labs.filter((l) => l.id === this.labFilter);
  }

  private fillLabSelect(): void {
    this.labSelect.replaceChildren(el('option', { value: 'all' }, 'All labs'), ...this.labs.map((l) => el('option', { value: l.id }, `${l.id}`)));
    this.labSelect.value = this.labs.some((l) => l.id === this.labFilter) ? this.labFilter : 'all';
  }

  private updateExportLinks(): void {
    for (const a of this.exportLinks) {
      const lab = this.labFilter === 'all' ? '' : `&lab=${encodeURIComponent(this.labFilter)}`;
      a.href = `/api/instructor/export?format=${a.dataset.format}${lab}`;
      a.setAttribute('aria-label', `Export ${this.labFilter === 'all' ? 'all labs' : this.labFilter} as ${a.textContent}`);
    }
  }

  private render(): void {
    this.updateExportLinks();
    const labs = this.visibleLabs();
    const learners = this.sortedLearners();
    this.countText.textContent = `${learners.length} learner${learners.length === 1 ? '' : 's'}, ${learners.filter((l) => l.online).length} online`;

    const caption = el('caption', { class: 'sr-only' }, 'Task progress of every learner, grouped by lab');
    const groupRow = el('tr', {}, el('td', { colspan: '3', class: 'corner' }));
    const taskRow = el('tr', {}, el('th', { scope: 'col' }, 'Learner'), el('th', { scope: 'col' }, 'Online'), el('th', { scope: 'col' }, 'Last activity'));
    for (const lab of labs) {
      groupRow.append(el('th', { scope: 'colgroup', colspan: String(lab.tasks.length + 1), class: 'lab-head', title: lab.title }, lab.id));
      lab.tasks.forEach((t, i) => taskRow.append(el('th', { scope: 'col', class: 'task-head', title: t.title, 'aria-label': `${lab.id} ${t.id}: ${t.title}` }, String(i + 1))));
      taskRow.append(el('th', { scope: 'col', class: 'lab-total' }, 'Done'));
    }
    const colgroups = [el('colgroup', { span: '3' }), ...labs.map((l) => el('colgroup', { span: String(l.tasks.length + 1), class: 'lab-cols' }))];
    const body = el('tbody');
    for (const learner of learners) body.append(this.row(learner, labs));
    if (learners.length === 0) {
      const cols = 3 + labs.reduce((n, l) => n + l.tasks.length + 1, 0);
      body.append(el('tr', {}, el('td', { colspan: String(cols), class: 'muted empty' }, 'No learners yet. They appear here when they open the course.')));
    }
    this.table.replaceChildren(caption, ...colgroups, el('thead', {}, groupRow, taskRow), body);
  }

  private sortedLearners(): InstructorLearner[] {
    return [...this.learners.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  private row(learner: InstructorLearner, labs: InstructorLab[]): HTMLElement {
    const tr = el('tr', { 'data-learner-id': learner.id, 'data-online': String(learner.online) });
    const name = el('th', { scope: 'row', class: 'learner-name' }, learner.name);
    if (!learner.named) name.append(el('span', { class: 'muted pseudonym-note' }, ' (pseudonym)'));
    tr.append(
      name,
      el('td', { class: 'online' }, el('span', { class: `dot ${learner.online ? 'on' : 'off'}`, 'aria-hidden': 'true' }), el('span', { class: 'sr-only' }, learner.online ? 'online' : 'offline')),
      el('td', { class: 'activity', 'data-at': String(learner.lastActivityAt ?? 0), title: learner.lastActivityAt ? new Date(learner.lastActivityAt).toLocaleString() : '' }, el('span', {}, learner.lastActivityAt ? ago(learner.lastActivityAt) : '—')),
    );
    for (const lab of labs) {
      const progress = learner.labs[lab.id];
      for (const task of lab.tasks) {
        const state = progress?.tasks.find((t) => t.id === task.id);
        const status = state?.status ?? 'pending';
        const words = `${task.id}: ${WORD[status]}${state?.message ? ` — ${state.message}` : ''}`;
        tr.append(
          el(
            'td',
            { class: `mark ${status}`, 'data-lab-id': lab.id, 'data-task-id': task.id, 'data-status': status },
            el('button', { type: 'button', class: 'mark-button', title: words, 'aria-label': `${learner.name}, ${lab.id} ${words}` }, MARK[status]),
          ),
        );
      }
      const reset = el('button', { type: 'button', class: 'btn btn-light btn-small', 'data-action': 'reset', 'data-lab-id': lab.id, 'aria-label': `Reset lab ${lab.id} for ${learner.name}` }, 'Reset');
      tr.append(el('td', { class: 'lab-total', 'data-lab-id': lab.id }, el('span', { class: 'count' }, `${progress?.passed ?? 0}/${progress?.total ?? lab.tasks.length}`), reset));
    }
    return tr;
  }

  /** Replaces one learner's row (a live update), keeping the table's order. */
  private upsert(learner: InstructorLearner): void {
    const isNew = !this.learners.has(learner.id);
    const renamed = this.learners.get(learner.id)?.name !== learner.name;
    this.learners.set(learner.id, learner);
    const old = this.table.querySelector(`tr[data-learner-id="${CSS.escape(learner.id)}"]`);
    if (isNew || renamed || !old) {
      this.render();
      return;
    }
    old.replaceWith(this.row(learner, this.visibleLabs()));
    const online = [...this.learners.values()].filter((l) => l.online).length;
    this.countText.textContent = `${this.learners.size} learner${this.learners.size === 1 ? '' : 's'}, ${online} online`;
  }

  private onTableClick(ev: MouseEvent): void {
    const target = ev.target as HTMLElement;
    const tr = target.closest<HTMLElement>('tr[data-learner-id]');
    const learner = tr ? this.learners.get(tr.dataset.learnerId!) : undefined;
    if (!learner) return;
    const resetButton = target.closest<HTMLButtonElement>('button[data-action="reset"]');
    if (resetButton) {
      void this.reset(learner, resetButton.dataset.labId!, resetButton);
      return;
    }
    const cell = target.closest<HTMLElement>('td.mark');
    if (!cell) return;
    const lab = this.labs.find((l) => l.id === cell.dataset.labId);
    const task = learner.labs[cell.dataset.labId!]?.tasks.find((t) => t.id === cell.dataset.taskId);
    const title = lab?.tasks.find((t) => t.id === cell.dataset.taskId)?.title ?? cell.dataset.taskId!;
    const status = task?.status ?? 'pending';
    const when = task?.checkedAt ? `checked ${new Date(task.checkedAt).toLocaleTimeString()}` : 'never checked';
    this.detail.replaceChildren(
      el('strong', {}, learner.name),
      ` · ${cell.dataset.labId} · ${title}: `,
      el('span', { class: `detail-status ${status}` }, WORD[status]),
      ` (${when})`,
      el('div', { class: 'detail-message' }, task?.message || 'No message yet.'),
    );
  }

  private async reset(learner: InstructorLearner, labId: string, button: HTMLButtonElement): Promise<void> {
    if (!confirm(`Reset lab ${labId} for ${learner.name}? Their hosts are thrown away and their progress in this lab is cleared.`)) return;
    button.disabled = true;
    try {
      const { learner: fresh } = await call<{ learner: InstructorLearner }>('POST', `/api/instructor/learners/${encodeURIComponent(learner.id)}/labs/${encodeURIComponent(labId)}/reset`);
      this.upsert(fresh);
      this.detail.textContent = `Lab ${labId} was reset for ${fresh.name}.`;
    } catch (e) {
      this.detail.textContent = `Reset failed: ${(e as Error).message}`;
      button.disabled = false;
    }
  }

  private async refresh(): Promise<void> {
    try {
      const data = await call<InstructorOverview>('GET', '/api/instructor/learners');
      this.labs = data.labs;
      this.learners.clear();
      for (const l of data.learners) this.learners.set(l.id, l);
      this.fillLabSelect();
      this.labFilter = this.labSelect.value;
      this.render();
    } catch (e) {
      this.detail.textContent = `Could not refresh: ${(e as Error).message}`;
    }
  }

  private setLive(state: 'connecting' | 'open' | 'closed'): void {
    this.liveState = state;
    this.liveBadge.dataset.state = state;
    this.liveBadge.textContent = state === 'open' ? 'live' : state === 'connecting' ? 'connecting…' : 'offline, retrying';
  }

  private connect(): void {
    this.setLive('connecting');
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${proto}//${location.host}/api/instructor/live`);
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.retries = 0;
      this.setLive('open');
      // Changes while we were away are not replayed: start from the full list.
      if (this.hadConnection) void this.refresh();
      this.hadConnection = true;
    };
    ws.onmessage = (ev) => {
      let frame: InstructorFrame;
      try {
        frame = JSON.parse(String(ev.data)) as InstructorFrame;
      } catch {
        return;
      }
      if (frame.type === 'learner') this.upsert(frame.learner);
      else if (frame.type === 'resync') void this.refresh();
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.setLive('closed');
      if (!opened) this.retries++;
      const delay = Math.min(10_000, 500 * 2 ** Math.min(this.retries, 5));
      setTimeout(() => this.connect(), delay);
    };
  }

  private hadConnection = false;
}

function ago(at: number): string {
  const s = Math.max(0, Math.round((Date.now() - at) / 1000));
  if (s < 10) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return new Date(at).toLocaleDateString();
}
