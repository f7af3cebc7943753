import { describe, expect, it } from 'vitest';
import { RateBins } from './rateBins';

const times = (...t: number[]): Float64Array => Float64Array.from(t);

describe('RateBins', () => {
  it('bins per ms from the origin, earlier times into bin 0, as rates per second', () => {
    const r = new RateBins();
    r.start(10);
    r.addHits(times(10, 10.0005, 10.0015, 9.9999), 4);
    r.addTriggers(times(10.0021), 1);
    const { binS, hitsPerS, triggersPerS } = r.result();
    expect(binS).toBe(1e-3);
    expect(Array.from(hitsPerS)).toEqual([3000, 1000, 0]);
    expect(Array.from(triggersPerS)).toEqual([0, 0, 1000]);
  });

  it('keeps at most maxBins output bins for long runs, each a whole number of ms, conserving counts', () => {
    const r = new RateBins();
    const n = 100_000;
    const t = new Float64Array(n);
    for (let i = 0; i < n; i++) t[i] = i * 0.01; // 1000 s, one hit per 10 ms
    r.addHits(t, n);
    const { binS, hitsPerS } = r.result(1000);
    expect(hitsPerS.length).toBeLessThanOrEqual(1000);
    expect(binS).toBeGreaterThanOrEqual(1);
    expect(Math.round(binS / 1e-3) * 1e-3).toBeCloseTo(binS, 12);
    expect(hitsPerS.reduce((a, b) => a + b, 0) * binS).toBeCloseTo(n, 6);
    // one hit per 10 ms: 100/s, to within one hit per bin (bins are not multiples of 10 ms)
    expect(Math.abs(hitsPerS[1] - 100)).toBeLessThanOrEqual(1 / binS);
  });

  it('has one empty bin before any data and ignores non-finite times', () => {
    const r = new RateBins();
    r.addHits(times(NaN, Infinity), 2);
    expect(Array.from(r.result().hitsPerS)).toEqual([0]);
  });
});
