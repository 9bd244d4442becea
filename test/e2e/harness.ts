// What every browser test needs: the lab server as a learner's machine would run it (its
// own process, a fresh data dir), Debian's Chromium driven by playwright-core, and a way
// to read the terminal as the learner sees it.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A reason to skip when Debian's chromium is not installed (CI installs it). */
export const chromiumMissing: string | false = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (CI installs Debian's chromium)`;

export interface LabServer {
  baseUrl: string;
  stop(): Promise<void>;
}

/** Starts `src/cli/lab-server.ts` on a free port with a temporary DATA_DIR. */
export async function startLabServer(): Promise<LabServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hwlab-e2e-'));
  const server: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/cli/lab-server.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`lab server did not start:\n${log}`)), 60_000);
    server.stdout!.on('data', (d: Buffer) => {
      log += d.toString();
      const m = /serving .* on (http:\/\/[\d.]+:\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    server.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    server.on('exit', (code) => reject(new Error(`lab server exited with ${code}:\n${log}`)));
  });
  return {
    baseUrl,
    async stop() {
      if (server.exitCode === null) {
        server.kill('SIGTERM');
        await new Promise((r) => server.once('exit', r));
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Headless Chromium with the flags this closed network needs. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/**
 * The lab server and Chromium a browser test file runs against: started before its tests
 * (not at all when Chromium is missing: the tests skip), stopped after them. `beforeStart`
 * runs first, e.g. to set an environment variable the server's process inherits.
 */
export function labAndBrowser(opts: { beforeStart?: () => void } = {}): { readonly baseUrl: string; readonly browser: Browser } {
  let lab: LabServer | undefined;
  let browser: Browser | undefined;
  before(async () => {
    if (chromiumMissing) return;
    opts.beforeStart?.();
    lab = await startLabServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await lab?.stop();
  });
  return {
    get baseUrl() {
      if (!lab) throw new Error('no lab server: it starts before the tests, unless Chromium is missing');
      return lab.baseUrl;
    },
    get browser() {
      if (!browser) throw new Error('no browser: it starts before the tests, unless Chromium is missing');
      return browser;
    },
  };
}

/** The active terminal's text (the web app exposes it on window for tests). */
export const terminalText = (page: Page): Promise<string> => page.evaluate(() => window.hardwayLab?.terminalText() ?? '');

/** Waits until the terminal shows `re` (long lines may wrap: the text with wraps undone counts too). */
export async function waitForTerminal(page: Page, re: RegExp, timeout = 15_000): Promise<string> {
  try {
    await page.waitForFunction(
      (src) => {
        const text = window.hardwayLab?.terminalText() ?? '';
        return new RegExp(src).test(text) || new RegExp(src).test(text.replace(/\n/g, ''));
      },
      re.source,
      { timeout, polling: 100 },
    );
  } catch {
    assert.fail(`terminal never showed ${re}; it shows:\n${(await terminalText(page)).slice(-4000)}`);
  }
  return terminalText(page);
}

/** Types one line as a learner would, presses Enter, and waits for the shell's prompt to come back. */
export async function typeLine(page: Page, line: string, opts: { expect?: RegExp; timeout?: number } = {}): Promise<void> {
  const before = (await terminalText(page)).split('\n').length;
  await page.keyboard.type(line, { delay: 1 });
  await page.keyboard.press('Enter');
  await page
    .waitForFunction(
      (n) => {
        const lines = (window.hardwayLab?.terminalText() ?? '').split('\n');
        return lines.length > n && /(?:[$#]|^>) ?$/.test(lines[lines.length - 1]!);
      },
      before,
      { timeout: opts.timeout ?? 20_000, polling: 50 },
    )
    .catch(async () => assert.fail(`"${line}" did not return to a prompt:\n${(await terminalText(page)).slice(-4000)}`));
  if (opts.expect) await waitForTerminal(page, opts.expect);
}

/** Each task's status on the lesson page (data-status of .task elements). */
export async function taskStatuses(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll<HTMLElement>('.task')].map((t) => [t.dataset.taskId!, t.dataset.status!])));
}
