// The builtin table: bash runs these inside the shell, before looking in PATH.
import * as core from './core.ts';
import { echo, printf, read } from './echo-printf.ts';
import { bg, disown, fg, jobs, kill, wait } from './jobs.ts';
import { exec, hash, history, makeCommand, makeHelp, makeType } from './misc.ts';
import { dirs, popd, pushd } from './dirs.ts';
import { getopts } from './getopts.ts';
import { shopt, trap } from './shopt-trap.ts';
import { test } from './test.ts';
import { ulimit } from './ulimit.ts';
import type { Builtin } from './types.ts';

export type { Builtin } from './types.ts';

const table = new Map<string, Builtin>([
  [':', core.colon],
  ['true', core.colon],
  ['false', core.falseBuiltin],
  ['cd', core.cd],
  ['pwd', core.pwd],
  ['export', core.exportBuiltin],
  ['unset', core.unset],
  ['set', core.set],
  ['shift', core.shift],
  ['exit', core.exit],
  ['logout', core.exit],
  ['return', core.returnBuiltin],
  ['break', core.loopControl('break')],
  ['continue', core.loopControl('continue')],
  ['source', core.source],
  ['.', core.source],
  ['eval', core.evalBuiltin],
  ['local', core.local],
  ['declare', core.declare],
  ['typeset', core.declare],
  ['readonly', core.readonlyBuiltin],
  ['let', core.letBuiltin],
  ['umask', core.umask],
  ['alias', core.alias],
  ['unalias', core.unalias],
  ['echo', echo],
  ['printf', printf],
  ['read', read],
  ['test', test],
  ['[', test],
  ['jobs', jobs],
  ['fg', fg],
  ['bg', bg],
  ['kill', kill],
  ['wait', wait],
  ['disown', disown],
  ['history', history],
  ['exec', exec],
  ['hash', hash],
  ['shopt', shopt],
  ['getopts', getopts],
  ['pushd', pushd],
  ['popd', popd],
  ['dirs', dirs],
  ['ulimit', ulimit],
  ['trap', trap],
]);
table.set('type', makeType(table));
table.set('command', makeCommand(table));
table.set('help', makeHelp(table));

/** Builtins by name. `[[` is internal (used by the [[ … ]] compound command only). */
export const BUILTINS: ReadonlyMap<string, Builtin> = table;
export const INTERNAL_BUILTINS: ReadonlyMap<string, Builtin> = new Map([['[[', test]]);
