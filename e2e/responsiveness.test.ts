// The page at its fastest redraw (30 snapshots a second, every plot shown) for a while: its heap
// must not grow, and the display must keep up. Memory is asserted; the frame rate is only printed
// (timing is for the benchmark: `npm run bench -- --ui`).
import { describeInBrowser } from './browserSuite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type BrowserSession, fromStores, startSession } from './harness';
import { measureRedraw } from './redraw';

describeInBrowser('the live view at 30 Hz', () => {
  let session: BrowserSession;

  beforeAll(async () => {
    session = await startSession({
      version: 1,
      source: { kind: 'emulator', emulator: { rateMBps: 8, seed: 3 } },
    });
  }, 60_000);

  afterAll(() => session?.close());

  it('redraws without growing memory', async () => {
    const { page, errors } = session;
    await expect
      .poll(() => fromStores<number>(page, 's.live.getState().snapshot?.totals.hits ?? 0'))
      .toBeGreaterThan(0);
    await page.evaluate(
      `window.chronopixStores.settings.getState().applyViews('views.refreshHz', { refreshHz: 30 })`,
    );
    await expect.poll(() => fromStores<number>(page, 's.settings.getState().views.refreshHz')).toBe(30);
    const m = await measureRedraw(page, 4_000, 16_000);
    console.log(
      `live view at 30 Hz: ${m.snapshotsPerS.toFixed(1)} snapshots/s received, ToF redrawn ${m.tofDrawsPerS.toFixed(1)}/s, ${m.framesPerS.toFixed(1)} animation frames/s, ` +
        `heap ${(m.heapStart / 1e6).toFixed(1)} -> ${(m.heapEnd / 1e6).toFixed(1)} MB over ${m.seconds} s`,
    );
    expect(m.snapshotsPerS).toBeGreaterThan(0);
    // Each snapshot replaces the last: after a warm-up the heap stays where it was (GC'd both times).
    expect(m.heapEnd - m.heapStart).toBeLessThan(15e6);

    // The plot wrapper draws what can be seen: the cluster-size plot below the fold waits, the ToF
    // histogram at the top redraws; scrolled into view, the waiting plot catches up.
    const draws = async (id: string) =>
      Number(await page.locator(`[data-testid=${id}] .plot`).first().getAttribute('data-draws'));
    const before = { tof: await draws('plot-tof'), clusters: await draws('plot-clustersize') };
    await page.waitForTimeout(3000);
    expect(await draws('plot-tof')).toBeGreaterThan(before.tof);
    expect(await draws('plot-clustersize')).toBe(before.clusters);
    await page.getByTestId('plot-clustersize').scrollIntoViewIfNeeded();
    await expect.poll(() => draws('plot-clustersize')).toBeGreaterThan(before.clusters);
    expect(errors).toEqual([]);
  });
});
