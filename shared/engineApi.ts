// The control surface of the acquisition engine, declared once: the engine implements it in the
// main process (or `chronopix serve`), the Electron preload exposes it over IPC, and the web mode
// over a WebSocket, so the renderer cannot tell them apart. Subscriptions return an unsubscribe
// function (fits React effects). Payloads from the UI are validated with the settings schemas.
import { z } from 'zod';
import type { LiveSnapshot, LiveViewsConfig, StageHealth } from './liveViews';
import type { Settings } from './settings';

export type EngineState = 'idle' | 'starting' | 'running' | 'stopping';

export interface RecordingStatus {
  /** Where the data go (the `.raw.partial` while recording). */
  path: string;
  bytes: number;
  seconds: number;
  droppedDatagrams: number;
  /** The recording stops itself after this many seconds (null: runs until stopped). */
  stopAfterS: number | null;
}

/** Options of a recording; missing fields come from the recording settings. */
export const recordingOptionsSchema = z
  .object({
    folder: z.string().min(1, 'recording folder: choose a folder').optional(),
    prefix: z.string().min(1, 'recording prefix: give a name such as "run"').optional(),
    /** Stop automatically after this many seconds (the reference's auto-stop timer). */
    stopAfterS: z.number().positive('auto-stop: give a positive number of seconds').optional(),
  })
  .strict()
  .prefault({});
export type RecordingOptions = NonNullable<z.input<typeof recordingOptionsSchema>>;

/** What a recording started now would be called, and the space left where it would go. */
export interface RecordingPreview {
  folder: string;
  /** `<prefix>_<NNNN>_<YYYYMMDD-HHMM>.raw` */
  fileName: string;
  /** Free bytes on the folder's file system (-1 when the folder does not exist yet). */
  freeBytes: number;
}

export interface RecordingResult {
  state: 'stopped' | 'failed';
  error: string | null;
  rawPath: string;
  sidecarPath: string;
  fileBytes: number;
  durationS: number;
}

/** The SPIDR camera the engine drives (absent or null: no camera, e.g. the built-in emulator). */
export interface CameraStatus {
  /** `HOST:PORT` of its TCP control connection. */
  address: string;
  /** False after a failed heartbeat, until a timer read succeeds again. */
  connected: boolean;
  /** Chip names, e.g. `W0028_H06`. */
  chips: string[];
  /** Degrees C, refreshed every few seconds while acquiring; null before the first reading. */
  temperatures: { local: number; remote: number; fpga: number } | null;
  /** Bias read-back, V; null before the first reading. */
  biasVoltage: number | null;
  /** What happens to the bias when Chronopix quits. */
  biasOnQuit: 'keep' | 'off';
}

/** What a client configures: the settings and the live views. */
export interface EngineConfig {
  settings: Settings;
  views: LiveViewsConfig;
}

export interface EngineStatus {
  state: EngineState;
  /** 'emulator' when the built-in emulator is the source (the UI shows an EMULATOR badge). */
  source: { kind: 'emulator' | 'udp'; address: string; port: number };
  /** Seconds since acquisition started. */
  elapsedS: number;
  recording: RecordingStatus | null;
  /** Free space where recordings go (the current recording's folder, else the configured one). */
  disk: { folder: string; freeBytes: number } | null;
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
  /** The camera driven over SPIDR, when one is configured. */
  camera?: CameraStatus | null;
}

export interface EngineApi {
  start(): Promise<EngineStatus>;
  stop(): Promise<EngineStatus>;
  startRecording(options?: RecordingOptions): Promise<RecordingStatus>;
  stopRecording(): Promise<RecordingResult | null>;
  previewRecording(options?: RecordingOptions): Promise<RecordingPreview>;
  getSettings(): Promise<Settings>;
  /** Validates and applies (live where possible); rejects with a message naming the bad field. */
  setSettings(patch: unknown): Promise<Settings>;
  getStatus(): Promise<EngineStatus>;
  getViews(): Promise<LiveViewsConfig>;
  /** Validates (parseLiveViewsConfig) and applies the live views' configuration. */
  setViews(config: unknown): Promise<LiveViewsConfig>;
  resetViews(): Promise<void>;
  onStatus(listener: (status: EngineStatus) => void): () => void;
  onViews(listener: (snapshot: LiveSnapshot) => void): () => void;
  /** The settings and views configuration after any client changed them (every page shows the
   * same configuration: the control room and the hutch). */
  onConfig(listener: (config: EngineConfig) => void): () => void;
}
