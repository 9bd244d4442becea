// The browser's view of the REST API (see src/server/app.ts).
import type { TaskState } from '../lab/types.ts';

export interface LessonSummary {
  id: string;
  number: number;
  title: string;
  summary: string;
  labId: string | null;
  hosts: string[];
  total: number;
  passed: number;
}

export interface PlaygroundSummary {
  labId: string;
  title: string;
  hosts: string[];
}

export interface TabInfo {
  id: string;
  host: string;
}

export interface LabView {
  id: string;
  title: string;
  lesson: { id: string; number: number; title: string; html: string } | null;
  /** HTML of a playground's intro (labs/<id>/intro.md), when there is no lesson. */
  intro?: string | null;
  hosts: { name: string; ip: string }[];
  tasks: TaskState[];
  tabs: TabInfo[];
}

export interface MyProfile {
  /** The display name (chosen, or the pseudonym). */
  name: string;
  named: boolean;
  pseudonym: string;
}

export async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: fall through */
  }
  if (!res.ok) {
    const msg = (data as { error?: string } | undefined)?.error ?? `${res.status} ${res.statusText}`;
    throw new Error(msg);
  }
  return data as T;
}

const lab = (id: string) => `/api/labs/${encodeURIComponent(id)}`;

export const api = {
  me: () => call<MyProfile>('GET', '/api/me'),
  setName: (name: string) => call<MyProfile>('PUT', '/api/me', { name }),
  lessons: () => call<{ lessons: LessonSummary[]; playgrounds: PlaygroundSummary[] }>('GET', '/api/lessons'),
  lab: (id: string) => call<LabView>('GET', lab(id)),
  check: (id: string) => call<{ tasks: TaskState[] }>('POST', `${lab(id)}/check`),
  reset: (id: string) => call<{ tasks: TaskState[]; tabs: TabInfo[] }>('POST', `${lab(id)}/reset`),
  addTab: (id: string, host: string) => call<{ tab: TabInfo; tabs: TabInfo[] }>('POST', `${lab(id)}/tabs`, { host }),
  closeTab: (id: string, tab: string) => call<{ tabs: TabInfo[] }>('DELETE', `${lab(id)}/tabs/${encodeURIComponent(tab)}`),
  terminalUrl(id: string, tab: string, cols: number, rows: number): string {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${proto}//${location.host}${lab(id)}/terminal?tab=${encodeURIComponent(tab)}&cols=${cols}&rows=${rows}`;
  },
};
