import { describe, expect, it } from 'vitest';
import { QUARTER, extend } from './globalTime';
import { SeededRandom } from './seededRandom';
import { KERNEL_SLICE, Tpx3Kernel } from './tpx3Kernel';

// The kernel against the format doc's pixel formula written out in scalar TypeScript, on random
// words: every field, every toa bit, around every quarter of the global time and across its 48-bit
// wrap (where one quarter's hits take the kernel's scalar path).
function expected(lo: number, hi: number, longtime: number): [number, number, number, number] {
  const pix = (hi >>> 12) & 7;
  const x = ((hi >>> 20) & 0xfe) + (pix >>> 2);
  const y = ((hi >>> 13) & 0xfc) + (pix & 3);
  const arr = ((lo & 0xffff) << 14) | (lo >>> 30) | ((hi & 0xfff) << 2);
  const phase = (x >> 1) % 16;
  const g = extend(arr, longtime) * 4096 + ((phase === 0 ? 16 : phase) - ((lo >>> 16) & 0xf)) * 256;
  return [x, y, g * 0.006103515625 * 1e-9, ((lo >>> 20) & 0x3ff) * 25];
}

function randomPixels(n: number, seed: number): Uint32Array {
  const random = new SeededRandom(seed);
  const words = new Uint32Array(2 * n);
  for (let i = 0; i < n; i++) {
    words[2 * i] = random.next32();
    // header 0xA or 0xB, the rest random
    words[2 * i + 1] = (0xa0000000 | (random.next32() & 0x1fffffff)) >>> 0;
  }
  return words;
}

describe('Tpx3Kernel', () => {
  const longtimes = [0, 1, QUARTER - 1, QUARTER, 2 * QUARTER + 7, 3 * QUARTER, 4 * QUARTER - 1, 2 ** 40 + 3];
  longtimes.push(2 ** 48 - 1, 2 ** 48 - QUARTER);

  it.each(longtimes)('decodes random pixel words bit-exactly at longtime %d', (longtime) => {
    const kernel = new Tpx3Kernel();
    kernel.setTable(longtime);
    const n = 4099; // not a multiple of four: the scalar tail runs too
    const words = randomPixels(n, longtime % 1000);
    kernel.words.set(words);
    expect(kernel.pixels(0, n, 0)).toBe(n);
    expect(kernel.count).toBe(n);
    for (let i = 0; i < n; i++) {
      const [x, y, toa, tot] = expected(words[2 * i], words[2 * i + 1], longtime);
      expect([kernel.hits.x[i], kernel.hits.y[i], kernel.hits.toa[i], kernel.hits.tot[i]]).toEqual([
        x,
        y,
        toa,
        tot,
      ]);
    }
  });

  it('lists TDC edges on the way, stops at any other packet, and goes on from there', () => {
    const kernel = new Tpx3Kernel();
    const longtime = 5 * QUARTER;
    kernel.setTable(longtime);
    const words = randomPixels(40, 7);
    // TDC packets in the middle of a group of four: trigger 1 rising (f = 0: the fine time's floor
    // of a negative number), trigger 2 falling (header 0x6 only), then a control packet.
    const tdcs: [number, number, number][] = [
      [12, 0x4f000000 | 0x123, 0x9876_5000 | (0 << 5) | 0xa00],
      [13, 0x6b000000 | 0x456, 0x1234_5000 | (7 << 5)],
    ];
    for (const [i, hi, lo] of tdcs) {
      words[2 * i] = lo >>> 0;
      words[2 * i + 1] = hi >>> 0;
    }
    words[2 * 14 + 1] = 0x71000000;
    kernel.words.set(words);
    kernel.edgeCount[0] = 0;
    expect(kernel.pixels(0, 40, 0)).toBe(14);
    expect(kernel.count).toBe(12);
    expect(kernel.edgeCount[0]).toBe(2);
    expect(Array.from(kernel.edgeKinds.subarray(0, 2))).toEqual([1, 4]);
    tdcs.forEach(([, hi, lo], e) => {
      // the format doc's TDC time, as tpx3Decoder.ts computes it
      const arr = ((lo >>> 12) | (hi << 20)) >>> 0;
      const f = (lo >>> 5) & 0xf;
      const fine = (lo & 0xe00) | (Math.floor(((f - 1) << 9) / 12) & 0x1ff);
      expect(kernel.edgeTimes[e]).toBe(extend(arr, longtime) * 25e-9 + fine * 0.006103515625 * 1e-9);
    });
    expect(kernel.pixels(15, 40, 12)).toBe(40);
    expect(kernel.count).toBe(37);
    const [x, y, toa] = expected(words[2 * 15], words[2 * 15 + 1], longtime);
    expect([kernel.hits.x[12], kernel.hits.y[12], kernel.hits.toa[12]]).toEqual([x, y, toa]);
  });

  it('holds a whole slice', () => {
    const kernel = new Tpx3Kernel();
    kernel.setTable(QUARTER);
    kernel.words.set(randomPixels(KERNEL_SLICE, 3));
    expect(kernel.pixels(0, KERNEL_SLICE, 0)).toBe(KERNEL_SLICE);
    const last = KERNEL_SLICE - 1;
    const [x, y, toa, tot] = expected(kernel.words[2 * last], kernel.words[2 * last + 1], QUARTER);
    expect([kernel.hits.x[last], kernel.hits.y[last], kernel.hits.toa[last], kernel.hits.tot[last]]).toEqual([
      x,
      y,
      toa,
      tot,
    ]);
  });
});
