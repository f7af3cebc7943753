// Measures the live page's redraw: snapshots received and animation frames per second, and the
// JavaScript heap after a forced garbage collection at the start and the end of a window. Used by
// the responsiveness test (memory) and the UI benchmark (rates).
import type { Page } from 'playwright-core';

export interface RedrawMeasurement {
  seconds: number;
  snapshotsPerS: number;
  /** Redraws of the ToF histogram (the plot that follows every snapshot). */
  tofDrawsPerS: number;
  framesPerS: number;
  heapStart: number;
  heapEnd: number;
}

async function heapAfterGc(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  await cdp.detach();
  return usedSize;
}

/** Waits `warmupMs`, then measures over `windowMs`. */
export async function measureRedraw(
  page: Page,
  warmupMs: number,
  windowMs: number,
): Promise<RedrawMeasurement> {
  await page.waitForTimeout(warmupMs);
  const heapStart = await heapAfterGc(page);
  const tofDraws = async (): Promise<number> =>
    Number(await page.evaluate(`document.querySelector('[data-testid=tof-plot]')?.dataset.draws ?? 0`));
  const tof0 = await tofDraws();
  await page.evaluate(`(() => {
    const w = window;
    w.__redraw = { frames: 0, snapshots: 0, last: w.chronopixStores.live.getState().snapshot };
    const tick = () => { w.__redraw.frames++; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
    w.chronopixStores.live.subscribe((s) => {
      if (s.snapshot !== w.__redraw.last) { w.__redraw.snapshots++; w.__redraw.last = s.snapshot; }
    });
  })()`);
  await page.waitForTimeout(windowMs);
  const { frames, snapshots } = (await page.evaluate('window.__redraw')) as {
    frames: number;
    snapshots: number;
  };
  const tof1 = await tofDraws();
  const heapEnd = await heapAfterGc(page);
  const seconds = windowMs / 1000;
  return {
    seconds,
    snapshotsPerS: snapshots / seconds,
    tofDrawsPerS: (tof1 - tof0) / seconds,
    framesPerS: frames / seconds,
    heapStart,
    heapEnd,
  };
}
