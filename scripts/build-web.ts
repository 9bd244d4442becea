// Bundles the browser app (src/web) with esbuild into dist/web: index.html, app.js,
// app.css (xterm's stylesheet included). `npm start` calls ensureWebBuilt() so a fresh
// checkout needs no separate build step.
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WEB_SRC = path.join(ROOT, 'src', 'web');
export const WEB_OUT = path.join(ROOT, 'dist', 'web');

export async function buildWeb(opts: { outDir?: string; minify?: boolean } = {}): Promise<string> {
  const outDir = opts.outDir ?? WEB_OUT;
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: { app: path.join(WEB_SRC, 'main.ts') },
    bundle: true,
    format: 'esm',
    target: ['es2022'],
    platform: 'browser',
    outdir: outDir,
    sourcemap: true,
    minify: opts.minify ?? true,
    logLevel: 'warning',
    loader: { '.css': 'css' },
  });
  copyFileSync(path.join(WEB_SRC, 'index.html'), path.join(outDir, 'index.html'));
  return outDir;
}

/** Newest modification time of anything the bundle is made from. */
function newestSource(): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  walk(WEB_SRC);
  for (const f of ['src/server/frames.ts', 'src/lab/types.ts', 'package-lock.json']) {
    const p = path.join(ROOT, f);
    if (existsSync(p)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds the web app unless dist/web is already newer than its sources. */
export async function ensureWebBuilt(): Promise<string> {
  const js = path.join(WEB_OUT, 'app.js');
  const html = path.join(WEB_OUT, 'index.html');
  if (existsSync(js) && existsSync(html) && statSync(js).mtimeMs >= newestSource()) return WEB_OUT;
  return buildWeb();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildWeb().then(
    (dir) => console.log(`built the web app into ${path.relative(process.cwd(), dir) || dir}`),
    (e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
