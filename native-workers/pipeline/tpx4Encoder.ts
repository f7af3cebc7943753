// Timepix4 word encoder: the exact inverse of Tpx4Decoder (shared/docs/timepix4-format.md), for tests
// and the run generator. Words are written big-endian (most significant byte first, the byte layout
// of a Timepix4 .raw file) into a Uint8Array at a word index, as two uint32 halves: no BigInt, no
// allocation per word.
//
// A pixel decodes to toa = (tick * 128 - ftoaRise * 8 + uf(uftStart) - uf(uftStop)
// + (spgroup - 15) * 4) units of 25/128 ns, where `tick` is the full 25 ns time (only its low 16 bits
// are stored; the decoder recovers the rest from the nearest heartbeat) and spgroup = superpix >> 2
// follows from y. tpx4PixelUnits gives that value for a hit written with these fields.
import { TPX4_EOC, TPX4_ULTRA_FAST_UNITS } from './tpx4Decoder';

/** The fields of one pixel word, in the decoder's terms. */
export interface Tpx4PixelFields {
  /** 0..447 */
  x: number;
  /** 0..511 */
  y: number;
  /** The 25 ns ToA time, an integer in 0..2^48 (its low 16 bits are stored). */
  tick: number;
  /** 0..31, steps of 1.5625 ns. */
  ftoaRise: number;
  /** 0..31, steps of 1.5625 ns. */
  ftoaFall: number;
  /** Ultra-fast start / stop codes, 4 bits (see TPX4_ULTRA_FAST_UNITS for the valid ones). */
  uftStart: number;
  uftStop: number;
  /** 0..2047, steps of 25 ns. */
  totRaw: number;
  /** 0 or 1. */
  pileup: number;
}

const TWO_32 = 2 ** 32;
const TWO_48 = 2 ** 48;

/** The 16-bit Gray code (grayDecode16 in the decoder is its inverse). */
export function grayEncode16(v: number): number {
  return (v ^ (v >>> 1)) & 0xffff;
}

/** Writes a 64-bit word (hi = bits 63..32, lo = bits 31..0) big-endian at word `index`. */
export function writeWordBE(bytes: Uint8Array, index: number, hi: number, lo: number): void {
  const o = 8 * index;
  bytes[o] = hi >>> 24;
  bytes[o + 1] = hi >>> 16;
  bytes[o + 2] = hi >>> 8;
  bytes[o + 3] = hi;
  bytes[o + 4] = lo >>> 24;
  bytes[o + 5] = lo >>> 16;
  bytes[o + 6] = lo >>> 8;
  bytes[o + 7] = lo;
}

/** The chip half, eoc, superpixel and pix fields for a sensor position (the inverse of the doc's x, y). */
export function tpx4Address(
  x: number,
  y: number,
): { top: number; eoc: number; superpix: number; pix: number } {
  const top = y < 256 ? 1 : 0;
  const xr = top === 1 ? 447 - x : x;
  const yr = top === 1 ? y : 511 - y;
  return { top, eoc: xr >>> 1, superpix: yr >>> 2, pix: ((xr & 1) << 2) | (yr & 3) };
}

function fieldError(f: Tpx4PixelFields): never {
  throw new RangeError(`Timepix4 pixel field out of range: ${JSON.stringify(f)}`);
}

/** Pixel hit word; `gray` stores the 16-bit ToA Gray-coded. Fields out of range throw. */
export function writeTpx4Pixel(bytes: Uint8Array, index: number, f: Tpx4PixelFields, gray = false): void {
  const ok =
    Number.isInteger(f.x) &&
    Number.isInteger(f.y) &&
    f.x >= 0 &&
    f.x <= 447 &&
    f.y >= 0 &&
    f.y <= 511 &&
    Number.isInteger(f.tick) &&
    f.tick >= 0 &&
    f.tick < TWO_48 &&
    (f.ftoaRise | f.ftoaFall) >>> 5 === 0 &&
    (f.uftStart | f.uftStop) >>> 4 === 0 &&
    f.totRaw >>> 11 === 0 &&
    f.pileup >>> 1 === 0;
  if (!ok) fieldError(f);
  const a = tpx4Address(f.x, f.y);
  let toa = f.tick % 65536;
  if (gray) toa = grayEncode16(toa);
  const hi = (a.top << 31) | (a.eoc << 23) | (a.superpix << 17) | (a.pix << 14) | (toa >>> 2);
  const lo =
    ((toa & 3) << 30) |
    (f.uftStart << 26) |
    (f.uftStop << 22) |
    (f.ftoaRise << 17) |
    (f.ftoaFall << 12) |
    (f.totRaw << 1) |
    f.pileup;
  writeWordBE(bytes, index, hi >>> 0, lo >>> 0);
}

/** A timestamp-kind word (heartbeat, shutter, T0, signal): 48-bit time in 25 ns ticks, bits 54..48 zero. */
export function writeTpx4Timestamp(
  bytes: Uint8Array,
  index: number,
  eoc: number,
  tick: number,
  top = 0,
): void {
  if (!(Number.isInteger(tick) && tick >= 0 && tick < TWO_48 && eoc >>> 8 === 0 && top >>> 1 === 0)) {
    throw new RangeError(`Timepix4 timestamp out of range: eoc ${eoc}, tick ${tick}, top ${top}`);
  }
  const hi = (top << 31) | (eoc << 23) | Math.floor(tick / TWO_32);
  writeWordBE(bytes, index, hi >>> 0, (tick % TWO_32) >>> 0);
}

export function writeTpx4Heartbeat(bytes: Uint8Array, index: number, tick: number, top = 0): void {
  writeTpx4Timestamp(bytes, index, TPX4_EOC.HEARTBEAT, tick, top);
}

/** Signal (external input) edge: 0xE4 rising, 0xE5 falling. */
export function writeTpx4Signal(bytes: Uint8Array, index: number, rising: boolean, tick: number): void {
  writeTpx4Timestamp(bytes, index, rising ? TPX4_EOC.SIGNAL_RISE : TPX4_EOC.SIGNAL_FALL, tick);
}

/** Any other packet kind by eoc, with a 55-bit payload given as hi bits 22..0 and lo. */
export function writeTpx4Other(
  bytes: Uint8Array,
  index: number,
  eoc: number,
  payloadHi = 0,
  payloadLo = 0,
): void {
  writeWordBE(bytes, index, ((eoc << 23) | (payloadHi & 0x7fffff)) >>> 0, payloadLo >>> 0);
}

/** The time in units of 25/128 ns that the decoder gives a pixel written with these fields. */
export function tpx4PixelUnits(f: Tpx4PixelFields): number {
  const uf = (code: number): number => Math.max(0, TPX4_ULTRA_FAST_UNITS[code]);
  const spgroup = tpx4Address(f.x, f.y).superpix >>> 2;
  return f.tick * 128 - f.ftoaRise * 8 + uf(f.uftStart) - uf(f.uftStop) + (spgroup - 15) * 4;
}
