import { describe, expect, it } from 'vitest';
import { narrow16, split64 } from './columnsKernel';

describe('narrow16', () => {
  it('copies values under 256 and gives the maximum, over several blocks and an odd tail', () => {
    const n = 2 * 65_536 + 37;
    const src = new Uint16Array(n).map((_, i) => (i * 7) % 256);
    src[n - 1] = 255;
    const dst = new Uint8Array(n);
    expect(narrow16(src, dst)).toBe(255);
    expect(Array.from(dst)).toEqual(Array.from(src));
  });

  it('reports a value over 255 wherever it is (the caller refuses the block)', () => {
    for (const at of [0, 5, 31, 32, 65_535, 65_600]) {
      const src = new Uint16Array(65_601).fill(3);
      src[at] = 300;
      expect(narrow16(src, new Uint8Array(src.length))).toBe(300);
    }
  });
});

describe('split64', () => {
  const words = (values: number[], general = (_i: number): void => {}): number[] => {
    const dst = new Uint32Array(2 * values.length).fill(0xdeadbeef);
    split64(Float64Array.from(values), dst, general);
    return Array.from(dst);
  };

  it('writes integers in [0, 2^32) as (value, 0), including -0 and 2^32 - 1', () => {
    expect(words([0, 1, 2 ** 32 - 1, -0, 7])).toEqual([0, 0, 1, 0, 2 ** 32 - 1, 0, 0, 0, 7, 0]);
  });

  it('hands every other value to the general path, by index, and goes on after it', () => {
    const seen: number[] = [];
    const values = [1, 2 ** 32, 3, 0.5, Number.NaN, -1, 4, 5, 6];
    const dst = words(values, (i) => seen.push(i));
    expect(seen).toEqual([1, 3, 4, 5]);
    // the fast values are in place; the general ones were left to the callback (untouched here)
    expect(dst.slice(0, 2)).toEqual([1, 0]);
    expect(dst.slice(2, 4)).toEqual([0xdeadbeef, 0xdeadbeef]);
    expect(dst.slice(4, 6)).toEqual([3, 0]);
    expect(dst.slice(12)).toEqual([4, 0, 5, 0, 6, 0]);
  });

  it('keeps block boundaries straight', () => {
    const n = 65_536 + 3;
    const values = Array.from({ length: n }, (_, i) => i * 3);
    const dst = words(values);
    expect(dst[2 * 65_535]).toBe(65_535 * 3);
    expect(dst[2 * 65_536]).toBe(65_536 * 3);
    expect(dst[2 * (n - 1)]).toBe((n - 1) * 3);
    expect(dst[2 * (n - 1) + 1]).toBe(0);
  });
});
