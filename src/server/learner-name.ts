// Learner display names: what a learner may call themselves, and the stable pseudonym
// shown until they do. Names end up in the instructor's table and in exported grade
// files, so they are short, printable and free of markup or spreadsheet formulas.
import { createHash } from 'node:crypto';

export const MAX_NAME_LENGTH = 40;

const ADJECTIVES = [
  'amber', 'brave', 'calm', 'clever', 'eager', 'fair', 'gentle', 'happy', 'jolly', 'keen', 'lively', 'lucky', 'merry', 'nimble', 'plucky', 'proud',
  'quick', 'quiet', 'rapid', 'sharp', 'shy', 'snowy', 'steady', 'sunny', 'swift', 'tidy', 'witty', 'bold', 'bright', 'cosy', 'daring', 'noble',
];
const ANIMALS = [
  'badger', 'beaver', 'bison', 'crane', 'dolphin', 'eagle', 'falcon', 'ferret', 'gecko', 'heron', 'ibis', 'koala', 'lemur', 'lynx', 'marten', 'moose',
  'newt', 'otter', 'owl', 'panda', 'puffin', 'quail', 'raven', 'robin', 'seal', 'stoat', 'swan', 'tapir', 'walrus', 'wombat', 'yak', 'zebra',
];

/** A short name derived from the learner id: the same id always gives the same name. */
export function pseudonym(learnerId: string): string {
  const h = createHash('sha256').update(learnerId).digest();
  return `${ADJECTIVES[h[0]! % ADJECTIVES.length]}-${ANIMALS[h[1]! % ANIMALS.length]}-${String(h.readUInt16BE(2) % 100).padStart(2, '0')}`;
}

/**
 * Checks a name a learner typed. Letters and digits of any script, spaces, and . , ' _ -
 * inside; it must start with a letter or digit (so no `=cmd()` formula in a spreadsheet).
 * Returns the cleaned name (trimmed, inner runs of spaces folded), '' to go back to
 * the pseudonym, or an error in words.
 */
export function validateDisplayName(raw: unknown): { name: string } | { error: string } {
  if (typeof raw !== 'string') return { error: 'name must be a string' };
  const name = raw.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (name === '') return { name: '' };
  if ([...name].length > MAX_NAME_LENGTH) return { error: `name is longer than ${MAX_NAME_LENGTH} characters` };
  if (!/^[\p{L}\p{N}][\p{L}\p{M}\p{N} .,'_-]*$/u.test(name)) {
    return { error: "name may use letters, digits, spaces and . , ' _ - (starting with a letter or digit)" };
  }
  return { name };
}
