// Binds the typed API to Electron IPC: one ipcMain.handle per channel of SERVER_METHODS (through the
// same router as the WebSocket server, which parses every parameter with the shared zod schemas)
// and of HOST_METHODS (native dialogs). Each call is first checked to come from the window's own
// page; folders the page names for recordings must be ones the user chose. Replies are IpcReply
// envelopes, so the page sees one-line messages. Events flow the other way: status and job updates
// by webContents.send, view snapshots through the ViewsPort.
import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import { API_EVENTS, HOST_METHODS, SERVER_METHODS, type ServerMethod } from '../../shared/api';
import type { ApiRouter } from '../api/apiRouter';
import { type IpcReply, oneLine } from './channels';
import type { HostRouter } from './hostDialogs';
import type { PathAllowList } from './pathAllowList';
import { isTrustedSender } from './security';
import { ViewsPort } from './viewsPort';

export interface IpcDeps {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  router: ApiRouter;
  host: HostRouter;
  window: BrowserWindow;
  /** The page's URL (dev server or built index.html): only it may call. */
  appUrl: string;
  allowList: PathAllowList;
}

export interface IpcBinding {
  readonly views: ViewsPort;
  /** Removes the handlers and subscriptions (window closed). */
  dispose(): void;
}

/** Recording folders named in a request must be allowed (chosen in a dialog, or the current one). */
function checkFolders(method: ServerMethod, params: unknown, allowList: PathAllowList): void {
  let folder: unknown;
  if (method === 'startRecording' || method === 'previewRecording') {
    folder = (params as { folder?: unknown } | undefined)?.folder;
  } else if (method === 'setSettings') {
    folder = (params as { recording?: { folder?: unknown } } | undefined)?.recording?.folder;
  }
  if (typeof folder === 'string' && folder !== '' && !allowList.allows(folder)) {
    throw new Error(`${method}: folder: choose the folder with the folder dialog`);
  }
}

export function bindIpc({ ipcMain, router, host, window, appUrl, allowList }: IpcDeps): IpcBinding {
  const channels: string[] = [];
  const handle = (channel: string, run: (params: unknown) => Promise<unknown>): void => {
    channels.push(channel);
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, params: unknown): Promise<IpcReply> => {
      if (!isTrustedSender(event, window, appUrl)) {
        return { ok: false, error: `${channel}: refused (not the app's page)` };
      }
      try {
        return { ok: true, value: await run(params) };
      } catch (err) {
        return { ok: false, error: oneLine(err) };
      }
    });
  };
  for (const [method, channel] of Object.entries(SERVER_METHODS) as [ServerMethod, string][]) {
    handle(channel, async (params) => {
      checkFolders(method, params, allowList);
      return router.call(method, params);
    });
  }
  for (const [method, channel] of Object.entries(HOST_METHODS)) {
    handle(channel, (params) => host.call(method, params));
  }

  const views = new ViewsPort();
  const contents = window.webContents;
  const send = (channel: string, payload: unknown): void => {
    if (!window.isDestroyed() && !contents.isDestroyed()) contents.send(channel, payload);
  };
  const onLoad = (): void => views.attach(contents);
  contents.on('did-finish-load', onLoad);
  const unsubscribe = [
    router.subscribe('status', (s) => send(API_EVENTS.status, s)),
    router.subscribe('job', (j) => send(API_EVENTS.job, j)),
    router.subscribe('config', (c) => send(API_EVENTS.config, c)),
    router.subscribe('views', (v) => views.send(v)),
  ];
  return {
    views,
    dispose() {
      for (const u of unsubscribe) u();
      for (const c of channels) ipcMain.removeHandler(c);
      if (!contents.isDestroyed()) contents.off('did-finish-load', onLoad);
      views.close();
    },
  };
}
