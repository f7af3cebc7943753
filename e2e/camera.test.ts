// The Camera tab in Debian's Chromium against `chronopix serve` driving the virtual camera (run in
// this process, so the test sees what reached it): chip name, versions and the temperature trend;
// a DAC edited in place and read back; a bad DAC value refused inline with nothing sent; the bias
// changed after a confirmation, and refused above the limit; the fixture .spx loaded; start, hits
// arrive, stop, the stream stops; an unreachable camera is a message, not a blank page.
// Screenshots: test-output/screenshots/camera-*.png.
import { describeInBrowser } from './browserSuite';
import { type AddressInfo, createServer } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { VirtualCamera } from '../native-workers/camera/virtualCamera';
import { SPIDR_COMMANDS } from '../native-workers/camera/spidrCommands';
import { FIXTURES_REQUIRED, FIXTURES_SKIP_REASON, HAVE_FIXTURES, fixturePath } from '../test/fixtures';
import { type BrowserSession, fromStores, screenshot, startSession } from './harness';

const SET_DAC = SPIDR_COMMANDS.SET_DAC;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

describeInBrowser('the camera panel against the virtual camera', () => {
  let cam: VirtualCamera;
  let session: BrowserSession;
  let page: Page;
  const sets = (): number => cam.received.filter((c) => c === SET_DAC).length;

  beforeAll(async () => {
    cam = await VirtualCamera.start({ stream: { rateMBps: 2 } });
    session = await startSession(
      {
        version: 1,
        processing: { pipeline: 'pixel', eventWindow: [0, 1] },
        camera: {
          address: '127.0.0.1',
          port: cam.port,
          udp: { address: '127.0.0.1', port: 0 },
          biasLimitVolts: 40,
          biasRampVoltsPerS: 50,
          replyTimeoutMs: 1000,
        },
      },
      ['--no-start'],
    );
    page = session.page;
  }, 60_000);

  afterAll(async () => {
    await session?.close();
    await cam?.close();
  });

  it('shows the chip, versions and temperatures trended once a second', async () => {
    await page.getByTestId('tab-camera').click();
    await expect.poll(() => page.getByTestId('camera-chips').textContent()).toBe('W0028_H06');
    expect(await page.getByTestId('camera-connection').textContent()).toBe(
      `connected to 127.0.0.1:${cam.port}`,
    );
    expect(await page.getByTestId('camera-software').textContent()).toMatch(/^[0-9A-F]{8}$/);
    expect(await page.getByTestId('camera-firmware').textContent()).toMatch(/^[0-9A-F]{8}$/);
    expect(await page.getByTestId('camera-temperatures').textContent()).toMatch(
      /^local -?\d+\.\d °C · remote -?\d+\.\d °C · FPGA -?\d+\.\d °C$/,
    );
    expect(await page.getByTestId('dac-range-Vthreshold_fine').textContent()).toBe('0..511');
    expect(await page.getByTestId('dac-Vthreshold_fine').inputValue()).toBe('420');
    await expect
      .poll(() => fromStores<number>(page, 's.camera.getState().temperatures.length'), { timeout: 20_000 })
      .toBeGreaterThanOrEqual(4);
    const times = await fromStores<number[]>(page, 's.camera.getState().temperatures.map((p) => p.atMs)');
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(900);
    await screenshot(page, 'camera-1-panel');
  });

  it('edits a DAC in place (read back) and refuses a bad value inline without sending it', async () => {
    const input = page.getByTestId('dac-Vthreshold_fine');
    await input.fill('300');
    await input.press('Enter');
    await expect.poll(() => cam.dac(6)).toBe(300);
    await expect
      .poll(() =>
        fromStores<number>(
          page,
          "s.camera.getState().camera.dacs.find((d) => d.name === 'Vthreshold_fine').value",
        ),
      )
      .toBe(300);
    // A fresh reading from the camera shows it too.
    await page.getByTestId('camera-refresh').click();
    await expect.poll(() => page.getByTestId('dac-Vthreshold_fine').inputValue()).toBe('300');

    const before = sets();
    await input.fill('600');
    await input.press('Enter');
    await expect
      .poll(() => page.getByTestId('dac-error-Vthreshold_fine').textContent())
      .toBe('Vthreshold_fine must be a whole number 0..511 (9 bits)');
    await input.fill('12.5');
    await input.press('Enter');
    await expect.poll(() => page.getByTestId('dac-error-Vthreshold_fine').isVisible()).toBe(true);
    expect(sets()).toBe(before);
    expect(cam.dac(6)).toBe(300);
    await screenshot(page, 'camera-2-dac-error');
    await input.press('Escape');
    await expect.poll(() => page.getByTestId('dac-error-Vthreshold_fine').count()).toBe(0);
    expect(await input.inputValue()).toBe('300');
  });

  it('changes the bias after a confirmation, within the limit', async () => {
    await page.getByTestId('camera-bias-input').fill('50');
    await page.getByTestId('camera-bias-set').click();
    expect(await page.getByTestId('camera-bias-error').textContent()).toBe(
      'give a bias within 12..40 V (camera.biasLimitVolts)',
    );
    expect(await page.getByTestId('bias-confirm').count()).toBe(0);

    await page.getByTestId('camera-bias-input').fill('20');
    await page.getByTestId('camera-bias-set').click();
    expect(await page.getByTestId('bias-confirm').textContent()).toMatch(
      /to 20 V at 50 V\/s\? The limit is 40 V\./,
    );
    await screenshot(page, 'camera-3-bias-confirm');
    // Cancel sends nothing; confirm ramps.
    await page.getByTestId('bias-confirm-cancel').click();
    expect(cam.biasVolts).toBe(0);
    await page.getByTestId('camera-bias-set').click();
    await page.getByTestId('bias-confirm-ok').click();
    await expect
      .poll(() => page.getByTestId('camera-bias-message').textContent())
      .toMatch(/^bias (19|20)\.\d\d V \(asked 20 V\)$/);
    expect(cam.biasVolts).toBeCloseTo(20, 0);
    await expect.poll(() => page.getByTestId('camera-bias').textContent()).toMatch(/^(19|20)\.\d\d V$/);
  });

  it('loads the fixture .spx and says what changed', async (ctx) => {
    const path = page.getByTestId('camera-spx-path');
    await path.fill('/nonexistent/chip.spx');
    await page.getByTestId('camera-spx-load').click();
    await expect
      .poll(() => page.getByTestId('camera-spx-error').textContent())
      .toMatch(/^\/nonexistent\/chip\.spx: cannot read the camera configuration \(ENOENT\)/);
    if (!HAVE_FIXTURES) {
      if (FIXTURES_REQUIRED) throw new Error(FIXTURES_SKIP_REASON);
      console.warn(`skipping the .spx upload: ${FIXTURES_SKIP_REASON}`);
      ctx.skip();
      return;
    }
    await path.fill(fixturePath('test_config_W0028_H06_50V.spx'));
    await page.getByTestId('camera-spx-load').click();
    await expect
      .poll(() => page.getByTestId('camera-spx-result').textContent(), { timeout: 30_000 })
      .toMatch(
        /test_config_W0028_H06_50V\.spx loaded to chip 0 \(W0028_H06\), verified by read-back: 160 masked pixels/,
      );
    expect(await page.getByTestId('camera-spx-result').textContent()).toMatch(/Ibias_Ikrum 5 → 20/);
    expect(cam.dac(4)).toBe(20);
    expect(await page.getByTestId('dac-Ibias_Ikrum').inputValue()).toBe('20');
    await screenshot(page, 'camera-4-spx');
  });

  it('starts acquisition driving the camera (hits arrive) and stops it (the stream stops)', async () => {
    await page.getByTestId('camera-acquire').click();
    await expect
      .poll(() => page.getByTestId('camera-acquisition-state').textContent())
      .toBe('running: shutter open, heartbeat ok');
    expect(cam.shutterOpen).toBe(true);
    await expect
      .poll(() => fromStores<number>(page, 's.live.getState().snapshot?.totals.hits ?? 0'), {
        timeout: 20_000,
      })
      .toBeGreaterThan(1000);
    // The panel keeps working through acquisition's connection.
    await expect
      .poll(() => fromStores<boolean>(page, 's.camera.getState().camera.drivenByAcquisition'))
      .toBe(true);
    await screenshot(page, 'camera-5-running');
    await page.getByTestId('camera-acquire').click();
    await expect.poll(() => page.getByTestId('camera-acquisition-state').textContent()).toBe('idle');
    expect(cam.shutterOpen).toBe(false);
    const sent = cam.stream.counters.datagrams;
    await new Promise((r) => setTimeout(r, 500));
    expect(cam.stream.counters.datagrams).toBe(sent);
  });

  it('shows an unreachable camera as a message, not a blank page', async () => {
    const port = await freePort();
    const field = page.getByTestId('field-camera.port');
    await field.fill(String(port));
    await field.press('Enter');
    await expect
      .poll(() => page.getByTestId('camera-error').textContent(), { timeout: 20_000 })
      .toMatch(new RegExp(`^camera: SPIDR 127\\.0\\.0\\.1:${port}: .*check the address`));
    expect(await page.getByTestId('camera-connection').textContent()).toMatch(/^not connected/);
    expect(await page.getByTestId('camera-view').isVisible()).toBe(true);
    expect(await page.getByTestId('tab-live').isVisible()).toBe(true);
    await screenshot(page, 'camera-6-unreachable');
    // Starting acquisition fails with the camera named; the page stays.
    await page.getByTestId('camera-acquire').click();
    await expect
      .poll(() => page.getByTestId('camera-acquire-error').textContent(), { timeout: 20_000 })
      .toMatch(new RegExp(`camera.*127\\.0\\.0\\.1:${port}`));
    // Back to the camera: the panel reads it again.
    await field.fill(String(cam.port));
    await field.press('Enter');
    await expect.poll(() => page.getByTestId('camera-chips').textContent()).toBe('W0028_H06');
    expect(await page.getByTestId('camera-error').count()).toBe(0);
  });

  it('raised no page errors', () => {
    expect(session.errors).toEqual([]);
  });
});
