// The instructor's routes (every one needs the instructor token, see instructor-auth.ts):
//   GET  /instructor?token=…                       sets the instructor cookie, then the page
//   GET  /api/instructor/learners                  labs with their tasks + every learner's summary
//   GET  /api/instructor/learners/:id              one learner
//   POST /api/instructor/learners/:id/labs/:lab/reset   the learner's Reset, done for them
//   GET  /api/instructor/export?format=csv|json|junit[&lab=id]   grades of every learner
//   WS   /api/instructor/live                      learner summaries as they change (instructor-live.ts)
// And the learner's own name: GET /api/me, PUT /api/me {name}.
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Course } from '../lab/course.ts';
import { isValidLearnerId } from './data-store.ts';
import { EXPORT_FORMATS, exportGrades, type ExportFormat } from './grade-export.ts';
import { checkInstructor, instructorCookie, tokenMatches } from './instructor-auth.ts';
import type { InstructorView } from './instructor-view.ts';
import { pseudonym, validateDisplayName } from './learner-name.ts';
import type { SessionManager } from './session-manager.ts';

export interface InstructorRouteDeps {
  course: Course;
  sessions: SessionManager;
  view: InstructorView;
  token: string;
  /** Sends the web app's index.html (the page picks /instructor from the URL). */
  sendIndex: (req: Request, res: Response) => void;
}

type Handler = (req: Request, res: Response) => Promise<void> | void;
const wrap =
  (fn: Handler) =>
  (req: Request, res: Response, next: NextFunction): void => {
    Promise.resolve()
      .then(() => fn(req, res))
      .catch(next);
  };

const NO_ACCESS_PAGE = (why: string) =>
  `<!doctype html><meta charset="utf-8"><title>Instructor view · hardway-lab</title>` +
  `<p>${why} Open the instructor URL that <code>npm start</code> printed (it carries the token).</p>`;

/** Registers the instructor page and API; must come before the learner API's middleware. */
export function registerInstructorRoutes(app: Express, deps: InstructorRouteDeps): void {
  const { sessions, view, token, course } = deps;

  app.get('/instructor', (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    const fromUrl = typeof req.query.token === 'string' ? req.query.token : undefined;
    if (fromUrl !== undefined) {
      if (!tokenMatches(fromUrl, token)) {
        res.status(403).type('html').send(NO_ACCESS_PAGE('That instructor token is not valid.'));
        return;
      }
      // The cookie carries the token from now on; the address bar (and history) loses it.
      res.setHeader('Set-Cookie', instructorCookie(token));
      res.redirect(303, '/instructor');
      return;
    }
    const auth = checkInstructor(req, token);
    if (auth !== 'ok') {
      res.status(auth).type('html').send(NO_ACCESS_PAGE(auth === 401 ? 'This page is for the instructor.' : 'That instructor token is not valid.'));
      return;
    }
    deps.sendIndex(req, res);
  });

  const api = express.Router();
  api.use((req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    const auth = checkInstructor(req, token);
    if (auth !== 'ok') {
      res.status(auth).json({ error: auth === 401 ? 'instructor token required' : 'instructor token is not valid' });
      return;
    }
    // A state change must come from our own page (or a script with the header), not another site.
    const origin = req.headers.origin;
    if (req.method !== 'GET' && origin && req.headers.host && safeHost(origin) !== req.headers.host) {
      res.status(403).json({ error: 'cross-origin request refused' });
      return;
    }
    next();
  });

  const learnerParam = (req: Request, res: Response): string | undefined => {
    const id = String(req.params.id ?? '');
    if (!isValidLearnerId(id) || !view.has(id)) {
      res.status(404).json({ error: `no learner ${id}` });
      return undefined;
    }
    return id;
  };

  api.get(
    '/learners',
    wrap((_req, res) => {
      res.json(view.overview());
    }),
  );

  api.get(
    '/learners/:id',
    wrap((req, res) => {
      const id = learnerParam(req, res);
      if (id) res.json({ labs: view.labs(), learner: view.learner(id) });
    }),
  );

  api.post(
    '/learners/:id/labs/:lab/reset',
    wrap(async (req, res) => {
      const id = learnerParam(req, res);
      if (!id) return;
      const lab = course.lab(String(req.params.lab ?? ''));
      if (!lab) {
        res.status(404).json({ error: `no lab ${String(req.params.lab ?? '')}` });
        return;
      }
      await sessions.discard(id, lab.id);
      res.json({ learner: view.learner(id) });
    }),
  );

  api.get(
    '/export',
    wrap((req, res) => {
      const format = String(req.query.format ?? 'json') as ExportFormat;
      if (!EXPORT_FORMATS.includes(format)) {
        res.status(400).json({ error: `unknown format ${JSON.stringify(format)} (csv, json or junit)` });
        return;
      }
      const overview = view.overview();
      const labParam = req.query.lab;
      if (labParam !== undefined && labParam !== '' && labParam !== 'all') {
        const lab = course.lab(String(labParam));
        const listed = lab && overview.labs.find((l) => l.id === lab.id);
        if (!listed) {
          res.status(404).json({ error: `no lab with tasks ${JSON.stringify(String(labParam))}` });
          return;
        }
        overview.labs = [listed];
      }
      const out = exportGrades(overview, format, new Date());
      res.setHeader('Content-Type', out.contentType);
      res.setHeader('Content-Disposition', `attachment; filename="${out.fileName}"`);
      res.send(out.body);
    }),
  );

  api.use((_req, res) => {
    res.status(404).json({ error: 'no such instructor API' });
  });
  app.use('/api/instructor', api);
}

/** The learner's own name (behind the learner API's middleware: res.locals.learner is set). */
export function registerLearnerNameRoutes(app: Express, sessions: SessionManager): void {
  const me = (learner: string) => {
    const p = sessions.profiles.get(learner);
    return { name: p.displayName || pseudonym(learner), named: !!p.displayName, pseudonym: pseudonym(learner) };
  };
  app.get('/api/me', (_req, res) => {
    res.json(me(res.locals.learner as string));
  });
  app.put('/api/me', (req, res) => {
    const learner = res.locals.learner as string;
    const checked = validateDisplayName((req.body as { name?: unknown } | undefined)?.name);
    if ('error' in checked) {
      res.status(400).json({ error: checked.error });
      return;
    }
    sessions.profiles.setName(learner, checked.name);
    sessions.emit({ kind: 'name', learner });
    res.json(me(learner));
  });
}

export function safeHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}
