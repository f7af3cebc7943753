// The whole typed API the renderer sees: the engine (acquisition, recording, settings, live views),
// the offline browser, the camera panel, and, in the Electron app only, the host (native dialogs). One method table
// names every call once; the Electron IPC adapter, the preload, the WebSocket server and the web
// client are all driven by it, so a method cannot exist on one transport and not the other.
import { API_EVENTS, HOST_EVENTS, HOST_METHODS, SERVER_METHODS } from './channels';
import type { CameraApi } from './cameraApi';
import type { EngineApi } from './engineApi';
import type { OfflineApi } from './offlineApi';

export { API_EVENTS, HOST_EVENTS, HOST_METHODS, SERVER_METHODS };

/** What only the desktop app can do: native dialogs and the file manager. File paths the main
 * process accepts for reading or writing come from these dialogs (or the recording folder). */
export interface HostApi {
  /** A folder chosen in a native dialog, null when cancelled. */
  chooseFolder(options?: { title?: string; defaultPath?: string }): Promise<string | null>;
  /** `.raw` files chosen in a native dialog (empty when cancelled). */
  chooseRawFiles(options?: { defaultPath?: string }): Promise<string[]>;
  /** Shows a file in the system's file manager. */
  showInFolder(path: string): Promise<void>;
  /** File > Open raw file… / Open folder… in the app menu: what was chosen, for the file browser. */
  onMenuOpen(listener: (open: MenuOpen) => void): () => void;
}

/** The HostApi calls the main process answers (the event comes from the menu, not a request). */
export type HostRequests = Omit<HostApi, 'onMenuOpen'>;

export interface MenuOpen {
  kind: 'files' | 'folder';
  paths: string[];
}

/** The API of the engine's process (Electron main process or `chronopix serve`). */
export interface ServerApi extends EngineApi, OfflineApi, CameraApi {}

export type ServerMethod = keyof typeof SERVER_METHODS;

export type ApiEvent = keyof typeof API_EVENTS;
/** The payload of each event. */
export interface ApiEventPayloads {
  status: Parameters<Parameters<EngineApi['onStatus']>[0]>[0];
  views: Parameters<Parameters<EngineApi['onViews']>[0]>[0];
  config: Parameters<Parameters<EngineApi['onConfig']>[0]>[0];
  job: Parameters<Parameters<OfflineApi['onJob']>[0]>[0];
}

// Compile-time checks that the tables and the interfaces name the same methods.
type RequestMethods<T> = {
  [K in keyof T]: T[K] extends (...args: never[]) => unknown ? (K extends `on${string}` ? never : K) : never;
}[keyof T];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const API_TABLES_MATCH: Same<ServerMethod, RequestMethods<ServerApi>> &
  Same<keyof typeof HOST_METHODS, RequestMethods<HostApi>> = true;

/** What the page gets: the server API, plus the host where there is one (the desktop app). */
export interface ChronopixApi extends ServerApi {
  readonly mode: 'electron' | 'web';
  readonly host: HostApi | null;
}

/** The object the Electron preload exposes on `window.chronopix`. */
export interface ChronopixBridge extends ServerApi, HostApi {}
