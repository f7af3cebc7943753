import { describe, expect, it } from 'vitest';
import { SERVER_METHODS, type ServerApi } from '../../shared/api';
import { createApiRouter } from './apiRouter';

/** A ServerApi that records the calls it gets and answers with the method's name. */
function recordingApi(): { api: ServerApi; calls: [string, unknown[]][] } {
  const calls: [string, unknown[]][] = [];
  const api = new Proxy({} as ServerApi, {
    get: (_t, name: string) =>
      name.startsWith('on')
        ? () => () => undefined
        : async (...args: unknown[]) => {
            calls.push([name, args]);
            return name;
          },
  });
  return { api, calls };
}

describe('createApiRouter', () => {
  it('dispatches every method of the table to the API', async () => {
    const { api, calls } = recordingApi();
    const router = createApiRouter(api);
    const params: Partial<Record<keyof typeof SERVER_METHODS, unknown>> = {
      listRuns: '/data',
      summarizeFile: '/data/a.raw',
      cancelJob: 'job-1',
      startRecording: { prefix: 'x', stopAfterS: 5 },
      setCameraDac: { name: 'Vthreshold_fine', value: 150 },
      setCameraBias: { volts: 20 },
      loadCameraConfig: { path: '/cfg/chip.spx' },
    };
    for (const method of Object.keys(SERVER_METHODS) as (keyof typeof SERVER_METHODS)[]) {
      expect(await router.call(method, params[method])).toBe(method);
    }
    expect(calls.map(([m]) => m)).toEqual(Object.keys(SERVER_METHODS));
    expect(calls.find(([m]) => m === 'startRecording')![1]).toEqual([{ prefix: 'x', stopAfterS: 5 }]);
    expect(calls.find(([m]) => m === 'listRuns')![1]).toEqual(['/data']);
    expect(calls.find(([m]) => m === 'getCamera')![1]).toEqual([{}]);
    expect(calls.find(([m]) => m === 'setCameraDac')![1]).toEqual([{ name: 'Vthreshold_fine', value: 150 }]);
  });

  it('parses the camera calls before they reach the API', async () => {
    const { api, calls } = recordingApi();
    const router = createApiRouter(api);
    await expect(router.call('setCameraDac', { name: 'Vfbk', value: 1.5 })).rejects.toThrow(
      'setCameraDac: value: a DAC value is a whole number',
    );
    await expect(router.call('setCameraDac', { name: '', value: 1 })).rejects.toThrow(
      'setCameraDac: name: give a DAC name',
    );
    await expect(router.call('setCameraDac', undefined)).rejects.toThrow(/^setCameraDac: /);
    await expect(router.call('setCameraBias', { volts: 'high' })).rejects.toThrow(/^setCameraBias: volts: /);
    await expect(router.call('loadCameraConfig', { path: '' })).rejects.toThrow(
      'loadCameraConfig: path: give the path of a .spx file',
    );
    await expect(router.call('getCamera', { chip: -1 })).rejects.toThrow(/^getCamera: chip: /);
    await expect(router.call('getCamera', { dacs: true, extra: 1 })).rejects.toThrow(/^getCamera: .*extra/);
    expect(calls).toEqual([]);
    await router.call('getCamera', { dacs: false });
    expect(calls).toEqual([['getCamera', [{ dacs: false }]]]);
  });

  it('rejects unknown methods and bad parameters before they reach the API', async () => {
    const { api, calls } = recordingApi();
    const router = createApiRouter(api);
    await expect(router.call('constructor', null)).rejects.toThrow("unknown method 'constructor'");
    await expect(router.call(42, null)).rejects.toThrow("unknown method '42'");
    await expect(router.call('startRecording', { stopAfterS: -1 })).rejects.toThrow(
      'startRecording: stopAfterS: auto-stop: give a positive number of seconds',
    );
    await expect(router.call('startRecording', { folder: 3 })).rejects.toThrow(/^startRecording: folder: /);
    await expect(router.call('startRecording', { bogus: 1 })).rejects.toThrow(/^startRecording: .*bogus/);
    await expect(router.call('listRuns', 5)).rejects.toThrow('listRuns: give a folder path');
    await expect(router.call('cancelJob', '')).rejects.toThrow('cancelJob: give a job id');
    expect(calls).toEqual([]);
    // A missing options object is the empty one.
    await router.call('startRecording', undefined);
    expect(calls).toEqual([['startRecording', [{}]]]);
  });

  it('subscribes to the four events and refuses others', () => {
    const seen: string[] = [];
    const api = new Proxy({} as ServerApi, {
      get: (_t, name: string) => () => {
        seen.push(name);
        return () => undefined;
      },
    });
    const router = createApiRouter(api);
    router.subscribe('status', () => undefined);
    router.subscribe('views', () => undefined);
    router.subscribe('job', () => undefined);
    router.subscribe('config', () => undefined);
    expect(seen).toEqual(['onStatus', 'onViews', 'onJob', 'onConfig']);
    expect(() => router.subscribe('toString' as never, () => undefined)).toThrow("unknown event 'toString'");
  });
});
