// The camera sequences against the virtual camera over real TCP and UDP on 127.0.0.1: connect sends
// only reads; configure uploads the .spx fixture (DACs, 86 + 256 pixel messages verified) and ramps
// the bias within its limit; start streams UDP to the destination it set, the heartbeat's timer
// reads put time packets into that stream; stop ends the stream; quit applies the bias policy.
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CameraSession, type CameraSessionOptions } from '../native-workers/camera/cameraSession';
import { SPIDR_COMMANDS as C } from '../native-workers/camera/spidrCommands';
import { parseSpx } from '../native-workers/camera/spx';
import { VirtualCamera } from '../native-workers/camera/virtualCamera';
import { FIXTURES_SKIP_REASON, HAVE_FIXTURES, fixturePath } from './fixtures';
import { useTmpDir } from './tmpDir';
import { waitFor } from './waitFor';

const SPX = 'test_config_W0028_H06_50V.spx';
const dir = useTmpDir();
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const GETS = new Set<number>([
  C.GET_SOFTWVERSION,
  C.GET_FIRMWVERSION,
  C.GET_DEVICECOUNT,
  C.GET_DEVICEID,
  C.GET_SPIDR_ADC,
  C.GET_LOCALTEMP,
  C.GET_REMOTETEMP,
  C.GET_FPGATEMP,
  C.GET_DAC,
]);

async function setup(options: Partial<CameraSessionOptions> = {}) {
  const cam = await VirtualCamera.start({ stream: { rateMBps: 1 } });
  const session = new CameraSession({
    host: '127.0.0.1',
    port: cam.port,
    timeoutMs: 1000,
    biasLimitVolts: 60,
    biasRampVoltsPerS: 100,
    sleep: async () => undefined,
    ...options,
  });
  cleanup.push(
    () => cam.close(),
    () => session.quit(),
  );
  return { cam, session };
}

async function udpReceiver(): Promise<{ socket: Socket; port: number; words: () => Uint32Array[] }> {
  const socket = createSocket('udp4');
  const got: Uint32Array[] = [];
  socket.on('message', (m) =>
    got.push(new Uint32Array(m.buffer.slice(m.byteOffset, m.byteOffset + m.length))),
  );
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  cleanup.push(() => new Promise<void>((r) => socket.close(() => r())));
  return { socket, port: socket.address().port, words: () => got };
}

describe('CameraSession against the virtual camera', () => {
  it('connects with reads only and snapshots the state', async () => {
    const { cam, session } = await setup();
    const info = await session.connect();
    expect(info).toMatchObject({ deviceCount: 1, chipIds: ['W0028_H06'], biasVoltage: 0 });
    expect(info.temperatures.local).toBeGreaterThan(20);
    const snap = await session.snapshot();
    expect(snap.dacs[0].Vthreshold_fine).toBe(420);
    expect(cam.received.every((c) => GETS.has(c))).toBe(true);
  });

  it.skipIf(!HAVE_FIXTURES)(
    `configures from the .spx and ramps the bias${HAVE_FIXTURES ? '' : ` (${FIXTURES_SKIP_REASON})`}`,
    async () => {
      const waits: number[] = [];
      const { cam, session } = await setup({
        configFile: fixturePath(SPX),
        biasVolts: 50,
        biasRampVoltsPerS: 10,
        sleep: async (ms) => void waits.push(ms),
      });
      await session.configure();
      const spx = parseSpx(readFileSync(fixturePath(SPX)));
      expect(cam.dac(4)).toBe(spx.dacs.Ibias_Ikrum);
      let masked = 0;
      for (let x = 0; x < 256; x++) for (let y = 0; y < 256; y++) masked += cam.pixel(x, y) & 1;
      expect(masked).toBe(160);
      expect(cam.received.filter((c) => c === C.SET_PIXCONF)).toHaveLength(86);
      expect(cam.received.filter((c) => c === C.GET_PIXCONF)).toHaveLength(256);
      expect(cam.biasVolts).toBeCloseTo(50, 1);
      // 12 -> 50 V at 10 V/s in 2.5 V steps: 16 steps of 250 ms, never faster.
      expect(waits.reduce((a, b) => a + b, 0)).toBeCloseTo(3800, -1);
      expect(Math.max(...waits)).toBeLessThanOrEqual(250 + 1e-6);
      expect(session.configFile?.sha256).toMatch(/^[0-9a-f]{64}$/);
      await expect(session.rampBias(70)).rejects.toThrow('bias 70 V is outside the allowed 12..60 V');
    },
  );

  it('streams while the shutter is open, with time packets from the heartbeat, and stops', async () => {
    const times: number[] = [];
    const { cam, session } = await setup({ heartbeatMs: 200, onTime: (t) => times.push(t) });
    const rx = await udpReceiver();
    await session.connect();
    expect(cam.shutterOpen).toBe(false);
    await session.start({ address: '127.0.0.1', port: rx.port });
    expect(cam.udpDestination).toEqual({ address: '127.0.0.1', port: rx.port });
    expect(cam.shutterOpen).toBe(true);
    await waitFor(
      () => times.length >= 3 && rx.words().length > 20,
      () => `3 timer reads and over 20 datagrams (have ${times.length} and ${rx.words().length})`,
      5000,
    );
    // Time packets (0x44 then 0x45) carry the timer that was read.
    const pairs = rx.words().filter((w) => w.length === 4 && w[1] >>> 24 === 0x44 && w[3] >>> 24 === 0x45);
    expect(pairs.length).toBeGreaterThanOrEqual(2);
    const lsb = (w: Uint32Array) => ((w[0] >>> 16) | ((w[1] & 0xffff) << 16)) >>> 0;
    expect(times).toContain(lsb(pairs[0]));
    // The generated stream itself carries no time packets (the chip writes them only on a read).
    const others = rx.words().filter((w) => w.length !== 4);
    for (const w of others)
      for (let i = 1; i < w.length; i += 2) expect([0x44, 0x45]).not.toContain(w[i] >>> 24);
    expect(times[times.length - 1]).toBeGreaterThan(times[0]);

    await session.stop();
    expect(cam.shutterOpen).toBe(false);
    await new Promise((r) => setTimeout(r, 150));
    const n = rx.words().length;
    await new Promise((r) => setTimeout(r, 400));
    expect(rx.words().length).toBe(n);
  });

  it('keeps the bias on quit, or ramps it off', async () => {
    const { cam, session } = await setup({ biasVolts: 30, biasOnQuit: 'off' });
    await session.configure();
    expect(cam.biasVolts).toBeCloseTo(30, 1);
    expect(await session.quit()).toBe('bias ramped down and supply off');
    expect(cam.biasVolts).toBe(0);

    const kept = await setup({ biasVolts: 20, biasOnQuit: 'keep' });
    await kept.session.configure();
    expect(await kept.session.quit()).toBe('bias left as it is');
    expect(kept.cam.biasVolts).toBeCloseTo(20, 1);
  });

  it('rejects a truncated or non-ZIP .spx before sending anything', async () => {
    const { cam, session } = await setup();
    const notZip = join(dir, 'notzip.spx');
    writeFileSync(notZip, 'hello');
    await expect(session.loadConfigFile(notZip)).rejects.toThrow(/not a ZIP archive/);
    if (HAVE_FIXTURES) {
      const cut = join(dir, 'cut.spx');
      writeFileSync(cut, readFileSync(fixturePath(SPX)).subarray(0, 5000));
      await expect(session.loadConfigFile(cut)).rejects.toThrow(/not a valid SoPhy .spx file/);
    }
    await expect(session.loadConfigFile(join(dir, 'missing.spx'))).rejects.toThrow(/cannot read.*ENOENT/);
    expect(cam.requestCount).toBe(0);
  });
});
