// sed's input files read into lines, remembering whether each ended in a newline (sed keeps
// a missing final newline missing); unreadable ones are reported and skipped with status 2.
import { resolvePath } from '../../platform/filesystem.ts';
import { reason } from '../commands/common.ts';
import { readAllText } from '../io.ts';
import type { CommandContext } from '../types.ts';

export interface Input {
  name: string;
  lines: string[];
  /** Whether the last line had a trailing newline. */
  finalNewline: boolean;
}

export async function readInputs(ctx: CommandContext, files: string[]): Promise<{ inputs: Input[]; status: number }> {
  const inputs: Input[] = [];
  let status = 0;
  for (const f of files.length ? files : ['-']) {
    let text: string;
    try {
      if (f === '-') text = await readAllText(ctx.stdin);
      else {
        const p = resolvePath(ctx.cwd, f);
        if (ctx.fs.stat(p).type === 'dir') {
          await ctx.stderr.write(`sed: couldn't edit ${f}: not a regular file\n`);
          status = 2;
          continue;
        }
        text = new TextDecoder().decode(ctx.fs.readFile(p));
      }
    } catch (e) {
      await ctx.stderr.write(`sed: can't read ${f}: ${reason(e)}\n`);
      status = 2;
      continue;
    }
    const finalNewline = text.endsWith('\n');
    const lines = text === '' ? [] : (finalNewline ? text.slice(0, -1) : text).split('\n');
    inputs.push({ name: f, lines, finalNewline });
  }
  return { inputs, status };
}
