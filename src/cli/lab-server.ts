// `npm start`: builds the browser app if needed and serves the lab.
//   PORT (default 8080), HOST (default 127.0.0.1), DATA_DIR (default .data),
//   INSTRUCTOR_TOKEN (default: a new random one each start; printed in the instructor URL)
import path from 'node:path';
import { ensureWebBuilt } from '../../scripts/build-web.ts';
import { loadCourse, PROJECT_ROOT } from '../lab/course.ts';
import { realSandboxProvider } from '../lab/sandbox-provider.ts';
import { createLabServer } from '../server/app.ts';
import { validateInstructorToken } from '../server/instructor-auth.ts';

function log(msg: string, err?: unknown): void {
  const when = new Date().toISOString();
  if (err === undefined) console.error(`${when} ${msg}`);
  else console.error(`${when} ${msg}:`, err instanceof Error ? (err.stack ?? err.message) : err);
}

async function main(): Promise<void> {
  // A learner's program that throws or rejects where nobody listens must not end the
  // server for everyone else: log it and carry on.
  process.on('uncaughtException', (e) => log('uncaught exception (server keeps running)', e));
  process.on('unhandledRejection', (e) => log('unhandled rejection (server keeps running)', e));

  const port = process.env.PORT === undefined ? 8080 : Number(process.env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, not ${JSON.stringify(process.env.PORT)}`);
  const host = process.env.HOST || '127.0.0.1';
  const dataDir = path.resolve(process.env.DATA_DIR || path.join(PROJECT_ROOT, '.data'));

  const instructorToken = process.env.INSTRUCTOR_TOKEN || undefined;
  const tokenProblem = instructorToken === undefined ? undefined : validateInstructorToken(instructorToken);
  if (tokenProblem) throw new Error(tokenProblem);

  const webDir = await ensureWebBuilt();
  const course = await loadCourse();
  const server = createLabServer({ course, provider: realSandboxProvider, dataDir, webDir, log, instructorToken });
  const url = await server.listen(port, host);
  console.log(`hardway-lab is serving ${course.lessons.length} lesson(s) on ${url}  (data in ${dataDir})`);
  console.log(`instructor view (keep this URL to yourself): ${server.instructorUrl(url)}`);

  let stopping = false;
  const stop = (sig: string) => {
    if (stopping) return;
    stopping = true;
    log(`${sig}: saving learner state and stopping`);
    server.close().then(
      () => process.exit(0),
      (e) => {
        log('shutdown failed', e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e) => {
  console.error(`lab-server: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
