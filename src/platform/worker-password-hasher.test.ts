import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inlinePasswordHasher } from './password-hasher.ts';
import { workerPasswordHasher } from './worker-password-hasher.ts';

const SALT = '$2a$10$abcdefghijklmnopqrstuu';

test('the worker hashes and compares as bcrypt inline does, including a hash Go made', async () => {
  const worker = workerPasswordHasher();
  const [a, b] = await Promise.all([worker.hash('secret', SALT), inlinePasswordHasher.hash('secret', SALT)]);
  assert.equal(a, b);
  assert.equal(await worker.compare('secret', a), true);
  assert.equal(await worker.compare('Secret', a), false);
  assert.equal(await worker.compare('pw', '$2a$10$abcdefghijklmnopqrstuuj7m4XYqbm74SxoBcXyw8to0CQ061DVG'), true);
  assert.equal(await worker.compare('pw', 'not a hash'), false);
  await assert.rejects(worker.hash('pw', 'bad salt'), /salt/i);
});

test('while the worker hashes, the event loop goes on (inline, it is held for the whole hash)', async () => {
  const turnsDuring = async (hash: () => Promise<string>) => {
    let turns = 0;
    let done = false;
    const spin = async () => {
      while (!done) {
        await new Promise((r) => setImmediate(r));
        turns++;
      }
    };
    const spinning = spin();
    await hash();
    done = true;
    await spinning;
    return turns;
  };
  const worker = workerPasswordHasher();
  await worker.hash('warm-up', SALT); // starting the thread is not what is measured
  assert.ok((await turnsDuring(() => worker.hash('secret', SALT))) > 1);
  assert.ok((await turnsDuring(() => inlinePasswordHasher.hash('secret', SALT))) <= 1);
});
