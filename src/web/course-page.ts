// The course page: every lesson in order, with how many of its tasks are done.
import { api, type LessonSummary, type PlaygroundSummary } from './api.ts';
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
