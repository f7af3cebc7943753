import { describe, expect, it } from 'vitest';
import type { EngineStatus } from '../../../shared/engineApi';
import { createFakeClient } from '../api/fakeClient';
import { createAcquisitionStore } from './acquisitionStore';

function status(patch: Partial<EngineStatus> = {}): EngineStatus {
  return {
    state: 'idle',
    source: { kind: 'emulator', address: '127.0.0.1', port: 40000 },
    elapsedS: 0,
    recording: null,
    disk: null,
    received: { datagrams: 0, bytes: 0, megabytesPerS: 0 },
    loss: {
      kernelDrops: 0,
      packetIdGaps: 0,
      oddDatagrams: 0,
      droppedBeforeTime: 0,
      pipelineDroppedBatches: 0,
    },
    pipelineRestarts: 0,
    stages: [],
    messages: [],
    ...patch,
  };
}

const recording = {
  path: '/d/run_0000_20261126-0330.raw.partial',
  bytes: 10,
  seconds: 1,
  droppedDatagrams: 0,
  stopAfterS: 30,
};

describe('acquisition store', () => {
  it('starts, records with the auto-stop time, and stops through the API, following the status', async () => {
    let current = status();
    let index = 0;
    const api = createFakeClient({
      getStatus: () => current,
      start: () => (current = status({ state: 'running' })),
      stop: () => (current = status()),
      startRecording: () => (current = status({ state: 'running', recording })),
      stopRecording: () => {
        current = status({ state: 'running' });
        index++;
        return {
          state: 'stopped',
          error: null,
          rawPath: '/d/run_0000.raw',
          sidecarPath: '/d/run_0000.json',
          fileBytes: 10,
          durationS: 1,
        };
      },
      previewRecording: () => ({
        folder: '/d',
        fileName: `run_000${index}_20261126-0330.raw`,
        freeBytes: 1e9,
      }),
    });
    let connected = 0;
    const store = createAcquisitionStore(api, () => connected++);
    api.setConnection('open');
    await new Promise((r) => setTimeout(r, 0));
    expect(connected).toBe(1);
    expect(store.getState().preview?.fileName).toBe('run_0000_20261126-0330.raw');

    await store.getState().toggleAcquisition();
    expect(store.getState().status?.state).toBe('running');
    await store.getState().toggleRecording(30);
    expect(api.calls.find(([m]) => m === 'startRecording')?.[1]).toEqual({ stopAfterS: 30 });
    expect(store.getState().status?.recording?.stopAfterS).toBe(30);
    await store.getState().toggleRecording(30);
    expect(store.getState().lastRecording?.rawPath).toBe('/d/run_0000.raw');
    expect(store.getState().preview?.fileName).toBe('run_0001_20261126-0330.raw');
    // No auto-stop: no stopAfterS sent.
    await store.getState().startRecording(0);
    expect(api.calls.filter(([m]) => m === 'startRecording').at(-1)?.[1]).toEqual({});
    await store.getState().toggleAcquisition();
    expect(store.getState().status?.state).toBe('idle');
    expect(store.getState().error).toBeNull();
  });

  it('turns a failed action into a message, and pushed status into state', async () => {
    const api = createFakeClient({
      start: () => {
        throw new Error('cannot listen on UDP 0.0.0.0:8192: address in use');
      },
      previewRecording: () => ({ folder: '/d', fileName: 'run_0000_x.raw', freeBytes: 1 }),
    });
    const store = createAcquisitionStore(api);
    await store.getState().start();
    expect(store.getState().error).toBe('cannot listen on UDP 0.0.0.0:8192: address in use');
    expect(store.getState().busy).toBe(false);
    api.emit('status', status({ state: 'running', recording }));
    expect(store.getState().status?.recording?.path).toBe(recording.path);
    // An auto-stop ends the recording: the preview is asked for again.
    api.emit('status', status({ state: 'running' }));
    await new Promise((r) => setTimeout(r, 0));
    expect(api.calls.filter(([m]) => m === 'previewRecording')).toHaveLength(1);
    store.getState().dismissError();
    expect(store.getState().error).toBeNull();
  });
});
