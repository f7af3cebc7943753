// The window's defences (Electron security checklist): the page may only be the app's own page,
// may not navigate or open windows, gets no permissions, runs under a strict CSP, and every IPC
// message is checked to come from that page's main frame.
import { type BrowserWindow, type IpcMainInvokeEvent, type Session, shell } from 'electron';
import { isAppUrl } from '../api/csp';

/** IPC comes only from the window's own top frame showing the app's page. */
export function isTrustedSender(event: IpcMainInvokeEvent, window: BrowserWindow, appUrl: string): boolean {
  if (window.isDestroyed() || event.sender !== window.webContents) return false;
  const frame = event.senderFrame;
  if (!frame || frame !== window.webContents.mainFrame) return false;
  return isAppUrl(frame.url, appUrl);
}

/** Opens https links in the user's browser; anything else is ignored. */
function openExternal(url: string): void {
  if (/^https:\/\//i.test(url)) void shell.openExternal(url);
}

/** Locks the window down: no navigation away from the app, no new windows, no permissions, CSP. */
export function hardenWindow(window: BrowserWindow, session: Session, appUrl: string, csp: string): void {
  const contents = window.webContents;
  contents.on('will-navigate', (event, url) => {
    if (isAppUrl(url, appUrl)) return; // a reload of the app's own page
    event.preventDefault();
    openExternal(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, appUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternal(url);
    return { action: 'deny' };
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] },
    });
  });
}
