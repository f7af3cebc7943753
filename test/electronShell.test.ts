// The Electron shell's IPC wiring, with `electron` mocked (no Electron binary here): every channel of
// the contract has a handler, only the app's page may call, bad payloads are refused before reaching
// the API, and events reach the page (views through the MessagePort). The window, quitting and the
// stage launcher are in electronShellWindow.test.ts.
import type { IpcMainInvokeEvent } from 'electron';
import { type Mock, beforeEach, describe, expect, it, vi } from 'vitest';
import { API_EVENTS, HOST_METHODS, SERVER_METHODS } from '../shared/api';
import type { LiveSnapshot } from '../shared/liveViews';
import { createApiRouter } from '../electron/api/apiRouter';
import { VIEWS_ACK, VIEWS_PORT_CHANNEL, type IpcReply } from '../electron/ipc/channels';
import { createHostApi, createHostRouter } from '../electron/ipc/hostDialogs';
import { bindIpc } from '../electron/ipc/ipcAdapter';
import { PathAllowList } from '../electron/ipc/pathAllowList';
import { APP_URL, fakeApi, fakeWindow } from './electronShellTestKit';

const fake = vi.hoisted(() => {
  // A MessagePortMain stand-in: postMessage records, emit('message') plays the other side.
  class FakePort {
    private readonly listeners: ((event: { data: unknown }) => void)[] = [];
    posted: unknown[] = [];
    started = false;
    closed = false;
    postMessage(message: unknown): void {
      this.posted.push(message);
    }
    start(): void {
      this.started = true;
    }
    close(): void {
      this.closed = true;
    }
    on(_event: 'message', listener: (event: { data: unknown }) => void): void {
      this.listeners.push(listener);
    }
    emit(_event: 'message', event: { data: unknown }): void {
      for (const l of this.listeners) l(event);
    }
  }
  return { FakePort, showItemInFolder: vi.fn() };
});

vi.mock('electron', () => ({
  MessageChannelMain: class {
    port1 = new fake.FakePort();
    port2 = new fake.FakePort();
  },
  shell: { showItemInFolder: fake.showItemInFolder },
}));

function fakeIpcMain() {
  const handlers = new Map<string, (event: IpcMainInvokeEvent, arg: unknown) => Promise<IpcReply>>();
  return {
    handlers,
    handle: (channel: string, fn: never) => void handlers.set(channel, fn),
    removeHandler: (channel: string) => void handlers.delete(channel),
  };
}

function setup() {
  const { window, contents, mainFrame } = fakeWindow();
  const ipcMain = fakeIpcMain();
  const { api, listeners } = fakeApi();
  const allowList = new PathAllowList(() => ['/data/recordings']);
  const dialog = { showOpenDialog: vi.fn() };
  const host = createHostRouter(
    createHostApi({ dialog, shell: { showItemInFolder: fake.showItemInFolder }, window, allowList }),
  );
  const binding = bindIpc({
    ipcMain,
    router: createApiRouter(api),
    host,
    window,
    appUrl: APP_URL,
    allowList,
  });
  const fromPage = { sender: contents, senderFrame: mainFrame } as unknown as IpcMainInvokeEvent;
  const call = (channel: string, arg?: unknown, event = fromPage) => {
    const h = ipcMain.handlers.get(channel);
    if (!h) throw new Error(`no handler for ${channel}`);
    return h(event, arg);
  };
  return { window, contents, mainFrame, ipcMain, api, listeners, allowList, dialog, binding, call };
}

beforeEach(() => vi.clearAllMocks());

describe('IPC adapter', () => {
  it('handles exactly the channels of SERVER_METHODS and HOST_METHODS', () => {
    const { ipcMain, binding } = setup();
    const expected = [...Object.values(SERVER_METHODS), ...Object.values(HOST_METHODS)].sort();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(expected);
    binding.dispose();
    expect(ipcMain.handlers.size).toBe(0);
  });

  it('passes calls to the API through the router and returns its results', async () => {
    const { call, api } = setup();
    expect(await call(SERVER_METHODS.getStatus)).toEqual({
      ok: true,
      value: { method: 'getStatus', arg: undefined },
    });
    expect(await call(SERVER_METHODS.startRecording, { stopAfterS: 5 })).toEqual({
      ok: true,
      value: { method: 'startRecording', arg: { stopAfterS: 5 } },
    });
    expect(api.startRecording).toHaveBeenCalledWith({ stopAfterS: 5 });
    expect(await call(SERVER_METHODS.cancelJob, 'job-1')).toEqual({
      ok: true,
      value: { method: 'cancelJob', arg: 'job-1' },
    });
  });

  it('refuses calls from another web contents, a subframe or a foreign page', async () => {
    const { call, api, contents, mainFrame } = setup();
    const other = { sender: { mainFrame: { url: APP_URL } }, senderFrame: { url: APP_URL } };
    const subframe = { sender: contents, senderFrame: { url: APP_URL } };
    const foreign = { sender: contents, senderFrame: mainFrame };
    for (const event of [other, subframe]) {
      const r = await call(SERVER_METHODS.getStatus, undefined, event as unknown as IpcMainInvokeEvent);
      expect(r).toEqual({ ok: false, error: `${SERVER_METHODS.getStatus}: refused (not the app's page)` });
    }
    mainFrame.url = 'https://evil.example/index.html';
    const r = await call(SERVER_METHODS.stop, undefined, foreign as unknown as IpcMainInvokeEvent);
    expect(r.ok).toBe(false);
    expect(api.getStatus).not.toHaveBeenCalled();
    expect(api.stop).not.toHaveBeenCalled();
  });

  it('rejects invalid payloads with one line, before they reach the API', async () => {
    const { call, api } = setup();
    const cases: [string, unknown, RegExp][] = [
      [
        SERVER_METHODS.startRecording,
        { stopAfterS: -1 },
        /^startRecording: stopAfterS: auto-stop: give a positive/,
      ],
      [SERVER_METHODS.startRecording, { bogus: 1 }, /^startRecording: /],
      [SERVER_METHODS.listRuns, 42, /^listRuns: give a folder path$/],
      [SERVER_METHODS.summarizeFile, '', /^summarizeFile: give a file path$/],
      [HOST_METHODS.chooseFolder, { title: 3 }, /^chooseFolder: title: /],
      [HOST_METHODS.showInFolder, 7, /^showInFolder: /],
    ];
    for (const [channel, arg, message] of cases) {
      const r = await call(channel, arg);
      expect(r.ok, channel).toBe(false);
      if (!r.ok) {
        expect(r.error).toMatch(message);
        expect(r.error).not.toContain('\n');
      }
    }
    expect(api.startRecording).not.toHaveBeenCalled();
    expect(api.listRuns).not.toHaveBeenCalled();
    expect(api.summarizeFile).not.toHaveBeenCalled();
  });

  it('turns an API error into a one-line message', async () => {
    const { call, api } = setup();
    (api.start as unknown as Mock).mockRejectedValueOnce(
      new Error('cannot listen on UDP 0.0.0.0:8192: EADDRINUSE\n    at stack'),
    );
    expect(await call(SERVER_METHODS.start)).toEqual({
      ok: false,
      error: 'cannot listen on UDP 0.0.0.0:8192: EADDRINUSE',
    });
  });

  it('accepts only recording folders the user chose (or the configured one)', async () => {
    const { call, api, dialog, allowList } = setup();
    const r = await call(SERVER_METHODS.startRecording, { folder: '/etc' });
    expect(r).toEqual({
      ok: false,
      error: 'startRecording: folder: choose the folder with the folder dialog',
    });
    expect((await call(SERVER_METHODS.setSettings, { recording: { folder: '/etc' } })).ok).toBe(false);
    expect(api.startRecording).not.toHaveBeenCalled();
    expect(api.setSettings).not.toHaveBeenCalled();
    expect((await call(SERVER_METHODS.previewRecording, { folder: '/data/recordings/today' })).ok).toBe(true);

    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/mnt/beamtime'] });
    expect(await call(HOST_METHODS.chooseFolder, { title: 'Recording folder' })).toEqual({
      ok: true,
      value: '/mnt/beamtime',
    });
    expect(allowList.allows('/mnt/beamtime/run_0001.raw')).toBe(true);
    expect((await call(SERVER_METHODS.startRecording, { folder: '/mnt/beamtime' })).ok).toBe(true);
  });

  it('host dialogs: cancelled choices add nothing; showInFolder only reveals allowed paths', async () => {
    const { call, dialog, allowList } = setup();
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: [] });
    expect(await call(HOST_METHODS.chooseRawFiles)).toEqual({ ok: true, value: [] });
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/x/a.raw', '/y/b.raw'] });
    expect(await call(HOST_METHODS.chooseRawFiles, {})).toEqual({
      ok: true,
      value: ['/x/a.raw', '/y/b.raw'],
    });
    expect(dialog.showOpenDialog.mock.calls[1][1].properties).toEqual(['openFile', 'multiSelections']);
    expect(allowList.allows('/y/b.raw')).toBe(true);
    expect(allowList.allows('/y/c.raw')).toBe(false);
    expect((await call(HOST_METHODS.showInFolder, '/etc/passwd')).ok).toBe(false);
    expect(fake.showItemInFolder).not.toHaveBeenCalled();
    expect(await call(HOST_METHODS.showInFolder, '/x/a.raw')).toEqual({ ok: true, value: undefined });
    expect(fake.showItemInFolder).toHaveBeenCalledWith('/x/a.raw');
  });

  it('sends status, job and config events to the page with webContents.send', () => {
    const { listeners, contents } = setup();
    const status = { state: 'running' };
    const job = { id: 'j1', state: 'done' };
    const config = { settings: { version: 1 }, views: { refreshHz: 10 } };
    for (const l of listeners.status) l(status);
    for (const l of listeners.job) l(job);
    for (const l of listeners.config) l(config);
    expect(contents.send).toHaveBeenCalledWith(API_EVENTS.status, status);
    expect(contents.send).toHaveBeenCalledWith(API_EVENTS.job, job);
    expect(contents.send).toHaveBeenCalledWith(API_EVENTS.config, config);
  });

  it('sends views through a MessageChannelMain port, skipping frames until acknowledged', () => {
    const { listeners, contents, binding } = setup();
    const snap = (timeS: number) =>
      ({ timeS, tof: { counts: new Float64Array([1, 2, 3]) } }) as unknown as LiveSnapshot;
    for (const l of listeners.views) l(snap(0)); // no page yet: nothing to send to
    contents.emit('did-finish-load');
    const [channel, message, ports] = (contents.postMessage as ReturnType<typeof vi.fn>).mock.calls[0];
    expect(channel).toBe(VIEWS_PORT_CHANNEL);
    expect(message).toBeNull();
    expect(ports).toHaveLength(1);
    const port1 = (binding.views as unknown as { port: InstanceType<typeof fake.FakePort> }).port;
    expect(port1.started).toBe(true);

    for (const l of listeners.views) l(snap(1));
    for (const l of listeners.views) l(snap(2)); // not acknowledged yet: skipped
    port1.emit('message', { data: VIEWS_ACK });
    for (const l of listeners.views) l(snap(3));
    expect(port1.posted.map((s) => (s as LiveSnapshot).timeS)).toEqual([1, 3]);
    expect((port1.posted[0] as { tof: { counts: Float64Array } }).tof.counts).toBeInstanceOf(Float64Array);
    expect(binding.views.skipped).toBe(1);
    expect(contents.send).not.toHaveBeenCalledWith(API_EVENTS.views, expect.anything());

    contents.emit('did-finish-load'); // a reload gets a new channel; the old port is closed
    expect(port1.closed).toBe(true);
    expect((contents.postMessage as ReturnType<typeof vi.fn>).mock.calls).toHaveLength(2);
  });
});
