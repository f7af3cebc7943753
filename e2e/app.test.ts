// The operator's session, in Debian's Chromium against `chronopix serve` on the built-in emulator:
// start, watch the ToF histogram fill and the rates rise, change the event window and see its
// effect, draw a named ROI, export a plot's data, record, stop, find the file, open it in the file
// browser, browse it and convert it. Screenshots of each main screen go to test-output/screenshots.
import { describeInBrowser } from './browserSuite';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type BrowserSession, fromStores, screenshot, startSession } from './harness';

/** ToF-histogram counts at or above `tofS` in the page's current snapshot. */
function countsFrom(page: Page, tofS: number): Promise<number> {
  return page.evaluate((t) => {
    const s = (
      window as unknown as {
        chronopixStores: {
          live: {
            getState(): { snapshot: { tof: { min: number; max: number; counts: Float64Array } } | null };
          };
        };
      }
    ).chronopixStores.live.getState().snapshot;
    if (!s) return -1;
    const { min, max, counts } = s.tof;
    const w = (max - min) / counts.length;
    let n = 0;
    for (let i = 0; i < counts.length; i++) if (min + i * w >= t - w * 1e-9) n += counts[i];
    return n;
  }, tofS);
}

describeInBrowser('the web UI against chronopix serve', () => {
  let session: BrowserSession;
  let page: Page;
  let runs: string;

  beforeAll(async () => {
    session = await startSession(
      { version: 1, source: { kind: 'emulator', emulator: { rateMBps: 4, triggerRate: 1000, seed: 7 } } },
      ['--no-start'],
    );
    page = session.page;
    runs = join(session.served.dir, 'runs');
  }, 60_000);

  afterAll(() => session?.close());

  it('starts acquisition on the emulator: the ToF histogram fills and the rates rise', async () => {
    await expect.poll(() => page.getByTestId('source-badge').textContent()).toBe('EMULATOR');
    expect(await page.getByTestId('engine-state').textContent()).toBe('idle');
    await page.getByTestId('acquire-button').click();
    await page.waitForFunction(() => {
      const s = (
        window as unknown as {
          chronopixStores: { live: { getState(): { snapshot: { totals: { hits: number } } | null } } };
        }
      ).chronopixStores.live.getState().snapshot;
      return s !== null && s.totals.hits > 20_000;
    });
    expect(await page.getByTestId('engine-state').textContent()).toBe('running');
    await expect
      .poll(async () => Number.parseFloat((await page.getByTestId('data-rate').textContent()) ?? '0'), {
        timeout: 10_000,
      })
      .toBeGreaterThan(0.5);
    await expect
      .poll(() => fromStores<number>(page, 's.live.getState().snapshot.rates.hitsPerS'))
      .toBeGreaterThan(1000);

    // The plot wrapper draws what the snapshot holds: freeze the display, then compare.
    await page.getByRole('button', { name: 'Freeze' }).click();
    const total = await fromStores<number>(
      page,
      's.live.getState().snapshot.tof.counts.reduce((a, b) => a + b, 0)',
    );
    await expect
      .poll(() =>
        page.evaluate(() => {
          const el = document.querySelector('[data-testid=tof-plot]') as unknown as {
            data?: { y: Float64Array }[];
          };
          const y = el.data?.[0].y;
          return y
            ? Array.from(y)
                .slice(0, -1)
                .reduce((a, b) => a + b, 0)
            : -1;
        }),
      )
      .toBe(total);
    expect(total).toBeGreaterThan(0);
    expect(await page.getByTestId('tof-total').textContent()).not.toBe('0');
    await page.getByRole('button', { name: 'Frozen' }).click();
    await screenshot(page, '1-live');
  });

  it('applies an event window typed in µs, and rejects a reversed one under the field', async () => {
    // The emulated ions arrive within a few µs; some come after 2 µs.
    expect(await countsFrom(page, 2e-6)).toBeGreaterThan(0);
    await page.getByTestId('field-processing.eventWindow-unit').selectOption('µs');
    await page.getByTestId('field-processing.eventWindow-min').fill('0');
    await page.getByTestId('field-processing.eventWindow-max').fill('2');
    await page.getByTestId('field-processing.eventWindow-max').press('Enter');
    await expect
      .poll(() => fromStores<number[]>(page, 's.settings.getState().settings.processing.eventWindow'))
      .toEqual([0, 2e-6]);
    const resets = await fromStores<number>(page, 's.live.getState().snapshot.accumulation.resets');
    await page.getByTestId('reset-button').click();
    await page.waitForFunction((r) => {
      const s = (
        window as unknown as {
          chronopixStores: {
            live: {
              getState(): { snapshot: { accumulation: { resets: number }; tof: { counts: Float64Array } } };
            };
          };
        }
      ).chronopixStores.live.getState().snapshot;
      return s.accumulation.resets > r && s.tof.counts.reduce((a, b) => a + b, 0) > 2000;
    }, resets);
    // Events now end at 2 µs: nothing at or beyond it (batches in flight at the change aside).
    expect(await countsFrom(page, 2e-6)).toBeLessThan(20);

    await page.getByTestId('field-processing.eventWindow-min').fill('5');
    await page.getByTestId('field-processing.eventWindow-max').fill('1');
    await page.getByTestId('field-processing.eventWindow-max').press('Enter');
    await expect
      .poll(() => page.getByTestId('error-processing.eventWindow').textContent())
      .toBe('settings: processing.eventWindow: event window: min must not exceed max');
    expect(await fromStores<number[]>(page, 's.settings.getState().settings.processing.eventWindow')).toEqual(
      [0, 2e-6],
    );
    await page.getByTestId('field-processing.eventWindow-min').fill('0');
    await page.getByTestId('field-processing.eventWindow-max').fill('1000');
    await page.getByTestId('field-processing.eventWindow-max').press('Enter');
    await expect
      .poll(() => fromStores<number[]>(page, 's.settings.getState().settings.processing.eventWindow'))
      .toEqual([0, 1e-3]);
    // The new settings can arrive (config event) a moment before the patch's answer clears the error.
    await expect.poll(() => page.getByTestId('error-processing.eventWindow').count()).toBe(0);
  });

  it('adds a named ROI by dragging across the ToF histogram, which survives a reload', async () => {
    await page.getByTestId('field-views.tof-unit').selectOption('µs');
    await page.getByTestId('field-views.tof-max').fill('10');
    await page.getByTestId('field-views.tof-max').press('Enter');
    await expect.poll(() => fromStores<number>(page, 's.settings.getState().views.tof.max')).toBe(1e-5);
    // The drag below is read against the drawn axis: wait until the plot shows 0-10 µs.
    await expect
      .poll(() =>
        page.evaluate(`document.querySelector('[data-testid=tof-plot]')._fullLayout?.xaxis.range[1]`),
      )
      .toBeCloseTo(10, 6);
    // A second screen (the control room) shows what this one configures, without reloading.
    const other = await session.browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await other.goto(session.served.url);
    await expect.poll(() => other.getByTestId('panel-rois').count()).toBe(1);
    const box = (await page.locator('[data-testid=tof-plot] .nsewdrag').first().boundingBox())!;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width * 0.1, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.2, y, { steps: 5 });
    await page.mouse.move(box.x + box.width * 0.3, y, { steps: 5 });
    await page.mouse.up();
    await page.getByLabel('ROI name').fill('fast ions');
    await page.getByRole('button', { name: 'Add' }).click();
    await expect.poll(() => page.getByTestId('roi-card-fast ions').count()).toBe(1);
    const [roi] = await fromStores<{ name: string; tofMin: number; tofMax: number }[]>(
      page,
      's.settings.getState().views.rois',
    );
    expect(roi.name).toBe('fast ions');
    // About 1 to 3 µs of the 0-10 µs axis (the plot area's margins shift it a little).
    expect(roi.tofMin).toBeGreaterThan(0.5e-6);
    expect(roi.tofMax).toBeLessThan(3.5e-6);
    expect(roi.tofMax - roi.tofMin).toBeGreaterThan(1e-6);
    await expect
      .poll(() =>
        fromStores<number>(page, 's.live.getState().snapshot.rois[0]?.trend.reduce((a, b) => a + b, 0) ?? 0'),
      )
      .toBeGreaterThan(0);
    await expect.poll(() => other.getByTestId('roi-item-fast ions').count()).toBe(1);
    await other.close();
    await screenshot(page, '2-live-roi');
    await page.getByTestId('plot-toftot').scrollIntoViewIfNeeded();
    await screenshot(page, '2b-live-maps');
    await page.getByTestId('roi-card-fast ions').scrollIntoViewIfNeeded();
    await screenshot(page, '2c-live-roi-card');

    await page.reload();
    await expect.poll(() => page.getByTestId('roi-item-fast ions').count()).toBe(1);
    await expect.poll(() => page.getByTestId('roi-card-fast ions').count()).toBe(1);
  });

  it("exports the ToF histogram's data as CSV and the plot as PNG", async () => {
    const download = page.waitForEvent('download');
    await page.getByTestId('plot-tof').getByRole('button', { name: 'CSV' }).click();
    const file = await (await download).path();
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('bin_start_s,bin_end_s,counts');
    expect(lines).toHaveLength(1001);
    expect(lines[1].split(',').map(Number)).toEqual([0, 1e-8, expect.any(Number)]);
    const png = page.waitForEvent('download');
    await page.getByTestId('plot-tof').getByRole('button', { name: 'PNG' }).click();
    const image = readFileSync(await (await png).path());
    expect(image.subarray(1, 4).toString()).toBe('PNG');
    expect((await png).suggestedFilename()).toMatch(/^tof-histogram-.*\.png$/);
  });

  it('records with the file name shown beforehand, and the run lands on disk when stopped', async () => {
    await page.getByTestId('field-recording.folder').fill(runs);
    await page.getByTestId('field-recording.folder').press('Enter');
    await expect
      .poll(() => page.getByTestId('next-file').textContent())
      .toMatch(/^run_0000_\d{8}-\d{4}\.raw$/);
    const name = (await page.getByTestId('next-file').textContent())!;
    await page.getByTestId('record-button').click();
    await expect
      .poll(() => fromStores<number>(page, 's.acquisition.getState().status?.recording?.bytes ?? 0'), {
        timeout: 15_000,
      })
      .toBeGreaterThan(200_000);
    expect(await page.getByTestId('record-button').textContent()).toBe('● Recording');
    await screenshot(page, '3-recording');
    await page.getByTestId('record-button').click();
    await expect.poll(() => page.getByTestId('next-file').textContent()).toMatch(/^run_0001_/);
    // The previewed name, but for the minute it started in (the preview may be a minute old).
    const files = readdirSync(runs).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^run_0000_\d{8}-\d{4}\.json$/);
    expect(files[1]).toBe(files[0].replace(/\.json$/, '.raw'));
    expect(name.slice(0, 'run_0000_'.length)).toBe('run_0000_');
    expect(statSync(join(runs, files[1])).size).toBeGreaterThan(200_000);
    expect(await page.getByTestId('disk-free').textContent()).toMatch(/^disk \d/);
    expect(await page.getByTestId('queue').textContent()).toMatch(/^queue \d+%$/);
  });

  it('stops acquisition', async () => {
    await page.getByTestId('acquire-button').click();
    await expect.poll(() => page.getByTestId('engine-state').textContent()).toBe('idle');
    expect(await page.getByTestId('acquire-button').textContent()).toBe('▶ Start');
  });

  it('opens the recording in the file browser: summary, views over the whole file, and HDF5 conversion', async () => {
    const name = readdirSync(runs).find((f) => f.endsWith('.raw'))!;
    await page.getByTestId('tab-browser').click();
    await page.getByTestId('browser-folder').fill(runs);
    await page.getByRole('button', { name: 'List' }).click();
    await page.getByTestId(`run-${name}`).click();
    await expect.poll(() => page.getByTestId('file-summary').count(), { timeout: 20_000 }).toBe(1);
    const summary = await fromStores<{ hits: number; triggers: number; durationS: number }>(
      page,
      's.offline.getState().summary',
    );
    expect(summary.hits).toBeGreaterThan(10_000);
    expect(summary.triggers).toBeGreaterThan(100);
    await screenshot(page, '4-browser-summary');

    await page.getByTestId('browse-button').click();
    await expect.poll(() => page.getByTestId('views-grid').count(), { timeout: 30_000 }).toBe(1);
    const totals = await fromStores<{ hits: number; triggers: number }>(
      page,
      's.offline.getState().snapshot.totals',
    );
    expect(totals.hits).toBe(summary.hits);
    await screenshot(page, '5-browser-views');

    await page.getByTestId('convert-button').click();
    await expect
      .poll(() => page.getByTestId('job-convert').getAttribute('data-state'), { timeout: 60_000 })
      .toBe('done');
    const output = (await page.getByTestId('convert-output').textContent())!;
    expect(output).toBe(join(runs, name.replace(/\.raw$/, '.h5')));
    expect(existsSync(output)).toBe(true);
    expect(readdirSync(runs).filter((f) => f.endsWith('.partial'))).toEqual([]);
    await screenshot(page, '6-browser-converted');
  });

  it('raised no page errors and no CSP violations', () => {
    expect(session.errors).toEqual([]);
  });
});
