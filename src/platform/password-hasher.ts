// bcrypt for etcd's auth store. One hash at etcd's default cost (10) is about 0.1 s of CPU.
// Go's etcd spends it on a goroutine; here the event loop runs every learner's session and
// every member in the process, so a hash made inline would stall all of them for that long
// at each `etcdctl --user …` call. workerPasswordHasher() (worker-password-hasher.ts) hashes
// in one worker thread instead. The simulation and unit tests hash inline: no threads, same results.
import bcrypt from 'bcryptjs';

export interface PasswordHasher {
  /** bcrypt of `password` with `salt` ("$2a$10$" and 22 salt characters), as Go's bcrypt writes it. */
  hash(password: string, salt: string): Promise<string>;
  /** Whether `password` matches the bcrypt `hash` (false for a malformed hash). */
  compare(password: string, hash: string): Promise<boolean>;
}

export const inlinePasswordHasher: PasswordHasher = {
  hash: async (password, salt) => bcrypt.hashSync(password, salt),
  compare: async (password, hash) => {
    try {
      return bcrypt.compareSync(password, hash);
    } catch {
      return false;
    }
  },
};
