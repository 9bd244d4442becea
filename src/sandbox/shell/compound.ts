// Compound commands: ( … ), { … }, if, while/until, for, for ((…)), case, ((…)), [[ … ]].
import type { Command, Script, Word } from './ast.ts';
import { INTERNAL_BUILTINS } from './builtins/index.ts';
import { arith, expandPattern, expandString, expandWords } from './expand.ts';
import type { IO, ShellContext } from './shell-context.ts';
import { patternMatches } from './pattern.ts';
import { ExitSignal, LoopSignal } from './state.ts';

type Compound = Exclude<Command, { type: 'simple' } | { type: 'function' }>;

export async function runCompound(sh: ShellContext, cmd: Compound, rio: IO): Promise<number> {
  switch (cmd.type) {
    case 'subshell': {
      const sub = sh.subshell();
      try {
        return await sub.runScript(cmd.body, rio);
      } catch (e) {
        if (e instanceof ExitSignal) return e.status;
        throw e;
      }
    }
    case 'group':
      return sh.runScript(cmd.body, rio);
    case 'if': {
      for (const c of cmd.clauses) {
        if ((await runCondition(sh, c.cond, rio)) === 0) return sh.runScript(c.body, rio);
      }
      return cmd.elseBody ? sh.runScript(cmd.elseBody, rio) : 0;
    }
    case 'while':
      return loop(sh, async () => {
        const c = await runCondition(sh, cmd.cond, rio);
        return cmd.until ? c !== 0 : c === 0;
      }, () => sh.runScript(cmd.body, rio));
    case 'for': {
      // bash sets its line to the loop's at every round: reports from inside name that line.
      if (cmd.line !== undefined) sh.rt.reportLine = cmd.line;
      const items = cmd.items ? await expandWords(sh.expandContext(rio), cmd.items) : [...sh.state.positional];
      let i = 0;
      return loop(sh, async () => {
        if (i >= items.length) return false;
        sh.state.set(cmd.name, items[i++]!);
        return true;
      }, () => sh.runScript(cmd.body, rio));
    }
    case 'arith-for': {
      if (cmd.line !== undefined) sh.rt.reportLine = cmd.line;
      if (cmd.init.trim()) arith(sh, cmd.init);
      let first = true;
      return loop(sh, async () => {
        if (!first && cmd.step.trim()) arith(sh, cmd.step);
        first = false;
        return !cmd.cond.trim() || arith(sh, cmd.cond) !== 0n;
      }, () => sh.runScript(cmd.body, rio));
    }
    case 'case': {
      const ctx = sh.expandContext(rio);
      const subject = await expandString(ctx, cmd.subject);
      let status = 0;
      let fallthrough = false;
      for (const item of cmd.items) {
        let hit = fallthrough;
        if (!hit) {
          for (const pw of item.patterns) {
            if (patternMatches(await expandPattern(ctx, pw), subject)) {
              hit = true;
              break;
            }
          }
        }
        if (!hit) continue;
        status = await sh.runScript(item.body, rio);
        if (item.terminator === ';;') return status;
        fallthrough = item.terminator === ';&';
      }
      return status;
    }
    case 'arith-cmd': {
      const v = arith(sh, await expandString(sh.expandContext(rio), cmd.expr, { tilde: false }));
      return v !== 0n ? 0 : 1;
    }
    case 'cond': {
      const words = await expandCondWords(sh, cmd.words, rio);
      const test = INTERNAL_BUILTINS.get('[[')!;
      return test(sh, ['[[', ...words], rio);
    }
  }
}

async function expandCondWords(sh: ShellContext, words: Word[], io: IO): Promise<string[]> {
  const ctx = sh.expandContext(io);
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const prev = out[out.length - 1];
    // The right side of == and != is a pattern (quoted parts literal).
    if (prev === '==' || prev === '!=' || prev === '=') out.push('\0pat:' + (await expandPattern(ctx, words[i]!)));
    else out.push(await expandString(ctx, words[i]!));
  }
  return out;
}

async function runCondition(sh: ShellContext, cond: Script, io: IO): Promise<number> {
  sh.condDepth++;
  try {
    return await sh.runScript(cond, io);
  } finally {
    sh.condDepth--;
  }
}

async function loop(sh: ShellContext, next: () => Promise<boolean>, body: () => Promise<number>): Promise<number> {
  let status = 0;
  sh.state.loopDepth++;
  try {
    for (;;) {
      await sh.rt.step();
      if (!(await next())) break;
      try {
        status = await body();
      } catch (e) {
        if (e instanceof LoopSignal) {
          if (e.levels > 1) {
            e.levels--;
            throw e;
          }
          status = 0;
          if (e.kind === 'break') break;
          continue;
        }
        throw e;
      }
    }
  } finally {
    sh.state.loopDepth--;
  }
  return status;
}
