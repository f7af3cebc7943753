// The names of every API call and event, as plain tables with no schema library behind them, so the
// sandboxed Electron preload (which bundles what it imports) stays small. The interfaces they name
// are in engineApi.ts, offlineApi.ts, cameraApi.ts and api.ts, which checks at compile time that both agree.

/** IPC channel names of the request methods (Electron); the WebSocket uses the method names. */
export const ENGINE_METHODS = {
  start: 'acquisition:start',
  stop: 'acquisition:stop',
  startRecording: 'recording:start',
  stopRecording: 'recording:stop',
  previewRecording: 'recording:preview',
  getSettings: 'settings:get',
  setSettings: 'settings:set',
  getStatus: 'status:get',
  getViews: 'views:get',
  setViews: 'views:set',
  resetViews: 'views:reset',
} as const;

/** Pushed events: name -> IPC channel. */
export const ENGINE_EVENTS = {
  status: 'status:update',
  views: 'views:update',
  config: 'config:update',
} as const;

/** IPC channel names of the request methods (Electron); the WebSocket uses the method names. */
export const OFFLINE_METHODS = {
  listRuns: 'offline:list-runs',
  summarizeFile: 'offline:summarize',
  browseFile: 'offline:browse',
  convertFiles: 'offline:convert',
  cancelJob: 'offline:cancel',
} as const;

export const OFFLINE_EVENTS = { job: 'offline:job' } as const;

/** The camera panel's calls (CameraApi in cameraApi.ts). */
export const CAMERA_METHODS = {
  getCamera: 'camera:get',
  setCameraDac: 'camera:set-dac',
  setCameraBias: 'camera:set-bias',
  loadCameraConfig: 'camera:load-config',
} as const;

/** Native dialogs of the desktop app (HostApi). */
export const HOST_METHODS = {
  chooseFolder: 'host:choose-folder',
  chooseRawFiles: 'host:choose-raw-files',
  showInFolder: 'host:show-in-folder',
} as const;

/** Events of the desktop app's host: the app menu's File > Open. */
export const HOST_EVENTS = { menuOpen: 'menu:open' } as const;

/** Request methods of ServerApi: name -> IPC channel. Every method takes at most one argument. */
export const SERVER_METHODS = { ...ENGINE_METHODS, ...OFFLINE_METHODS, ...CAMERA_METHODS } as const;

/** Pushed events: name -> IPC channel. `views` goes through a MessagePort in Electron. */
export const API_EVENTS = { ...ENGINE_EVENTS, ...OFFLINE_EVENTS } as const;
