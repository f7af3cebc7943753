// The camera panel's service against the virtual camera over real TCP: reads with DAC ranges, a DAC
// set and read back, the bias within the limit, the .spx upload with what changed, and every bad
// request (no camera, unknown DAC, out-of-range value or bias, bad file, unreachable camera) one
// line with nothing sent to the camera.
import { writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineStatus } from '../shared/engineApi';
import { DEFAULT_SETTINGS, type Settings } from '../shared/settings';
import { CameraService } from '../electron/engine/cameraService';
import { VirtualCamera } from '../native-workers/camera/virtualCamera';
import { FIXTURES_SKIP_REASON, HAVE_FIXTURES, fixturePath } from './fixtures';
import { useTmpDir } from './tmpDir';

const dir = useTmpDir();
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

function service(port: number | null, state: EngineStatus['state'] = 'idle', idleMs?: number): CameraService {
  const settings: Settings = structuredClone(DEFAULT_SETTINGS);
  if (port !== null) {
    settings.camera.address = '127.0.0.1';
    settings.camera.port = port;
  }
  settings.camera.replyTimeoutMs = 300;
  settings.camera.biasRampVoltsPerS = 100;
  settings.camera.biasLimitVolts = 40;
  const svc = new CameraService(
    {
      getSettings: async () => settings,
      getStatus: async () => ({ state }) as EngineStatus,
    },
    idleMs,
  );
  cleanup.push(() => svc.release());
  return svc;
}

async function camera(): Promise<VirtualCamera> {
  const cam = await VirtualCamera.start({});
  cleanup.push(() => cam.close());
  return cam;
}

describe('CameraService', () => {
  it('reads the camera with DAC ranges, sets a DAC and the bias, read back', async () => {
    const cam = await camera();
    const svc = service(cam.port);
    const state = await svc.getCamera();
    expect(state).toMatchObject({
      address: `127.0.0.1:${cam.port}`,
      drivenByAcquisition: false,
      deviceCount: 1,
      chips: ['W0028_H06'],
      biasVoltage: 0,
      bias: { minVolts: 12, limitVolts: 40 },
      chip: 0,
      configFile: null,
    });
    expect(state.dacs?.find((d) => d.name === 'Vthreshold_fine')).toEqual({
      name: 'Vthreshold_fine',
      value: 420,
      min: 0,
      max: 511,
      bits: 9,
    });
    expect(state.dacs).toHaveLength(18);
    expect(Object.keys(state.temperatures)).toEqual(['local', 'remote', 'fpga']);
    expect((await svc.getCamera({ dacs: false })).dacs).toBeNull();

    expect(await svc.setCameraDac({ name: 'Vthreshold_fine', value: 200 })).toEqual({
      name: 'Vthreshold_fine',
      chip: 0,
      value: 200,
    });
    expect(cam.dac(6)).toBe(200);
    const result = await svc.setCameraBias({ volts: 20 });
    expect(result.askedVolts).toBe(20);
    expect(result.biasVoltage).toBeCloseTo(20, 0);
    expect(cam.biasVolts).toBeCloseTo(20, 1);

    const before = cam.requestCount;
    await expect(svc.setCameraDac({ name: 'Vthreshold_fine', value: 512 })).rejects.toThrow(
      'DAC Vthreshold_fine = 512 is out of range: must be an integer 0..511 (9 bits)',
    );
    await expect(svc.setCameraDac({ name: 'Vthreshold', value: 1 })).rejects.toThrow(
      /unknown Timepix3 DAC "Vthreshold"/,
    );
    await expect(svc.setCameraBias({ volts: 50 })).rejects.toThrow(
      'bias 50 V is outside the allowed 12..40 V (camera.biasLimitVolts)',
    );
    const notZip = join(dir, 'bad.spx');
    writeFileSync(notZip, 'not a zip');
    await expect(svc.loadCameraConfig({ path: notZip })).rejects.toThrow(/not a ZIP archive/);
    expect(cam.requestCount).toBe(before);
  });

  it.skipIf(!HAVE_FIXTURES)(
    `loads the .spx and says what changed${HAVE_FIXTURES ? '' : ` (${FIXTURES_SKIP_REASON})`}`,
    async () => {
      const cam = await camera();
      const svc = service(cam.port);
      const r = await svc.loadCameraConfig({ path: fixturePath('test_config_W0028_H06_50V.spx') });
      expect(r).toMatchObject({ name: 'test_config_W0028_H06_50V.spx', chip: 0, chipName: 'W0028_H06' });
      expect(r.maskedPixels).toBe(160);
      expect(r.changed).toContainEqual({ name: 'Ibias_Ikrum', from: 5, to: 20 });
      expect(r.dacs.find((d) => d.name === 'Ibias_Ikrum')?.value).toBe(20);
      expect(cam.dac(4)).toBe(20);
      expect((await svc.getCamera({ dacs: false })).configFile?.sha256).toBe(r.sha256);
      // Not while acquiring.
      await expect(
        service(cam.port, 'running').loadCameraConfig({ path: fixturePath('test_config_W0028_H06_50V.spx') }),
      ).rejects.toThrow(/stop acquisition before loading/);
    },
  );

  it('closes its own connection when unused', async () => {
    const cam = await camera();
    const svc = service(cam.port, 'idle', 100);
    await svc.getCamera({ dacs: false });
    expect(svc['own']).not.toBeNull();
    await new Promise((r) => setTimeout(r, 300));
    expect(svc['own']).toBeNull();
    // The next call connects again.
    expect((await svc.getCamera({ dacs: false })).chips).toEqual(['W0028_H06']);
  });

  it('gives one line when no camera is configured or it cannot be reached', async () => {
    await expect(service(null).getCamera()).rejects.toThrow(
      'camera: none configured; give its address (camera.address) in the Camera tab',
    );
    // A camera that hangs up at once, and a port where nothing listens.
    const cam = await VirtualCamera.start({ faults: { refuse: true } });
    cleanup.push(() => cam.close());
    const hangUp = (await service(cam.port)
      .getCamera()
      .catch((e: Error) => e)) as Error;
    expect(hangUp.message).toBe(`camera: SPIDR 127.0.0.1:${cam.port}: connection closed by the camera`);
    const free = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const { port } = srv.address() as AddressInfo;
        srv.close(() => resolve(port));
      });
    });
    const refused = (await service(free)
      .getCamera()
      .catch((e: Error) => e)) as Error;
    expect(refused.message).toMatch(
      new RegExp(`^camera: SPIDR 127\\.0\\.0\\.1:${free}: .*check the address`),
    );
    expect(refused.message.split('\n')).toHaveLength(1);
  });
});
