// The Electron shell's window and process handling, with `electron` mocked (no Electron binary
// here): the window is locked down, quitting flushes the recording before stopping the engine, the
// server API combines the services, and stages run in a utility process. IPC is in electronShell.test.ts.
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { SERVER_METHODS } from '../shared/api';
import { CSP, appCsp, isAppUrl } from '../electron/api/csp';
import { windowOptions } from '../electron/ipc/appWindow';
import { flushOnQuit } from '../electron/ipc/lifecycle';
import { hardenWindow } from '../electron/ipc/security';
import { createServerApi } from '../electron/api/serverApi';
import { utilityLauncher } from '../electron/ipc/utilityLauncher';
import { APP_URL, fakeApi, fakeWindow } from './electronShellTestKit';

const fake = vi.hoisted(() => ({ openExternal: vi.fn(), fork: vi.fn() }));

vi.mock('electron', () => ({
  shell: { openExternal: fake.openExternal },
  utilityProcess: { fork: fake.fork },
}));

beforeEach(() => vi.clearAllMocks());

describe('window', () => {
  it('runs the page isolated, sandboxed, without Node', () => {
    const o = windowOptions({ preload: '/app/out/preload/index.cjs', icon: '/app/assets/icon.png' });
    expect(o.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      preload: '/app/out/preload/index.cjs',
    });
    expect(o).toMatchObject({
      width: 1600,
      height: 1000,
      backgroundColor: '#111418',
      show: false,
      title: 'Chronopix',
    });
  });

  function hardened() {
    const { window, contents } = fakeWindow();
    const ses = {
      setPermissionRequestHandler: vi.fn(),
      setPermissionCheckHandler: vi.fn(),
      webRequest: { onHeadersReceived: vi.fn() },
    };
    hardenWindow(window, ses as never, APP_URL, CSP);
    return { contents, ses };
  }

  it('blocks navigation away from the app (https links go to the browser)', () => {
    const { contents } = hardened();
    const away = { preventDefault: vi.fn() };
    contents.emit('will-navigate', away, 'https://example.org/docs');
    expect(away.preventDefault).toHaveBeenCalled();
    expect(fake.openExternal).toHaveBeenCalledWith('https://example.org/docs');
    const file = { preventDefault: vi.fn() };
    contents.emit('will-navigate', file, 'file:///etc/passwd');
    expect(file.preventDefault).toHaveBeenCalled();
    expect(fake.openExternal).toHaveBeenCalledTimes(1);
    const reload = { preventDefault: vi.fn() };
    contents.emit('will-navigate', reload, APP_URL);
    expect(reload.preventDefault).not.toHaveBeenCalled();
  });

  it('denies new windows and permission requests', () => {
    const { contents, ses } = hardened();
    const handler = (contents.setWindowOpenHandler as ReturnType<typeof vi.fn>).mock.calls[0][0];
    expect(handler({ url: 'https://example.org' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(fake.openExternal).toHaveBeenCalledTimes(1);
    const callback = vi.fn();
    ses.setPermissionRequestHandler.mock.calls[0][0](contents, 'media', callback, {});
    expect(callback).toHaveBeenCalledWith(false);
    expect(ses.setPermissionCheckHandler.mock.calls[0][0]()).toBe(false);
  });

  it('sets the CSP header on every response', () => {
    const { ses } = hardened();
    const callback = vi.fn();
    ses.webRequest.onHeadersReceived.mock.calls[0][0]({ responseHeaders: { 'X-Other': ['1'] } }, callback);
    expect(callback).toHaveBeenCalledWith({
      responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': [CSP] },
    });
    expect(CSP).toContain("script-src 'self';");
    expect(CSP).not.toContain('unsafe-eval');
    expect(appCsp(undefined)).toBe(CSP);
    expect(appCsp('http://localhost:5173')).toContain("connect-src 'self' ws://localhost:5173");
  });

  it('knows the app page: the built file, or the dev server origin', () => {
    expect(isAppUrl(`${APP_URL}#/offline`, APP_URL)).toBe(true);
    expect(isAppUrl('file:///tmp/index.html', APP_URL)).toBe(false);
    expect(isAppUrl('http://localhost:5173/src/x', 'http://localhost:5173/')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
    expect(isAppUrl('not a url', APP_URL)).toBe(false);
  });
});

describe('lifecycle', () => {
  it('on quit, stops the recording, then the engine, then quits', async () => {
    const app = new EventEmitter() as EventEmitter & { quit: () => void };
    const order: string[] = [];
    let quitted!: () => void;
    const done = new Promise<void>((r) => (quitted = r));
    app.quit = () => {
      order.push('quit');
      const again = { preventDefault: vi.fn() };
      app.emit('before-quit', again);
      expect(again.preventDefault).not.toHaveBeenCalled();
      quitted();
    };
    const engine = {
      stopRecording: vi.fn(async () => {
        order.push('stopRecording');
        return null;
      }),
      stop: vi.fn(async () => {
        order.push('stop');
        return {} as never;
      }),
    };
    flushOnQuit(app as never, engine, async () => void order.push('offline'));
    const first = { preventDefault: vi.fn() };
    app.emit('before-quit', first);
    expect(first.preventDefault).toHaveBeenCalled();
    const second = { preventDefault: vi.fn() }; // quit pressed twice while flushing
    app.emit('before-quit', second);
    expect(second.preventDefault).toHaveBeenCalled();
    await done;
    expect(order).toEqual(['stopRecording', 'stop', 'offline', 'quit']);
  });

  it('still quits when stopping fails, and says why', async () => {
    const app = new EventEmitter() as EventEmitter & { quit: () => void };
    const quit = new Promise<void>((r) => (app.quit = r));
    const log = vi.fn();
    const engine = {
      stopRecording: vi.fn(async () => Promise.reject(new Error('disk gone'))),
      stop: vi.fn(),
    };
    flushOnQuit(app as never, engine as never, undefined, log);
    app.emit('before-quit', { preventDefault: vi.fn() });
    await quit;
    expect(log).toHaveBeenCalledWith('while quitting: disk gone');
  });
});

describe('server API and stage launcher', () => {
  it('combines the engine and the offline service into one ServerApi', async () => {
    const { api } = fakeApi();
    const combined = createServerApi(api, api, api);
    for (const m of Object.keys(SERVER_METHODS)) {
      await (combined as unknown as Record<string, (a: unknown) => Promise<unknown>>)[m]('x');
      const takesNoArgument =
        (m.startsWith('get') && m !== 'getCamera') ||
        ['start', 'stop', 'stopRecording', 'resetViews'].includes(m);
      expect(api[m]).toHaveBeenCalledWith(...(takesNoArgument ? [] : ['x']));
    }
  });

  it('hosts stages in a utility process named chronopix-stage', () => {
    const child = Object.assign(new EventEmitter(), { pid: 4242, postMessage: vi.fn(), kill: vi.fn() });
    fake.fork.mockReturnValueOnce(child);
    const host = join('/app', 'out', 'main', 'stageWorker.mjs');
    const p = utilityLauncher(host);
    expect(fake.fork).toHaveBeenCalledWith(
      host,
      [],
      expect.objectContaining({ serviceName: 'chronopix-stage' }),
    );
    const got: unknown[] = [];
    const exits: string[] = [];
    p.onMessage((m) => got.push(m));
    p.onExit((r) => exits.push(r));
    p.postMessage({ id: 0 });
    expect(child.postMessage).toHaveBeenCalledWith({ id: 0 });
    child.emit('message', { id: 0, response: 1 });
    child.emit('exit', 3);
    p.kill();
    expect(got).toEqual([{ id: 0, response: 1 }]);
    expect(exits).toEqual(['exit code 3']);
    expect(p.pid).toBe(4242);
    expect(child.kill).toHaveBeenCalled();
  });
});
