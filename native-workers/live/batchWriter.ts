// Turns a recording's datagrams into disk writes (recorder.ts runs the recording around it).
// `write(datagram)` only copies the bytes into a batch buffer and never waits: full batches (about
// 1-4 MB) go to a bounded queue that is drained by positional writes, up to WRITE_DEPTH at a time,
// off the event loop (libuv's thread pool). With one write at a time the recorder fell behind this
// disk in 30 s runs at 300 MB/s (770-1279 datagrams dropped); with three it kept up. When the queue
// is full the datagram is dropped and counted. A batch counts as on disk once it and every batch
// before it are written (`position`): after an error the file is cut back to that point, so it never
// has a gap.
//
// Batches are filled to the byte (a datagram may continue in the next batch) and end on DIRECT_ALIGN
// boundaries of the file, so full ones go to the disk with O_DIRECT (directWrite.ts): no page-cache
// copy, which cost this machine 40-80% of a core at 300 MB/s. A batch handed over part-full by the
// flush timer, and the first one (after the header), are written through the page cache; the batch
// after such a one ends on a boundary again.
import type { FileHandle } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { AlignedBlocks, DIRECT_ALIGN, DirectDescriptor, writeAt } from '../io/directWrite';

const MAX_BATCH_BYTES = 4 << 20;
/** The smallest batch, and so the smallest queue. */
export const MIN_BATCH_BYTES = 64 << 10;
const DEFAULT_FLUSH_MS = 100;
/** Batch writes in flight at once. */
const WRITE_DEPTH = 3;

export interface BatchWriterOptions {
  /** Bound on the memory of queued batches; datagrams beyond it are dropped. */
  queueBytes: number;
  /** Size of one write; default queueBytes / 4, clamped to 64 KB..4 MB; a multiple of 4 KB. */
  batchBytes?: number;
  /** A partly filled batch is handed to the writer at the latest after this long. Default 100 ms. */
  flushIntervalMs?: number;
  /** Called once, on the first write error; writing has stopped and the queue is emptied. */
  onError: (err: unknown) => void;
}

/** The writer's part of RecordingStats (recorder.ts). */
export interface BatchWriterCounters {
  /** Datagrams and bytes accepted for writing. */
  datagrams: number;
  bytes: number;
  /** Data bytes on disk (the header written by start() not included). */
  bytesWritten: number;
  /** Datagrams dropped because the queue was full. */
  droppedQueueFull: number;
  droppedQueueFullBytes: number;
  batchesWritten: number;
  /** Of bytesWritten, those written bypassing the page cache (O_DIRECT). */
  directBytes: number;
  /** Time spent in write calls. */
  writeMs: number;
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

/** Batches, queues and writes the datagrams of one file. The file handle stays its owner's to close. */
export class BatchWriter {
  readonly counters: BatchWriterCounters = {
    datagrams: 0,
    bytes: 0,
    bytesWritten: 0,
    droppedQueueFull: 0,
    droppedQueueFullBytes: 0,
    batchesWritten: 0,
    directBytes: 0,
    writeMs: 0,
  };
  readonly queueBytes: number;
  private readonly batchBytes: number;
  private readonly flushMs: number;
  private readonly onError: (err: unknown) => void;
  private current: Batch | null = null;
  private readonly queue: Batch[] = [];
  private readonly blocks = new AlignedBlocks();
  private used = 0;
  /** End of the data on disk without a gap: every batch before it is completely written. */
  private position = 0;
  /** File offset after the last byte accepted into a batch. */
  private accepted = 0;
  /** File offset of the first datagram byte (after the header). */
  private dataStart = 0;
  /** The file's direct descriptor, once start() opened it. */
  private direct: DirectDescriptor | null = null;
  /** Writes started and not yet part of `position`, in file order. */
  private readonly writes: Write[] = [];
  private inFlight = 0;
  private datagramsOnDisk = 0;
  private idleWaiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private failed = false;

  constructor(
    private readonly file: FileHandle,
    options: BatchWriterOptions,
  ) {
    const { queueBytes } = options;
    this.queueBytes = queueBytes;
    const batch = options.batchBytes ?? Math.min(MAX_BATCH_BYTES, Math.max(MIN_BATCH_BYTES, queueBytes >> 2));
    const aligned = Math.max(DIRECT_ALIGN, batch - (batch % DIRECT_ALIGN));
    this.batchBytes = Math.min(aligned, queueBytes - (queueBytes % DIRECT_ALIGN));
    this.flushMs = options.flushIntervalMs ?? DEFAULT_FLUSH_MS;
    this.onError = options.onError;
  }

  /** Writes the header (buffered) at the start of the file, then opens `directPath` (the same file)
   * for direct writes unless it is null. Rejects on a write error. */
  async start(head: Uint8Array[], directPath: string | null): Promise<void> {
    for (const h of head) {
      const w: Write = { at: this.accepted, len: h.length, written: 0, datagrams: 0, done: false };
      await this.writeAll(h, w);
      this.accepted = this.position = w.at + w.len;
    }
    this.dataStart = this.position;
    if (directPath !== null) this.direct = await DirectDescriptor.open(directPath);
  }

  /** File size without a gap: the header and every batch completely written. */
  get fileBytes(): number {
    return this.position;
  }

  /** Batch memory in use (at most queueBytes). */
  get queueUsedBytes(): number {
    return this.used;
  }

  /** Accepted datagrams that are neither on disk nor in the batch being filled. */
  get lostDatagrams(): number {
    return this.counters.datagrams - this.datagramsOnDisk - (this.current?.datagrams ?? 0);
  }

  /** Queues a copy of one datagram; never blocks. False when the queue is full (counted). */
  write(datagram: Uint8Array): boolean {
    const s = this.counters;
    const n = datagram.length;
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

  /** Hands the batch being filled, if any, to the write queue now. */
  flush(): void {
    this.handOver();
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
    while (this.queue.length > 0 && this.inFlight < WRITE_DEPTH && !this.failed) {
      const b = this.queue.shift()!;
      const w: Write = { at: b.at, len: b.len, written: 0, datagrams: b.datagrams, done: false };
      this.writes.push(w);
      this.inFlight++;
      this.writeAll(b.buf, w)
        .then(
          () => {
            w.done = true;
            this.counters.batchesWritten++;
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
    this.counters.bytesWritten = this.position - this.dataStart;
  }

  /** Resolves when no write is in flight and nothing is left to write (or an error ended writing). */
  async idle(): Promise<void> {
    while (this.inFlight > 0 || (this.queue.length > 0 && !this.failed))
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
      const directFd = this.direct?.for(buf, from, length, position) ?? null;
      let n: number;
      try {
        n = await writeAt(directFd ?? this.file.fd, buf, from, length, position);
      } catch (err) {
        if (directFd === null || !this.direct!.refused(err)) throw err;
        continue; // the file system refused after all: this write and the rest buffered
      }
      if (n <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
      w.written += n;
      if (directFd !== null) this.counters.directBytes += n;
    }
    this.counters.writeMs += performance.now() - t0;
  }

  private fail(err: unknown): void {
    if (this.failed) return; // a second write in flight failed too: the first error stands
    this.failed = true;
    this.handOver();
    for (const b of this.queue.splice(0)) this.release(b);
    this.onError(err);
  }

  /**
   * After an error: waits for the writes in flight, then cuts the file back to the data without a
   * gap and fsyncs it. A failed cut leaves the file as it is (a reader counts an incomplete last word).
   */
  async cutBack(): Promise<void> {
    await this.idle();
    // Keep the whole batches before the first incomplete one, and the whole words that one got
    // (batches after it may have landed beyond: they are cut off).
    const first = this.writes[0];
    const keep = first ? first.at + first.written - (first.written % 8) : this.position;
    try {
      if ((await this.file.stat()).size !== keep) await this.file.truncate(keep);
      this.position = keep;
      await this.file.sync();
    } catch {
      // The file stays as it is: a reader counts an incomplete last word.
    }
    this.counters.bytesWritten = this.position - this.dataStart;
  }

  /** Closes the direct descriptor (call once no write is in flight); later writes go buffered. */
  async closeDirect(): Promise<void> {
    await this.direct?.close();
  }
}
