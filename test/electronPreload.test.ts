// The preload with `electron` mocked: it exposes exactly the ChronopixBridge on window.chronopix,
// each method invokes its contract channel, errors come back as one-line Errors, events subscribe
// and unsubscribe, and view snapshots arrive through the port the main process sends (acknowledged).
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { API_EVENTS, type ChronopixBridge, HOST_EVENTS, HOST_METHODS, SERVER_METHODS } from '../shared/api';
import { VIEWS_ACK, VIEWS_PORT_CHANNEL } from '../electron/ipc/channels';

type Handler = (event: unknown, payload?: unknown) => void;

const electron = vi.hoisted(() => {
  const listeners = new Map<string, Set<(event: unknown, payload?: unknown) => void>>();
  return {
    listeners,
    exposed: new Map<string, unknown>(),
    invoke: vi.fn(async (channel: string, arg: unknown): Promise<unknown> => ({
      ok: true,
      value: { channel, arg },
    })),
  };
});

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => electron.exposed.set(key, value) },
  ipcRenderer: {
    invoke: electron.invoke,
    on: (channel: string, l: Handler) => {
      const set = electron.listeners.get(channel) ?? new Set();
      set.add(l);
      electron.listeners.set(channel, set);
    },
    removeListener: (channel: string, l: Handler) => electron.listeners.get(channel)?.delete(l),
  },
}));

let bridge: ChronopixBridge;
beforeAll(async () => {
  await import('../electron/preload');
  bridge = electron.exposed.get('chronopix') as ChronopixBridge;
});

function emit(channel: string, event: unknown, payload?: unknown): void {
  for (const l of electron.listeners.get(channel) ?? []) l(event, payload);
}

describe('preload bridge', () => {
  it('exposes only window.chronopix, with exactly the ChronopixBridge methods', () => {
    expect([...electron.exposed.keys()]).toEqual(['chronopix']);
    const expected = [
      ...Object.keys(SERVER_METHODS),
      ...Object.keys(HOST_METHODS),
      'onStatus',
      'onViews',
      'onJob',
      'onConfig',
      'onMenuOpen',
    ];
    expect(Object.keys(bridge).sort()).toEqual(expected.sort());
    for (const value of Object.values(bridge)) expect(typeof value).toBe('function');
  });

  it('invokes each method on its channel with its one argument', async () => {
    const methods = { ...SERVER_METHODS, ...HOST_METHODS };
    for (const [method, channel] of Object.entries(methods)) {
      const fn = (bridge as unknown as Record<string, (a: unknown) => Promise<unknown>>)[method];
      expect(await fn({ n: 1 })).toEqual({ channel, arg: { n: 1 } });
    }
    expect(electron.invoke).toHaveBeenCalledTimes(Object.keys(methods).length);
    expect(await bridge.listRuns('/data')).toEqual({ channel: 'offline:list-runs', arg: '/data' });
  });

  it("rethrows the main process's one-line error", async () => {
    electron.invoke.mockResolvedValueOnce({ ok: false, error: 'startRecording: stopAfterS: auto-stop' });
    await expect(bridge.startRecording({ stopAfterS: -1 })).rejects.toThrow(
      /^startRecording: stopAfterS: auto-stop$/,
    );
  });

  it('subscribes to status and job events and unsubscribes', () => {
    const statuses: unknown[] = [];
    const jobs: unknown[] = [];
    const offStatus = bridge.onStatus((s) => statuses.push(s));
    const offJob = bridge.onJob((j) => jobs.push(j));
    emit(API_EVENTS.status, { sender: 'hidden' }, { state: 'running' });
    emit(API_EVENTS.job, {}, { id: 'j1' });
    offStatus();
    offJob();
    emit(API_EVENTS.status, {}, { state: 'idle' });
    expect(statuses).toEqual([{ state: 'running' }]);
    expect(jobs).toEqual([{ id: 'j1' }]);
    expect(electron.listeners.get(API_EVENTS.status)?.size).toBe(0);
  });

  it("forwards the menu's File > Open choices to the page", () => {
    const opened: unknown[] = [];
    const off = bridge.onMenuOpen((o) => opened.push(o));
    emit(HOST_EVENTS.menuOpen, {}, { kind: 'files', paths: ['/data/run_0001.raw'] });
    off();
    emit(HOST_EVENTS.menuOpen, {}, { kind: 'folder', paths: ['/data'] });
    expect(opened).toEqual([{ kind: 'files', paths: ['/data/run_0001.raw'] }]);
    expect(electron.listeners.get(HOST_EVENTS.menuOpen)?.size).toBe(0);
  });

  it('delivers view snapshots from the port the main process sends, acknowledging each', () => {
    const port = { onmessage: null as ((e: { data: unknown }) => void) | null, postMessage: vi.fn() };
    emit(VIEWS_PORT_CHANNEL, { ports: [port] });
    const got: unknown[] = [];
    const off = bridge.onViews((s) => got.push(s));
    const snapshot = { timeS: 1, tof: { counts: new Float64Array([1, 2]) } };
    port.onmessage!({ data: snapshot });
    off();
    port.onmessage!({ data: { timeS: 2 } });
    expect(got).toEqual([snapshot]);
    expect(port.postMessage.mock.calls).toEqual([[VIEWS_ACK], [VIEWS_ACK]]);
  });
});
