// The acquisition engine: what the operator's start button runs, in the Electron main process or
// headless (`chronopix serve`, `chronopix acquire`, tests). Data flow:
//   source (built-in emulator process, or a detector) --UDP--> UdpSampler (this process)
//     --every batch--> Recording (async writer, bounded queue; never waits for processing)
//     --batches with a time base--> PipelineSupervisor --one hop--> live pipeline process
//   a timer at the views' refresh rate asks the pipeline for a snapshot and publishes it.
// Implements the typed EngineApi of shared/engineApi.ts.
import { homedir } from 'node:os';
import type {
  EngineApi,
  EngineConfig,
  EngineState,
  EngineStatus,
  RecordingOptions,
  RecordingPreview,
  RecordingResult,
  RecordingStatus,
} from '../../shared/engineApi';
import {
  DEFAULT_LIVE_VIEWS,
  type LiveSnapshot,
  type LiveViewsConfig,
  parseLiveViewsConfig,
} from '../../shared/liveViews';
import { type Settings, patchSettings } from '../../shared/settings';
import { UserError } from '../../shared/userError';
import type { LivePipelineConfig } from '../../native-workers/live/livePipeline';
import { validatePrefix } from '../../native-workers/live/runNaming';
import type { StageLauncher, StageTransport } from '../../native-workers/stages/stagePort';
import { tpx4SensorSize } from '../../native-workers/pipeline/tpx4Hits';
import type { CameraSession } from '../../native-workers/camera/cameraSession';
import { cameraConfigured, cameraSidecar, startCamera, stopCamera } from './cameraControl';
import { EmulatorProcess } from './emulatorProcess';
import { ReceiveRate, assembleStatus } from './engineStatus';
import { PipelineSupervisor } from './pipelineSupervisor';
import { RecordingControl } from './recordingControl';
import { UdpSampler } from './udpSampler';

export interface EngineOptions {
  /** Where the pipeline stage runs: a worker thread by default (batches are transferred, not
   * copied); 'process' isolates it in a child process at one copy per batch; 'inline' for tests. */
  transport?: StageTransport;
  /** Starts the 'process' transport's host (the desktop app: an Electron utility process). */
  stageLauncher?: StageLauncher;
  /** Live views configuration (the UI's); defaults to DEFAULT_LIVE_VIEWS. */
  views?: LiveViewsConfig;
  /** Called after settings changed through the API (to persist them). */
  onSettingsChanged?: (settings: Settings) => void;
}

const MAX_MESSAGES = 20;

export class Engine implements EngineApi {
  private settings: Settings;
  private state: EngineState = 'idle';
  private sampler: UdpSampler | null = null;
  private supervisor: PipelineSupervisor | null = null;
  private emulator: EmulatorProcess | null = null;
  /** The SPIDR camera driven at start/stop when `camera.address` is set (kept between runs). */
  private camera: CameraSession | null = null;
  private readonly recordings = new RecordingControl(
    (m) => this.note(m),
    () => this.publishStatus(),
  );
  private startedMs = 0;
  private timer: NodeJS.Timeout | null = null;
  private statusTimer: NodeJS.Timeout | null = null;
  private views: LiveViewsConfig;
  private readonly messages: string[] = [];
  private readonly statusListeners = new Set<(s: EngineStatus) => void>();
  private readonly viewListeners = new Set<(s: LiveSnapshot) => void>();
  private readonly configListeners = new Set<(c: EngineConfig) => void>();
  private readonly receiveRate = new ReceiveRate();
  private boundPort = 0;
  /** Camera generation of the running acquisition (settings.processing.generation at start). */
  private generation: 3 | 4 = 3;

  constructor(
    settings: Settings,
    private readonly options: EngineOptions = {},
  ) {
    this.settings = settings;
    this.views = options.views ?? DEFAULT_LIVE_VIEWS;
  }

  /** Seconds since acquisition start: the engine's clock for views and rates. */
  private nowS(): number {
    return (performance.now() - this.startedMs) / 1000;
  }

  private note(message: string): void {
    this.messages.push(`${new Date().toISOString().slice(11, 19)} ${message}`);
    if (this.messages.length > MAX_MESSAGES) this.messages.shift();
  }

  async start(): Promise<EngineStatus> {
    if (this.state !== 'idle') return this.getStatus();
    this.state = 'starting';
    const { source } = this.settings;
    const driven = cameraConfigured(this.settings.camera);
    const emulated = source.kind === 'emulator' && !driven;
    // A driven camera sends where the sampler listens (camera.udp); its start sets that over TCP.
    const listen = driven ? this.settings.camera.udp : source.udp;
    this.generation = this.settings.processing.generation;
    try {
      this.startedMs = performance.now();
      this.supervisor = new PipelineSupervisor(this.liveConfig(), {
        transport: this.options.transport ?? 'thread',
        launcher: this.options.stageLauncher,
        onEvent: (m) => this.note(m),
        onSpent: (bytes) => this.sampler?.recycle(bytes),
      });
      const sampler = new UdpSampler(
        // The built-in emulator streams to an ephemeral loopback port, so it never collides with a detector.
        {
          ...(emulated ? { address: '127.0.0.1', port: 0 } : { address: listen.address, port: listen.port }),
          generation: this.generation,
          recvBufferBytes: source.receiveBufferMB * 2 ** 20,
          // Datagrams arrive in a thread of their own, chunks come here (udpReceiver.ts: why).
          thread: true,
        },
        {
          onRaw: (b) => this.recordings.write(b.bytes),
          onBatch: (b) => this.supervisor?.submit(b.bytes, b.longtime, this.nowS(), b.firstArrivalMs),
          onWarning: (w) => this.note(w),
        },
      );
      this.sampler = sampler;
      this.receiveRate.start(performance.now());
      this.boundPort = await sampler.start().catch((err: Error) => {
        throw new UserError(`cannot listen on UDP ${listen.address}:${listen.port}: ${err.message}`);
      });
      if (driven) {
        const cam = this.settings.camera;
        const previous = this.camera;
        this.camera = null;
        const same = previous?.address === `${cam.address.trim()}:${cam.port}`;
        if (previous && !same) await previous.quit();
        this.camera = await startCamera(
          cam,
          { address: listen.address, port: this.boundPort },
          (t) => this.sampler?.setTime(t),
          (m) => this.note(m),
          same ? previous : null,
        );
      }
      if (emulated) {
        const e = source.emulator;
        // Hits per camera second that fill the send rate (each trigger adds a rising and a falling
        // edge word), so the emulated camera time runs at about real time.
        const hitRate = Math.max(1, (e.rateMBps * 1e6) / 8 - 2 * e.triggerRate);
        this.emulator = new EmulatorProcess(
          {
            source: {
              kind: 'generated',
              camera: this.generation,
              triggerRate: e.triggerRate,
              hitRate,
              seed: e.seed,
            },
            sender: {
              host: '127.0.0.1',
              port: this.boundPort,
              pacing: { kind: 'rate', megabytesPerSecond: e.rateMBps },
            },
          },
          (ev) => {
            if (ev.type === 'error') this.note(`emulator: ${ev.message}`);
          },
        );
      }
      this.state = 'running';
      this.schedule();
      this.note(
        `acquisition started (${emulated ? 'EMULATOR' : `${this.camera ? `camera ${this.camera.address}, ` : ''}UDP ${listen.address}:${this.boundPort}`})`,
      );
    } catch (err) {
      if (this.camera) await stopCamera(this.camera, (m) => this.note(m));
      await this.teardown();
      this.state = 'idle';
      throw err;
    }
    return this.getStatus();
  }

  async stop(): Promise<EngineStatus> {
    if (this.state !== 'running') return this.getStatus();
    this.state = 'stopping';
    if (this.camera) await stopCamera(this.camera, (m) => this.note(m));
    await this.emulator?.stop();
    this.emulator = null;
    await this.sampler?.stop(); // flushes the last batch to the recorder and the pipeline
    await this.recordings.stop();
    await this.publishViews();
    await this.teardown();
    this.state = 'idle';
    this.note('acquisition stopped');
    this.publishStatus();
    return this.getStatus();
  }

  private async teardown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.statusTimer) clearInterval(this.statusTimer);
    this.timer = this.statusTimer = null;
    await this.emulator?.stop();
    await this.sampler?.stop();
    await this.supervisor?.stop();
    this.emulator = null;
    this.sampler = null;
    this.supervisor = null;
  }

  /** The camera session acquisition drives (null before the first start); the camera panel's
   * service (cameraService.ts) talks through it so the board sees one connection. */
  get cameraSession(): CameraSession | null {
    return this.camera;
  }

  /** Stops, then applies the camera's bias-on-quit policy and closes its connection (on quit). */
  async shutdown(): Promise<void> {
    await this.stop();
    const camera = this.camera;
    this.camera = null;
    if (camera) this.note(`camera ${camera.address}: ${await camera.quit()}`);
  }

  /** Where recordings go now: the configured folder, else the home folder. */
  recordingFolder(): string {
    return this.settings.recording.folder || homedir();
  }

  /** The folder and prefix a recording with these options uses. */
  private recordingTarget(options: RecordingOptions): { folder: string; prefix: string } {
    return {
      folder: options.folder ?? this.recordingFolder(),
      prefix: validatePrefix(options.prefix ?? this.settings.recording.prefix),
    };
  }

  async previewRecording(options: RecordingOptions = {}): Promise<RecordingPreview> {
    const { folder, prefix } = this.recordingTarget(options);
    return this.recordings.preview(folder, prefix);
  }

  async startRecording(options: RecordingOptions = {}): Promise<RecordingStatus> {
    if (this.state !== 'running') throw new UserError('start acquisition before recording');
    if (!this.recordings.active) {
      const { folder, prefix } = this.recordingTarget(options);
      const longtime = this.sampler!.stats.longtime;
      await this.recordings.start(
        {
          folder,
          prefix,
          generation: this.generation,
          nowNs: BigInt(Date.now()) * 1_000_000n,
          longtime: longtime >= 0 ? longtime : null,
          settings: { ...this.settings } as Record<string, unknown>,
          camera: this.camera ? await cameraSidecar(this.camera) : null,
        },
        options.stopAfterS ?? null,
      );
    }
    return this.recordings.status(this.nowS())!;
  }

  stopRecording(): Promise<RecordingResult | null> {
    return this.recordings.stop();
  }

  async getSettings(): Promise<Settings> {
    return this.settings;
  }

  async setSettings(patch: unknown): Promise<Settings> {
    const patched = patchSettings(this.settings, patch);
    if (!patched.ok) throw new UserError(`settings: ${patched.error}`);
    const next = patched.settings;
    const p = next.processing;
    await this.supervisor?.setParams({
      pipeline: p.pipeline,
      eventWindow: p.eventWindow,
      clustering: p.clustering,
    });
    this.settings = next;
    this.options.onSettingsChanged?.(next);
    this.publishConfig();
    return next;
  }

  async getViews(): Promise<LiveViewsConfig> {
    return this.views;
  }

  async setViews(config: unknown): Promise<LiveViewsConfig> {
    let views: LiveViewsConfig;
    try {
      views = parseLiveViewsConfig(config);
    } catch (err) {
      throw new UserError((err as Error).message);
    }
    await this.supervisor?.setParams({ views });
    const rescheduled = views.refreshHz !== this.views.refreshHz && this.timer !== null;
    this.views = views;
    this.publishConfig();
    if (rescheduled) {
      clearInterval(this.timer!);
      this.timer = setInterval(() => void this.publishViews(), 1000 / views.refreshHz);
    }
    return views;
  }

  async resetViews(): Promise<void> {
    await this.supervisor?.reset();
  }

  async getStatus(): Promise<EngineStatus> {
    return this.status();
  }

  onStatus(listener: (status: EngineStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onConfig(listener: (config: EngineConfig) => void): () => void {
    this.configListeners.add(listener);
    return () => this.configListeners.delete(listener);
  }

  private publishConfig(): void {
    const config = { settings: this.settings, views: this.views };
    for (const l of this.configListeners) l(config);
  }

  onViews(listener: (snapshot: LiveSnapshot) => void): () => void {
    this.viewListeners.add(listener);
    return () => this.viewListeners.delete(listener);
  }

  private liveConfig(): LivePipelineConfig {
    const p = this.settings.processing;
    const [width, height] = this.generation === 4 ? tpx4SensorSize(p.orientation) : [256, 256];
    return {
      generation: this.generation,
      triggerPixels: p.triggerPixels,
      pipeline: p.pipeline,
      eventWindow: p.eventWindow,
      clustering: p.clustering,
      views: this.views,
      orientation: p.orientation,
      offset: p.offset,
      horizon: p.reorderHorizon,
      sensor: { width: width + p.offset[0], height: height + p.offset[1] },
      clusterWorkers: p.centroidProcesses,
    };
  }

  private schedule(): void {
    this.timer = setInterval(() => void this.publishViews(), 1000 / this.views.refreshHz);
    this.statusTimer = setInterval(() => {
      void this.sampler?.refreshKernelDrops();
      void this.recordings.refreshDisk(this.recordingFolder());
      this.publishStatus();
    }, 1000);
  }

  private async publishViews(): Promise<void> {
    const s = this.supervisor;
    const sampler = this.sampler;
    if (!s || !sampler || this.viewListeners.size === 0) return;
    const snap = await s.snapshot(this.nowS(), {
      udpKernelDrops: sampler.stats.kernelDrops,
      droppedBeforeTime: sampler.stats.droppedBeforeTime,
    });
    if (snap) for (const l of this.viewListeners) l(snap);
  }

  private publishStatus(): void {
    const st = this.status();
    for (const l of this.statusListeners) l(st);
  }

  private status(): EngineStatus {
    const stats = this.sampler?.stats;
    const receiveRate = this.receiveRate.update(stats?.bytes, performance.now());
    return assembleStatus({
      state: this.state,
      settings: this.settings,
      camera: this.camera,
      boundPort: this.boundPort,
      elapsedS: this.state === 'idle' ? 0 : this.nowS(),
      recording: this.recordings.status(this.nowS()),
      disk: this.recordings.disk,
      stats,
      receiveRate,
      supervisor: this.supervisor,
      // A copy, so a published status does not change under its listeners.
      messages: [...this.messages],
    });
  }
}
