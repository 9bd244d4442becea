// openssl (OpenSSL 3.0 as Debian 12 ships it): keys, requests, certificates, verify,
// s_client. The work is done in src/pki/openssl; this file hands it the process's view
// of the host (its disk permissions, network, clock, streams).
import { runOpenssl } from '../../pki/openssl/main.ts';
import type { Command, CommandContext } from '../types.ts';

export const openssl: Command = {
  name: 'openssl',
  summary: 'OpenSSL command line tool',
  run(ctx: CommandContext): Promise<number> {
    return runOpenssl({
      argv: ctx.argv.slice(1),
      env: ctx.env,
      cwd: ctx.cwd,
      fs: ctx.fs,
      net: ctx.net,
      stdin: ctx.stdin,
      stdout: ctx.stdout,
      stderr: ctx.stderr,
      signal: ctx.signal,
      clock: ctx.clock,
      hostname: ctx.host.hostname,
    });
  },
};
