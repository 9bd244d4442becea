// Every learner's lab sessions in this process: created on first visit (from the saved
// snapshot when there is one), kept while in use, saved and dropped when idle or when
// the process needs room. Sessions are keyed by learner and lab and never shared.
import type { Course } from '../lab/course.ts';
import { initialTaskStates } from '../lab/run-checks.ts';
import type { SandboxProvider } from '../lab/sandbox-port.ts';
import type { LabDefinition, TaskState } from '../lab/types.ts';
import type { DataStore } from './data-store.ts';
import { LabSession } from './lab-session.ts';
import { LearnerProfiles } from './learner-profiles.ts';

/** What the instructor view listens to: a learner's tasks, presence, reset or name changed. */
export type LearnerEvent =
  | { kind: 'tasks'; learner: string; labId: string }
  | { kind: 'presence'; learner: string }
  | { kind: 'reset'; learner: string; labId: string }
  | { kind: 'name'; learner: string };

export interface SessionLimits {
  /** Sandboxes alive at once in this process. */
  maxSandboxes: number;
  /** A session with no page attached for this long is saved and dropped. */
  idleMs: number;
  maxTabsPerLab: number;
  scrollbackBytes: number;
  /** How often open pages get their checks re-run. */
  checkIntervalMs: number;
  /** Input this long ago with no new input → the disk is saved. */
  saveAfterInputMs: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  maxSandboxes: 40,
  idleMs: 20 * 60_000,
  maxTabsPerLab: 6,
  scrollbackBytes: 256 * 1024,
  checkIntervalMs: 2000,
  saveAfterInputMs: 3000,
};

export class ServerFullError extends Error {}
export class UnknownLabError extends Error {}

export class SessionManager {
  private readonly sessions = new Map<string, LabSession>();
  private readonly opening = new Map<string, Promise<LabSession>>();
  private timers: ReturnType<typeof setInterval>[] = [];
  private readonly listeners = new Set<(e: LearnerEvent) => void>();
  /** Names, last activity and check times of every learner (see learner-profiles.ts). */
  readonly profiles: LearnerProfiles;

  constructor(
    private readonly deps: {
      course: Course;
      provider: SandboxProvider;
      store: DataStore;
      limits: SessionLimits;
      log: (msg: string, err?: unknown) => void;
      now?: () => number;
    },
  ) {
    this.profiles = new LearnerProfiles(deps.store, deps.log);
  }

  /** Subscribes to learner events; returns the unsubscribe function. */
  onEvent(fn: (e: LearnerEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(e: LearnerEvent): void {
    for (const fn of this.listeners) {
      try {
        fn(e);
      } catch (err) {
        this.deps.log('a learner event listener failed', err);
      }
    }
  }

  /** Live sessions of one learner (for online status and last activity). */
  liveSessions(learner: string): LabSession[] {
    return [...this.sessions.values()].filter((s) => s.learner === learner && !s.isDisposed);
  }

  /** Learners with a session in memory. */
  liveLearners(): string[] {
    return [...new Set([...this.sessions.values()].map((s) => s.learner))];
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** Starts the background work: checks for open pages, saving, eviction. */
  start(): void {
    const { limits } = this.deps;
    this.timers.push(setInterval(() => this.pollChecks(), limits.checkIntervalMs));
    this.timers.push(setInterval(() => this.maintain(), Math.min(5000, Math.max(500, limits.saveAfterInputMs))));
    for (const t of this.timers) t.unref();
  }

  lab(labId: string): LabDefinition {
    const lab = this.deps.course.lab(labId);
    if (!lab) throw new UnknownLabError(`no lab ${labId}`);
    return lab;
  }

  existing(learner: string, labId: string): LabSession | undefined {
    const s = this.sessions.get(key(learner, labId));
    return s && !s.isDisposed ? s : undefined;
  }

  count(): number {
    return this.sessions.size;
  }

  /** The learner's session for a lab, creating (or restoring) it when needed. */
  open(learner: string, labId: string): Promise<LabSession> {
    const lab = this.lab(labId);
    const k = key(learner, lab.id);
    const live = this.existing(learner, lab.id);
    if (live) {
      live.touch();
      return Promise.resolve(live);
    }
    const pending = this.opening.get(k);
    if (pending) return pending;
    const p = this.create(learner, lab).finally(() => this.opening.delete(k));
    this.opening.set(k, p);
    return p;
  }

  private async create(learner: string, lab: LabDefinition): Promise<LabSession> {
    this.makeRoom();
    const { store, provider, limits, log } = this.deps;
    const snapshot = store.readSnapshot(learner, lab.id);
    let sandbox;
    try {
      sandbox = await provider.create(lab, snapshot ? { snapshot } : {});
    } catch (e) {
      if (!snapshot) throw e;
      log(`learner ${learner} lab ${lab.id}: saved snapshot could not be restored, starting fresh`, e);
      sandbox = await provider.create(lab, {});
    }
    const saved = store.readProgress(learner).labs[lab.id];
    const tasks = mergeTasks(lab, saved);
    const session = new LabSession({
      learner,
      lab,
      sandbox,
      tasks,
      tabs: store.readTabs(learner, lab.id) ?? [],
      scrollbackBytes: limits.scrollbackBytes,
      maxTabs: limits.maxTabsPerLab,
      now: () => this.now(),
      log,
      onTasksChanged: (t) => this.persist(() => store.writeLabProgress(learner, lab.id, t)),
      onTabsChanged: (t) => this.persist(() => store.writeTabs(learner, lab.id, t)),
      onChecked: ({ checkedIds, at, changed, mode }) => {
        this.profiles.checked(learner, lab.id, checkedIds, at);
        if (changed || mode === 'explicit') this.emit({ kind: 'tasks', learner, labId: lab.id });
      },
      onClientsChanged: () => this.emit({ kind: 'presence', learner }),
    });
    this.profiles.touch(learner, this.now());
    this.sessions.set(key(learner, lab.id), session);
    return session;
  }

  /** Throws away the learner's hosts and progress for this lab; the next open is fresh. */
  async reset(learner: string, labId: string): Promise<LabSession> {
    await this.discard(learner, labId);
    return this.open(learner, labId);
  }

  /**
   * Reset without opening the fresh lab (the instructor's Reset): an open page is told
   * ("closed: reset") and reopens it; a learner who is away gets it on their next visit.
   */
  async discard(learner: string, labId: string): Promise<void> {
    const lab = this.lab(labId);
    const k = key(learner, lab.id);
    await this.opening.get(k)?.catch(() => undefined);
    const live = this.sessions.get(k);
    this.sessions.delete(k);
    live?.dispose('reset');
    this.deps.store.dropLab(learner, lab.id);
    this.deps.store.clearLabProgress(learner, lab.id);
    this.profiles.clearLab(learner, lab.id);
    this.emit({ kind: 'reset', learner, labId: lab.id });
  }

  /** Progress of every lab for a learner (live sessions first, then what is saved). */
  progress(learner: string): Record<string, TaskState[]> {
    const saved = this.deps.store.readProgress(learner).labs;
    const out: Record<string, TaskState[]> = {};
    for (const lab of this.deps.course.labs.values()) {
      out[lab.id] = this.existing(learner, lab.id)?.tasks ?? mergeTasks(lab, saved[lab.id]);
    }
    return out;
  }

  /** Saves one session's disk; a failure is logged and retried on the next round. */
  save(session: LabSession): void {
    this.persist(() => this.deps.store.writeSnapshot(session.learner, session.lab.id, session.snapshot()));
  }

  private pollChecks(): void {
    for (const s of this.sessions.values()) {
      if (s.clientCount() > 0 && s.wantsPoll(this.now())) s.check('poll').catch((e) => this.deps.log(`checks for ${s.learner}/${s.lab.id} failed`, e));
    }
  }

  /** Saves sessions that changed and drops the ones nobody uses. */
  maintain(): void {
    const now = this.now();
    for (const s of this.sessions.values()) this.profiles.touch(s.learner, s.lastActive);
    this.profiles.flush();
    for (const [k, s] of this.sessions) {
      if (s.dirty && now - s.lastInputAt >= this.deps.limits.saveAfterInputMs) this.save(s);
      if (s.clientCount() === 0 && now - s.lastActive >= this.deps.limits.idleMs) this.evict(k, s, 'idle');
    }
  }

  private evict(k: string, s: LabSession, reason: string): void {
    this.profiles.touch(s.learner, s.lastActive);
    this.save(s);
    this.sessions.delete(k);
    s.dispose(reason);
    this.deps.log(`evicted ${k} (${reason})`);
  }

  /** Frees a slot: the least recently used session without an open page goes first. */
  private makeRoom(): void {
    if (this.sessions.size + this.opening.size < this.deps.limits.maxSandboxes) return;
    const candidates = [...this.sessions.entries()].filter(([, s]) => s.clientCount() === 0).sort((a, b) => a[1].lastActive - b[1].lastActive);
    const victim = candidates[0];
    if (!victim) throw new ServerFullError(`the lab server is full (${this.deps.limits.maxSandboxes} sandboxes in use); try again later`);
    this.evict(victim[0], victim[1], 'room for another learner');
  }

  /** Saves every session and stops (server shutdown). */
  close(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    for (const s of this.sessions.values()) this.profiles.touch(s.learner, s.lastActive);
    this.profiles.flush();
    for (const [k, s] of this.sessions) {
      this.save(s);
      s.dispose('server shutting down');
      this.sessions.delete(k);
    }
  }

  private persist(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.deps.log('could not save learner state', e);
    }
  }
}

function key(learner: string, labId: string): string {
  return `${learner}/${labId}`;
}

/** Saved task states matched to the lab's current task list (tasks may have been added). */
function mergeTasks(lab: LabDefinition, saved: TaskState[] | undefined): TaskState[] {
  const byId = new Map((saved ?? []).map((t) => [t.id, t]));
  return initialTaskStates(lab).map((t) => {
    const s = byId.get(t.id);
    return s ? { ...s, title: t.title } : t;
  });
}
