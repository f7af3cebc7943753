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

  it('stops at the first packet that is not a pixel, and goes on from there', () => {
    const kernel = new Tpx3Kernel();
    kernel.setTable(5 * QUARTER);
    const words = randomPixels(40, 7);
    words[2 * 13 + 1] = 0x4f000000; // a TDC packet in the middle of a group of four
    words[2 * 14 + 1] = 0x71000000; // and a control packet right after it
    kernel.words.set(words);
    expect(kernel.pixels(0, 40, 0)).toBe(13);
    expect(kernel.count).toBe(13);
    expect(kernel.pixels(15, 40, 13)).toBe(40);
    expect(kernel.count).toBe(38);
    const [x, y, toa] = expected(words[2 * 15], words[2 * 15 + 1], 5 * QUARTER);
    expect([kernel.hits.x[13], kernel.hits.y[13], kernel.hits.toa[13]]).toEqual([x, y, toa]);
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
