// The application menu: File (open raw files or a folder through native dialogs, quit), View
// (zoom; reload and devtools only in development), Help (About with the version).
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  isDev: boolean;
  version: string;
  openRawFiles(): void;
  openFolder(): void;
  about(): void;
}

export function menuTemplate(a: MenuActions): MenuItemConstructorOptions[] {
  const mac = process.platform === 'darwin';
  return [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open raw file…', accelerator: 'CmdOrCtrl+O', click: () => a.openRawFiles() },
        { label: 'Open folder…', accelerator: 'CmdOrCtrl+Shift+O', click: () => a.openFolder() },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        ...(a.isDev
          ? [{ role: 'reload' as const }, { role: 'toggleDevTools' as const }, { type: 'separator' as const }]
          : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      role: 'help',
      submenu: [{ label: `About Chronopix ${a.version}`, click: () => a.about() }],
    },
  ];
}
