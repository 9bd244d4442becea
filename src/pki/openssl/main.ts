// The openssl command: dispatches to the subcommands and turns their failures into
// OpenSSL 3's messages and exit codes. Lives in pki (no sandbox imports); the sandbox
// command file only adapts its context to OpensslRunOptions.
import { isFsError } from '../../platform/filesystem.ts';
import { OpensslFailure } from '../errors.ts';
import { UsageError } from './args.ts';
import type { OpensslContext, OpensslRunOptions, SubcommandHandler } from './context.ts';
import { ecparam } from './ecparam.ts';
import { genpkey, genrsa } from './genkey.ts';
import { helpFor } from './help.ts';
import { keyCommand } from './keycmd.ts';
import { dgst, rand, version } from './misc.ts';
import { req } from './req.ts';
import { sClient } from './s-client.ts';
import { verify } from './verify-cmd.ts';
import { x509 } from './x509.ts';

export type { OpensslRunOptions } from './context.ts';

const COMMANDS: Record<string, SubcommandHandler> = {
  dgst: (c, a) => dgst(c, a),
  ecparam,
  genpkey,
  genrsa,
  help: async (c) => {
    await c.err(helpText());
    return 0;
  },
  pkey: (c, a) => keyCommand(c, a, 'pkey'),
  rand,
  req,
  rsa: (c, a) => keyCommand(c, a, 'rsa'),
  s_client: sClient,
  verify,
  version,
  x509,
};

const DIGEST_COMMANDS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];

function columns(names: string[]): string {
  let out = '';
  for (let i = 0; i < names.length; i += 4) out += names.slice(i, i + 4).map((n) => n.padEnd(18)).join('') + '\n';
  return out;
}

function helpText(): string {
  return `help:\n\nStandard commands\n${columns(Object.keys(COMMANDS).sort())}\nMessage Digest commands (see the \`dgst' command for more details)\n${columns(DIGEST_COMMANDS)}\n`;
}

/** Runs `openssl <argv…>`; resolves with the exit status. */
export async function runOpenssl(opts: OpensslRunOptions): Promise<number> {
  const [sub, ...args] = opts.argv;
  const enc = new TextEncoder();
  const ctx: OpensslContext = {
    ...opts,
    prog: sub ?? 'openssl',
    out: async (t) => {
      await opts.stdout.write(typeof t === 'string' ? enc.encode(t) : t);
    },
    err: async (t) => {
      await opts.stderr.write(enc.encode(t));
    },
  };
  if (sub === undefined) {
    // Without a command openssl reads commands from stdin; we only offer the list.
    await ctx.err(helpText());
    return 0;
  }
  const handler = COMMANDS[sub] ?? (DIGEST_COMMANDS.includes(sub) ? (c: OpensslContext, a: string[]) => dgst(c, a, sub) : undefined);
  if (!handler) {
    await ctx.err(`Invalid command '${sub}'; type "help" for a list.\n`);
    return 1;
  }
  if (args.includes('-help') || args.includes('--help')) {
    await ctx.err(helpFor(sub) ?? `Usage: ${sub} [options]\n`);
    return 0;
  }
  try {
    return await handler(ctx, args);
  } catch (e) {
    if (e instanceof UsageError) {
      await ctx.err(e.lines.map((l) => l + '\n').join(''));
      return 1;
    }
    if (e instanceof OpensslFailure) {
      await ctx.err(e.render());
      return 1;
    }
    if (isFsError(e)) {
      await ctx.err(`${e.path}: ${e.reason()}\n`);
      return 1;
    }
    if ((e as { code?: string }).code === 'EPIPE') return 1;
    throw e;
  }
}
