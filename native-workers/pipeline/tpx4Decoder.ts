// The one Timepix4 word decoder: big-endian 64-bit words (the bytes of a Timepix4 .raw file or a
// datagram, from the first byte) to column batches of hits and signal trigger edges, plus counts of
// every packet kind. Layout and rules: shared/docs/timepix4-format.md.
//
// Flow: the packet kind is decided by eoc = bits 62..55 alone. Heartbeats (0xE0) set the time
// reference for the following pixel hits; that reference carries over between decode calls for the
// whole run. A hit's 16-bit ToA (25 ns ticks) is extended with the nearest-period rule around the
// latest heartbeat. Hits before the first heartbeat are counted and dropped. Runs of pixel hits are
// decoded by a WebAssembly SIMD kernel (tpx4Kernel.wat), slice by slice; every other packet is read
// here as two big-endian uint32 halves (hi = bits 63..32, lo = bits 31..0; no BigInt), between runs.
//
// Time. All pixel time terms are integer multiples of U = 25/128 ns (25 ns = 128 U, ftoa step
// 1.5625 ns = 8 U, ultra-fast step 0.1953125 ns = 1 U, superpixel-group step 0.78125 ns = 4 U).
// The decoder forms the time in U as tick * 128 (exact: a power-of-two scaling) plus the small
// integer fine sum (exact below 2^53 U, about 20 days of camera time; above that one rounding), then
// converts once: seconds = units / 5.12e9 (an exact divisor, so a correctly rounded result).
//
// Readout modes. Event mode (the default) decodes pixel hits as above. In 24-bit photon-counting mode
// (`readoutMode: 'pc24'`, a setting: the pixel words look alike) a pixel word carries counts = w &
// 0xFFFFFF instead; they are summed into the current frame's count image, which a frame start (0xF0)
// opens and a frame end (0xF1) completes. Frame and sequence packets carry a segment (bits 54..52) and
// the readout mode (bits 51..50, TPX4_READOUT_MODES); a mode that disagrees with the setting is counted.
import type { HitBatch, TriggerEdges } from '../../shared/batches';
import { newHitBatch, newTriggerEdges, pushEdge } from './hitColumns';
import { Tpx4FrameAssembler } from './tpx4Frames';
import { KERNEL_SLICE, Tpx4Kernel } from './tpx4Kernel';
import {
  TPX4_EOC,
  TPX4_READOUT_MODES,
  type Tpx4Frame,
  type Tpx4PacketCounts,
  type Tpx4ReadoutMode,
  newTpx4PacketCounts,
} from './tpx4Packets';

export {
  TPX4_EOC,
  TPX4_READOUT_MODES,
  type Tpx4Frame,
  type Tpx4PacketCounts,
  type Tpx4ReadoutMode,
  newTpx4PacketCounts,
};

/** Time units (25/128 ns) per second. */
export const TPX4_UNITS_PER_SECOND = 5_120_000_000;
/** 25 ns ToA ticks per second. */
export const TPX4_TICKS_PER_SECOND = 40_000_000;
/** Heartbeat intervals above this (0.5 ms, in 25 ns ticks) make the ToA extension unreliable. */
export const TPX4_MAX_HEARTBEAT_GAP_TICKS = 20_000;

/**
 * Ultra-fast ToA codes (4 bits) to their correction in units of 25/128 ns (0.1953125 ns each);
 * -1 marks an invalid code (counted, taken as 0).
 */
export const TPX4_ULTRA_FAST_UNITS: readonly number[] = (() => {
  const t = new Array<number>(16).fill(-1);
  t[0x0f] = 0;
  t[0x0e] = 1;
  t[0x0c] = 2;
  t[0x08] = 3;
  t[0x00] = 4;
  t[0x01] = 5;
  t[0x03] = 6;
  t[0x07] = 7;
  return t;
})();

export interface Tpx4DecoderConfig {
  /** The 16-bit ToA is Gray-coded (a chip setting; nothing in the data says so). Default false. */
  gray?: boolean;
  /** How pixel words are read: 'event' (default) hits, or 'pc24' photon counts into frames. */
  readoutMode?: 'event' | 'pc24';
}

/** Decoder output for one batch; arrays are reused between batches and grown by doubling. */
export interface Tpx4Batch {
  /**
   * Hits: x 0..447, y 0..511, toa in seconds of camera time. `hits.tot` is the ToT rounded to whole
   * ns and clamped at 0 (HitBatch's uint32 column, for consumers written for Timepix3); the exact
   * value is in `totNs`.
   */
  hits: HitBatch;
  /** Exact ToT in ns per hit (a multiple of 1.5625; may be slightly negative for tot_raw 0). */
  totNs: Float64Array;
  /** All signal edges (0xE4 rise, 0xE5 fall) in packet order, seconds, falling edges negative. */
  trigger1: TriggerEdges;
  /** Signal rising edges (the event triggers), seconds. */
  triggers: TriggerEdges;
  /** Photon-counting mode: the frames closed in this batch, in order (each owns its image). */
  frames: Tpx4Frame[];
}

/** An empty batch: the first decode puts its kernel's hit columns in it. */
export function newTpx4Batch(): Tpx4Batch {
  return {
    hits: newHitBatch(0),
    totNs: new Float64Array(0),
    trigger1: newTriggerEdges(),
    triggers: newTriggerEdges(),
    frames: [],
  };
}

/** Inverse of the 16-bit Gray code. */
export function grayDecode16(g: number): number {
  let v = g ^ (g >>> 1);
  v ^= v >>> 2;
  v ^= v >>> 4;
  v ^= v >>> 8;
  return v & 0xffff;
}

export class Tpx4Decoder {
  readonly counts: Tpx4PacketCounts = newTpx4PacketCounts();
  /** Latest heartbeat, 25 ns ticks (48 bits); -1 before the first. Carries over between batches. */
  heartbeatTick = -1;
  private readonly gray: boolean;
  readonly readoutMode: 'event' | 'pc24';
  private readonly frames: Tpx4FrameAssembler;
  /** Event mode's pixel hits (pc24 mode has none). */
  private readonly kernel: Tpx4Kernel | null;

  constructor(config: Tpx4DecoderConfig = {}) {
    this.gray = config.gray ?? false;
    this.readoutMode = config.readoutMode ?? 'event';
    this.frames = new Tpx4FrameAssembler(this.counts);
    this.kernel = this.readoutMode === 'event' ? new Tpx4Kernel() : null;
  }

  /**
   * Decodes whole big-endian 64-bit words from `bytes` into `out`, which is reset first. The length
   * must be a multiple of 8: the caller keeps word boundaries across chunks.
   */
  decode(bytes: Uint8Array, out: Tpx4Batch): void {
    if (bytes.byteLength % 8 !== 0) {
      throw new RangeError(`Timepix4 data must be whole 8-byte words, got ${bytes.byteLength} bytes`);
    }
    const n = bytes.byteLength >>> 3;
    out.hits.n = 0;
    out.trigger1.n = 0;
    out.triggers.n = 0;
    out.frames = [];
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (this.kernel) this.decodeEvents(this.kernel, bytes, view, n, out);
    else this.decodeCounts(view, n, out);
  }

  /** Event mode: runs of pixel hits go to the kernel, slice by slice; other packets are handled here. */
  private decodeEvents(
    kernel: Tpx4Kernel,
    bytes: Uint8Array,
    view: DataView,
    n: number,
    out: Tpx4Batch,
  ): void {
    let nh = 0;
    let dropped = 0;
    kernel.reserve(n);
    for (let s = 0; s < n; s += KERNEL_SLICE) {
      const len = Math.min(KERNEL_SLICE, n - s);
      kernel.words.set(bytes.subarray(8 * s, 8 * (s + len)));
      for (let j = 0; j < len; j++) {
        if (this.heartbeatTick >= 0) {
          j = kernel.pixels(j, len, nh, this.heartbeatTick, this.gray);
          nh = kernel.count;
          if (j === len) break;
        }
        const at = 8 * (s + j);
        const hi = view.getUint32(at, false);
        const eoc = (hi >>> 23) & 0xff;
        if (eoc <= TPX4_EOC.PIXEL_EOC_MAX)
          dropped++; // before the first heartbeat
        else this.other(eoc, hi, view.getUint32(at + 4, false), out);
      }
    }
    // The hits are the kernel's columns: views, valid until the next decode.
    const h = out.hits;
    h.x = kernel.hits.x;
    h.y = kernel.hits.y;
    h.toa = kernel.hits.toa;
    h.tot = kernel.hits.tot;
    out.totNs = kernel.hits.totNs;
    h.n = nh;
    const c = this.counts;
    const { invalidUltraFast, pileup } = kernel.takeCounts();
    c.pixels += nh;
    c.invalidUltraFast += invalidUltraFast;
    c.pileup += pileup;
    c.droppedBeforeHeartbeat += dropped;
  }

  /** Photon-counting mode: runs of pixel words are summed into frames; other packets handled here. */
  private decodeCounts(view: DataView, n: number, out: Tpx4Batch): void {
    for (let i = 0; i < n; i++) {
      i = this.frames.countRun(view, i, n, out.frames);
      if (i >= n) break;
      const hi = view.getUint32(8 * i, false);
      this.other((hi >>> 23) & 0xff, hi, view.getUint32(8 * i + 4, false), out);
    }
  }

  /**
   * End of stream: hands out the open photon-counting frame (incomplete) in `out.frames`, which is
   * reset first; nothing else changes.
   */
  flush(out: Tpx4Batch): void {
    out.frames = [];
    this.frames.close(false, out.frames);
  }

  /** Frame and sequence packets: the readout mode they name, checked against the setting. */
  private frameMode(hi: number): Tpx4ReadoutMode {
    const mode = TPX4_READOUT_MODES[(hi >>> 18) & 3];
    if (mode !== this.readoutMode) this.counts.readoutModeMismatch++;
    return mode;
  }

  /** Every non-pixel packet: rare, so kept out of the hit loop. */
  private other(eoc: number, hi: number, lo: number, out: Tpx4Batch): void {
    const c = this.counts;
    const tick = (hi & 0xffff) * 2 ** 32 + (lo >>> 0);
    switch (eoc) {
      case TPX4_EOC.HEARTBEAT: {
        c.heartbeats++;
        const prev = this.heartbeatTick;
        if (prev >= 0 && tick - prev > TPX4_MAX_HEARTBEAT_GAP_TICKS) {
          c.longHeartbeatGaps++;
          c.heartbeatGapWarning = true;
        }
        this.heartbeatTick = tick;
        return;
      }
      case TPX4_EOC.SIGNAL_RISE: {
        c.signalRise++;
        const t = tick / TPX4_TICKS_PER_SECOND;
        pushEdge(out.trigger1, t);
        pushEdge(out.triggers, t);
        return;
      }
      case TPX4_EOC.SIGNAL_FALL:
        c.signalFall++;
        pushEdge(out.trigger1, -(tick / TPX4_TICKS_PER_SECOND));
        return;
      case TPX4_EOC.SHUTTER_RISE:
        c.shutterRise++;
        return;
      case TPX4_EOC.SHUTTER_FALL:
        c.shutterFall++;
        return;
      case TPX4_EOC.T0_SYNC:
        c.t0Sync++;
        return;
      case TPX4_EOC.CONTROL_DATA_TEST:
        c.controlDataTest++;
        return;
      case TPX4_EOC.FRAME_START: {
        c.frameStart++;
        const mode = this.frameMode(hi);
        if (this.readoutMode === 'pc24') this.frames.open((hi >>> 20) & 7, mode, out.frames);
        return;
      }
      case TPX4_EOC.FRAME_END:
        c.frameEnd++;
        this.frameMode(hi);
        if (this.readoutMode === 'pc24' && !this.frames.close(true, out.frames)) c.frameEndWithoutStart++;
        return;
      case TPX4_EOC.SEQUENCE_START:
        c.sequenceStart++;
        this.frameMode(hi);
        this.frames.sequences++;
        return;
      case TPX4_EOC.SEQUENCE_END:
        c.sequenceEnd++;
        this.frameMode(hi);
        return;
      case TPX4_EOC.FACILITY_HEADER:
        c.facilityHeader++;
        return;
      default:
        c.unknown++;
        c.unknownByEoc[eoc]++;
    }
  }
}
