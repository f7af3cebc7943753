// Sends datagram batches (emulatorSource.ts) over UDP at a controlled pace, as a SPIDR board would:
// one connected node:dgram socket with a large send buffer, `send` with callbacks, at most
// maxInFlightBytes handed to the socket and not yet confirmed (backpressure: the loop waits for
// callbacks), counters, and a rate report once a second.
//
// Pacing, on the monotonic clock (performance.now). A stall (generating a chunk, GC, a busy CPU)
// leaves the sender behind its schedule; it then catches up at no more than CATCH_UP times the
// target pace, so the long-run pace stays exact and bursts stay bounded; more than maxLagSeconds
// behind, it gives the lag up and restarts the schedule from now.
// - 'rate': two token buckets of bytes: the schedule (refilled at the rate, holding up to
//   maxLagSeconds of it) and the burst bucket (refilled at CATCH_UP x the rate, burstSeconds deep,
//   at least two 8 KiB datagrams): a datagram goes when both hold it;
// - 'camera': each datagram is due when the wall time since the first timed datagram reaches its
//   camera time since then divided by `speed`, and when late, not before the previous one plus
//   its camera-time spacing / (speed x CATCH_UP);
// - 'unpaced': as fast as the socket takes them.
// stop() ends the run: no new datagram is sent, in-flight sends complete, then the socket closes.
import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { z } from 'zod';
import { assertNever } from '../../shared/assertNever';
import { UserError } from '../../shared/userError';
import type { DatagramBatch } from './datagrams';

export type Pacing =
  { kind: 'rate'; megabytesPerSecond: number } | { kind: 'camera'; speed: number } | { kind: 'unpaced' };

export interface SenderConfig {
  /** Destination host name or address, and UDP port. */
  host: string;
  port: number;
  pacing: Pacing;
  /** Requested SO_SNDBUF; the kernel may cap it (Linux: net.core.wmem_max). Default 8 MiB. */
  sendBufferBytes?: number;
  /** Bytes handed to the socket whose send callbacks are outstanding, at most. Default 1 MiB. */
  maxInFlightBytes?: number;
  /** 'rate' pacing: the largest burst at full speed, in seconds of the rate. Default 0.01. */
  burstSeconds?: number;
  /** Lag behind the schedule that is still made up; beyond it the schedule restarts. Default 1 s. */
  maxLagSeconds?: number;
}

/**
 * Confirmed sends (callback without error); `errors` counts failed sends and errors the socket
 * reports on its own (on a connected socket, an ICMP "port unreachable": ECONNREFUSED).
 */
export interface SenderCounters {
  datagrams: number;
  bytes: number;
  words: number;
  hits: number;
  errors: number;
}

export interface RateReport {
  /** Seconds since sending started. */
  elapsed: number;
  /** Over the last interval (about 1 s): */
  megabytesPerSecond: number;
  datagramsPerSecond: number;
  hitsPerSecond: number;
  errorsPerSecond: number;
  totals: SenderCounters;
  /** Code of the latest send error (e.g. ECONNREFUSED: nothing listening), or null. */
  lastError: string | null;
}

export interface SenderTotals extends SenderCounters {
  elapsed: number;
  /** Mean rate over the run, MB/s (1 MB = 1e6 bytes). */
  megabytesPerSecond: number;
  lastError: string | null;
  /** SO_SNDBUF the kernel granted, bytes. */
  sendBufferBytes: number;
}

const pacingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('rate'), megabytesPerSecond: z.number().positive() }),
  z.object({ kind: z.literal('camera'), speed: z.number().positive() }),
  z.object({ kind: z.literal('unpaced') }),
]);
const senderConfigSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  pacing: pacingSchema,
  sendBufferBytes: z.number().int().positive().optional(),
  maxInFlightBytes: z.number().int().positive().optional(),
  burstSeconds: z.number().positive().optional(),
  maxLagSeconds: z.number().positive().optional(),
});

/** A sender configuration from another process (or anywhere untyped), checked. */
export function parseSenderConfig(value: unknown): SenderConfig {
  const r = senderConfigSchema.safeParse(value);
  if (!r.success)
    throw new UserError(`invalid emulator sender: ${z.prettifyError(r.error).replace(/\n/g, '; ')}`);
  return r.data;
}

/** The token bucket holds at least two 8 KiB datagrams, so slow rates still send whole datagrams. */
const MIN_BUCKET_BYTES = 16384;

/** Milliseconds to wait before a datagram of `bytes` at camera time `cameraTime` may go. */
type Pacer = (now: number, bytes: number, cameraTime: number) => number;

/** How much faster than the target pace a sender that fell behind may catch up. */
const CATCH_UP = 2;

function ratePacer(bytesPerMs: number, depth: number, maxLagMs: number): Pacer {
  const horizon = Math.max(depth, bytesPerMs * maxLagMs);
  let schedule = depth;
  let burst = depth;
  let last = performance.now();
  return (now, bytes) => {
    const dt = now - last;
    last = now;
    schedule = Math.min(horizon, schedule + dt * bytesPerMs);
    burst = Math.min(depth, burst + dt * bytesPerMs * CATCH_UP);
    // A datagram larger than the burst bucket goes when it is full, and leaves a debt.
    const need = Math.min(bytes, depth);
    if (schedule >= need && burst >= need) {
      schedule -= bytes;
      burst -= bytes;
      return 0;
    }
    return Math.max((need - schedule) / bytesPerMs, (need - burst) / (bytesPerMs * CATCH_UP), 0);
  };
}

function cameraPacer(speed: number, maxLagMs: number): Pacer {
  let wall0 = NaN;
  let cam0 = NaN;
  let prevDue = NaN;
  let prevCam = NaN;
  return (now, _bytes, cameraTime) => {
    if (Number.isNaN(cameraTime)) return 0;
    const onTime = wall0 + ((cameraTime - cam0) * 1000) / speed;
    if (Number.isNaN(onTime) || now - onTime > maxLagMs) {
      wall0 = prevDue = now;
      cam0 = prevCam = cameraTime;
      return 0;
    }
    const due = Math.max(onTime, prevDue + ((cameraTime - prevCam) * 1000) / (speed * CATCH_UP));
    if (due > now) return due - now;
    prevDue = due;
    prevCam = cameraTime;
    return 0;
  };
}

export class PacedSender {
  readonly counters: SenderCounters = { datagrams: 0, bytes: 0, words: 0, hits: 0, errors: 0 };
  lastError: string | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;
  private inFlightBytes = 0;
  private drainTo = -1;
  private drained: (() => void) | null = null;
  private readonly maxInFlightBytes: number;
  private opening: Promise<Socket> | null = null;
  private sendBufferBytes = 0;

  constructor(
    readonly config: SenderConfig,
    private readonly onRate?: (report: RateReport) => void,
  ) {
    this.maxInFlightBytes = config.maxInFlightBytes ?? 1 << 20;
    const p = config.pacing;
    if (p.kind === 'rate' && !(p.megabytesPerSecond > 0 && Number.isFinite(p.megabytesPerSecond))) {
      throw new UserError(`send rate must be a number of MB/s greater than 0, got ${p.megabytesPerSecond}`);
    }
    if (p.kind === 'camera' && !(p.speed > 0 && Number.isFinite(p.speed))) {
      throw new UserError(`replay speed must be a number greater than 0, got ${p.speed}`);
    }
    if (!(Number.isInteger(config.port) && config.port >= 1 && config.port <= 65535)) {
      throw new UserError(`port must be a whole number in 1..65535, got ${config.port}`);
    }
  }

  /** Ends the run: run() resolves once in-flight sends have completed and the socket is closed. */
  stop(): void {
    this.stopping = true;
    this.wake?.();
  }

  /**
   * Resolves the destination and connects the socket (run() does it when not done yet), so that a
   * caller can report a bad host before announcing anything. Throws UserError.
   */
  async open(): Promise<void> {
    this.opening ??= this.connect();
    const socket = await this.opening;
    try {
      socket.setSendBufferSize(this.config.sendBufferBytes ?? 8 << 20);
    } catch {
      // Not allowed here: keep the system default.
    }
    try {
      this.sendBufferBytes = socket.getSendBufferSize();
    } catch {
      // Unknown.
    }
  }

  /** Sends every datagram of `source`, paced, until it ends or stop(); returns the totals. */
  async run(source: AsyncIterable<DatagramBatch> | Iterable<DatagramBatch>): Promise<SenderTotals> {
    await this.open();
    const socket = await this.opening!;
    const sendBufferBytes = this.sendBufferBytes;
    const started = performance.now();
    const timer = this.startReports(started);
    const pace = this.pacer();
    const c = this.counters;
    try {
      outer: for await (const batch of source) {
        // Sends that complete at once call back without a turn of the event loop: yield one per
        // batch, so timers, signals and stop() are never starved when unpaced.
        await new Promise((resolve) => setImmediate(resolve));
        const { datagrams, cameraTime, hits } = batch;
        for (let d = 0; d < datagrams.length; d++) {
          const payload = datagrams[d];
          for (let wait = pace(performance.now(), payload.length, cameraTime[d]); wait > 0;) {
            await this.sleep(wait);
            if (this.stopping) break outer;
            wait = pace(performance.now(), payload.length, cameraTime[d]);
          }
          if (this.stopping) break outer;
          if (this.inFlightBytes >= this.maxInFlightBytes) await this.drain(this.maxInFlightBytes / 2);
          const bytes = payload.length;
          const h = hits[d];
          this.inFlightBytes += bytes;
          socket.send(payload, (err) => {
            this.inFlightBytes -= bytes;
            if (err) {
              c.errors++;
              this.lastError = (err as NodeJS.ErrnoException).code ?? err.message;
            } else {
              c.datagrams++;
              c.bytes += bytes;
              c.words += bytes >>> 3;
              c.hits += h;
            }
            if (this.drained && this.inFlightBytes <= this.drainTo) {
              const resolve = this.drained;
              this.drained = null;
              resolve();
            }
          });
        }
      }
    } finally {
      await this.drain(0);
      clearInterval(timer);
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    }
    const elapsed = (performance.now() - started) / 1000;
    return {
      ...c,
      elapsed,
      megabytesPerSecond: elapsed > 0 ? c.bytes / 1e6 / elapsed : 0,
      lastError: this.lastError,
      sendBufferBytes,
    };
  }

  /** A connected socket of the destination's address family (connected: no per-send route lookup). */
  private async connect(): Promise<Socket> {
    const { host, port } = this.config;
    let address = host.replace(/^\[(.*)\]$/, '$1');
    let family = isIP(address);
    if (family === 0) {
      try {
        ({ address, family } = await lookup(address));
      } catch (err) {
        throw new UserError(`cannot resolve host '${host}' (${(err as NodeJS.ErrnoException).code ?? err})`);
      }
    }
    const socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4' });
    // Asynchronous failures (ICMP errors reported on a connected socket) are counted, never thrown.
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.counters.errors++;
      this.lastError = err.code ?? err.message;
    });
    await new Promise<void>((resolve, reject) => {
      const fail = (err: Error): void => {
        socket.close();
        reject(new UserError(`cannot send to ${host}:${port}: ${err.message}`));
      };
      socket.once('error', fail);
      socket.once('connect', () => {
        socket.off('error', fail);
        resolve();
      });
      try {
        socket.connect(port, address);
      } catch (err) {
        fail(err as Error);
      }
    });
    return socket;
  }

  private pacer(): Pacer {
    const p = this.config.pacing;
    const maxLagMs = (this.config.maxLagSeconds ?? 1) * 1000;
    switch (p.kind) {
      case 'rate': {
        const bytesPerMs = (p.megabytesPerSecond * 1e6) / 1000;
        return ratePacer(
          bytesPerMs,
          Math.max(MIN_BUCKET_BYTES, bytesPerMs * 1000 * (this.config.burstSeconds ?? 0.01)),
          maxLagMs,
        );
      }
      case 'camera':
        return cameraPacer(p.speed, maxLagMs);
      case 'unpaced':
        return () => 0;
      default:
        return assertNever(p, 'pacing');
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        this.wake = null;
        resolve();
      };
    });
  }

  /** Resolves when no more than `bytes` are in flight. */
  private drain(bytes: number): Promise<void> {
    if (this.inFlightBytes <= bytes) return Promise.resolve();
    this.drainTo = bytes;
    return new Promise((resolve) => {
      this.drained = resolve;
    });
  }

  private startReports(started: number): NodeJS.Timeout {
    let prev = { ...this.counters };
    let prevAt = started;
    const timer = setInterval(() => {
      const now = performance.now();
      const c = this.counters;
      const dt = (now - prevAt) / 1000;
      this.onRate?.({
        elapsed: (now - started) / 1000,
        megabytesPerSecond: (c.bytes - prev.bytes) / 1e6 / dt,
        datagramsPerSecond: (c.datagrams - prev.datagrams) / dt,
        hitsPerSecond: (c.hits - prev.hits) / dt,
        errorsPerSecond: (c.errors - prev.errors) / dt,
        totals: { ...c },
        lastError: this.lastError,
      });
      prev = { ...c };
      prevAt = now;
    }, 1000);
    timer.unref();
    return timer;
  }
}
