// Records raw datagrams to disk, independently of acquisition (Decision 7). The receive path calls
// `write(datagram)`, which only copies the bytes into a batch buffer and never waits: full batches
// (about 1-4 MB) go to a bounded queue that is drained by positional writes, up to WRITE_DEPTH at a
// time, off the event loop (libuv's thread pool). With one write at a time the recorder fell behind
// this disk in 30 s runs at 300 MB/s (770-1279 datagrams dropped); with three it kept up. When the
// queue is full the datagram is dropped and counted. A batch counts as on disk once it and every
// batch before it are written: after an error the file is cut back to that point, so it never has
// a gap.
//
// Batches are filled to the byte (a datagram may continue in the next batch) and end on DIRECT_ALIGN
// boundaries of the file, so full ones go to the disk with O_DIRECT (directWrite.ts): no page-cache
// copy, which cost this machine 40-80% of a core at 300 MB/s. A batch handed over part-full by the
// flush timer, and the first one (after the header), are written through the page cache; the batch
// after such a one ends on a boundary again.
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
import { close } from 'node:fs';
import { unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { UserError } from '../../shared/userError';
import { AlignedBlocks, DIRECT_ALIGN, directWritable, openDirect, writeAt } from '../io/directWrite';
import { startTimeHeader, writeTimeLsb, writeTimeMsb } from '../pipeline/tpx3Encoder';
import {
  createSidecar,
  rewriteSidecar,
  sidecarContent,
  syncFolder,
  type SidecarEnd,
  type SidecarRun,
} from './recordingSidecar';
import {
  describeFsError as describeError,
  renameNoReplace,
  reserveRun,
  validatePrefix,
  type RunNames,
} from './runNaming';

export const DEFAULT_QUEUE_BYTES = 256 << 20;
const MAX_BATCH_BYTES = 4 << 20;
const MIN_BATCH_BYTES = 64 << 10;
const DEFAULT_FLUSH_MS = 100;
/** Batch writes in flight at once. */
const WRITE_DEPTH = 3;

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

interface Batch {
  buf: Uint8Array;
  /** File offset of the batch's first byte. */
  at: number;
  len: number;
  /** Bytes it takes: up to the next DIRECT_ALIGN boundary that is at most batchBytes away. */
  cap: number;
  /** Datagrams that end in this batch. */
  datagrams: number;
}

/** A batch being written: where it goes, how much is written so far, and whether it is complete. */
interface Write {
  at: number;
  len: number;
  written: number;
  datagrams: number;
  done: boolean;
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
  private readonly batchBytes: number;
  private readonly flushMs: number;
  private state: RecordingState = 'recording';
  private readonly s: RecordingStats;
  private current: Batch | null = null;
  private readonly queue: Batch[] = [];
  private readonly blocks = new AlignedBlocks();
  private used = 0;
  /** End of the data on disk without a gap: every batch before it is completely written. */
  private position = 0;
  /** File offset after the last byte accepted into a batch. */
  private accepted = 0;
  /** The file opened for direct writes, or null (unsupported, turned off, or given up on). */
  private directFd: number | null = null;
  /** Direct descriptors to close once no write is in flight. */
  private readonly directToClose: number[] = [];
  /** Writes started and not yet part of `position`, in file order. */
  private readonly writes: Write[] = [];
  private inFlight = 0;
  private datagramsOnDisk = 0;
  private idleWaiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private error: string | null = null;
  private lostDatagrams = 0;
  private ending: Promise<RecordingSummary> | null = null;
  private sidecarReserve = 0;
  /** True once this run's sidecar exists (so a failed start removes it, and only then). */
  sidecarCreated = false;
  private readonly startedAt = performance.now();

  constructor(
    private readonly options: RecordingOptions,
    private readonly queueBytes: number,
    readonly names: RunNames,
    private readonly file: FileHandle,
    private readonly timerZeroNs: bigint,
    head: Uint8Array[],
  ) {
    this.rawPath = join(options.folder, names.raw);
    this.partialPath = join(options.folder, names.partial);
    this.sidecarPath = join(options.folder, names.sidecar);
    this.dataOffset = head.reduce((n, h) => n + h.length, 0);
    const batch = options.batchBytes ?? Math.min(MAX_BATCH_BYTES, Math.max(MIN_BATCH_BYTES, queueBytes >> 2));
    const aligned = Math.max(DIRECT_ALIGN, batch - (batch % DIRECT_ALIGN));
    this.batchBytes = Math.min(aligned, queueBytes - (queueBytes % DIRECT_ALIGN));
    this.flushMs = options.flushIntervalMs ?? DEFAULT_FLUSH_MS;
    this.s = {
      state: 'recording',
      datagrams: 0,
      bytes: 0,
      bytesWritten: 0,
      queueUsedBytes: 0,
      queueFreeBytes: queueBytes,
      droppedQueueFull: 0,
      droppedQueueFullBytes: 0,
      oddLength: 0,
      oddLengthBytes: 0,
      rejectedNotRecording: 0,
      batchesWritten: 0,
      directBytes: 0,
      writeMs: 0,
    };
  }

  /** Writes the header and the start sidecar (called once by startRecording). */
  async begin(head: Uint8Array[]): Promise<void> {
    for (const h of head) {
      const w: Write = { at: this.accepted, len: h.length, written: 0, datagrams: 0, done: false };
      await this.writeAll(h, w);
      this.accepted = this.position = w.at + w.len;
    }
    if (this.options.direct !== false) this.directFd = await openDirect(this.partialPath);
    this.sidecarReserve = await createSidecar(this.sidecarPath, sidecarContent(this.run(), null));
    this.sidecarCreated = true;
    await syncFolder(this.options.folder);
  }

  /**
   * Queues a copy of one datagram; never blocks. Returns true when it will be recorded, false when it
   * is not: queue full, length not a multiple of 8, or recording over (each counted in stats()).
   */
  write(datagram: Uint8Array): boolean {
    const s = this.s;
    if (this.state !== 'recording') {
      s.rejectedNotRecording++;
      return false;
    }
    const n = datagram.length;
    if (n % 8 !== 0) {
      s.oddLength++;
      s.oddLengthBytes += n;
      return false;
    }
    let cur = this.current;
    const room = cur === null ? 0 : cur.cap - cur.len;
    if (n <= room) {
      cur!.buf.set(datagram, cur!.len);
      cur!.len += n;
    } else {
      if (this.used + this.batchesFor(n - room) * this.batchBytes > this.queueBytes) {
        s.droppedQueueFull++;
        s.droppedQueueFullBytes += n;
        return false;
      }
      cur = this.spill(datagram, cur, room);
    }
    this.accepted += n;
    cur!.datagrams++;
    s.datagrams++;
    s.bytes += n;
    if (cur!.len === cur!.cap) this.handOver();
    else if (this.timer === null) this.timer = setTimeout(() => this.handOver(), this.flushMs).unref();
    return true;
  }

  /** New batches that `spill` bytes beyond the current batch take (the first may end sooner). */
  private batchesFor(spill: number): number {
    const cur = this.current;
    const first = this.capacityAt(cur === null ? this.accepted : cur.at + cur.cap);
    return spill <= first ? 1 : 1 + Math.ceil((spill - first) / this.batchBytes);
  }

  /** A batch starting at file offset `at` ends on the next boundary at most batchBytes away. */
  private capacityAt(at: number): number {
    return this.batchBytes - (at % DIRECT_ALIGN);
  }

  /** Fills the `room` left in `cur` with the datagram's first bytes, the rest into new batches;
   * returns the batch holding its end. */
  private spill(d: Uint8Array, cur: Batch | null, room: number): Batch {
    if (room > 0) {
      cur!.buf.set(d.subarray(0, room), cur!.len);
      cur!.len += room;
    }
    for (let from = room; from < d.length;) {
      cur = this.newBatch(cur);
      const k = Math.min(d.length - from, cur.cap);
      cur.buf.set(k === d.length ? d : d.subarray(from, from + k));
      cur.len = k;
      from += k;
    }
    return cur!;
  }

  /** Hands over `prev` (the current batch, or null when there is none) and starts the next one. */
  private newBatch(prev: Batch | null): Batch {
    this.handOver();
    const at = prev === null ? this.accepted : prev.at + prev.len;
    this.used += this.batchBytes;
    const b: Batch = {
      buf: this.blocks.take(this.batchBytes),
      at,
      len: 0,
      cap: this.capacityAt(at),
      datagrams: 0,
    };
    this.current = b;
    return b;
  }

  stats(): RecordingStats {
    this.s.state = this.state;
    this.s.queueUsedBytes = this.used;
    this.s.queueFreeBytes = this.queueBytes - this.used;
    return { ...this.s };
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
    this.handOver();
    await this.idle();
    if (this.error === null) {
      try {
        await this.file.sync();
      } catch (err) {
        this.error = describeError(err);
      }
    }
    return this.finish();
  }

  private handOver(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.current === null) return;
    this.queue.push(this.current);
    this.current = null;
    this.pump();
  }

  /** Starts writes of queued batches while fewer than WRITE_DEPTH are in flight. */
  private pump(): void {
    while (this.queue.length > 0 && this.inFlight < WRITE_DEPTH && this.error === null) {
      const b = this.queue.shift()!;
      const w: Write = { at: b.at, len: b.len, written: 0, datagrams: b.datagrams, done: false };
      this.writes.push(w);
      this.inFlight++;
      this.writeAll(b.buf, w)
        .then(
          () => {
            w.done = true;
            this.s.batchesWritten++;
            this.advance();
          },
          (err: unknown) => this.fail(err),
        )
        .finally(() => {
          this.release(b);
          this.inFlight--;
          this.pump();
          if (this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
        });
    }
  }

  /** Moves `position` over the batches written without a gap. */
  private advance(): void {
    while (this.writes.length > 0 && this.writes[0].done) {
      const w = this.writes.shift()!;
      this.position = w.at + w.len;
      this.datagramsOnDisk += w.datagrams;
    }
    this.s.bytesWritten = this.position - this.dataOffset;
  }

  /** Resolves when no write is in flight and nothing is left to write (or an error ended writing). */
  private async idle(): Promise<void> {
    while (this.inFlight > 0 || (this.queue.length > 0 && this.error === null))
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private release(b: Batch): void {
    this.used -= this.batchBytes;
    this.blocks.give(b.buf);
  }

  /** Writes a batch (or the header): directly where it is aligned, else through the page cache. */
  private async writeAll(buf: Uint8Array, w: Write): Promise<void> {
    const t0 = performance.now();
    while (w.written < w.len) {
      const [from, length, position] = [w.written, w.len - w.written, w.at + w.written];
      const direct = this.directFd !== null && directWritable(buf, from, length, position);
      let n: number;
      try {
        n = await writeAt(direct ? this.directFd! : this.file.fd, buf, from, length, position);
      } catch (err) {
        if (!direct || (err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
        this.giveUpDirect(); // the file system refused after all: the page cache from here on
        continue;
      }
      if (n <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
      w.written += n;
      if (direct) this.s.directBytes += n;
    }
    this.s.writeMs += performance.now() - t0;
  }

  private giveUpDirect(): void {
    if (this.directFd !== null) this.directToClose.push(this.directFd);
    this.directFd = null;
  }

  private fail(err: unknown): void {
    if (this.error !== null) return; // a second write in flight failed too: the first error stands
    this.error = describeError(err);
    const wasStopping = this.state === 'stopping';
    this.state = 'failed';
    this.handOver();
    for (const b of this.queue.splice(0)) this.release(b);
    // A stop in progress finishes the run itself once the writer is idle.
    if (!wasStopping && this.ending === null) this.ending = this.finish();
  }

  private async finish(): Promise<RecordingSummary> {
    if (this.error !== null) {
      await this.idle();
      // Keep the data without a gap: the whole batches before the first incomplete one, and the
      // whole words that one got (batches after it may have landed beyond: they are cut off).
      const first = this.writes[0];
      const keep = first ? first.at + first.written - (first.written % 8) : this.position;
      try {
        if ((await this.file.stat()).size !== keep) await this.file.truncate(keep);
        this.position = keep;
        await this.file.sync();
      } catch {
        // The file stays as it is: a reader counts an incomplete last word.
      }
    }
    this.giveUpDirect();
    for (const fd of this.directToClose.splice(0)) await new Promise((resolve) => close(fd, resolve));
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
    this.s.bytesWritten = this.position - this.dataOffset;
    this.lostDatagrams = this.s.datagrams - this.datagramsOnDisk - (this.current?.datagrams ?? 0);
    const summary: RecordingSummary = {
      state: this.state === 'stopped' ? 'stopped' : 'failed',
      error: this.error,
      rawPath,
      sidecarPath: this.sidecarPath,
      runIndex: this.names.index,
      dataOffset: this.dataOffset,
      fileBytes: this.position,
      lostDatagrams: this.lostDatagrams,
      lostBytes: this.s.bytes - this.s.bytesWritten,
      durationS: (performance.now() - this.startedAt) / 1000,
      stats: this.stats(),
    };
    try {
      const end: SidecarEnd = {
        state: summary.state,
        error: summary.error,
        durationS: summary.durationS,
        counters: {
          ...summary.stats,
          fileBytes: summary.fileBytes,
          lostDatagrams: this.lostDatagrams,
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
