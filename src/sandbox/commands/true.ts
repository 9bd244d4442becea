// true / false: do nothing, successfully or not (GNU coreutils; --help and --version only when alone).
import type { Command } from '../types.ts';
import { coreutilsVersion } from './common.ts';

function trivial(name: 'true' | 'false', status: number, summary: string): Command {
  const help = `Usage: ${name} [ignored command line arguments]\n  or:  ${name} OPTION\nExit with a status code indicating ${status ? 'failure' : 'success'}.\n\n      --help        display this help and exit\n      --version     output version information and exit\n`;
  return {
    name,
    summary,
    async run(ctx) {
      const args = ctx.argv.slice(1);
      if (args.length === 1 && args[0] === '--help') await ctx.stdout.write(help);
      else if (args.length === 1 && args[0] === '--version') await ctx.stdout.write(coreutilsVersion(name));
      return status;
    },
  };
}

export const trueCommand = trivial('true', 0, 'do nothing, successfully');
export const falseCommand = trivial('false', 1, 'do nothing, unsuccessfully');
