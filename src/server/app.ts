// The lab server: the course pages, the REST API and the terminal bridge (WebSocket).
//   GET  /api/lessons              the course: lessons with the learner's progress
//   GET  /api/labs/:id             rendered lesson, hosts, tasks and tabs (starts the lab)
//   POST /api/labs/:id/check       runs the checks now
//   POST /api/labs/:id/reset       a fresh sandbox for this lab
//   POST /api/labs/:id/tabs        {host} → a new terminal tab
//   DELETE /api/labs/:id/tabs/:tab
//   GET  /api/progress             every lab's task states
//   WS   /api/labs/:id/terminal?tab=1&cols=80&rows=24   typed JSON frames (frames.ts)
//   GET/PUT /api/me                  the learner's display name
//   /instructor, /api/instructor/…   the instructor's view (instructor-routes.ts, token required)
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Course } from '../lab/course.ts';
import type { SandboxProvider } from '../lab/sandbox-port.ts';
import { DataStore } from './data-store.ts';
import { parseClientFrame, type ServerFrame } from './frames.ts';
import { checkInstructor, newInstructorToken } from './instructor-auth.ts';
import { DEFAULT_INSTRUCTOR_LIVE_LIMITS, InstructorLive, type InstructorLiveLimits } from './instructor-live.ts';
import { registerInstructorRoutes, registerLearnerNameRoutes, safeHost } from './instructor-routes.ts';
import { InstructorView } from './instructor-view.ts';
import { TabLimitError, UnknownHostError, UnknownTabError } from './lab-session.ts';
import { ensureLearner, learnerFromRequest } from './learner-cookie.ts';
import { RateLimiter, type RateLimit } from './rate-limit.ts';
import { DEFAULT_SESSION_LIMITS, ServerFullError, SessionManager, UnknownLabError, type SessionLimits } from './session-manager.ts';

export interface LabServerOptions {
  course: Course;
  provider: SandboxProvider;
  dataDir: string;
  /** Directory of the built browser app (index.html, app.js, app.css). */
  webDir: string;
  limits?: Partial<SessionLimits>;
  /** Largest WebSocket frame a browser may send. */
  maxFrameBytes?: number;
  apiRate?: RateLimit;
  inputRate?: RateLimit;
  log?: (msg: string, err?: unknown) => void;
  /** The instructor's secret (a random one when not given). */
  instructorToken?: string;
  instructorLive?: Partial<InstructorLiveLimits>;
}

export interface LabServer {
  readonly sessions: SessionManager;
  readonly http: http.Server;
  /** Needed for /instructor and /api/instructor (see instructorUrl). */
  readonly instructorToken: string;
  /** The address an instructor opens once (it sets the instructor cookie). */
  instructorUrl(baseUrl: string): string;
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

export function createLabServer(opts: LabServerOptions): LabServer {
  const log = opts.log ?? ((msg: string, err?: unknown) => console.error(`[lab-server] ${msg}`, err ?? ''));
  const store = new DataStore(opts.dataDir);
  const limits = { ...DEFAULT_SESSION_LIMITS, ...(opts.limits ?? {}) };
  const sessions = new SessionManager({ course: opts.course, provider: opts.provider, store, limits, log });
  const apiLimiter = new RateLimiter(opts.apiRate ?? { perSecond: 20, burst: 60 });
  const inputLimiter = new RateLimiter(opts.inputRate ?? { perSecond: 300, burst: 2000 });
  const maxFrameBytes = opts.maxFrameBytes ?? 64 * 1024;
  const instructorToken = opts.instructorToken ?? newInstructorToken();
  const instructorView = new InstructorView(opts.course, sessions, store);
  const instructorLive = new InstructorLive(instructorView, sessions, { ...DEFAULT_INSTRUCTOR_LIVE_LIMITS, ...(opts.instructorLive ?? {}) }, log);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(express.json({ limit: '16kb' }));

  // Before the learner API's middleware: instructor requests are not learners.
  registerInstructorRoutes(app, { course: opts.course, sessions, view: instructorView, token: instructorToken, sendIndex: (req, res) => sendIndexFile(res) });

  app.use('/api', (req, res, next) => {
    const learner = ensureLearner(req, res);
    res.locals.learner = learner;
    res.setHeader('Cache-Control', 'no-store');
    if (!apiLimiter.take(learner)) {
      res.status(429).json({ error: 'too many requests; slow down' });
      return;
    }
    next();
  });

  registerLearnerNameRoutes(app, sessions);

  const wrap =
    (fn: (req: Request, res: Response) => Promise<void> | void) =>
    (req: Request, res: Response, next: NextFunction): void => {
      Promise.resolve()
        .then(() => fn(req, res))
        .catch(next);
    };
  const learnerOf = (res: Response) => res.locals.learner as string;
  const labIdOf = (req: Request) => String(req.params.id ?? '');

  app.get(
    '/api/lessons',
    wrap((_req, res) => {
      const progress = sessions.progress(learnerOf(res));
      const usedLabs = new Set(opts.course.lessons.map((l) => l.lab?.id));
      res.json({
        // Labs no lesson uses (a playground: hosts to play on, no tasks).
        playgrounds: [...opts.course.labs.values()]
          .filter((lab) => !usedLabs.has(lab.id))
          .map((lab) => ({ labId: lab.id, title: lab.title, hosts: lab.topology.hosts.map((h) => h.name) })),
        lessons: opts.course.lessons.map((l) => {
          const tasks = l.lab ? (progress[l.lab.id] ?? []) : [];
          return {
            id: l.id,
            number: l.number,
            title: l.title,
            summary: l.summary,
            labId: l.lab?.id ?? null,
            hosts: l.lab?.topology.hosts.map((h) => h.name) ?? [],
            total: tasks.length,
            passed: tasks.filter((t) => t.status === 'passed').length,
          };
        }),
      });
    }),
  );

  app.get(
    '/api/progress',
    wrap((_req, res) => {
      const progress = sessions.progress(learnerOf(res));
      res.json({
        learner: learnerOf(res),
        labs: Object.fromEntries(
          Object.entries(progress).map(([id, tasks]) => [id, { total: tasks.length, passed: tasks.filter((t) => t.status === 'passed').length, tasks }]),
        ),
      });
    }),
  );

  app.get(
    '/api/labs/:id',
    wrap(async (req, res) => {
      const session = await sessions.open(learnerOf(res), labIdOf(req));
      const lesson = opts.course.lessons.find((l) => l.lab?.id === session.lab.id);
      res.json({
        id: session.lab.id,
        title: session.lab.title,
        lesson: lesson ? { id: lesson.id, number: lesson.number, title: lesson.title, html: lesson.html } : null,
        // A lab without a lesson (a playground) may bring its own page text.
        intro: lesson ? null : (opts.course.intros?.get(session.lab.id) ?? null),
        hosts: session.lab.topology.hosts,
        tasks: session.tasks,
        tabs: session.tabList(),
      });
    }),
  );

  app.post(
    '/api/labs/:id/check',
    wrap(async (req, res) => {
      const session = await sessions.open(learnerOf(res), labIdOf(req));
      const tasks = await session.check('explicit');
      res.json({ tasks });
    }),
  );

  app.post(
    '/api/labs/:id/reset',
    wrap(async (req, res) => {
      const session = await sessions.reset(learnerOf(res), labIdOf(req));
      res.json({ tasks: session.tasks, tabs: session.tabList() });
    }),
  );

  app.post(
    '/api/labs/:id/tabs',
    wrap(async (req, res) => {
      const session = await sessions.open(learnerOf(res), labIdOf(req));
      const body = (req.body ?? {}) as { host?: unknown };
      const host = typeof body.host === 'string' ? body.host : session.lab.topology.hosts[0]!.name;
      res.status(201).json({ tab: session.addTab(host), tabs: session.tabList() });
    }),
  );

  app.delete(
    '/api/labs/:id/tabs/:tab',
    wrap(async (req, res) => {
      const session = await sessions.open(learnerOf(res), labIdOf(req));
      session.closeTab(String(req.params.tab ?? ''));
      res.json({ tabs: session.tabList() });
    }),
  );

  app.use('/api', (_req, res) => {
    res.status(404).json({ error: 'no such API' });
  });

  // The browser app: built assets, and index.html for every page route.
  app.use('/assets', express.static(opts.webDir, { index: false, maxAge: 0 }));
  const indexFile = path.join(opts.webDir, 'index.html');
  const sendIndex = (req: Request, res: Response) => {
    ensureLearner(req, res);
    sendIndexFile(res);
  };
  function sendIndexFile(res: Response): void {
    if (!existsSync(indexFile)) {
      res.status(503).type('text').send('The web app is not built yet: run `npm run build:web`.');
      return;
    }
    res.setHeader('Cache-Control', 'no-store');
    res.sendFile(indexFile);
  }
  app.get('/', sendIndex);
  app.get('/lessons/:id', sendIndex);

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const { status, message } = describeError(err);
    if (status >= 500) log('request failed', err);
    if (!res.headersSent) res.status(status).json({ error: message });
  });

  const server = http.createServer(app);
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes });

  server.on('upgrade', (req, socket, head) => {
    const reject = (code: number, text: string) => {
      socket.end(`HTTP/1.1 ${code} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    socket.on('error', () => undefined);
    // A malformed URL, Origin or %-escape must answer 400, not throw out of the event
    // handler (which would take the whole server, every learner's session, down).
    try {
      upgrade(req, socket, head, reject);
    } catch {
      reject(400, 'Bad Request');
    }
  });

  function upgrade(req: import('node:http').IncomingMessage, socket: import('node:stream').Duplex, head: Buffer, reject: (code: number, text: string) => void): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/api/instructor/live') {
      const origin = req.headers.origin;
      if (origin && req.headers.host && safeHost(origin) !== req.headers.host) return reject(403, 'Forbidden');
      const auth = checkInstructor(req, instructorToken);
      if (auth !== 'ok') return reject(auth, auth === 401 ? 'Unauthorized' : 'Forbidden');
      return instructorLive.handleUpgrade(req, socket, head, reject);
    }
    const m = /^\/api\/labs\/([^/]+)\/terminal$/.exec(url.pathname);
    if (!m) return reject(404, 'Not Found');
    const origin = req.headers.origin;
    if (origin && req.headers.host && safeHost(origin) !== req.headers.host) return reject(403, 'Forbidden');
    const learner = learnerFromRequest(req);
    if (!learner) return reject(401, 'Unauthorized');
    const labId = decodeURIComponent(m[1]!);
    const tabId = url.searchParams.get('tab') ?? '1';
    const cols = clampInt(url.searchParams.get('cols'), 2, 1000, 80);
    const rows = clampInt(url.searchParams.get('rows'), 1, 500, 24);
    sessions.open(learner, labId).then(
      (session) =>
        wss.handleUpgrade(req, socket, head, (ws) => {
          bridge(ws, learner, session, tabId, cols, rows);
        }),
      (err) => {
        const { status, message } = describeError(err);
        if (status >= 500) log('terminal upgrade failed', err);
        reject(status, message.replace(/[\r\n]/g, ' '));
      },
    );
  }

  function bridge(ws: WebSocket, learner: string, session: Awaited<ReturnType<SessionManager['open']>>, tabId: string, cols: number, rows: number) {
    const send = (frame: ServerFrame) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    };
    let detach: (() => void) | undefined;
    try {
      detach = session.attach(tabId, { send, close: () => ws.close(4000, 'session ended') }, cols, rows);
    } catch (e) {
      send({ type: 'status', error: describeError(e).message });
      ws.close(4404, 'no such tab');
      return;
    }
    ws.on('message', (raw, isBinary) => {
      if (isBinary) return send({ type: 'status', error: 'binary frames are not accepted' });
      const text = raw.toString();
      const frame = parseClientFrame(text);
      if ('error' in frame) return send({ type: 'status', error: frame.error });
      if (frame.type === 'input') {
        if (!inputLimiter.take(learner, Math.max(1, Math.ceil(frame.data.length / 64)))) {
          return send({ type: 'status', error: 'input arrives too fast; some keystrokes were dropped' });
        }
        session.input(tabId, frame.data);
      } else {
        session.resize(tabId, frame.cols, frame.rows);
      }
    });
    ws.on('error', (e) => log('terminal socket error', e));
    ws.on('close', () => detach?.());
  }

  return {
    sessions,
    http: server,
    instructorToken,
    instructorUrl: (baseUrl) => `${baseUrl}/instructor?token=${encodeURIComponent(instructorToken)}`,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          sessions.start();
          const addr = server.address() as AddressInfo;
          const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
          resolve(`http://${shownHost}:${addr.port}`);
        });
      });
    },
    async close() {
      instructorLive.close();
      sessions.close();
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function describeError(err: unknown): { status: number; message: string } {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof UnknownLabError || err instanceof UnknownTabError) return { status: 404, message };
  if (err instanceof UnknownHostError) return { status: 400, message };
  if (err instanceof TabLimitError) return { status: 409, message };
  if (err instanceof ServerFullError) return { status: 503, message };
  const status = (err as { status?: unknown; statusCode?: unknown })?.status ?? (err as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return { status, message };
  return { status: 500, message: 'internal error (logged on the server)' };
}

function clampInt(v: string | null, min: number, max: number, dflt: number): number {
  const n = Number(v);
  return Number.isInteger(n) && n >= min && n <= max ? n : dflt;
}
