import { describe, expect, it } from 'vitest';
import type { CameraDacRequest, CameraState } from '../../../shared/cameraApi';
import type { EngineStatus } from '../../../shared/engineApi';
import { createFakeClient } from '../api/fakeClient';
import { createCameraStore } from './cameraStore';

function reading(at: number, local = 40): CameraState {
  return {
    address: '127.0.0.1:50000',
    drivenByAcquisition: false,
    softwareVersion: 0x01020304,
    firmwareVersion: 0x0a0b0c0d,
    deviceCount: 1,
    chips: ['W0028_H06'],
    biasVoltage: 0,
    bias: { minVolts: 12, limitVolts: 60, rampVoltsPerS: 5, targetVolts: null, onQuit: 'keep' },
    temperatures: { local, remote: 35, fpga: 50 },
    chip: 0,
    dacs: [
      { name: 'Vthreshold_fine', value: 420, min: 0, max: 511, bits: 9 },
      { name: 'Ibias_Ikrum', value: 5, min: 0, max: 255, bits: 8 },
    ],
    configFile: null,
    readAtMs: at,
  };
}

describe('camera store', () => {
  it('reads the camera, trends temperatures and keeps the DAC table between light reads', async () => {
    let t = 1000;
    const api = createFakeClient({
      getCamera: (q) => {
        const r = reading((t += 1000), 40 + t / 1000);
        return (q as { dacs?: boolean }).dacs === false ? { ...r, dacs: null } : r;
      },
    });
    const store = createCameraStore(api);
    await store.getState().refresh();
    expect(store.getState().camera?.chips).toEqual(['W0028_H06']);
    await store.getState().poll();
    await store.getState().poll();
    expect(api.calls.map(([m, p]) => [m, p])).toEqual([
      ['getCamera', { dacs: true }],
      ['getCamera', { dacs: false }],
      ['getCamera', { dacs: false }],
    ]);
    expect(store.getState().camera?.dacs).toHaveLength(2);
    expect(store.getState().temperatures.map((p) => p.local)).toEqual([42, 43, 44]);
  });

  it('shows why the camera cannot be read', async () => {
    const api = createFakeClient({
      getCamera: () => {
        throw new Error('camera: none configured; give its address (camera.address) in the Camera tab');
      },
    });
    const store = createCameraStore(api);
    await store.getState().refresh();
    expect(store.getState().error).toMatch(/none configured/);
    expect(store.getState().loading).toBe(false);
  });

  it('refuses an out-of-range DAC without sending, and updates the table from the read-back', async () => {
    const api = createFakeClient({
      getCamera: () => reading(1),
      setCameraDac: (p) => ({ ...(p as CameraDacRequest), chip: 0 }),
    });
    const store = createCameraStore(api);
    await store.getState().refresh();
    expect(await store.getState().setDac('Vthreshold_fine', 512)).toBe(false);
    expect(await store.getState().setDac('Vthreshold_fine', 1.5)).toBe(false);
    expect(store.getState().dacErrors.Vthreshold_fine).toBe(
      'Vthreshold_fine must be a whole number 0..511 (9 bits)',
    );
    expect(api.calls.filter(([m]) => m === 'setCameraDac')).toEqual([]);
    expect(await store.getState().setDac('Vthreshold_fine', 300)).toBe(true);
    expect(api.calls.at(-1)).toEqual(['setCameraDac', { name: 'Vthreshold_fine', value: 300, chip: 0 }]);
    expect(store.getState().camera?.dacs?.[0].value).toBe(300);
    expect(store.getState().dacErrors).toEqual({});
  });

  it('reports the bias and .spx outcomes beside their controls', async () => {
    const api = createFakeClient({
      getCamera: () => reading(1),
      setCameraBias: (p) => {
        const { volts } = p as { volts: number };
        if (volts > 60) throw new Error(`bias ${volts} V is outside the allowed 12..60 V`);
        return { askedVolts: volts, biasVoltage: volts - 0.01 };
      },
      loadCameraConfig: (p) => ({
        path: (p as { path: string }).path,
        name: 'a.spx',
        sha256: 'ab',
        chip: 0,
        chipName: 'W0028_H06',
        changed: [{ name: 'Ibias_Ikrum', from: 5, to: 20 }],
        maskedPixels: 160,
        dacs: reading(1).dacs!.map((d) => (d.name === 'Ibias_Ikrum' ? { ...d, value: 20 } : d)),
      }),
    });
    const store = createCameraStore(api);
    await store.getState().refresh();
    expect(await store.getState().setBias(70)).toBe(false);
    expect(store.getState().bias.error).toBe('bias 70 V is outside the allowed 12..60 V');
    expect(await store.getState().setBias(50)).toBe(true);
    expect(store.getState().bias).toEqual({ busy: false, error: null, message: 'bias 49.99 V (asked 50 V)' });
    expect(store.getState().camera?.biasVoltage).toBe(49.99);

    expect(await store.getState().loadConfig('  ')).toBe(false);
    expect(store.getState().config.error).toBe('give the path of a .spx file');
    expect(await store.getState().loadConfig('/cfg/a.spx')).toBe(true);
    expect(store.getState().config.result?.changed).toEqual([{ name: 'Ibias_Ikrum', from: 5, to: 20 }]);
    expect(store.getState().camera?.dacs?.[1].value).toBe(20);
    expect(store.getState().camera?.configFile?.name).toBe('a.spx');
  });

  it('takes temperatures from the engine status while the panel does not poll', () => {
    const api = createFakeClient();
    const store = createCameraStore(api);
    const status = (local: number) =>
      ({
        camera: { temperatures: { local, remote: 1, fpga: 2 } },
      }) as EngineStatus;
    api.emit('status', status(30));
    api.emit('status', status(30));
    api.emit('status', status(31));
    expect(store.getState().temperatures.map((p) => p.local)).toEqual([30, 31]);
    const stop = store.getState().startPolling(60_000);
    api.emit('status', status(32));
    stop();
    expect(store.getState().temperatures).toHaveLength(2);
  });
});
