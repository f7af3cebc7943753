// LiveViews over time, on hand-made batches: the reset policies (every N triggers, every N seconds,
// reset()), trend and rate values, live config changes, snapshot independence.
import { describe, expect, it } from 'vitest';
import type { EventBatch } from '../../shared/batches';
import { snapshotTransferables } from '../../shared/liveViews';
import { LiveViews } from './liveViews';
import { centroids, events, hits, list, view } from './liveViewsTestKit';
import { RateWindow, Trend } from './timeSeries';

describe('LiveViews reset policies', () => {
  const one = (tof: number): EventBatch => events([[0, 0, tof, 25]]);
  const tofCounts = (v: LiveViews, now: number): number[] => list(v.snapshot(now).tof.counts);

  it('every N triggers: clears at the first events batch after N triggers, keeping late centroids', () => {
    const v = view({ tof: { min: 0, max: 4, bins: 4 }, reset: { mode: 'everyNTriggers', n: 2 } });
    v.addEvents(one(0.5), 1, 0);
    v.addEvents(one(1.5), 1, 0.1);
    v.addCentroids(centroids([[1, 1, 0, 2]]), 0.2); // the second batch's centroids: same accumulation
    v.addHits(hits([[0, 0, 25]]), 0.2);
    expect(tofCounts(v, 0.2)).toEqual([1, 1, 0, 0]);
    expect(v.snapshot(0.2).accumulation).toEqual({
      mode: 'everyNTriggers',
      sinceS: 0,
      triggers: 2,
      resets: 0,
    });
    v.addEvents(one(2.5), 1, 0.3);
    const s = v.snapshot(0.3);
    expect(list(s.tof.counts)).toEqual([0, 0, 1, 0]);
    expect(list(s.centroidMap.counts).reduce((p, q) => p + q)).toBe(0);
    expect(list(s.hitMap.values).reduce((p, q) => p + q)).toBe(0);
    expect(s.accumulation).toEqual({ mode: 'everyNTriggers', sinceS: 0.3, triggers: 1, resets: 1 });
    // A batch of several triggers counts them all.
    v.addEvents(one(3.5), 5, 0.4);
    v.addEvents(one(0.5), 1, 0.5);
    expect(tofCounts(v, 0.5)).toEqual([1, 0, 0, 0]);
  });

  it('every N seconds: clears at the first add N seconds after the accumulation began', () => {
    const v = view({ tof: { min: 0, max: 4, bins: 4 }, reset: { mode: 'everyNSeconds', n: 2 } });
    v.addEvents(one(0.5), 1, 10);
    v.addEvents(one(1.5), 1, 11.9);
    expect(tofCounts(v, 12.5)).toEqual([1, 1, 0, 0]); // snapshots never clear
    v.addEvents(one(2.5), 1, 12);
    expect(tofCounts(v, 12)).toEqual([0, 0, 1, 0]);
    expect(v.snapshot(12).accumulation).toMatchObject({ sinceS: 12, resets: 1 });
    v.addBytes(1, 20); // bytes never reset
    expect(tofCounts(v, 20)).toEqual([0, 0, 1, 0]);
  });

  it('accumulate never clears; reset() clears views and trends but not totals or rates', () => {
    const v = view({ tof: { min: 0, max: 4, bins: 4 }, trendSeconds: 2 });
    for (let t = 0; t < 5; t++) v.addEvents(one(0.5), 1000, t);
    v.addHits(hits([[0, 0, 25]]), 4);
    expect(tofCounts(v, 4)).toEqual([5, 0, 0, 0]);
    v.reset();
    const s = v.snapshot(4.5);
    expect(list(s.tof.counts)).toEqual([0, 0, 0, 0]);
    expect(list(s.hitMap.values).reduce((p, q) => p + q)).toBe(0);
    expect(list(s.trend.triggers)).toEqual([0, 0]);
    expect(s.totals).toEqual({ hits: 1, events: 5, triggers: 5000, centroids: 0, bytes: 0 });
    expect(s.rates.triggersPerS).toBe(1000);
    expect(s.accumulation).toEqual({ mode: 'accumulate', sinceS: Number.NaN, triggers: 0, resets: 1 });
    v.addEvents(one(1.5), 1, 6);
    expect(v.snapshot(6).accumulation.sinceS).toBe(6);
  });
});

describe('LiveViews rates and trends', () => {
  it('rates count what was added in (now - 1 s, now]', () => {
    const v = view({});
    v.addHits(
      hits([
        [0, 0, 25],
        [1, 1, 25],
      ]),
      0.5,
    );
    v.addHits(hits([[0, 0, 25]]), 1.2);
    v.addEvents(events([[0, 0, 0, 25]]), 4, 1.2);
    v.addCentroids(centroids([[0, 0, 0, 1]]), 1.3);
    v.addBytes(2_500_000, 1.3);
    expect(v.snapshot(1.4).rates).toEqual({
      hitsPerS: 3,
      eventsPerS: 1,
      triggersPerS: 4,
      centroidsPerS: 1,
      megabytesPerS: 2.5,
    });
    expect(v.snapshot(1.5).rates.hitsPerS).toBe(1); // 0.5 is not in (0.5, 1.5]
    expect(v.snapshot(2.3).rates).toEqual({
      hitsPerS: 0,
      eventsPerS: 0,
      triggersPerS: 0,
      centroidsPerS: 1,
      megabytesPerS: 2.5,
    });
  });

  it('trends hold whole-second sums, oldest first, ending at the current second', () => {
    const v = view({ trendSeconds: 3 });
    v.addHits(hits([[0, 0, 25]]), 10.5);
    v.addHits(
      hits([
        [0, 0, 25],
        [0, 0, 25],
      ]),
      11.2,
    );
    v.addBytes(7, 11.9);
    v.addHits(hits(Array.from({ length: 4 }, (): [number, number, number] => [0, 0, 25])), 12.9);
    let s = v.snapshot(12.95);
    expect(s.trend.endS).toBe(12);
    expect(list(s.trend.hits)).toEqual([1, 2, 4]);
    expect(list(s.trend.bytes)).toEqual([0, 7, 0]);
    v.addHits(hits([[0, 0, 25]]), 11.5); // late, still in the history
    v.addHits(hits([[0, 0, 25]]), 9.5); // older than the history: dropped
    s = v.snapshot(14);
    expect(s.trend.endS).toBe(14);
    expect(list(s.trend.hits)).toEqual([4, 0, 0]);
    expect(list(v.snapshot(100).trend.hits)).toEqual([0, 0, 0]);
  });

  it('Trend and RateWindow work on their own', () => {
    const t = new Trend(2, 4);
    t.add(1, -0.5, 3); // second -1
    t.add(1, 2.5, 1);
    expect(t.endS).toBe(2);
    expect(list(t.copy(1))).toEqual([3, 0, 0, 1]);
    expect(list(t.copy(0))).toEqual([0, 0, 0, 0]);
    const r = new RateWindow(5);
    for (let i = 0; i < 800; i++) r.add(i * 0.125, i % 5, 1); // prunes and compacts as it goes
    expect(list(r.sums(99.875))).toEqual([1, 1, 2, 2, 2]); // i = 792..799
  });
});

describe('LiveViews config and snapshots', () => {
  it('applies a new config live, emptying only the views it reshapes', () => {
    const v = view({ tof: { min: 0, max: 4, bins: 4 } });
    v.addEvents(events([[1, 1, 0.5, 25]]), 1, 0);
    v.addHits(hits([[1, 1, 25]]), 0);
    v.setConfig({ tof: { min: 0, max: 4, bins: 2 } });
    let s = v.snapshot(0);
    expect(list(s.tof.counts)).toEqual([0, 0]);
    expect(s.hitMap.values[5]).toBe(1);
    expect(v.getConfig().tof.bins).toBe(2);
    v.setConfig({ tof: { min: 0, max: 4, bins: 2 }, hitMap: { mode: 'totSum' } });
    s = v.snapshot(0);
    expect(s.hitMap.values[5]).toBe(0);
    expect(s.hitMap.mode).toBe('totSum');
    expect(() => v.setConfig({ tof: { min: 4, max: 0 } })).toThrow(/tof\.min must be less than tof\.max/);
    expect(v.getConfig().tof.bins).toBe(2); // a rejected config changes nothing
    expect(() => new LiveViews({ refreshHz: 100 })).toThrow(/^live views: refreshHz/);
    expect(new LiveViews({}).snapshot(0).hitMap.values.length).toBe(256 * 256);
  });

  it('copies every array: later adds do not change a snapshot, and it survives structuredClone', () => {
    const v = view({ tof: { min: 0, max: 4, bins: 4 }, rois: [{ name: 'A', tofMin: 0, tofMax: 1 }] });
    v.addEvents(events([[0, 0, 0.5, 25]]), 1, 0);
    v.addHits(hits([[0, 0, 25]]), 0);
    v.addCentroids(centroids([[0, 0, 0.5, 2]]), 0);
    const s = v.snapshot(0.5);
    const before = structuredClone(s);
    v.addEvents(events([[0, 0, 0.5, 25]]), 1, 0.6);
    v.addHits(hits([[0, 0, 25]]), 0.6);
    v.addCentroids(centroids([[0, 0, 0.5, 2]]), 0.6);
    v.reset();
    expect(s).toEqual(before);
    expect(s.tof.counts[0]).toBe(1);
    s.hitMap.values[0] = 42; // and mutating the snapshot does not reach the views
    expect(v.snapshot(0.7).hitMap.values[0]).toBe(0);
  });

  it('owns one buffer per array, so every array can be transferred', () => {
    const v = view({ rois: [{ name: 'A', tofMin: 0, tofMax: 1 }] });
    const s = v.snapshot(0);
    const buffers = snapshotTransferables(s);
    expect(buffers).toHaveLength(11 + 3);
    expect(new Set(buffers).size).toBe(buffers.length);
    const moved = structuredClone(s, { transfer: buffers });
    expect(moved.rois[0].map).toHaveLength(12);
    expect(s.hitMap.values).toHaveLength(0); // detached by the transfer
  });
});
