// The PasswordHasher for real use (see password-hasher.ts): bcrypt in one worker thread, so
// a hash does not hold the event loop that serves everyone else.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { PasswordHasher } from './password-hasher.ts';

// The worker's code: bcryptjs's CommonJS build, one request at a time, answered by id.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const bcrypt = require(workerData.bcryptPath);
parentPort.on('message', ({ id, op, password, arg }) => {
  let result;
  try {
    result = op === 'hash' ? bcrypt.hashSync(password, arg) : bcrypt.compareSync(password, arg);
  } catch (e) {
    result = op === 'hash' ? { error: String(e && e.message || e) } : false;
  }
  parentPort.postMessage({ id, result });
});
`;

type Pending = { resolve: (v: string | boolean) => void; reject: (e: Error) => void };

/** A hasher backed by one worker thread, started at first use; it does not keep the process alive. */
export function workerPasswordHasher(): PasswordHasher {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const fail = (e: Error) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
    worker = undefined;
  };
  const call = (op: 'hash' | 'compare', password: string, arg: string): Promise<string | boolean> => {
    if (!worker) {
      const bcryptPath = createRequire(import.meta.url).resolve('bcryptjs');
      worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { bcryptPath } });
      worker.unref();
      worker.on('message', ({ id, result }: { id: number; result: string | boolean | { error: string } }) => {
        const p = pending.get(id);
        pending.delete(id);
        if (pending.size === 0) worker?.unref();
        if (!p) return;
        if (typeof result === 'object') p.reject(new Error(result.error));
        else p.resolve(result);
      });
      worker.on('error', fail);
      worker.on('exit', () => fail(new Error('password hashing worker exited')));
    }
    const id = nextId++;
    // Referenced only while a request waits: an idle worker must not keep the process alive.
    worker.ref();
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker!.postMessage({ id, op, password, arg });
    });
  };
  return {
    hash: async (password, salt) => String(await call('hash', password, salt)),
    compare: async (password, hash) => (await call('compare', password, hash)) === true,
  };
}
