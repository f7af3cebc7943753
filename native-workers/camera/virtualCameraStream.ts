// The data side of the virtual camera (Decision 17): while the shutter is open it streams a
// generated VMI run (emulatorSource.ts GeneratedSource, paced at real camera time by pacedSender.ts)
// to the UDP destination the control connection set, starting at the camera timer's value when the
// shutter opened, so hit times and the timer agree. The generator's own once-a-second time packets
// are taken out: like the chip, the virtual camera writes a 0x4/0x4 + 0x4/0x5 pair only when its
// timer is read (`sendTimePair`, on every GET_TIMER), through a socket of its own.
import { createSocket, type Socket } from 'node:dgram';
import type { DatagramBatch } from '../live/datagrams';
import { BACKGROUND_HIT_RATE, GeneratedSource, HITS_PER_ION } from '../live/emulatorSource';
import { PacedSender } from '../live/pacedSender';
import { writeTimeLsb, writeTimeMsb } from '../pipeline/tpx3Encoder';

export interface VirtualStreamOptions {
  /** Send rate the generated run fills, MB/s (default 2). */
  rateMBps?: number;
  /** Laser shots per second (default 1000). */
  triggerRate?: number;
  seed?: number;
}

export interface StreamCounters {
  datagrams: number;
  bytes: number;
  timePairs: number;
}

/** Drops the 0x44/0x45 words of each datagram (copying only datagrams that hold any). */
export function withoutTimePackets(batch: DatagramBatch): DatagramBatch {
  for (let d = 0; d < batch.datagrams.length; d++) {
    const dg = batch.datagrams[d];
    const words = new Uint32Array(dg.buffer, dg.byteOffset, dg.byteLength >>> 2);
    let keep = 0;
    let any = false;
    for (let i = 1; i < words.length; i += 2) {
      const top = words[i] >>> 24;
      if (top === 0x44 || top === 0x45) any = true;
    }
    if (!any) continue;
    const out = new Uint32Array(words.length);
    for (let i = 1; i < words.length; i += 2) {
      const top = words[i] >>> 24;
      if (top === 0x44 || top === 0x45) continue;
      out[keep++] = words[i - 1];
      out[keep++] = words[i];
    }
    batch.datagrams[d] = new Uint8Array(out.buffer, 0, keep * 4);
  }
  // A datagram of time packets only becomes empty: never send an empty datagram.
  const keepIdx = batch.datagrams.map((dg, i) => (dg.byteLength > 0 ? i : -1)).filter((i) => i >= 0);
  if (keepIdx.length === batch.datagrams.length) return batch;
  return {
    datagrams: keepIdx.map((i) => batch.datagrams[i]),
    cameraTime: Float64Array.from(keepIdx, (i) => batch.cameraTime[i]),
    hits: Uint32Array.from(keepIdx, (i) => batch.hits[i]),
  };
}

export class VirtualCameraStream {
  readonly counters: StreamCounters = { datagrams: 0, bytes: 0, timePairs: 0 };
  private sender: PacedSender | null = null;
  private running: Promise<unknown> | null = null;
  private timeSocket: Socket | null = null;
  private dest: { address: string; port: number } | null = null;

  constructor(private readonly options: VirtualStreamOptions = {}) {}

  get streaming(): boolean {
    return this.sender !== null;
  }

  /** Starts streaming to `dest` from camera time `startLongtime`; a running stream is stopped first. */
  async start(dest: { address: string; port: number }, startLongtime: number): Promise<void> {
    await this.stop();
    const rate = this.options.rateMBps ?? 2;
    const triggerRate = this.options.triggerRate ?? 1000;
    // Hits per camera second that fill the rate (each trigger adds two TDC words), capped at the
    // generator's 1000 ions a shot.
    const cap = 1000 * HITS_PER_ION * triggerRate + BACKGROUND_HIT_RATE;
    const hitRate = Math.min(cap, Math.max(BACKGROUND_HIT_RATE + 1, (rate * 1e6) / 8 - 2 * triggerRate));
    const source = new GeneratedSource({
      triggerRate,
      hitRate,
      seed: this.options.seed ?? 1,
      startLongtime: Math.round(startLongtime),
    });
    this.dest = dest;
    const sender = new PacedSender({
      host: dest.address,
      port: dest.port,
      pacing: { kind: 'camera', speed: 1 },
    });
    this.sender = sender;
    const counters = this.counters;
    async function* filtered(): AsyncGenerator<DatagramBatch> {
      for (const batch of source.batches()) yield withoutTimePackets(batch);
    }
    this.running = sender
      .run(filtered())
      .then((t) => {
        counters.datagrams += t.datagrams;
        counters.bytes += t.bytes;
      })
      .catch(() => undefined);
  }

  /** Stops streaming; resolves once the last datagram has been handed to the kernel. */
  async stop(): Promise<void> {
    const sender = this.sender;
    this.sender = null;
    sender?.stop();
    await this.running;
    this.running = null;
  }

  /** Writes the time pair of `longtime` into the stream, as a timer read does on the chip. */
  sendTimePair(longtime: number): void {
    const dest = this.dest;
    if (!dest || !this.sender) return;
    const words = new Uint32Array(4);
    writeTimeLsb(words, 0, longtime);
    writeTimeMsb(words, 1, longtime);
    this.timeSocket ??= createSocket('udp4').on('error', () => undefined);
    this.timeSocket.send(new Uint8Array(words.buffer), dest.port, dest.address);
    this.counters.timePairs++;
  }

  async close(): Promise<void> {
    await this.stop();
    const s = this.timeSocket;
    this.timeSocket = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
