/**
 * A real browser for the page's tests and bench: Debian's Chromium driven by playwright-core (which
 * downloads no browser), installed with apt-get when missing as the rig installs its other tools.
 * Under CI=true a browser that cannot be had fails loudly; elsewhere the caller skips with the reason.
 * Each launch gets a fresh profile: playwright makes a temporary one per launch and removes it (it
 * refuses a `--user-data-dir` flag, which belongs to its persistent contexts).
 */
import { chromium, type Browser } from 'playwright-core';
import { ensureAptTool } from '../rig/apt-tool.js';
import { isCI } from '../rig/rig-client.js';

export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface TestBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/** Chromium's path, installing Debian's package when it is missing. */
export async function chromiumPath(): Promise<string> {
  const { chromium: bin } = await ensureAptTool('chromium', ['chromium']);
  return bin!;
}

/** A launched Chromium, or undefined (with a loud warning) outside CI when none can be had; under CI a failure. */
export async function launchBrowser(what: string): Promise<TestBrowser | undefined> {
  let executablePath: string;
  try {
    executablePath = await chromiumPath();
  } catch (error) {
    if (isCI()) throw new Error(`Chromium is required under CI and could not be installed: ${(error as Error).message}`);
    process.stdout.write(`\n### WARNING: ${what} not run: ${(error as Error).message}\n`);
    return undefined;
  }
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_FLAGS });
  return { browser, close: () => browser.close().catch(() => undefined) };
}
