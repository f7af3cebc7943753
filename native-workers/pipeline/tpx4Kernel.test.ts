import { describe, expect, it } from 'vitest';
import { SeededRandom } from './seededRandom';
import { KERNEL_SLICE, Tpx4Kernel } from './tpx4Kernel';

// The kernel against the format doc's pixel formulas written out in scalar TypeScript on random
// words (fields cut from the 64-bit word with BigInt): every field, every toa bit, Gray-coded or
// not, around heartbeats from 0 to the end of the 48-bit range, through the SIMD path (groups of
// four) and the one-word path (tails and groups that hold another packet).
const UF_UNITS: Record<number, number> = {
  0x0f: 0,
  0x0e: 1,
  0x0c: 2,
  0x08: 3,
  0x00: 4,
  0x01: 5,
  0x03: 6,
  0x07: 7,
};

/** Inverse Gray code bit by bit, from the top: b15 = g15, b_i = b_(i+1) ^ g_i. */
function fromGray(g: number): number {
  let b = 0;
  let bit = 0;
  for (let i = 15; i >= 0; i--) {
    bit ^= (g >>> i) & 1;
    b |= bit << i;
  }
  return b;
}

interface Hit {
  x: number;
  y: number;
  toa: number;
  tot: number;
  totNs: number;
  invalidUf: boolean;
  pileup: boolean;
}

function expected(w: bigint, hb: number, gray: boolean): Hit {
  const f = (shift: bigint, bits: bigint): number => Number((w >> shift) & ((1n << bits) - 1n));
  const top = f(63n, 1n);
  const eoc = f(55n, 8n);
  const superpix = f(49n, 6n);
  const pix = f(46n, 3n);
  const toa = gray ? fromGray(f(30n, 16n)) : f(30n, 16n);
  const [start, stop, rise, fall, totRaw] = [f(26n, 4n), f(22n, 4n), f(17n, 5n), f(12n, 5n), f(1n, 11n)];
  const x = Math.abs(447 * top - (2 * eoc + (pix > 3 ? 1 : 0)));
  const y = Math.abs(511 * (1 - top) - (superpix * 4 + (pix % 4)));
  // Nearest period around the heartbeat; time in units of 25/128 ns: tick 128, ftoa 8, uf 1, spgroup 4.
  const d = ((((toa - (hb % 65536) + 32768) % 65536) + 65536) % 65536) - 32768;
  const uf = (code: number): number => UF_UNITS[code] ?? 0;
  const fine = d * 128 - rise * 8 + uf(start) - uf(stop) + ((superpix >> 2) - 15) * 4;
  const totNs = totRaw * 25 + rise * 1.5625 - fall * 1.5625;
  return {
    x,
    y,
    toa: (hb * 128 + fine) / 5.12e9,
    tot: totNs < 0 ? 0 : Math.floor(totNs + 0.5),
    totNs,
    invalidUf: UF_UNITS[start] === undefined || UF_UNITS[stop] === undefined,
    pileup: (w & 1n) === 1n,
  };
}

function randomPixel(random: SeededRandom): bigint {
  const w = (BigInt(random.next32()) << 32n) | BigInt(random.next32());
  const eoc = BigInt(random.next32() % 0xe0);
  return (w & ~(0xffn << 55n)) | (eoc << 55n);
}

function load(kernel: Tpx4Kernel, words: bigint[]): void {
  const view = new DataView(kernel.words.buffer, kernel.words.byteOffset, kernel.words.byteLength);
  words.forEach((w, i) => view.setBigUint64(8 * i, w, false));
}

function hitAt(kernel: Tpx4Kernel, k: number): Omit<Hit, 'invalidUf' | 'pileup'> {
  return {
    x: kernel.hits.x[k],
    y: kernel.hits.y[k],
    toa: kernel.hits.toa[k],
    tot: kernel.hits.tot[k],
    totNs: kernel.hits.totNs[k],
  };
}

describe('Tpx4Kernel', () => {
  const heartbeats = [0, 1000, 65535, 65536 + 32767, 2 ** 32 + 12345, 2 ** 40 + 3, 2 ** 48 - 1];

  it.each(heartbeats.flatMap((hb) => [false, true].map((gray) => [hb, gray] as const)))(
    'decodes random pixel words bit-exactly around heartbeat %d (gray %s)',
    (hb, gray) => {
      const kernel = new Tpx4Kernel();
      const random = new SeededRandom((hb % 1000) + (gray ? 1 : 0));
      const n = 4099; // not a multiple of four: the one-word path runs too
      const words = Array.from({ length: n }, () => randomPixel(random));
      load(kernel, words);
      expect(kernel.pixels(0, n, 0, hb, gray)).toBe(n);
      expect(kernel.count).toBe(n);
      let invalidUf = 0;
      let pileup = 0;
      for (let i = 0; i < n; i++) {
        const { invalidUf: bad, pileup: pile, ...hit } = expected(words[i], hb, gray);
        expect(hitAt(kernel, i)).toEqual(hit);
        invalidUf += bad ? 1 : 0;
        pileup += pile ? 1 : 0;
      }
      expect(kernel.takeCounts()).toEqual({ invalidUltraFast: invalidUf, pileup });
      expect(kernel.takeCounts()).toEqual({ invalidUltraFast: 0, pileup: 0 });
    },
  );

  it('stops at the first packet that is not a pixel, and goes on from there', () => {
    const kernel = new Tpx4Kernel();
    const random = new SeededRandom(5);
    const words = Array.from({ length: 40 }, () => randomPixel(random));
    words[13] = (0xe0n << 55n) | 777n; // a heartbeat in the middle of a group of four
    words[14] = (1n << 63n) | (0xfen << 55n); // an unknown packet (top half) right after it
    load(kernel, words);
    expect(kernel.pixels(0, 40, 0, 500, false)).toBe(13);
    expect(kernel.count).toBe(13);
    expect(kernel.pixels(15, 40, 13, 777, false)).toBe(40);
    expect(kernel.count).toBe(38);
    for (let i = 15; i < 40; i++) {
      const { invalidUf: _bad, pileup: _pile, ...hit } = expected(words[i], 777, false);
      expect(hitAt(kernel, i - 2)).toEqual(hit);
    }
    // each hit counted once, whichever path decoded it
    const counted = words
      .filter((_, i) => i !== 13 && i !== 14)
      .map((w, i) => expected(w, i < 13 ? 500 : 777, false));
    expect(kernel.takeCounts()).toEqual({
      invalidUltraFast: counted.filter((h) => h.invalidUf).length,
      pileup: counted.filter((h) => h.pileup).length,
    });
  });

  it('takes every eoc up to 0xDF as a pixel and none above', () => {
    const kernel = new Tpx4Kernel();
    for (let eoc = 0; eoc < 256; eoc++) {
      const w = (BigInt(eoc & 1) << 63n) | (BigInt(eoc) << 55n);
      load(kernel, [w, w, w, w, w]);
      expect(kernel.pixels(0, 5, 0, 100, false)).toBe(eoc <= 0xdf ? 5 : 0);
    }
  });

  it('holds a whole slice', () => {
    const kernel = new Tpx4Kernel();
    const random = new SeededRandom(3);
    const words = Array.from({ length: KERNEL_SLICE }, () => randomPixel(random));
    load(kernel, words);
    expect(kernel.pixels(0, KERNEL_SLICE, 0, 2 ** 20, false)).toBe(KERNEL_SLICE);
    const last = KERNEL_SLICE - 1;
    const { invalidUf: _bad, pileup: _pile, ...hit } = expected(words[last], 2 ** 20, false);
    expect(hitAt(kernel, last)).toEqual(hit);
  });
});
