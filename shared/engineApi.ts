// The control surface of the acquisition engine, declared once: the engine implements it in the
// main process (or `chronopix serve`), the Electron preload exposes it over IPC, and the web mode
// over a WebSocket, so the renderer cannot tell them apart. Subscriptions return an unsubscribe
// function (fits React effects). Payloads from the UI are validated with the settings schemas.
import type { LiveSnapshot, StageHealth } from './liveViews';
import type { Settings } from './settings';

export type EngineState = 'idle' | 'starting' | 'running' | 'stopping';

export interface RecordingStatus {
  /** Where the data go (the `.raw.partial` while recording). */
  path: string;
  bytes: number;
  seconds: number;
  droppedDatagrams: number;
}

export interface RecordingResult {
  state: 'stopped' | 'failed';
  error: string | null;
  rawPath: string;
  sidecarPath: string;
  fileBytes: number;
  durationS: number;
}

export interface EngineStatus {
  state: EngineState;
  /** 'emulator' when the built-in emulator is the source (the UI shows an EMULATOR badge). */
  source: { kind: 'emulator' | 'udp'; address: string; port: number };
  /** Seconds since acquisition started. */
  elapsedS: number;
  recording: RecordingStatus | null;
  /** Received by the sampler. */
  received: { datagrams: number; bytes: number; megabytesPerS: number };
  /** Loss where it can be seen: kernel socket drops, SPIDR packet-id gaps, odd datagrams, and
   * batches dropped from processing (held before the first time, or by the pipeline queue). */
  loss: {
    kernelDrops: number;
    packetIdGaps: number;
    oddDatagrams: number;
    droppedBeforeTime: number;
    pipelineDroppedBatches: number;
  };
  pipelineRestarts: number;
  /** Health of each processing stage (queue fill, drops, execution time), once a second. */
  stages: StageHealth[];
  /** Messages for the operator (warnings, crashes), newest last, at most 20. */
  messages: string[];
}

export interface EngineApi {
  start(): Promise<EngineStatus>;
  stop(): Promise<EngineStatus>;
  startRecording(options?: { folder?: string; prefix?: string }): Promise<RecordingStatus>;
  stopRecording(): Promise<RecordingResult | null>;
  getSettings(): Promise<Settings>;
  /** Validates and applies (live where possible); rejects with a message naming the bad field. */
  setSettings(patch: unknown): Promise<Settings>;
  getStatus(): Promise<EngineStatus>;
  resetViews(): Promise<void>;
  onStatus(listener: (status: EngineStatus) => void): () => void;
  onViews(listener: (snapshot: LiveSnapshot) => void): () => void;
}

/** IPC channel names, one per API method (Electron) or message type (WebSocket). */
export const ENGINE_CHANNELS = {
  start: 'acquisition:start',
  stop: 'acquisition:stop',
  startRecording: 'recording:start',
  stopRecording: 'recording:stop',
  getSettings: 'settings:get',
  setSettings: 'settings:set',
  getStatus: 'status:get',
  resetViews: 'views:reset',
  status: 'status:update',
  views: 'views:update',
} as const;
