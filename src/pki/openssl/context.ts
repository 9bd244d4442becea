// What an openssl subcommand runs with. Streams are described structurally here (pki sits
// below the sandbox and must not import it); the sandbox's streams fit these shapes.
import type { Clock } from '../../platform/clock.ts';
import type { FileSystem } from '../../platform/filesystem.ts';
import type { Network } from '../../platform/network.ts';

export interface ByteSink {
  write(chunk: string | Uint8Array): void | Promise<void>;
  readonly isTTY: boolean;
}

export interface ByteSource {
  read(): Promise<Uint8Array | null>;
  readonly isTTY: boolean;
}

export interface OpensslRunOptions {
  /** Arguments after "openssl" (argv[0] is the subcommand). */
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  /** With the permissions of the calling process. */
  fs: FileSystem;
  /** For s_client; absent where there is no network. */
  net?: Network;
  stdin: ByteSource;
  stdout: ByteSink;
  stderr: ByteSink;
  signal?: AbortSignal;
  clock: Clock;
  /** Host name to show in prompts and to resolve the default config (unused otherwise). */
  hostname?: string;
}

/** The per-run state a subcommand handler gets. */
export interface OpensslContext extends OpensslRunOptions {
  /** The subcommand name as invoked ("req"). */
  prog: string;
  out(text: string | Uint8Array): Promise<void>;
  err(text: string): Promise<void>;
}

export type SubcommandHandler = (ctx: OpensslContext, args: string[]) => Promise<number>;
