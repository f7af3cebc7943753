// The receiving end of the UDP sampler (electron/engine/udpSampler.ts): binds the socket and
// concatenates datagrams of whole 8-byte words into ~1 MB chunks (handed on when full or 100 ms
// after their first datagram), in buffers that come back for reuse. It runs in the sampler's thread
// (`LocalReceiver`) or in a worker thread of its own (`ThreadReceiver`, the engine's choice).
//
// Why a thread of its own: Node gives every datagram a Buffer of its own, and at 300 MB/s their
// external memory makes V8 run about 12 full collections a second on the isolate that receives
// them; each marks that isolate's whole heap. On the main thread that was 13% of it with a 10 MB
// heap, more in a bigger process (the app's main process), and the socket is not drained meanwhile.
// A worker's heap is a few MB, and nothing else (IPC, timers, view snapshots) runs there.
import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

export interface ReceiverConfig {
  address: string;
  port: number;
  /** Requested kernel receive buffer, bytes. */
  recvBufferBytes: number;
  /** Chunk size that triggers a hand-over, bytes. */
  batchBytes: number;
  /** Longest a datagram waits in a chunk, ms. */
  flushMs: number;
}

/** Datagrams in arrival order, concatenated. */
export interface DatagramChunk {
  bytes: Uint8Array;
  datagrams: number;
  /** Wall clock (ms since the epoch, performance.timeOrigin + now()) of its first datagram: one
   * clock for every thread. */
  firstArrivalEpochMs: number;
}

/** Counts of the receiving end. */
export interface ReceiverCounts {
  datagrams: number;
  bytes: number;
  /** Datagrams whose length is not a multiple of 8: counted, neither recorded nor decoded. */
  oddDatagrams: number;
}

export interface ReceiverEvents {
  onChunk: (chunk: DatagramChunk, counts: ReceiverCounts) => void;
  onWarning: (message: string) => void;
  /** Counts that changed without a chunk (odd datagrams only), within flushMs of the change. */
  onCounts: (counts: ReceiverCounts) => void;
}

export interface Receiver {
  /** Binds; resolves with the bound port and the receive buffer the kernel reports. */
  start(): Promise<{ port: number; recvBufferBytes: number }>;
  /** Hands on the chunk being filled, closes the socket; resolves when the last chunk is out. */
  stop(): Promise<void>;
  /** Gives a chunk's buffer back for reuse (it must not be used afterwards). */
  recycle(bytes: Uint8Array): void;
}

/** Buffers kept for reuse: the 32 MB the pipeline may hold, and some slack. */
const POOL_BUFFERS = 40;

/** The batching: datagrams into pooled buffers, chunks out on size or time. */
export class DatagramBatcher {
  readonly counts: ReceiverCounts = { datagrams: 0, bytes: 0, oddDatagrams: 0 };
  private buf: Uint8Array;
  private readonly pool: Uint8Array[] = [];
  private fill = 0;
  private count = 0;
  private firstArrival = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly cfg: Pick<ReceiverConfig, 'batchBytes' | 'flushMs'>,
    private readonly onChunk: (chunk: DatagramChunk, counts: ReceiverCounts) => void,
    private readonly onCounts: (counts: ReceiverCounts) => void,
  ) {
    this.buf = new Uint8Array(cfg.batchBytes + 65536);
  }

  add(msg: Uint8Array): void {
    const c = this.counts;
    c.datagrams++;
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.cfg.flushMs);
    if (msg.length % 8 !== 0 || msg.length === 0) {
      c.oddDatagrams++;
      return;
    }
    c.bytes += msg.length;
    if (this.fill === 0) this.firstArrival = performance.timeOrigin + performance.now();
    if (this.fill + msg.length > this.buf.length) this.flush();
    this.buf.set(msg, this.fill);
    this.fill += msg.length;
    this.count++;
    if (this.fill >= this.cfg.batchBytes) this.flush();
  }

  /** Hands on the chunk being filled (the chunk takes the buffer; a pooled or new one follows). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.fill === 0) {
      this.onCounts(this.counts);
      return;
    }
    const chunk = {
      bytes: this.buf.subarray(0, this.fill),
      datagrams: this.count,
      firstArrivalEpochMs: this.firstArrival,
    };
    this.buf = this.pool.pop() ?? new Uint8Array(this.buf.length);
    this.fill = 0;
    this.count = 0;
    this.onChunk(chunk, this.counts);
  }

  recycle(bytes: Uint8Array): void {
    if (bytes.buffer.byteLength === this.buf.length && this.pool.length < POOL_BUFFERS)
      this.pool.push(new Uint8Array(bytes.buffer));
  }
}

/** Binds a socket and feeds a batcher, in this thread. */
export class LocalReceiver implements Receiver {
  private socket: Socket | null = null;
  private readonly batcher: DatagramBatcher;

  constructor(
    private readonly cfg: ReceiverConfig,
    private readonly events: ReceiverEvents,
  ) {
    this.batcher = new DatagramBatcher(cfg, events.onChunk, events.onCounts);
  }

  async start(): Promise<{ port: number; recvBufferBytes: number }> {
    const socket = createSocket({ type: 'udp4', recvBufferSize: this.cfg.recvBufferBytes });
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.cfg.port, this.cfg.address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('message', (msg) => this.batcher.add(msg));
    socket.on('error', (err) => this.events.onWarning(`UDP socket: ${err.message}`));
    return { port: socket.address().port, recvBufferBytes: socket.getRecvBufferSize() };
  }

  async stop(): Promise<void> {
    this.batcher.flush();
    const s = this.socket;
    this.socket = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  recycle(bytes: Uint8Array): void {
    this.batcher.recycle(bytes);
  }

  get counts(): ReceiverCounts {
    return this.batcher.counts;
  }
}

/** Messages between a ThreadReceiver and its worker (runReceiverThread). */
type ToWorker = { recycle: ArrayBuffer } | { stop: true };
type FromWorker =
  | { started: { port: number; recvBufferBytes: number } }
  | { failed: string }
  | { chunk: DatagramChunk; counts: ReceiverCounts }
  | { warning: string }
  | { counts: ReceiverCounts }
  | { stopped: ReceiverCounts };

/** A LocalReceiver in a worker thread (the stage host module, `hostUrl`); chunks come over by transfer. */
export class ThreadReceiver implements Receiver {
  private worker: Worker | null = null;
  private stopped: (() => void) | null = null;

  constructor(
    private readonly cfg: ReceiverConfig,
    private readonly events: ReceiverEvents,
    private readonly hostUrl: URL,
  ) {}

  start(): Promise<{ port: number; recvBufferBytes: number }> {
    const worker = new Worker(this.hostUrl, { workerData: { receiver: this.cfg } });
    this.worker = worker;
    return new Promise((resolve, reject) => {
      worker.on('message', (m: FromWorker) => {
        if ('chunk' in m) this.events.onChunk(m.chunk, m.counts);
        else if ('started' in m) resolve(m.started);
        else if ('failed' in m) reject(new Error(m.failed));
        else if ('warning' in m) this.events.onWarning(m.warning);
        else if ('counts' in m) this.events.onCounts(m.counts);
        else {
          this.events.onCounts(m.stopped);
          this.stopped?.();
        }
      });
      worker.on('error', (err) => {
        reject(err);
        this.events.onWarning(`UDP receiving thread: ${err.message}`);
      });
      worker.on('exit', () => {
        reject(new Error('the UDP receiving thread ended'));
        this.stopped?.();
      });
    });
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    await new Promise<void>((resolve) => {
      this.stopped = resolve;
      worker.postMessage({ stop: true } satisfies ToWorker);
    });
    await worker.terminate();
  }

  recycle(bytes: Uint8Array): void {
    const buffer = bytes.buffer as ArrayBuffer;
    this.worker?.postMessage({ recycle: buffer } satisfies ToWorker, [buffer]);
  }
}

/** The worker side of a ThreadReceiver: call from the thread's entry with its workerData. */
export function runReceiverThread(
  cfg: ReceiverConfig,
  port: {
    postMessage(m: unknown, transfer?: ArrayBuffer[]): void;
    on(e: 'message', l: (m: unknown) => void): void;
  },
): void {
  const post = (m: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  const receiver = new LocalReceiver(cfg, {
    onChunk: (chunk, counts) => post({ chunk, counts }, [chunk.bytes.buffer as ArrayBuffer]),
    onWarning: (warning) => post({ warning }),
    onCounts: (counts) => post({ counts }),
  });
  port.on('message', (raw) => {
    const m = raw as ToWorker;
    if ('recycle' in m) receiver.recycle(new Uint8Array(m.recycle));
    else void receiver.stop().then(() => post({ stopped: receiver.counts }));
  });
  receiver.start().then(
    (started) => post({ started }),
    (err: Error) => post({ failed: err.message }),
  );
}
