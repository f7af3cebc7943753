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
import type { HitBatch, TriggerEdges } from '../../shared/batches';
import { newHitBatch, newTriggerEdges, pushEdge, reserveHits } from './hitColumns';

/** Packet kinds by eoc (bits 62..55). eoc <= PIXEL_EOC_MAX is a pixel hit. */
export const TPX4_EOC = {
  PIXEL_EOC_MAX: 0xdf,
  HEARTBEAT: 0xe0,
  SHUTTER_RISE: 0xe1,
  SHUTTER_FALL: 0xe2,
  T0_SYNC: 0xe3,
  SIGNAL_RISE: 0xe4,
  SIGNAL_FALL: 0xe5,
  CONTROL_DATA_TEST: 0xea,
  FRAME_START: 0xf0,
  FRAME_END: 0xf1,
  SEQUENCE_START: 0xf2,
  SEQUENCE_END: 0xf3,
  FACILITY_HEADER: 0xf8,
} as const;

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
}

/** Counts of every Timepix4 packet kind seen over the decoder's life (the run). */
export interface Tpx4PacketCounts {
  /** Pixel hits kept (placed in time). */
  pixels: number;
  heartbeats: number;
  shutterRise: number;
  shutterFall: number;
  t0Sync: number;
  signalRise: number;
  signalFall: number;
  /** 0xEA: control data test packets (not a time). */
  controlDataTest: number;
  frameStart: number;
  frameEnd: number;
  sequenceStart: number;
  sequenceEnd: number;
  /** 0xF8: facility (DESY) headers, counted, not decoded. */
  facilityHeader: number;
  /** Packets of no known kind (incl. 0xE6..0xE9); by eoc in unknownByEoc. */
  unknown: number;
  unknownByEoc: number[];
  /** Kept hits whose ultra-fast start or stop code is not in the table (that correction taken as 0). */
  invalidUltraFast: number;
  /** Kept hits with the pileup bit set. */
  pileup: number;
  /** Pixel hits before the first heartbeat of the run: dropped. */
  droppedBeforeHeartbeat: number;
  /** Heartbeat-to-heartbeat intervals above 0.5 ms (the ToA extension may be wrong near them). */
  longHeartbeatGaps: number;
  /** Set by the first long heartbeat gap: the caller warns once when it sees it set. */
  heartbeatGapWarning: boolean;
}

export function newTpx4PacketCounts(): Tpx4PacketCounts {
  return {
    pixels: 0,
    heartbeats: 0,
    shutterRise: 0,
    shutterFall: 0,
    t0Sync: 0,
    signalRise: 0,
    signalFall: 0,
    controlDataTest: 0,
    frameStart: 0,
    frameEnd: 0,
    sequenceStart: 0,
    sequenceEnd: 0,
    facilityHeader: 0,
    unknown: 0,
    unknownByEoc: new Array<number>(256).fill(0),
    invalidUltraFast: 0,
    pileup: 0,
    droppedBeforeHeartbeat: 0,
    longHeartbeatGaps: 0,
    heartbeatGapWarning: false,
  };
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
}

export function newTpx4Batch(capacity = 0): Tpx4Batch {
  return {
    hits: newHitBatch(capacity),
    totNs: new Float64Array(capacity),
    trigger1: newTriggerEdges(),
    triggers: newTriggerEdges(),
  };
}

function ensureCapacity(b: Tpx4Batch, capacity: number): void {
  if (reserveHits(b.hits, capacity) || b.totNs.length < b.hits.toa.length)
    b.totNs = new Float64Array(b.hits.toa.length);
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
  private heartbeatLow16 = 0;
  private readonly gray: boolean;
  private readonly uf = new Int32Array(TPX4_ULTRA_FAST_UNITS);

  constructor(config: Tpx4DecoderConfig = {}) {
    this.gray = config.gray ?? false;
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
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const c = this.counts;
    const uf = this.uf;
    const gray = this.gray;
    const hx = hits.x;
    const hy = hits.y;
    const htoa = hits.toa;
    const htot = hits.tot;
    const htotNs = out.totNs;
    let hb = this.heartbeatTick;
    let hbLow = this.heartbeatLow16;
    let nh = 0;
    let dropped = 0;
    let invalidUf = 0;
    let pileup = 0;
    for (let i = 0; i < n; i++) {
      const hi = view.getUint32(8 * i, false);
      const eoc = (hi >>> 23) & 0xff;
      if (eoc <= TPX4_EOC.PIXEL_EOC_MAX) {
        if (hb < 0) {
          dropped++;
          continue;
        }
        const lo = view.getUint32(8 * i + 4, false);
        const top = hi >>> 31;
        const superpix = (hi >>> 17) & 0x3f;
        const pix = (hi >>> 14) & 7;
        let toa = ((hi & 0x3fff) << 2) | (lo >>> 30);
        if (gray) toa = grayDecode16(toa);
        const ufStart = uf[(lo >>> 26) & 0xf];
        const ufStop = uf[(lo >>> 22) & 0xf];
        const ftoaRise = (lo >>> 17) & 0x1f;
        const ftoaFall = (lo >>> 12) & 0x1f;
        const totRaw = (lo >>> 1) & 0x7ff;
        pileup += lo & 1;
        let ufUnits = 0;
        if (ufStart < 0 || ufStop < 0) {
          invalidUf++;
          ufUnits = (ufStart < 0 ? 0 : ufStart) - (ufStop < 0 ? 0 : ufStop);
        } else {
          ufUnits = ufStart - ufStop;
        }
        // Nearest-period rule: signed distance -2^15 <= d < 2^15 ticks from the heartbeat.
        const d = ((toa - hbLow + 0x8000) & 0xffff) - 0x8000;
        const fine = ufUnits - ftoaRise * 8 + ((superpix >>> 2) - 15) * 4;
        const units = (hb + d) * 128 + fine;
        const xr = 2 * eoc + (pix >>> 2);
        const yr = superpix * 4 + (pix & 3);
        hx[nh] = top === 1 ? 447 - xr : xr;
        hy[nh] = top === 1 ? yr : 511 - yr;
        htoa[nh] = units / TPX4_UNITS_PER_SECOND;
        const totNs = totRaw * 25 + (ftoaRise - ftoaFall) * 1.5625;
        htotNs[nh] = totNs;
        // Round half up; totNs < 2^31, so truncation is floor here (and faster than Math.round).
        htot[nh] = totNs > 0 ? (totNs + 0.5) | 0 : 0;
        nh++;
        continue;
      }
      this.other(eoc, hi, view.getUint32(8 * i + 4, false), out);
      if (eoc === TPX4_EOC.HEARTBEAT) {
        hb = this.heartbeatTick;
        hbLow = this.heartbeatLow16;
      }
    }
    hits.n = nh;
    c.pixels += nh;
    c.droppedBeforeHeartbeat += dropped;
    c.invalidUltraFast += invalidUf;
    c.pileup += pileup;
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
      case TPX4_EOC.FRAME_START:
        c.frameStart++;
        return;
      case TPX4_EOC.FRAME_END:
        c.frameEnd++;
        return;
      case TPX4_EOC.SEQUENCE_START:
        c.sequenceStart++;
        return;
      case TPX4_EOC.SEQUENCE_END:
        c.sequenceEnd++;
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
