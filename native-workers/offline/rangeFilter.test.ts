import { describe, expect, it } from 'vitest';
import type { HitBatch, TriggerEdges } from '../../shared/batches';
import { eventRows } from '../../test/eventRows';
import { RangeFilter } from './rangeFilter';

const edges = (...t: number[]): TriggerEdges => ({ n: t.length, time: Float64Array.from(t) });
const hits = (...toa: number[]): HitBatch => ({
  n: toa.length,
  x: Uint16Array.from(toa, (_, i) => i),
  y: new Uint16Array(toa.length),
  toa: Float64Array.from(toa),
  tot: new Uint32Array(toa.length).fill(25),
});
const rows = (...trig: number[]) => eventRows(trig.map((t) => ({ trig: t, x: t, y: 0, tof: 1e-6 })));

describe('RangeFilter', () => {
  it("passes everything through for 'all'", () => {
    const f = new RangeFilter({ kind: 'all' }, null);
    expect(f.observe(edges(1, 2, 3), 0.5)).toBe(3);
    const h = hits(0.1, 5);
    expect(f.hits(h)).toBe(h);
    expect(f.pastEnd(1e9, 0)).toBe(false);
  });

  it('a trigger range keeps those triggers’ rows and the hits between their times, then ends', () => {
    const f = new RangeFilter({ kind: 'trigger', from: 1, to: 3 }, null);
    expect(f.observe(edges(10, 11), 9.9)).toBe(1); // triggers 0, 1
    expect(f.observe(edges(12, 13), 12)).toBe(1); // triggers 2, 3
    expect(Array.from(f.events(rows(0, 1, 1, 2, 3)).triggerNr.subarray(0, 3))).toEqual([1, 1, 2]);
    expect(f.events(rows(0, 1, 1, 2, 3)).n).toBe(3);
    const kept = f.hits(hits(10.5, 11, 11.9, 12.99, 13));
    expect(Array.from(kept.toa.subarray(0, kept.n))).toEqual([11, 11.9, 12.99]);
    expect(Array.from(kept.x.subarray(0, kept.n))).toEqual([1, 2, 3]);
    expect(f.pastEnd(13.001, 0.002)).toBe(false);
    expect(f.pastEnd(13.003, 0.002)).toBe(true);
  });

  it('a time range counts from the first time and takes the triggers that start in it', () => {
    const f = new RangeFilter({ kind: 'time', fromS: 1, toS: 2 }, null);
    expect(f.observe(edges(100.5, 101, 101.5), 100)).toBe(2); // origin 100: nr 1, 2 in [101, 102)
    expect(f.observe(edges(102, 103), 102)).toBe(0); // nr 3 ends it
    expect(f.events(rows(0, 1, 2, 3)).n).toBe(2);
    const kept = f.hits(hits(100.9, 101, 101.99, 102));
    expect(kept.n).toBe(2);
    expect(f.pastEnd(102.5, 0.002)).toBe(true);
  });

  it('uses a known first time instead of the first chunk’s', () => {
    const f = new RangeFilter({ kind: 'time', fromS: 0, toS: 1 }, 50);
    expect(f.observe(edges(50.5, 51.5), 50.4)).toBe(1);
    expect(f.originS).toBe(50);
  });
});
