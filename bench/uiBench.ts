// The live page under load: `chronopix serve` on the built-in emulator at a given rate, Debian's
// Chromium showing the live tab at `refreshHz` snapshots a second, every plot on. Reports what the page
// received and drew, and its heap after garbage collection at the start and end of the window.
import { existsSync } from 'node:fs';
import { CHROMIUM, launchBrowser, openPage, startServe } from '../e2e/harness';
import { measureRedraw } from '../e2e/redraw';

export interface UiRun {
  rateMBps: number;
  refreshHz: number;
  snapshotsPerS: number;
  tofDrawsPerS: number;
  framesPerS: number;
  heapStartMb: number;
  heapEndMb: number;
}

export async function uiRun(rateMBps: number, seconds: number, refreshHz = 30): Promise<UiRun | null> {
  if (!existsSync(CHROMIUM)) return null;
  const served = await startServe({
    version: 1,
    source: { kind: 'emulator', emulator: { rateMBps, seed: 5 } },
  });
  const browser = await launchBrowser();
  try {
    const { page } = await openPage(browser, served.url);
    // (Not waitForFunction: it compiles its text in the page, which the page's CSP forbids.)
    for (
      let i = 0;
      i < 300 && !(await page.evaluate('window.chronopixStores?.live.getState().snapshot != null'));
      i++
    ) {
      await page.waitForTimeout(100);
    }
    await page.evaluate(
      `window.chronopixStores.settings.getState().applyViews('refreshHz', { refreshHz: ${refreshHz} })`,
    );
    const m = await measureRedraw(page, 5_000, seconds * 1000);
    return {
      rateMBps,
      refreshHz,
      snapshotsPerS: m.snapshotsPerS,
      tofDrawsPerS: m.tofDrawsPerS,
      framesPerS: m.framesPerS,
      heapStartMb: m.heapStart / 1e6,
      heapEndMb: m.heapEnd / 1e6,
    };
  } finally {
    await browser.close();
    await served.stop();
  }
}
