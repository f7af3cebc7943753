// The whole typed API the renderer sees: the engine (acquisition, recording, settings, live views),
// the offline browser, and, in the Electron app only, the host (native dialogs). One method table
// names every call once; the Electron IPC adapter, the preload, the WebSocket server and the web
// client are all driven by it, so a method cannot exist on one transport and not the other.
import { ENGINE_EVENTS, ENGINE_METHODS, type EngineApi } from './engineApi';
import { OFFLINE_EVENTS, OFFLINE_METHODS, type OfflineApi } from './offlineApi';

/** What only the desktop app can do: native dialogs and the file manager. File paths the main
 * process accepts for reading or writing come from these dialogs (or the recording folder). */
export interface HostApi {
  /** A folder chosen in a native dialog, null when cancelled. */
  chooseFolder(options?: { title?: string; defaultPath?: string }): Promise<string | null>;
  /** `.raw` files chosen in a native dialog (empty when cancelled). */
  chooseRawFiles(options?: { defaultPath?: string }): Promise<string[]>;
  /** Shows a file in the system's file manager. */
  showInFolder(path: string): Promise<void>;
}

export const HOST_METHODS = {
  chooseFolder: 'host:choose-folder',
  chooseRawFiles: 'host:choose-raw-files',
  showInFolder: 'host:show-in-folder',
} as const;

/** The API of the engine's process (Electron main process or `chronopix serve`). */
export interface ServerApi extends EngineApi, OfflineApi {}

/** Request methods of ServerApi: name -> IPC channel. Every method takes at most one argument. */
export const SERVER_METHODS = { ...ENGINE_METHODS, ...OFFLINE_METHODS } as const;
export type ServerMethod = keyof typeof SERVER_METHODS;

/** Pushed events: name -> IPC channel. `views` goes through a MessagePort in Electron. */
export const API_EVENTS = { ...ENGINE_EVENTS, ...OFFLINE_EVENTS } as const;
export type ApiEvent = keyof typeof API_EVENTS;
/** The payload of each event. */
export interface ApiEventPayloads {
  status: Parameters<Parameters<EngineApi['onStatus']>[0]>[0];
  views: Parameters<Parameters<EngineApi['onViews']>[0]>[0];
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
