// Every built-in program, collected from src/sandbox/commands/index.ts.
import * as exported from './commands/index.ts';
import { createRegistry, type ProgramRegistry } from './programs.ts';
import type { Command } from './types.ts';

const isCommand = (v: unknown): v is Command =>
  typeof v === 'object' && v !== null && typeof (v as Command).name === 'string' && typeof (v as Command).run === 'function';

/** The default registry: all programs in commands/index.ts, by name. */
export const builtinPrograms: ProgramRegistry = createRegistry(Object.values(exported).filter(isCommand));
