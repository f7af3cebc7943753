// The Electron main process: one window (single instance), its menu and lifecycle, and the engine
// behind it. At launch the settings are read from the settings file and acquisition starts at once,
// from the built-in emulator when no detector is configured (the page shows an EMULATOR badge), so
// a new user sees live data immediately. The page talks to the engine only through the preload's
// typed bridge and ipc/ipcAdapter.ts; on quit the recording is flushed and the engine stopped.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BrowserWindow, Menu, app, dialog, ipcMain, session, shell } from 'electron';
import type { Settings } from '../shared/settings';
import { loadSettings, saveSettings, settingsPath } from '../native-workers/io/settingsFile';
import { createApiRouter } from './api/apiRouter';
import { createServerApi } from './api/serverApi';
import { Engine, type EngineOptions } from './engine/engine';
import { OfflineService } from './engine/offlineService';
import { appCsp } from './api/csp';
import { HOST_EVENTS, type MenuOpen } from '../shared/api';
import { oneLine } from './ipc/channels';
import { windowOptions } from './ipc/appWindow';
import { menuTemplate } from './ipc/appMenu';
import { createHostApi, createHostRouter } from './ipc/hostDialogs';
import { bindIpc } from './ipc/ipcAdapter';
import { flushOnQuit } from './ipc/lifecycle';
import { PathAllowList } from './ipc/pathAllowList';
import { hardenWindow } from './ipc/security';
import { utilityLauncher } from './ipc/utilityLauncher';

// electron-vite sets ELECTRON_RENDERER_URL when serving the page in development; a packaged app
// never takes its page from the environment.
const devUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
const here = import.meta.dirname; // out/main
const rendererFile = join(here, '..', 'renderer', 'index.html');
const appUrl = devUrl ?? pathToFileURL(rendererFile).href;

function log(line: string): void {
  process.stderr.write(`chronopix: ${line}\n`);
}

function createEngine(settings: Settings, onSettingsChanged: (s: Settings) => void): Engine {
  // The live pipeline runs in an Electron utility process: a crash there cannot take the window
  // down, and it is restarted by the supervisor.
  const options: EngineOptions = {
    transport: 'process',
    stageLauncher: utilityLauncher,
    onSettingsChanged,
  };
  return new Engine(settings, options);
}

async function launch(): Promise<void> {
  const path = settingsPath();
  const loaded = await loadSettings(path);
  for (const p of loaded.problems) log(`warning: ${p}`);
  let settings = loaded.settings;
  const engine = createEngine(settings, (s) => {
    settings = s;
    void saveSettings(s, path).catch((e: Error) => log(`cannot save settings: ${e.message}`));
  });
  // The recording folder (as configured now; empty means the home folder, as the engine does).
  const allowList = new PathAllowList(() => [settings.recording.folder || app.getPath('home')]);
  const offline = new OfflineService({ allowPath: (p) => allowList.allows(p) });
  const router = createApiRouter(createServerApi(engine, offline));
  // Stopping applies the camera's bias-on-quit policy too (Engine.shutdown after stop).
  flushOnQuit(app, engine, async () => {
    await engine.shutdown();
    await offline.close();
  });

  const window = new BrowserWindow(
    windowOptions({
      preload: join(here, '..', 'preload', 'index.cjs'),
      icon: join(app.getAppPath(), 'assets', 'icon.png'),
    }),
  );
  hardenWindow(window, session.defaultSession, appUrl, appCsp(devUrl));
  const hostApi = createHostApi({ dialog, shell, window, allowList });
  const binding = bindIpc({ ipcMain, router, host: createHostRouter(hostApi), window, appUrl, allowList });
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => binding.dispose());

  const openFromMenu = async (kind: MenuOpen['kind']): Promise<void> => {
    const paths =
      kind === 'files'
        ? await hostApi.chooseRawFiles()
        : await hostApi.chooseFolder().then((f) => (f ? [f] : []));
    if (paths.length > 0 && !window.isDestroyed()) {
      window.webContents.send(HOST_EVENTS.menuOpen, { kind, paths } satisfies MenuOpen);
    }
  };
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate({
        isDev: devUrl !== undefined,
        version: app.getVersion(),
        openRawFiles: () => void openFromMenu('files'),
        openFolder: () => void openFromMenu('folder'),
        about: () =>
          void dialog.showMessageBox(window, {
            type: 'info',
            title: 'About Chronopix',
            message: `Chronopix ${app.getVersion()}`,
            detail: `Acquisition, live view and offline analysis for Timepix3 and Timepix4 detectors.\nElectron ${process.versions.electron}, Node ${process.versions.node}`,
          }),
      }),
    ),
  );

  // Acquisition starts with the app, whatever the page does; its status reaches the page once loaded.
  void engine.start().then(
    (st) =>
      log(
        `acquiring from ${st.source.kind === 'emulator' ? 'the built-in EMULATOR' : `udp://${st.source.address}:${st.source.port}`}`,
      ),
    (err: unknown) => log(`cannot start acquisition: ${oneLine(err)}`),
  );
  await (devUrl ? window.loadURL(devUrl) : window.loadFile(rendererFile));
}

if (!app.requestSingleInstanceLock()) {
  app.quit(); // another Chronopix runs; it has been asked to come to the front
} else {
  app.on('second-instance', () => {
    const window = BrowserWindow.getAllWindows()[0];
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('web-contents-created', (_event, contents) => {
    // Belt and braces for any web contents besides the window (none are expected).
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  app
    .whenReady()
    .then(launch)
    .catch((err: unknown) => {
      dialog.showErrorBox('Chronopix cannot start', oneLine(err));
      app.exit(1);
    });
}
