// What the browser tests share: `chronopix serve` started as a user starts it (its own settings
// file in a temporary config folder), Debian's Chromium driven by playwright-core, and screenshots
// saved under test-output/screenshots for people to look at. Without /usr/bin/chromium the tests
// skip with a message, except under CI (CHRONOPIX_REQUIRE_BROWSER=1), where that is a failure.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { REPO_ROOT } from '../test/fixtures';

import { type Served, startServe } from '../test/serveProcess';

export { type Served, startServe };

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_BROWSER = existsSync(CHROMIUM);
export const BROWSER_REQUIRED = process.env.CHRONOPIX_REQUIRE_BROWSER === '1';
export const BROWSER_SKIP_REASON = `Chromium not found at ${CHROMIUM}: install it with 'apt-get install -y chromium' (.ci/run does)`;
export const SCREENSHOTS = join(REPO_ROOT, 'test-output', 'screenshots');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A page that fails the test on any uncaught error or console error (CSP violations included). */
export async function openPage(browser: Browser, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, acceptDownloads: true });
  const errors: string[] = [];
  // With where it was thrown (the top frames), so a rare failure can be traced from one CI log.
  page.on('pageerror', (e) =>
    errors.push(`page error: ${e.message}${(e.stack ?? '').split('\n').slice(1, 4).join(' <')}`),
  );
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console error: ${m.text()}`);
  });
  await page.goto(url);
  return { page, errors };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Reads a value from the page's stores (window.chronopixStores). */
export function fromStores<T>(page: Page, pick: string): Promise<T> {
  return page.evaluate(`(() => { const s = window.chronopixStores; return ${pick}; })()`) as Promise<T>;
}

export interface BrowserSession {
  served: Served;
  browser: Browser;
  page: Page;
  /** Page errors and console errors so far. */
  errors: string[];
  close(): Promise<void>;
}

/** `chronopix serve` with `settings`, and Chromium showing its page. */
export async function startSession(settings: unknown, args: string[] = []): Promise<BrowserSession> {
  const served = await startServe(settings, args);
  const browser = await launchBrowser();
  const { page, errors } = await openPage(browser, served.url);
  return {
    served,
    browser,
    page,
    errors,
    close: async () => {
      await browser.close();
      await served.stop();
    },
  };
}
