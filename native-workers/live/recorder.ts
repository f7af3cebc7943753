// Records raw datagrams to disk, independently of acquisition (Decision 7). The receive path calls
// `write(datagram)`, which never waits: the batch writer (batchWriter.ts) copies the bytes into a
// batch and writes full batches off the event loop, straight to the disk where it can; when its
// bounded queue is full the datagram is dropped and counted. This module runs the recording around
// it: the file's header, the run's names and sidecar, and the end of the run.
//
// File layout, Timepix3: the 8-byte start-time header (the wall-clock ns at which the camera timer
// read zero), the 0x4/0x4 + 0x4/0x5 pair carrying the global time when it is known, then the
// datagrams byte for byte. Timepix4: the datagrams only; the start time is in the sidecar. A datagram
// whose length is not a multiple of 8 is counted and skipped, so every later word stays aligned.
//
// Files: the data go to `<run>.raw.partial` (created exclusively, so nothing is ever overwritten); stop
// flushes, fsyncs the file, renames it to `<run>.raw` (refusing to replace anything) and fsyncs the
// folder. A write error (disk full, I/O error) stops the recording: the file is cut back to whole
// words, fsynced and renamed all the same, so what was written stays a readable raw file, and
// `onError` fires. After a crash of the process the `.partial` stays: it is readable raw data and its
// index stays taken. The sidecar `<run>.json` is written at start (settings, start time, layout) and
// again at stop (counters, end state, error): recordingSidecar.ts.
import { unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { UserError } from '../../shared/userError';
import { startTimeHeader, writeTimeLsb, writeTimeMsb } from '../pipeline/tpx3Encoder';
import { BatchWriter, MIN_BATCH_BYTES } from './batchWriter';
import {
  createSidecar,
  rewriteSidecar,
  sidecarContent,
  syncFolder,
  type SidecarEnd,
  type SidecarRun,
} from './recordingSidecar';
import { describeFsError as describeError } from '../io/fsErrors';
import { renameNoReplace, reserveRun, validatePrefix, type RunNames } from './runNaming';

export const DEFAULT_QUEUE_BYTES = 256 << 20;

export interface RecordingOptions {
  /** Folder of the run files; created when missing. */
  folder: string;
  /** File name prefix: `<prefix>_<NNNN>_<YYYYMMDD-HHMM>.raw`. No path separators. */
  prefix: string;
  generation: 3 | 4;
  /** Wall clock at recording start, ns since the epoch. Also gives the file name (local time). */
  nowNs: bigint;
  /** The camera's global time at `nowNs`, 25 ns units, or null when not known yet. */
  longtime: number | null;
  /** The run's settings, copied into the sidecar as they are. */
  settings: Record<string, unknown>;
  /** The camera's state at the start (versions, chip ids, DACs, bias, configuration file, temperatures),
   * when a camera is driven; copied into the sidecar as it is. */
  camera?: Record<string, unknown> | null;
  /** Bound on the memory of queued batches; datagrams beyond it are dropped. Default 256 MB. */
  queueBytes?: number;
  /** Size of one write; default queueBytes / 4, clamped to 64 KB..4 MB; a multiple of 4 KB. */
  batchBytes?: number;
  /** Full batches bypass the page cache where the file system allows it (default true). */
  direct?: boolean;
  /** A partly filled batch is handed to the writer at the latest after this long. Default 100 ms. */
  flushIntervalMs?: number;
  /** Called once when a write error ended the recording, after the file was closed and kept. */
  onError?: (error: UserError, summary: RecordingSummary) => void;
}

export type RecordingState = 'recording' | 'stopping' | 'stopped' | 'failed';

/** Health of the recording, in the manner of an areaDetector plugin. */
export interface RecordingStats {
  state: RecordingState;
  /** Datagrams and bytes accepted for writing. */
  datagrams: number;
  bytes: number;
  /** Data bytes on disk (header and time pair not included). */
  bytesWritten: number;
  /** Batch memory in use (bounded by queueBytes) and free. */
  queueUsedBytes: number;
  queueFreeBytes: number;
  /** Datagrams dropped because the queue was full. */
  droppedQueueFull: number;
  droppedQueueFullBytes: number;
  /** Datagrams whose length was not a multiple of 8: not recorded. */
  oddLength: number;
  oddLengthBytes: number;
  /** write() calls after the recording stopped or failed. */
  rejectedNotRecording: number;
  batchesWritten: number;
  /** Of bytesWritten, those written bypassing the page cache (O_DIRECT). */
  directBytes: number;
  /** Time spent in write calls. */
  writeMs: number;
}

export interface RecordingSummary {
  state: 'stopped' | 'failed';
  /** The error that ended the recording, or null. */
  error: string | null;
  /** Where the data are: `<run>.raw`, or the `.raw.partial` when the final rename failed. */
  rawPath: string;
  sidecarPath: string;
  runIndex: number;
  /** Bytes before the first datagram: 24 (header + time pair), 8 (header) or 0 (Timepix4). */
  dataOffset: number;
  fileBytes: number;
  /** Accepted data that never reached the disk because of the error. */
  lostDatagrams: number;
  lostBytes: number;
  durationS: number;
  stats: RecordingStats;
}

/** Starts a recording; rejects with a UserError when the folder or the file cannot be created. */
export async function startRecording(options: RecordingOptions): Promise<Recording> {
  const prefix = validatePrefix(options.prefix);
  const { folder, generation, nowNs, longtime } = options;
  if (generation !== 3 && generation !== 4)
    throw new UserError(`camera generation must be 3 or 4, not ${String(generation)}`);
  const queueBytes = options.queueBytes ?? DEFAULT_QUEUE_BYTES;
  if (!(Number.isSafeInteger(queueBytes) && queueBytes >= MIN_BATCH_BYTES)) {
    throw new UserError(`recording queue of ${queueBytes} bytes: at least ${MIN_BATCH_BYTES} needed`);
  }
  if (longtime !== null && !(Number.isSafeInteger(longtime) && longtime >= 0 && longtime < 2 ** 48)) {
    throw new RangeError(`global time ${longtime} is not a 48-bit integer`);
  }
  // Decision 7: the wall clock at which the camera timer read zero (the time of day without a time).
  const timerZeroNs = longtime === null ? nowNs : nowNs - BigInt(longtime) * 25n;
  const head: Uint8Array[] = [];
  if (generation === 3) {
    try {
      head.push(startTimeHeader(timerZeroNs));
    } catch (err) {
      throw new UserError(
        `cannot record: ${(err as Error).message}; is the clock or the camera timer wrong?`,
      );
    }
    if (longtime !== null) {
      const pair = new Uint32Array(4);
      writeTimeLsb(pair, 0, longtime);
      writeTimeMsb(pair, 1, longtime);
      head.push(new Uint8Array(pair.buffer));
    }
  }
  const reserved = await reserveRun(folder, prefix, new Date(Number(nowNs / 1_000_000n)));
  const rec = new Recording(options, queueBytes, reserved.names, reserved.file, timerZeroNs, head);
  try {
    await rec.begin(head);
  } catch (err) {
    await reserved.file.close().catch(() => undefined);
    await unlink(reserved.partialPath).catch(() => undefined);
    if (rec.sidecarCreated) await unlink(rec.sidecarPath).catch(() => undefined);
    throw new UserError(`cannot start recording in ${folder}: ${describeError(err)}`);
  }
  return rec;
}

/** One recording run. Create with startRecording. */
export class Recording {
  readonly rawPath: string;
  readonly partialPath: string;
  readonly sidecarPath: string;
  readonly dataOffset: number;
  private state: RecordingState = 'recording';
  private readonly writer: BatchWriter;
  /** The counters of RecordingStats that are the recording's, not the writer's. */
  private oddLength = 0;
  private oddLengthBytes = 0;
  private rejectedNotRecording = 0;
  private error: string | null = null;
  private ending: Promise<RecordingSummary> | null = null;
  private sidecarReserve = 0;
  /** True once this run's sidecar exists (so a failed start removes it, and only then). */
  sidecarCreated = false;
  private readonly startedAt = performance.now();

  constructor(
    private readonly options: RecordingOptions,
    queueBytes: number,
    readonly names: RunNames,
    private readonly file: FileHandle,
    private readonly timerZeroNs: bigint,
    head: Uint8Array[],
  ) {
    this.rawPath = join(options.folder, names.raw);
    this.partialPath = join(options.folder, names.partial);
    this.sidecarPath = join(options.folder, names.sidecar);
    this.dataOffset = head.reduce((n, h) => n + h.length, 0);
    this.writer = new BatchWriter(file, {
      queueBytes,
      batchBytes: options.batchBytes,
      flushIntervalMs: options.flushIntervalMs,
      onError: (err) => this.fail(err),
    });
  }

  /** Writes the header and the start sidecar (called once by startRecording). */
  async begin(head: Uint8Array[]): Promise<void> {
    await this.writer.start(head, this.options.direct !== false ? this.partialPath : null);
    this.sidecarReserve = await createSidecar(this.sidecarPath, sidecarContent(this.run(), null));
    this.sidecarCreated = true;
    await syncFolder(this.options.folder);
  }

  /**
   * Queues a copy of one datagram; never blocks. Returns true when it will be recorded, false when it
   * is not: queue full, length not a multiple of 8, or recording over (each counted in stats()).
   */
  write(datagram: Uint8Array): boolean {
    if (this.state !== 'recording') {
      this.rejectedNotRecording++;
      return false;
    }
    const n = datagram.length;
    if (n % 8 !== 0) {
      this.oddLength++;
      this.oddLengthBytes += n;
      return false;
    }
    return this.writer.write(datagram);
  }

  stats(): RecordingStats {
    const w = this.writer.counters;
    const used = this.writer.queueUsedBytes;
    return {
      state: this.state,
      datagrams: w.datagrams,
      bytes: w.bytes,
      bytesWritten: w.bytesWritten,
      queueUsedBytes: used,
      queueFreeBytes: this.writer.queueBytes - used,
      droppedQueueFull: w.droppedQueueFull,
      droppedQueueFullBytes: w.droppedQueueFullBytes,
      oddLength: this.oddLength,
      oddLengthBytes: this.oddLengthBytes,
      rejectedNotRecording: this.rejectedNotRecording,
      batchesWritten: w.batchesWritten,
      directBytes: w.directBytes,
      writeMs: w.writeMs,
    };
  }

  /**
   * Writes what is queued, fsyncs, renames to `<run>.raw` and rewrites the sidecar. Resolves (never
   * rejects) with the summary; after a write error its state is 'failed'. Calling it again, or after
   * an error, gives the same summary.
   */
  stop(): Promise<RecordingSummary> {
    if (this.ending === null) {
      this.state = 'stopping';
      this.ending = this.endRun();
    }
    return this.ending;
  }

  private async endRun(): Promise<RecordingSummary> {
    this.writer.flush();
    await this.writer.idle();
    if (this.error === null) {
      try {
        await this.file.sync();
      } catch (err) {
        this.error = describeError(err);
      }
    }
    return this.finish();
  }

  /** The writer's first write error (it has stopped writing and emptied its queue). */
  private fail(err: unknown): void {
    if (this.error !== null) return;
    this.error = describeError(err);
    const wasStopping = this.state === 'stopping';
    this.state = 'failed';
    // A stop in progress finishes the run itself once the writer is idle.
    if (!wasStopping && this.ending === null) this.ending = this.finish();
  }

  private async finish(): Promise<RecordingSummary> {
    // Keep the data without a gap (the writer's `position`), cut back to whole words.
    if (this.error !== null) await this.writer.cutBack();
    await this.writer.closeDirect();
    await this.file.close().catch((err: unknown) => (this.error ??= describeError(err)));
    let rawPath = this.partialPath;
    try {
      await renameNoReplace(this.partialPath, this.rawPath);
      rawPath = this.rawPath;
      await syncFolder(this.options.folder);
    } catch (err) {
      this.error ??= describeError(err);
    }
    this.state = this.error === null ? 'stopped' : 'failed';
    const stats = this.stats();
    const lostDatagrams = this.writer.lostDatagrams;
    const summary: RecordingSummary = {
      state: this.state === 'stopped' ? 'stopped' : 'failed',
      error: this.error,
      rawPath,
      sidecarPath: this.sidecarPath,
      runIndex: this.names.index,
      dataOffset: this.dataOffset,
      fileBytes: this.writer.fileBytes,
      lostDatagrams,
      lostBytes: stats.bytes - stats.bytesWritten,
      durationS: (performance.now() - this.startedAt) / 1000,
      stats,
    };
    try {
      const end: SidecarEnd = {
        state: summary.state,
        error: summary.error,
        durationS: summary.durationS,
        counters: {
          ...summary.stats,
          fileBytes: summary.fileBytes,
          lostDatagrams,
          lostBytes: summary.lostBytes,
        },
      };
      await rewriteSidecar(this.sidecarPath, sidecarContent(this.run(), end), this.sidecarReserve);
      await syncFolder(this.options.folder);
    } catch (err) {
      summary.error ??= `sidecar not updated (${describeError(err)})`;
    }
    if (summary.error !== null && summary.state === 'failed') {
      const message =
        `recording ${this.names.base} stopped: ${summary.error}; the ${summary.fileBytes} bytes written ` +
        `are kept in ${rawPath}`;
      this.options.onError?.(new UserError(message), summary);
    }
    return summary;
  }

  private run(): SidecarRun {
    const { prefix, generation, nowNs, longtime, settings } = this.options;
    const { names, timerZeroNs, dataOffset } = this;
    const camera = this.options.camera ?? null;
    return { names, prefix, generation, nowNs, longtime, settings, camera, timerZeroNs, dataOffset };
  }
}
