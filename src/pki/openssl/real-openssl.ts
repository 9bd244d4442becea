// Test support: Debian's real openssl, when installed, as the reference our files must satisfy.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REAL_OPENSSL = '/usr/bin/openssl';
export const haveRealOpenssl = existsSync(REAL_OPENSSL);

/** Runs the real openssl in a scratch directory holding `files`; returns status and output. */
export function realOpenssl(args: string[], files: Record<string, string>, stdin = ''): { status: number; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pki-real-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const r = spawnSync(REAL_OPENSSL, args, { cwd: dir, input: stdin, env: { PATH: '/usr/bin:/bin', OPENSSL_CONF: '/etc/ssl/openssl.cnf' } });
    return { status: r.status ?? 1, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Like realOpenssl, without blocking the event loop (for talking to a server in this process). */
/** stdin: text to send then end, or null to leave it open (as a terminal) until the tool exits. */
export async function realOpensslAsync(args: string[], files: Record<string, string>, stdin: string | null = ''): Promise<{ status: number; stdout: string; stderr: string }> {
  const { spawn } = await import('node:child_process');
  const dir = mkdtempSync(join(tmpdir(), 'pki-real-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  try {
    return await new Promise((resolve) => {
      const p = spawn(REAL_OPENSSL, args, { cwd: dir, env: { PATH: '/usr/bin:/bin' } });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      p.on('close', (code) => resolve({ status: code ?? 1, stdout, stderr }));
      p.stdin.on('error', () => undefined);
      if (stdin !== null) p.stdin.end(stdin);
      else p.on('exit', () => p.stdin.destroy());
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * An OpenSSL error queue with what varies between runs and builds masked: the thread id
 * that starts each line, and the C source line numbers, which move between 3.0.x patch
 * releases (CI's Debian openssl is not always the one a developer has).
 */
export function errorQueueShape(stderr: string): string {
  return stderr.replace(/^[0-9A-F]{16}:error:/gm, 'X:error:').replace(/(\.c):\d+:/g, '$1:N:');
}
