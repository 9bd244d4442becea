// How a file on a host's disk names the built-in program it runs. An installed
// "binary" is a small marker file:
//     #!hardway-lab/program etcd 3.6.4
// so `ls -l /usr/local/bin`, `chmod -x`, `rm`, `mv` and `install` behave as with real
// binaries, and a program exists on a host only once something has put its file there
// (etcd is "command not found" until the lesson installs it). Shell scripts (#!/bin/bash,
// #!/bin/sh, #!/usr/bin/env bash, or plain text without a #! line) run through `bash`.
import { bytesToString, type FileSystem } from '../platform/filesystem.ts';
import type { Command, CommandContext } from './types.ts';

export const PROGRAM_MAGIC = '#!hardway-lab/program ';

export type ProgramRegistry = ReadonlyMap<string, Command>;

export function createRegistry(commands: Iterable<Command>): ProgramRegistry {
  const m = new Map<string, Command>();
  for (const c of commands) m.set(c.name, c);
  return m;
}

export type ProgramFile =
  | { kind: 'program'; name: string; version: string | undefined }
  | { kind: 'script'; interpreter: string }
  | { kind: 'binary' };

/** What a program file's first bytes say it is. */
export function parseProgramFile(data: Uint8Array): ProgramFile {
  const head = bytesToString(data.subarray(0, 256));
  const firstLine = head.split('\n', 1)[0] ?? '';
  if (firstLine.startsWith(PROGRAM_MAGIC)) {
    const [name, version] = firstLine.slice(PROGRAM_MAGIC.length).trim().split(/\s+/);
    if (name) return { kind: 'program', name, version: version || undefined };
    return { kind: 'binary' };
  }
  if (firstLine.startsWith('#!')) {
    const words = firstLine.slice(2).trim().split(/\s+/);
    const interp = words[0]?.endsWith('/env') ? words[1] : words[0];
    return { kind: 'script', interpreter: (interp ?? 'sh').split('/').pop() ?? 'sh' };
  }
  // execve fails with ENOEXEC on text without #!; bash then runs it as a script. A NUL byte means a real binary.
  if (head.includes('\0')) return { kind: 'binary' };
  return { kind: 'script', interpreter: 'bash' };
}

/** The marker bytes of an installed program. */
export function programFileContent(name: string, version?: string): string {
  return `${PROGRAM_MAGIC}${name}${version ? ` ${version}` : ''}\n`;
}

/** Puts a program on a disk (labs pre-installing etcd, the tarball, the skeleton's coreutils). */
export function installProgram(fs: FileSystem, path: string, name: string, version?: string, mode = 0o755): void {
  fs.writeFile(path, programFileContent(name, version), { mode });
  fs.chmod(path, mode);
}

/**
 * The Command that running `file` means: the registered program (with its version
 * passed in ctx.programVersion), the script's interpreter, or a stand-in that fails as
 * exec of an unknown binary fails.
 */
export function commandForFile(file: string, data: Uint8Array, registry: ProgramRegistry): Command {
  const what = parseProgramFile(data);
  if (what.kind === 'program') {
    const cmd = registry.get(what.name);
    if (!cmd) return execFormatError(file);
    if (!what.version) return cmd;
    const version = what.version;
    return { name: cmd.name, summary: cmd.summary, run: (ctx: CommandContext) => cmd.run({ ...ctx, programVersion: version }) };
  }
  if (what.kind === 'script') {
    // #!/bin/sh runs the shell's sh personality when there is one, else bash (Debian's sh is dash).
    const posix = what.interpreter === 'sh' || what.interpreter === 'dash';
    const interp = posix ? (registry.has('sh') ? 'sh' : 'bash') : what.interpreter;
    const cmd = registry.get(interp);
    if (!cmd) return execFormatError(file);
    return {
      name: cmd.name,
      summary: `script run by ${interp}`,
      // The script sees the path it was run by ($0 = ./p.sh), or the one PATH found.
      run: (ctx: CommandContext) => cmd.run({ ...ctx, argv: [interp, ctx.argv[0]?.includes('/') ? ctx.argv[0] : file, ...ctx.argv.slice(1)] }),
    };
  }
  return execFormatError(file);
}

function execFormatError(file: string): Command {
  return {
    name: file.split('/').pop() ?? file,
    summary: 'a file this host cannot execute',
    async run(ctx) {
      await ctx.stderr.write(`bash: ${ctx.argv[0] ?? file}: cannot execute binary file: Exec format error\n`);
      return 126;
    },
  };
}
