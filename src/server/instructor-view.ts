// The instructor's view of the learners, built from the same task states the learners'
// pages show: the live session's when there is one, otherwise what is saved in the data
// dir (learners whose sessions were dropped from memory, or from before a restart).
import type { Course } from '../lab/course.ts';
import type { DataStore } from './data-store.ts';
import type { InstructorLab, InstructorLearner, InstructorOverview } from './instructor-types.ts';
import { pseudonym } from './learner-name.ts';
import type { SessionManager } from './session-manager.ts';

export class InstructorView {
  constructor(
    private readonly course: Course,
    private readonly sessions: SessionManager,
    private readonly store: DataStore,
  ) {}

  /** Labs that have tasks, in course order (lessons first, then any other lab). */
  labs(): InstructorLab[] {
    const ordered = [...new Set([...this.course.lessons.flatMap((l) => (l.lab ? [l.lab] : [])), ...this.course.labs.values()])];
    return ordered.filter((lab) => lab.tasks.length > 0).map((lab) => ({ id: lab.id, title: lab.title, tasks: lab.tasks.map((t) => ({ id: t.id, title: t.title })) }));
  }

  /** Every learner with saved state or a live session. */
  learnerIds(): string[] {
    return [...new Set([...this.store.listLearners(), ...this.sessions.liveLearners()])].sort();
  }

  has(learner: string): boolean {
    return this.store.hasLearner(learner) || this.sessions.liveLearners().includes(learner);
  }

  learner(id: string): InstructorLearner {
    const progress = this.sessions.progress(id);
    const profile = this.sessions.profiles.get(id);
    const live = this.sessions.liveSessions(id);
    const lastLive = Math.max(0, ...live.map((s) => s.lastActive));
    const lastActivity = Math.max(lastLive, profile.lastActivityAt ?? 0);
    const labs: InstructorLearner['labs'] = {};
    for (const lab of this.labs()) {
      const checked = profile.checkedAt?.[lab.id] ?? {};
      const tasks = (progress[lab.id] ?? []).map((t) => ({
        id: t.id,
        title: t.title,
        status: t.status,
        message: t.message,
        checkedAt: checked[t.id] ?? t.passedAt ?? null,
        passedAt: t.passedAt ?? null,
      }));
      labs[lab.id] = { passed: tasks.filter((t) => t.status === 'passed').length, total: tasks.length, tasks };
    }
    return {
      id,
      name: profile.displayName || pseudonym(id),
      named: !!profile.displayName,
      online: live.some((s) => s.clientCount() > 0),
      lastActivityAt: lastActivity || null,
      labs,
    };
  }

  overview(): InstructorOverview {
    return { labs: this.labs(), learners: this.learnerIds().map((id) => this.learner(id)) };
  }
}
