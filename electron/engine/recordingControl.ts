// The engine's recording job: one raw recording at a time (native-workers/live/recorder.ts does the
// writing), its auto-stop timer, the next run's name, and the free space where recordings go. The
// engine decides when (acquisition running, which folder and prefix); this holds the how.
import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RecordingPreview, RecordingResult, RecordingStatus } from '../../shared/engineApi';
import { type Recording, type RecordingOptions, startRecording } from '../../native-workers/live/recorder';
import { listFolder, nextRunIndex, runNames } from '../../native-workers/live/runNaming';

export class RecordingControl {
  private recording: Recording | null = null;
  private stopAfterS: number | null = null;
  private autoStop: NodeJS.Timeout | null = null;
  /** Free space where recordings go (refreshed by refreshDisk). */
  disk: { folder: string; freeBytes: number } | null = null;

  constructor(
    private readonly note: (message: string) => void,
    /** Called after the auto-stop ended a recording (the engine publishes its status). */
    private readonly onAutoStopped: () => void,
  ) {}

  /** The recording in progress, if any (tests look at its stats). */
  get active(): Recording | null {
    return this.recording;
  }

  /** Hands received bytes to the recording in progress (none: dropped here, by design). */
  write(bytes: Uint8Array): void {
    this.recording?.write(bytes);
  }

  async preview(folder: string, prefix: string): Promise<RecordingPreview> {
    const index = nextRunIndex(prefix, await listFolder(folder));
    return { folder, fileName: runNames(prefix, index, new Date()).raw, freeBytes: await freeBytes(folder) };
  }

  /** Starts a recording unless one runs; stops it by itself after `stopAfterS` when given. */
  async start(options: Omit<RecordingOptions, 'onError'>, stopAfterS: number | null): Promise<void> {
    if (this.recording) return;
    this.recording = await startRecording({
      ...options,
      onError: (error) => {
        this.note(`recording stopped: ${error.message}`);
        this.clearAutoStop();
        this.recording = null;
      },
    });
    this.note(`recording to ${this.recording.partialPath}`);
    this.stopAfterS = stopAfterS;
    if (stopAfterS !== null) {
      this.autoStop = setTimeout(() => {
        this.note(`recording stopped after ${stopAfterS} s (auto-stop)`);
        void this.stop().then(() => this.onAutoStopped());
      }, stopAfterS * 1000);
    }
    await this.refreshDisk(options.folder);
  }

  async stop(): Promise<RecordingResult | null> {
    const r = this.recording;
    if (!r) return null;
    this.recording = null;
    this.clearAutoStop();
    const s = await r.stop();
    this.note(`recording ${s.state}: ${s.rawPath} (${s.fileBytes} bytes)`);
    return {
      state: s.state,
      error: s.error,
      rawPath: s.rawPath,
      sidecarPath: s.sidecarPath,
      fileBytes: s.fileBytes,
      durationS: s.durationS,
    };
  }

  /** `seconds`: the engine's clock, shown as the recording's elapsed time. */
  status(seconds: number): RecordingStatus | null {
    const r = this.recording;
    if (!r) return null;
    const s = r.stats();
    return {
      path: r.partialPath,
      bytes: s.bytes,
      seconds,
      droppedDatagrams: s.droppedQueueFull,
      stopAfterS: this.stopAfterS,
    };
  }

  /** Free space of the recording's folder, else of `folder` (statfs is cheap; once a second). */
  async refreshDisk(folder: string): Promise<void> {
    const where = this.recording ? dirname(this.recording.partialPath) : folder;
    this.disk = { folder: where, freeBytes: await freeBytes(where) };
  }

  private clearAutoStop(): void {
    if (this.autoStop) clearTimeout(this.autoStop);
    this.autoStop = null;
    this.stopAfterS = null;
  }
}

/** Free bytes on the file system of `folder` (or its nearest existing parent's), -1 when unknown. */
export async function freeBytes(folder: string): Promise<number> {
  for (let f = folder; ; f = dirname(f)) {
    try {
      const s = await statfs(f);
      return s.bavail * s.bsize;
    } catch {
      if (dirname(f) === f) return -1;
    }
  }
}
