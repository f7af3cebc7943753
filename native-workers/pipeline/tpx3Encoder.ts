// Timepix3 / SPIDR word encoder: the exact inverse of the decoding in timepix3-format.md, used by the
// run generator, the emulator and tests. Words are written as their two little-endian uint32 halves
// into an interleaved Uint32Array ([lo0, hi0, lo1, hi1, ...], the byte layout of a .raw file) at a
// word index, so encoding never allocates and never touches BigInt.
//
// Times. A pixel hit decodes to
//   g     = coarse * 4096 - ftoa * 256 + P(col) * 256,   P(col) = (col >> 1) % 16 || 16   (1..16)
//   toa_s = (g * 0.006103515625) * 1e-9
// where `coarse` is the 48-bit time extended from the stored 30 bits. All three terms are multiples of
// 256 units of 25/4096 ns, so a pixel time is a whole number of "ticks" of 1.5625 ns:
//   ticks = coarse * 16 - ftoa + P(col),   toa_s = ((ticks * 256) * 0.006103515625) * 1e-9.
// Every tick is reachable: for a target tick v, coarse = ceil((v - P) / 16), ftoa = coarse * 16 + P - v.
// A TDC edge decodes to t_s = coarse * 25e-9 + fine * 0.006103515625 * 1e-9 with
// fine = fine3 * 512 + floor((f - 1) * 512 / 12), f in 1..12 (a step of about 260 ps).

/** 1.5625 ns: the pixel time resolution (ftoa step), 256 units of 25/4096 ns. */
export const TICK_NS = 1.5625;
/** Pixel ticks per second. */
export const TICKS_PER_SECOND = 640_000_000;
/** 25/4096 ns expressed in ns: the decoder's unit of `g` and of the TDC fine time. */
export const TOA_UNIT_NS = 0.006103515625;
/** Coarse (25 ns) ticks per second. */
export const COARSE_PER_SECOND = 40_000_000;
const TWO_32 = 2 ** 32;
const TWO_48 = 2 ** 48;

export const HEADER_PIXEL_DATA_DRIVEN = 0xb;
export const HEADER_PIXEL_FRAME = 0xa;

export type TdcTrigger = 1 | 2;
export type TdcEdge = 'rising' | 'falling';

/** Writes a raw word (its lo = bits 0..31 and hi = bits 32..63) at word `index`. */
export function writeWord(words: Uint32Array, index: number, lo: number, hi: number): void {
  words[2 * index] = lo >>> 0;
  words[2 * index + 1] = hi >>> 0;
}

/** The clock-phase correction of a column, in ticks (1.5625 ns): (col >> 1) % 16, with 0 meaning 16. */
export function phaseTicks(col: number): number {
  const phase = (col >>> 1) & 15;
  return phase === 0 ? 16 : phase;
}

/**
 * Pixel hit. `coarse` is the 25 ns time (any integer in 0..2^48; only its low 30 bits are stored,
 * as spidr = bits 14..29 and toa = bits 0..13), `ftoa` 0..15, `totNs` a multiple of 25 in
 * 0..1023 * 25, header 0xB (data-driven) or 0xA (frame readout). Fields out of range throw.
 */
export function writePixel(
  words: Uint32Array,
  index: number,
  col: number,
  row: number,
  coarse: number,
  ftoa: number,
  totNs: number,
  header = HEADER_PIXEL_DATA_DRIVEN,
): void {
  if (!(col >= 0 && col <= 255 && row >= 0 && row <= 255 && ftoa >= 0 && ftoa <= 15)) {
    throw new RangeError(`pixel field out of range: col ${col}, row ${row}, ftoa ${ftoa}`);
  }
  if (!(totNs >= 0 && totNs <= 1023 * 25 && totNs % 25 === 0)) {
    throw new RangeError(`pixel ToT ${totNs} ns is not a multiple of 25 in 0..25575`);
  }
  if (!(coarse >= 0 && coarse < TWO_48 && Number.isInteger(coarse))) {
    throw new RangeError(`pixel coarse time ${coarse} is not an integer in 0..2^48`);
  }
  if (header !== HEADER_PIXEL_DATA_DRIVEN && header !== HEADER_PIXEL_FRAME) {
    throw new RangeError(`pixel header must be 0xB or 0xA, not 0x${header.toString(16)}`);
  }
  const arr = coarse & 0x3fffffff; // the 30 stored bits (spidr << 14 | toa); ToInt32 keeps the low 32
  const toa = arr & 0x3fff;
  const spidr = arr >>> 14;
  const pix = ((col & 1) << 2) | (row & 3);
  // bits 0..15 spidr, 16..19 ftoa, 20..29 tot/25, 30..31 toa bits 0..1
  const lo = spidr | (ftoa << 16) | ((totNs / 25) << 20) | ((toa & 3) << 30);
  // bits 32..43 toa bits 2..13, 44..46 pix, 47..52 row >> 2, 53..59 col >> 1, 60..63 header
  const hi = (toa >>> 2) | (pix << 12) | ((row >>> 2) << 15) | ((col >>> 1) << 21) | (header << 28);
  words[2 * index] = lo >>> 0;
  words[2 * index + 1] = hi >>> 0;
}

/**
 * The coarse time for a pixel at `ticks` (1.5625 ns units, integer, >= 16) in column `col`:
 * ceil((ticks - P) / 16). Its ftoa is `coarse * 16 + P - ticks` (0..15), see pixelFtoa.
 */
export function pixelCoarseForTicks(ticks: number, col: number): number {
  return Math.ceil((ticks - phaseTicks(col)) / 16);
}

export function pixelFtoa(coarse: number, ticks: number, col: number): number {
  return coarse * 16 + phaseTicks(col) - ticks;
}

/** Encodable pixel time fields: the 25 ns coarse time (before dropping to 30 bits) and ftoa. */
export interface PixelTimeFields {
  coarse: number;
  ftoa: number;
}

/** The fields of the encodable pixel time nearest to `seconds` of camera time, in column `col`. */
export function pixelFieldsForSeconds(seconds: number, col: number, out?: PixelTimeFields): PixelTimeFields {
  const res = out ?? { coarse: 0, ftoa: 0 };
  const ticks = secondsToTicks(seconds);
  res.coarse = pixelCoarseForTicks(ticks, col);
  res.ftoa = pixelFtoa(res.coarse, ticks, col);
  return res;
}

// Out of line, so the per-hit function stays small enough for V8 to inline.
function pixelRangeError(col: number, row: number, ticks: number, totNs: number): never {
  throw new RangeError(`pixel out of range: col ${col}, row ${row}, time ${ticks} ticks, tot ${totNs} ns`);
}

/**
 * Pixel hit at an exact time in ticks (1.5625 ns, an integer >= 16, so that the coarse time is >= 0):
 * it decodes to exactly that time, ticksToSeconds(ticks), once extended. Self-contained and cheaply
 * checked, so V8 inlines it; writePixelRel is the integer-only variant for the generator's loops.
 */
export function writePixelAtTicks(
  words: Uint32Array,
  index: number,
  col: number,
  row: number,
  ticks: number,
  totNs: number,
  header = HEADER_PIXEL_DATA_DRIVEN,
): void {
  const tot = totNs / 25;
  const phase = (col >>> 1) & 15;
  const p = phase === 0 ? 16 : phase;
  const coarse = Math.ceil((ticks - p) * 0.0625);
  const ok = coarse >= 0 && coarse < TWO_48 && Number.isInteger(ticks) && (col | row) >>> 8 === 0;
  if (!(ok && tot >>> 10 === 0 && tot === (tot | 0) && (header | 1) === HEADER_PIXEL_DATA_DRIVEN)) {
    pixelRangeError(col, row, ticks, totNs);
  }
  const ftoa = coarse * 16 + p - ticks;
  const arr = coarse & 0x3fffffff; // ToInt32 keeps the low 32 bits of the exact integer
  const toa = arr & 0x3fff;
  const lo = (arr >>> 14) | (ftoa << 16) | (tot << 20) | ((toa & 3) << 30);
  const pix = ((col & 1) << 2) | (row & 3);
  const hi = (toa >>> 2) | (pix << 12) | ((row >>> 2) << 15) | ((col >>> 1) << 21) | (header << 28);
  words[2 * index] = lo >>> 0;
  words[2 * index + 1] = hi >>> 0;
}

/**
 * Pixel hit in integer arithmetic only, for per-hit loops: the time is `baseCoarse * 16 + rel` ticks,
 * given as base30 = baseCoarse & 0x3FFFFFFF and an int32 `rel`; `tot25` is the ToT in 25 ns units
 * (0..1023). Same word as writePixelAtTicks(baseCoarse * 16 + rel) for any absolute time >= 16 ticks.
 */
export function writePixelRel(
  words: Uint32Array,
  index: number,
  col: number,
  row: number,
  base30: number,
  rel: number,
  tot25: number,
): void {
  if (((col | row) >>> 8) | (tot25 >>> 10)) pixelRangeError(col, row, rel, tot25 * 25);
  const phase = (col >>> 1) & 15;
  const d = rel - (phase === 0 ? 16 : phase);
  const arr = (base30 + ((d + 15) >> 4)) & 0x3fffffff; // + ceil(d / 16)
  const toa = arr & 0x3fff;
  const lo = (arr >>> 14) | ((-d & 15) << 16) | (tot25 << 20) | ((toa & 3) << 30);
  const hi =
    (toa >>> 2) |
    ((((col & 1) << 2) | (row & 3)) << 12) |
    ((row >>> 2) << 15) |
    ((col >>> 1) << 21) |
    0xb0000000;
  words[2 * index] = lo >>> 0;
  words[2 * index + 1] = hi >>> 0;
}

/** The toa in seconds the decoder produces (no time-walk LUT) for these fields and extended coarse. */
export function pixelToaSeconds(coarse: number, ftoa: number, col: number): number {
  const g = coarse * 4096 + (phaseTicks(col) - ftoa) * 256;
  return g * TOA_UNIT_NS * 1e-9;
}

/** The toa in seconds the decoder produces for a pixel written at `ticks` (decoder's float order). */
export function ticksToSeconds(ticks: number): number {
  return ticks * 256 * TOA_UNIT_NS * 1e-9;
}

/** Nearest pixel tick to a time in seconds of camera time. */
export function secondsToTicks(seconds: number): number {
  return Math.round(seconds * TICKS_PER_SECOND);
}

/** Nearest pixel tick to a time in units of 25/4096 ns (the decoder's `g`). */
export function toaUnitsToTicks(units: number): number {
  return Math.round(units / 256);
}

/** The sub-nibble of a TDC edge: TDC1 rising 0xF, falling 0xA; TDC2 rising 0xE, falling 0xB. */
export function tdcSub(trigger: TdcTrigger, edge: TdcEdge): number {
  if (trigger === 1) return edge === 'rising' ? 0xf : 0xa;
  return edge === 'rising' ? 0xe : 0xb;
}

/** floor((f - 1) * 512 / 12): the fine offset of TDC sub-step f (1..12), units of 25/4096 ns. */
export function tdcStep(f: number): number {
  return Math.floor(((f - 1) << 9) / 12);
}

/**
 * TDC edge. `coarse` is the 25 ns time; its low 32 bits are stored at bits 12..43 (extend() uses
 * bits 0..29). `fine3` 0..7 goes to bits 9..11 (3.125 ns steps), `f` 1..12 to bits 5..8 (about
 * 260 ps steps). `count` is the 12-bit trigger counter at bits 44..55 (the decoder ignores it).
 * `header` 0x6, or 0x4 for the TDC1 variants the decoder also accepts.
 */
export function writeTdc(
  words: Uint32Array,
  index: number,
  trigger: TdcTrigger,
  edge: TdcEdge,
  coarse: number,
  fine3: number,
  f: number,
  count = 0,
  header = 0x6,
): void {
  if (!(fine3 >= 0 && fine3 <= 7 && f >= 1 && f <= 12 && coarse >= 0 && Number.isInteger(coarse))) {
    throw new RangeError(`TDC field out of range: coarse ${coarse}, fine3 ${fine3}, f ${f}`);
  }
  const c32 = coarse % TWO_32;
  const lo = ((c32 & 0xfffff) << 12) | (fine3 << 9) | (f << 5);
  const hi = (c32 >>> 20) | ((count & 0xfff) << 12) | (tdcSub(trigger, edge) << 24) | (header << 28);
  words[2 * index] = lo >>> 0;
  words[2 * index + 1] = hi >>> 0;
}

/** The fine time (25/4096 ns units, 0..4095) the decoder derives from fine3 and f. */
export function tdcFineUnits(fine3: number, f: number): number {
  return fine3 * 512 + (tdcStep(f) & 0x1ff);
}

/** The time in seconds the decoder produces for a TDC edge (positive; falling edges are output negated). */
export function tdcSeconds(coarse: number, fine3: number, f: number): number {
  return coarse * 25e-9 + tdcFineUnits(fine3, f) * TOA_UNIT_NS * 1e-9;
}

/** Encodable TDC fields: coarse (25 ns), fine3 (0..7), f (1..12). */
export interface TdcFields {
  coarse: number;
  fine3: number;
  f: number;
}

/** The encodable TDC time nearest to coarse + units * 25/4096 ns (units any number in 0..4096). */
export function tdcFieldsForUnits(coarse: number, units: number, out?: TdcFields): TdcFields {
  const res = out ?? { coarse: 0, fine3: 0, f: 1 };
  let fine3 = Math.floor(units / 512);
  const r = units - fine3 * 512;
  let best = 1;
  for (let f = 2; f <= 12; f++) if (Math.abs(tdcStep(f) - r) < Math.abs(tdcStep(best) - r)) best = f;
  let c = coarse;
  if (512 - r < Math.abs(tdcStep(best) - r)) {
    // closer to the next 3.125 ns step
    best = 1;
    fine3++;
    if (fine3 === 8) {
      fine3 = 0;
      c++;
    }
  }
  res.coarse = c;
  res.fine3 = fine3;
  res.f = best;
  return res;
}

/** The encodable TDC time nearest to a time in seconds of camera time (>= 0). */
export function tdcFieldsForSeconds(seconds: number, out?: TdcFields): TdcFields {
  let coarse = Math.floor(seconds * COARSE_PER_SECOND);
  let units = (seconds * 1e9 - coarse * 25) / TOA_UNIT_NS;
  if (units < 0) {
    coarse--;
    units += 4096;
  } else if (units >= 4096) {
    coarse++;
    units -= 4096;
  }
  return tdcFieldsForUnits(coarse, Math.min(Math.max(units, 0), 4095.999), out);
}

/** Global time, low part (0x4/0x4): bits 0..31 of the 48-bit longtime at bits 16..47. */
export function writeTimeLsb(words: Uint32Array, index: number, longtime: number): void {
  const lsb = longtime % TWO_32;
  words[2 * index] = ((lsb & 0xffff) << 16) >>> 0;
  words[2 * index + 1] = (0x44000000 | (lsb >>> 16)) >>> 0;
}

/** Global time, high part (0x4/0x5): bits 32..47 of the longtime at bits 16..31. */
export function writeTimeMsb(words: Uint32Array, index: number, longtime: number): void {
  const msb = Math.floor(longtime / TWO_32) & 0xffff;
  words[2 * index] = (msb << 16) >>> 0;
  words[2 * index + 1] = 0x45000000;
}

/** A 48-bit payload at bits 0..47 under header/sub (our convention for SPIDR and control words). */
function write48(words: Uint32Array, index: number, headerSub: number, payload: number): void {
  words[2 * index] = (payload % TWO_32) >>> 0;
  words[2 * index + 1] = ((headerSub << 24) | (Math.floor(payload / TWO_32) & 0xffff)) >>> 0;
}

/** SPIDR packet id (0x5/0x0): the 48-bit packet counter at bits 0..47. */
export function writePacketId(words: Uint32Array, index: number, id: number): void {
  write48(words, index, 0x50, id);
}

/** SPIDR shutter open (0x5/0xF) with a 48-bit timestamp at bits 0..47 (the decoder only counts it). */
export function writeShutterOpen(words: Uint32Array, index: number, timestamp: number): void {
  write48(words, index, 0x5f, timestamp);
}

/** SPIDR shutter close (0x5/0xA), payload as for shutter open. */
export function writeShutterClose(words: Uint32Array, index: number, timestamp: number): void {
  write48(words, index, 0x5a, timestamp);
}

/** SPIDR heartbeat (0x5/0xC), payload as for shutter open. */
export function writeHeartbeat(words: Uint32Array, index: number, timestamp: number): void {
  write48(words, index, 0x5c, timestamp);
}

/** An end-of-readout / control packet (0x7/sub), with a 48-bit payload at bits 0..47. */
export function writeControl(words: Uint32Array, index: number, sub: number, payload = 0): void {
  write48(words, index, 0x70 | (sub & 0xf), payload);
}

/** The 8-byte start-time header (Decision 5): ns since the epoch, little-endian, in [2^60, 2^61). */
export function startTimeHeader(startTimeNs: bigint): Uint8Array {
  if (startTimeNs < 1n << 60n || startTimeNs >= 1n << 61n) {
    throw new RangeError(`start time ${startTimeNs} ns is outside [2^60, 2^61) ns (2006-07-14..2043-01-25)`);
  }
  const header = new Uint8Array(8);
  new DataView(header.buffer).setBigUint64(0, startTimeNs, true);
  return header;
}
