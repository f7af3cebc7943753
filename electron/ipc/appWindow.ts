// The app's one window: what it may do (webPreferences), how it looks while loading, and its
// defences (security.ts). The page comes from electron-vite's dev server in development, else the
// built renderer/index.html.
import type { BrowserWindowConstructorOptions } from 'electron';

export interface WindowPaths {
  preload: string;
  icon: string;
}

export const BACKGROUND = '#111418';

export function windowOptions({ preload, icon }: WindowPaths): BrowserWindowConstructorOptions {
  return {
    width: 1600,
    height: 1000,
    minWidth: 960,
    minHeight: 640,
    title: 'Chronopix',
    icon,
    backgroundColor: BACKGROUND,
    show: false, // shown on ready-to-show, so no white flash
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  };
}
