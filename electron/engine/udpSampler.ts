// The UDP sampler of the main process: receives SPIDR datagrams, batches them into ~1 MB chunks
// (flushed on size or after 100 ms), tracks the camera's global time from the stream, and hands
// each batch to its listeners (recorder, pipeline) once, without per-datagram copies downstream.
//
// Time base (Decision 8): a batch is decoded with the sampler's global time when its first datagram
// arrived; the batch's own 0x4/0x4 + 0x4/0x5 pairs update that time for the next batch (jump rules
// of the file reader), and an authoritative time (a GET_TIMER reply) can be set at any moment.
// Batches that arrive before any global time is known are held (2 s or 64 MB at most) and released
// with the first time; beyond that bound they are dropped from processing and counted (listeners
// that record get every batch regardless, through `onRaw`). Timepix4 (generation 4) words carry their
// time in heartbeats, read by the decoder: its batches are never held and carry longtime 0.
import { readFile } from 'node:fs/promises';
import { TimeTracker } from '../../native-workers/pipeline/globalTime';
import {
  type DatagramChunk,
  LocalReceiver,
  type Receiver,
  type ReceiverCounts,
  ThreadReceiver,
} from '../../native-workers/live/udpReceiver';
import { stageHostUrl } from '../../native-workers/stages/stagePort';

export interface SamplerConfig {
  address: string;
  port: number;
  /** Camera generation of the stream (default 3); 4 needs no time base (see above). */
  generation?: 3 | 4;
  /** Requested kernel receive buffer, bytes (64 MB). */
  recvBufferBytes?: number;
  /** Batch size that triggers a flush, bytes (~1 MB). */
  batchBytes?: number;
  /** Longest a datagram waits in a batch, ms (100). */
  flushMs?: number;
  /** Bounds for batches held before the first global time. */
  holdMs?: number;
  holdBytes?: number;
  /** Receive in a worker thread of its own (udpReceiver.ts: why); default false, this thread. */
  thread?: boolean;
}

/** A batch of whole 8-byte words, the concatenation of the datagrams in arrival order. */
export interface SampledBatch {
  bytes: Uint8Array;
  datagrams: number;
  /** Camera time (25 ns units) to decode this batch with; -1 only for `onRaw` batches before any time. */
  longtime: number;
  /** performance.now() when the batch's first datagram arrived. */
  firstArrivalMs: number;
}

export interface SamplerStats {
  datagrams: number;
  bytes: number;
  batches: number;
  /** Datagrams whose length is not a multiple of 8: counted, neither recorded nor decoded. */
  oddDatagrams: number;
  /** Batches dropped from processing because no global time came within the hold bound. */
  droppedBeforeTime: number;
  /** SPIDR packet-id gaps (lost packets), where the stream carries packet ids. */
  packetIdGaps: number;
  /** Kernel receive-queue drops for this socket (/proc/net/udp), -1 where unreadable. */
  kernelDrops: number;
  recvBufferBytes: number;
  longtime: number;
}

export interface SamplerListeners {
  /** Every batch, for recording (before any time is known too). */
  onRaw?: (batch: SampledBatch) => void;
  /** Batches with a time base, for processing. */
  onBatch?: (batch: SampledBatch) => void;
  onWarning?: (message: string) => void;
}

const DEFAULTS = {
  generation: 3 as 3 | 4,
  recvBufferBytes: 64 << 20,
  batchBytes: 1 << 20,
  flushMs: 100,
  holdMs: 2000,
  holdBytes: 64 << 20,
  thread: false,
};

export class UdpSampler {
  private receiver: Receiver | null = null;
  private port = 0;
  private readonly time = new TimeTracker();
  private held: SampledBatch[] = [];
  private heldBytes = 0;
  private lastPacketId = -1;
  private readonly cfg: Required<SamplerConfig>;
  readonly stats: SamplerStats = {
    datagrams: 0,
    bytes: 0,
    batches: 0,
    oddDatagrams: 0,
    droppedBeforeTime: 0,
    packetIdGaps: 0,
    kernelDrops: -1,
    recvBufferBytes: 0,
    longtime: -1,
  };

  constructor(
    config: SamplerConfig,
    private readonly listeners: SamplerListeners,
  ) {
    this.cfg = { ...DEFAULTS, ...config };
  }

  /** Binds the socket; resolves with the bound port (useful with port 0). */
  async start(): Promise<number> {
    const events = {
      onChunk: (c: DatagramChunk, counts: ReceiverCounts) => this.onChunk(c, counts),
      onWarning: (w: string) => this.listeners.onWarning?.(w),
      onCounts: (counts: ReceiverCounts) => this.takeCounts(counts),
    };
    const receiver = this.cfg.thread
      ? new ThreadReceiver(this.cfg, events, stageHostUrl())
      : new LocalReceiver(this.cfg, events);
    this.receiver = receiver;
    const { port, recvBufferBytes } = await receiver.start().catch(async (err: unknown) => {
      this.receiver = null;
      await receiver.stop().catch(() => undefined);
      throw err;
    });
    this.port = port;
    // Linux grants twice the size asked for (its bookkeeping) and reports that, up to twice
    // net.core.rmem_max: less than twice the request means rmem_max capped it.
    this.stats.recvBufferBytes = recvBufferBytes;
    const doubled = process.platform === 'linux' ? 2 : 1;
    if (this.stats.recvBufferBytes < doubled * this.cfg.recvBufferBytes) {
      this.listeners.onWarning?.(
        `the kernel limits the UDP receive buffer to ${(this.stats.recvBufferBytes / doubled / 2 ** 20).toFixed(0)} MB ` +
          `(asked for ${(this.cfg.recvBufferBytes / 2 ** 20).toFixed(0)} MB): packets may be lost at high rates; ` +
          `raise it with 'sysctl -w net.core.rmem_max=${this.cfg.recvBufferBytes}' (as root)`,
      );
    }
    return port;
  }

  /** Reads the kernel's drop count while the socket is open, then hands on the last batch and
   * closes it. */
  async stop(): Promise<void> {
    await this.refreshKernelDrops();
    const r = this.receiver;
    this.receiver = null;
    await r?.stop();
  }

  /** Takes back a batch's buffer once nothing uses it (the pipeline is done with it): the next
   * batches fill it again, so reception allocates nothing per batch in the steady state. */
  recycle(bytes: Uint8Array): void {
    this.receiver?.recycle(bytes);
  }

  /** An authoritative camera time (GET_TIMER reply): no jump rule, takes effect for the next batch. */
  setTime(longtime: number): void {
    this.time.set(longtime);
    this.stats.longtime = longtime;
    this.releaseHeld();
  }

  /** Reads this socket's kernel drop counter from /proc/net/udp (Linux), if readable. */
  async refreshKernelDrops(): Promise<number> {
    if (!this.receiver) return this.stats.kernelDrops;
    try {
      const port = this.port.toString(16).toUpperCase().padStart(4, '0');
      const table = await readFile('/proc/net/udp', 'utf8');
      for (const line of table.split('\n').slice(1)) {
        const cols = line.trim().split(/\s+/);
        if (cols.length > 12 && cols[1].endsWith(`:${port}`)) this.stats.kernelDrops = Number(cols[12]);
      }
    } catch {
      this.stats.kernelDrops = -1;
    }
    return this.stats.kernelDrops;
  }

  private takeCounts(c: ReceiverCounts): void {
    this.stats.datagrams = c.datagrams;
    this.stats.bytes = c.bytes;
    this.stats.oddDatagrams = c.oddDatagrams;
  }

  /** A chunk from the receiver closes a batch: hands it on with the time base, then learns the
   * batch's own time. */
  private onChunk(chunk: DatagramChunk, counts: ReceiverCounts): void {
    this.takeCounts(counts);
    const batch: SampledBatch = {
      // The batch takes the buffer (the pipeline may transfer it to its thread).
      bytes: chunk.bytes,
      datagrams: chunk.datagrams,
      longtime: this.time.longtime,
      firstArrivalMs: chunk.firstArrivalEpochMs - performance.timeOrigin,
    };
    this.stats.batches++;
    // The recorder copies the bytes at once; the pipeline may take ownership of them (a transfer to
    // a worker thread), so the batch's time packets are read before it is handed on.
    this.listeners.onRaw?.(batch);
    if (this.cfg.generation === 4) {
      this.listeners.onBatch?.({ ...batch, longtime: 0 });
      return;
    }
    this.learnTime(batch.bytes);
    if (batch.longtime >= 0) {
      this.listeners.onBatch?.(batch);
      return;
    }
    // No time yet: hold the batch; if it brought the first time, everything held goes out with it.
    this.held.push(batch);
    this.heldBytes += batch.bytes.length;
    if (this.time.longtime >= 0) this.releaseHeld();
    else this.enforceHoldBound();
  }

  private enforceHoldBound(): void {
    const now = performance.now();
    while (
      this.held.length > 0 &&
      (this.heldBytes > this.cfg.holdBytes || now - this.held[0].firstArrivalMs > this.cfg.holdMs)
    ) {
      const dropped = this.held.shift()!;
      this.heldBytes -= dropped.bytes.length;
      this.stats.droppedBeforeTime++;
    }
  }

  private releaseHeld(): void {
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    for (const b of held) this.listeners.onBatch?.({ ...b, longtime: this.time.longtime });
  }

  /** Time pairs and packet ids of a batch, in arrival order. */
  private learnTime(bytes: Uint8Array): void {
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
    const before = this.time.longtime;
    const n = words.length;
    let i = 1;
    // Nearly every packet is a pixel (hi >>> 29 === 5, i.e. top bits 101): four at a time are
    // skipped with one test, about half the cost of testing each (10% of the receiving thread at
    // 300 MB/s).
    const PIXEL = 0xa0000000;
    for (; i + 6 < n; i += 8) {
      const notPixels =
        (words[i] ^ PIXEL) | (words[i + 2] ^ PIXEL) | (words[i + 4] ^ PIXEL) | (words[i + 6] ^ PIXEL);
      if (notPixels >>> 29 === 0) continue;
      for (let k = i; k < i + 8; k += 2) this.packet(words, k);
    }
    for (; i < n; i += 2) this.packet(words, i);
    this.stats.longtime = this.time.longtime;
    if (before < 0 && this.time.longtime >= 0) this.releaseHeld();
  }

  /** One packet whose high half is words[i]: a time half or a packet id updates the tracker. */
  private packet(words: Uint32Array, i: number): void {
    const hi = words[i];
    if (hi >>> 29 === 5) return; // a pixel (0xA, 0xB)
    const top = hi >>> 24;
    if (top === 0x44 || top === 0x64) this.time.onLsb(((words[i - 1] >>> 16) | (hi << 16)) >>> 0);
    else if (top === 0x45 || top === 0x65) this.time.onMsb(words[i - 1] >>> 16);
    else if (top === 0x50) {
      const id = (hi & 0xffff) * 2 ** 32 + words[i - 1];
      if (this.lastPacketId >= 0 && id !== this.lastPacketId + 1) this.stats.packetIdGaps++;
      this.lastPacketId = id;
    }
  }
}
