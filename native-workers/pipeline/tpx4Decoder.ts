// The one Timepix4 word decoder: big-endian 64-bit words (the bytes of a Timepix4 .raw file or a
// datagram, from the first byte) to column batches of hits and signal trigger edges, plus counts of
// every packet kind. Layout and rules: shared/docs/timepix4-format.md.
//
// Flow: each word is read as two big-endian uint32 halves (hi = bits 63..32, lo = bits 31..0; no
// BigInt). The packet kind is decided by eoc = bits 62..55 alone. Heartbeats (0xE0) set the time
// reference for the following pixel hits; that reference carries over between decode calls for the
// whole run. A hit's 16-bit ToA (25 ns ticks) is extended with the nearest-period rule around the
// latest heartbeat. Hits before the first heartbeat are counted and dropped.
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
import { newHitBatch, newTriggerEdges, pushEdge, reserveHits } from './hitColumns';
import { Tpx4FrameAssembler } from './tpx4Frames';
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

export function newTpx4Batch(capacity = 0): Tpx4Batch {
  return {
    hits: newHitBatch(capacity),
    totNs: new Float64Array(capacity),
    trigger1: newTriggerEdges(),
    triggers: newTriggerEdges(),
    frames: [],
  };
}

function ensureCapacity(b: Tpx4Batch, capacity: number): void {
  if (reserveHits(b.hits, capacity) || b.totNs.length < b.hits.toa.length)
    b.totNs = new Float64Array(b.hits.toa.length);
}

/**
 * Both ultra-fast codes at once, by (start << 4) | stop = bits 29..22: the correction
 * uf(start) - uf(stop) in units times 2, plus 1 when either code is invalid (that one taken as 0).
 */
const UF_PAIR: Int32Array = (() => {
  const t = new Int32Array(256);
  for (let start = 0; start < 16; start++) {
    for (let stop = 0; stop < 16; stop++) {
      const a = TPX4_ULTRA_FAST_UNITS[start];
      const b = TPX4_ULTRA_FAST_UNITS[stop];
      const invalid = a < 0 || b < 0 ? 1 : 0;
      t[(start << 4) | stop] = ((a < 0 ? 0 : a) - (b < 0 ? 0 : b)) * 2 + invalid;
    }
  }
  return t;
})();

/** Inverse of the 16-bit Gray code. */
export function grayDecode16(g: number): number {
  let v = g ^ (g >>> 1);
  v ^= v >>> 2;
  v ^= v >>> 4;
  v ^= v >>> 8;
  return v & 0xffff;
}

/**
 * The hot loop: decodes pixel hits from word `i` on, appending at out.hits[acc[0]], until the first
 * word that is not a pixel hit; returns its index (n when none). acc = [hits, invalid ultra-fast
 * codes, pileups], updated. A plain function of typed arrays and numbers, so that it stays optimised.
 */
/**
 * Sensor position x + 1024 * y of a pixel word from two small tables, one by bits 31..20 (top, eoc,
 * superpix bits 5..3), one by top and bits 19..14 (superpix bits 2..0, pix): x = 2 * eoc + pix / 4
 * and y = 4 * superpix + pix % 4, mirrored by top (x = 447 - x for top 1, y = 511 - y for top 0),
 * are sums of a part from each, so the two entries add up to the position.
 */
/** Bits 62..32 (top masked off) at or above this: eoc > PIXEL_EOC_MAX, not a pixel hit. */
const NON_PIXEL_HI = (TPX4_EOC.PIXEL_EOC_MAX + 1) << 23;

const ADDR_HI = new Int32Array(4096);
const ADDR_LO = new Int32Array(128);
for (let k = 0; k < 4096; k++) {
  const top = k >>> 11;
  const xr = 2 * ((k >>> 3) & 0xff);
  const yr = 4 * ((k & 7) << 3);
  ADDR_HI[k] = (top ? 447 - xr : xr) + 1024 * (top ? yr : 511 - yr);
}
for (let k = 0; k < 128; k++) {
  const top = k >>> 6;
  const dx = (k >>> 2) & 1;
  const dy = 4 * ((k >>> 3) & 7) + (k & 3);
  ADDR_LO[k] = (top ? -dx : dx) + 1024 * (top ? dy : -dy);
}

/**
 * The fine time terms of a pixel word, in units of 25/128 ns: the ultra-fast correction (its UF_PAIR
 * entry; invalid codes taken as 0), minus the fine ToA rise, plus the superpixel-group clock
 * correction (spgroup = bits 54..51, in the word's high half `hi`).
 */
function fineUnits(ufe: number, ftoaRise: number, hi: number): number {
  return ((ufe >> 1) - (ftoaRise << 3) + ((((hi >>> 19) & 0xf) - 15) << 2)) | 0;
}

/** Gray-coded ToA: recomputes the times of the hits that pixelRun wrote from words [from, to). */
function grayTimes(
  view: DataView,
  from: number,
  to: number,
  nh: number,
  hb: number,
  hbLow: number,
  toa: Float64Array,
): void {
  const base = hb * 128;
  for (let i = from; i < to; i++) {
    const hi = view.getUint32(8 * i, false);
    const lo = view.getUint32(8 * i + 4, false);
    const g = grayDecode16(((hi & 0x3fff) << 2) | (lo >>> 30));
    const d = (((g - hbLow + 0x8000) & 0xffff) - 0x8000) | 0;
    const fine = fineUnits(UF_PAIR[(lo >>> 22) & 0xff], (lo >>> 17) & 0x1f, hi);
    toa[nh++] = (base + ((d << 7) + fine)) / TPX4_UNITS_PER_SECOND;
  }
}

function pixelRun(
  view: DataView,
  from: number,
  n: number,
  hb: number,
  hbLow: number,
  out: Tpx4Batch,
  acc: Float64Array,
): number {
  const ufTable = UF_PAIR;
  // hb * 128 + d * 128 + fine == (hb + d) * 128 + fine exactly: integers below 2^53.
  const base = hb * 128;
  // d = ((toa - hbLow + 2^15) mod 2^16) - 2^15, with the constant part added once.
  const shift = 0x8000 - hbLow;
  const hits = out.hits;
  const hx = hits.x;
  const hy = hits.y;
  const htoa = hits.toa;
  const htot = hits.tot;
  const htotNs = out.totNs;
  // Int32 locals throughout (| 0), so the optimiser emits plain 32-bit arithmetic.
  let nh = acc[0] | 0;
  let invalidUf = 0;
  let pileup = 0;
  let i = from;
  for (; i < n; i++) {
    // DataView big-endian reads compile to a load and a byte swap.
    const hi = view.getUint32(8 * i, false);
    if ((hi & 0x7fffffff) >= NON_PIXEL_HI) break;
    const lo = view.getUint32(8 * i + 4, false);
    const xy = (ADDR_HI[hi >>> 20] + ADDR_LO[((hi >>> 14) & 0x3f) | ((hi >>> 25) & 0x40)]) | 0;
    // Plain binary ToA; a Gray-coded one is corrected afterwards (grayTimes), so that the default
    // costs no branch here.
    const toa = ((hi & 0x3fff) << 2) | (lo >>> 30);
    const ufe = ufTable[(lo >>> 22) & 0xff];
    invalidUf = (invalidUf + (ufe & 1)) | 0;
    const ftoaRise = (lo >>> 17) & 0x1f;
    // ToT in 1/64 ns: totRaw * 25 ns + (ftoaRise - ftoaFall) * 1.5625 ns.
    const tot64 = (((lo >>> 1) & 0x7ff) * 1600 + (ftoaRise - ((lo >>> 12) & 0x1f)) * 100) | 0;
    pileup = (pileup + (lo & 1)) | 0;
    // Nearest-period rule: signed distance -2^15 <= d < 2^15 ticks from the heartbeat.
    const d = (((toa + shift) & 0xffff) - 0x8000) | 0;
    hx[nh] = xy & 0x3ff;
    hy[nh] = xy >>> 10;
    htoa[nh] = (base + ((d << 7) + fineUnits(ufe, ftoaRise, hi))) / TPX4_UNITS_PER_SECOND;
    htotNs[nh] = tot64 * 0.015625;
    // Round half up; a negative ToT gives 0 (branch-free: the sign mask).
    htot[nh] = ((tot64 + 32) >> 6) & ~(tot64 >> 31);
    nh = (nh + 1) | 0;
  }
  acc[0] = nh;
  acc[1] += invalidUf;
  acc[2] += pileup;
  return i;
}

export class Tpx4Decoder {
  readonly counts: Tpx4PacketCounts = newTpx4PacketCounts();
  /** Latest heartbeat, 25 ns ticks (48 bits); -1 before the first. Carries over between batches. */
  heartbeatTick = -1;
  private heartbeatLow16 = 0;
  private readonly gray: boolean;
  readonly readoutMode: 'event' | 'pc24';
  private readonly frames: Tpx4FrameAssembler;
  /** pixelRun's running totals for one decode call. */
  private readonly acc = new Float64Array(3);

  constructor(config: Tpx4DecoderConfig = {}) {
    this.gray = config.gray ?? false;
    this.readoutMode = config.readoutMode ?? 'event';
    this.frames = new Tpx4FrameAssembler(this.counts);
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
    ensureCapacity(out, n);
    const hits = out.hits;
    hits.n = 0;
    out.trigger1.n = 0;
    out.triggers.n = 0;
    out.frames = [];
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const acc = this.acc;
    acc[0] = 0;
    acc[1] = 0;
    acc[2] = 0;
    let dropped = 0;
    let i = 0;
    while (i < n) {
      if (this.readoutMode === 'pc24') {
        i = this.frames.countRun(view, i, n, out.frames);
        if (i >= n) break;
      } else if (this.heartbeatTick >= 0) {
        // Runs of pixel hits go through the tight loop; it stops at the first other packet.
        const from = i;
        const nh = acc[0];
        i = pixelRun(view, i, n, this.heartbeatTick, this.heartbeatLow16, out, acc);
        if (this.gray) grayTimes(view, from, i, nh, this.heartbeatTick, this.heartbeatLow16, out.hits.toa);
        if (i >= n) break;
      }
      const hi = view.getUint32(8 * i, false);
      const eoc = (hi >>> 23) & 0xff;
      if (eoc <= TPX4_EOC.PIXEL_EOC_MAX)
        dropped++; // before the first heartbeat
      else this.other(eoc, hi, view.getUint32(8 * i + 4, false), out);
      i++;
    }
    const c = this.counts;
    hits.n = acc[0];
    c.pixels += acc[0];
    c.invalidUltraFast += acc[1];
    c.pileup += acc[2];
    c.droppedBeforeHeartbeat += dropped;
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
        this.heartbeatLow16 = lo & 0xffff;
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
