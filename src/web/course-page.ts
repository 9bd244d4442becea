// The course page: every lesson in order, with how many of its tasks are done.
import { api, type LessonSummary, type MyProfile, type PlaygroundSummary } from './api.ts';
import { el, setCrumbs, showError } from './dom.ts';

export async function showCoursePage(root: HTMLElement): Promise<void> {
  setCrumbs([{ text: 'Course' }]);
  document.title = 'hardway-lab · course';
  let lessons: LessonSummary[];
  let playgrounds: PlaygroundSummary[];
  try {
    ({ lessons, playgrounds } = await api.lessons());
  } catch (e) {
    showError(root, `Could not load the course: ${(e as Error).message}`);
    return;
  }
  root.className = 'app course-layout';
  const list = el('ol', { class: 'lesson-list' });
  for (const l of lessons) {
    const done = l.total > 0 && l.passed === l.total;
    const pct = l.total ? Math.round((100 * l.passed) / l.total) : 0;
    const item = el(
      'li',
      { class: `lesson-card${done ? ' done' : ''}`, 'data-lesson-id': l.id, 'data-passed': String(l.passed), 'data-total': String(l.total) },
      el('a', { href: `/lessons/${encodeURIComponent(l.id)}`, class: 'lesson-link' },
        el('span', { class: 'lesson-num' }, String(l.number).padStart(2, '0')),
        el('span', { class: 'lesson-text' },
          el('span', { class: 'lesson-title' }, l.title),
          el('span', { class: 'lesson-summary' }, l.summary),
          el('span', { class: 'lesson-hosts' }, l.hosts.length ? `hosts: ${l.hosts.join(', ')}` : ''),
        ),
        el('span', { class: 'lesson-progress' },
          el('span', { class: 'progress-track' }, Object.assign(el('span', { class: 'progress-fill' }), { style: `width:${pct}%` })),
          el('span', { class: 'progress-text' }, l.total ? `${l.passed} / ${l.total}` : 'no tasks'),
        ),
      ),
    );
    const fill = item.querySelector<HTMLElement>('.progress-fill');
    if (fill) fill.style.width = `${pct}%`;
    list.append(item);
  }
  root.replaceChildren(
    el('section', { class: 'course-hero' },
      el('h1', {}, 'Kubernetes the hard way, hands on'),
      el('p', {}, 'Each lesson sits beside a terminal on small virtual Linux hosts. Type the commands, watch the tasks turn green: every check reads the real state of your hosts.'),
    ),
    nameForm(),
    lessons.length ? list : el('p', { class: 'muted' }, 'No lessons yet.'),
  );
  if (playgrounds.length) {
    const play = el('ul', { class: 'lesson-list playground-list' });
    for (const p of playgrounds) {
      play.append(
        el('li', { class: 'lesson-card playground', 'data-lab-id': p.labId },
          el('a', { href: `/lessons/${encodeURIComponent(p.labId)}`, class: 'lesson-link' },
            el('span', { class: 'lesson-num' }, '▸'),
            el('span', { class: 'lesson-text' }, el('span', { class: 'lesson-title' }, p.title), el('span', { class: 'lesson-hosts' }, `hosts: ${p.hosts.join(', ')}`)),
            el('span', { class: 'lesson-progress' }, el('span', { class: 'progress-text' }, 'free play')),
          ),
        ),
      );
    }
    root.append(el('h2', { class: 'section-title' }, 'Playgrounds'), play);
  }
}

/** "Your name in this workshop": what the instructor sees next to your progress. */
function nameForm(): HTMLElement {
  const input = el('input', { id: 'display-name', name: 'name', type: 'text', maxlength: '40', autocomplete: 'nickname', spellcheck: 'false' }) as HTMLInputElement;
  const save = el('button', { class: 'btn btn-ghost', type: 'submit' }, 'Save name') as HTMLButtonElement;
  const note = el('span', { class: 'name-note muted', role: 'status', 'aria-live': 'polite' });
  const form = el(
    'form',
    { class: 'name-form', 'data-role': 'display-name' },
    el('label', { for: 'display-name' }, 'Your name for the instructor'),
    input,
    save,
    note,
  ) as HTMLFormElement;
  const show = (me: MyProfile) => {
    input.placeholder = me.pseudonym;
    input.value = me.named ? me.name : '';
    form.dataset.name = me.name;
  };
  api.me().then(show, () => (note.textContent = 'Could not load your name.'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    save.disabled = true;
    api
      .setName(input.value)
      .then(
        (me) => {
          show(me);
          note.textContent = me.named ? `Saved: the instructor sees you as ${me.name}.` : `Cleared: the instructor sees you as ${me.name}.`;
        },
        (e: Error) => (note.textContent = e.message),
      )
      .finally(() => (save.disabled = false));
  });
  return form;
}
