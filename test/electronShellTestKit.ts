// Test helpers shared by electronShell.test.ts and electronShellWindow.test.ts: the app page's URL,
// a BrowserWindow with just what the shell touches, and a ServerApi that records its calls.
import { EventEmitter } from 'node:events';
import type { BrowserWindow } from 'electron';
import { vi } from 'vitest';
import { SERVER_METHODS, type ServerApi } from '../shared/api';

export const APP_URL = 'file:///opt/chronopix/out/renderer/index.html';

/** A BrowserWindow with just what the shell touches. */
export function fakeWindow() {
  const contents = new EventEmitter() as EventEmitter & Record<string, unknown>;
  const mainFrame = { url: APP_URL };
  Object.assign(contents, {
    mainFrame,
    send: vi.fn(),
    postMessage: vi.fn(),
    isDestroyed: () => false,
    setWindowOpenHandler: vi.fn(),
  });
  const window = { webContents: contents, isDestroyed: () => false };
  return { window: window as unknown as BrowserWindow, contents, mainFrame };
}

/** A ServerApi whose every method records its calls; subscriptions keep their listeners. */
export function fakeApi() {
  const listeners = {
    status: [] as ((s: unknown) => void)[],
    views: [] as ((s: unknown) => void)[],
    job: [] as ((s: unknown) => void)[],
    config: [] as ((s: unknown) => void)[],
  };
  const api: Record<string, unknown> = {};
  for (const m of Object.keys(SERVER_METHODS)) api[m] = vi.fn(async (arg?: unknown) => ({ method: m, arg }));
  const on = (k: keyof typeof listeners) => (l: (s: unknown) => void) => {
    listeners[k].push(l);
    return () => void listeners[k].splice(listeners[k].indexOf(l), 1);
  };
  Object.assign(api, {
    onStatus: on('status'),
    onViews: on('views'),
    onJob: on('job'),
    onConfig: on('config'),
  });
  return { api: api as unknown as ServerApi & Record<string, ReturnType<typeof vi.fn>>, listeners };
}
