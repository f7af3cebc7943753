// LiveViews on hand-made batches: exact histogram, map, ROI, trend and rate values; the reset
// policies (every N triggers, every N seconds, reset()); live config changes; snapshot independence.
import { describe, expect, it } from 'vitest';
import {
  emptyCentroidBatch,
  emptyEventBatch,
  type CentroidBatch,
  type EventBatch,
  type HitBatch,
} from '../../shared/batches';
import {
  binIndex,
  fillHistogram,
  newHistogram,
  snapshotTransferables,
  type LiveViewsConfigInput,
} from '../../shared/liveViews';
import { LiveViews } from './liveViews';
import { RateWindow, Trend } from './timeSeries';

/** Rows [x, y, tof (s), tot (ns)]. */
function events(rows: [number, number, number, number][]): EventBatch {
  const e = emptyEventBatch(rows.length);
  e.n = rows.length;
  rows.forEach(([x, y, tof, tot], i) => {
    e.x[i] = x;
    e.y[i] = y;
    e.tof[i] = tof;
    e.tot[i] = tot;
  });
  return e;
}

/** Rows [x, y, tot (ns)]. */
function hits(rows: [number, number, number][]): HitBatch {
  return {
    n: rows.length,
    x: Uint16Array.from(rows, (r) => r[0]),
    y: Uint16Array.from(rows, (r) => r[1]),
    toa: new Float64Array(rows.length),
    tot: Uint32Array.from(rows, (r) => r[2]),
  };
}

/** Rows [x, y, tof (s), size]. */
function centroids(rows: [number, number, number, number][]): CentroidBatch {
  const c = emptyCentroidBatch(rows.length);
  c.n = rows.length;
  rows.forEach(([x, y, tof, size], i) => {
    c.x[i] = x;
    c.y[i] = y;
    c.tof[i] = tof;
    c.size[i] = size;
  });
  return c;
}

const SMALL = { width: 4, height: 3 };
const view = (cfg: LiveViewsConfigInput, sensor = SMALL): LiveViews => new LiveViews(cfg, sensor);
const list = (a: ArrayLike<number>): number[] => Array.from(a);

describe('LiveViews histograms and maps', () => {
  it('bins event tof into [min, max) with underflow and overflow', () => {
    const v = view({ tof: { min: 0, max: 4, bins: 4 } });
    v.addEvents(events([0, 0.5, 1, 3.999, 4, -0.1, 2].map((t) => [0, 0, t, 25])), 7, 0);
    const s = v.snapshot(0);
    expect(s.tof).toEqual({
      min: 0,
      max: 4,
      counts: Float64Array.from([2, 1, 1, 1]),
      underflow: 1,
      overflow: 1,
    });
    expect(s.tofSource).toBe('pixel');
  });

  it('builds the ToT histogram and the hit map (counts, or ToT sums) from hits', () => {
    const rows: [number, number, number][] = [
      [0, 0, 10],
      [3, 2, 20],
      [3, 2, 5],
      [4, 0, 99], // x off the 4 x 3 sensor
      [0, 3, 100], // y off
      [1, 0, 125],
    ];
    const v = view({ tot: { bins: 4, max: 100 } });
    v.addHits(hits(rows), 0);
    let s = v.snapshot(0);
    expect(s.tot).toEqual({
      min: 0,
      max: 100,
      counts: Float64Array.from([3, 0, 0, 1]),
      underflow: 0,
      overflow: 2,
    });
    const counts = new Float32Array(12);
    counts[0] = 1;
    counts[1] = 1;
    counts[2 * 4 + 3] = 2;
    expect(s.hitMap).toEqual({ mode: 'counts', values: counts, offSensor: 2 });

    const w = view({ hitMap: { mode: 'totSum' } });
    w.addHits(hits(rows), 0);
    s = w.snapshot(0);
    const sums = new Float32Array(12);
    sums[0] = 10;
    sums[1] = 125;
    sums[11] = 25;
    expect(s.hitMap.values).toEqual(sums);
  });

  it('bins centroids into the centroid map, covering the sensor, and counts cluster sizes', () => {
    const v = view({ centroidMap: { binSize: 2 }, clusterSize: { maxSize: 3 } }, { width: 5, height: 4 });
    v.addCentroids(
      centroids([
        [0, 0, 0, 1],
        [1.99, 3.99, 0, 2], // (0, 1)
        [2, 0, 0, 3], // (1, 0)
        [5.5, 0, 0, 4], // (2, 0): the last column covers [4, 6)
        [6, 0, 0, 1], // outside
        [-0.1, 0, 0, 1], // outside
      ]),
      0,
    );
    const s = v.snapshot(0);
    expect(s.centroidMap).toEqual({
      binSize: 2,
      width: 3,
      height: 2,
      counts: Uint32Array.from([1, 1, 1, 1, 0, 0]),
      outside: 2,
    });
    expect(s.clusterSize).toEqual({
      min: 1,
      max: 4,
      counts: Float64Array.from([3, 1, 1]),
      underflow: 0,
      overflow: 1,
    });
  });

  it('bins every ToT as binIndex does, from the kernel table and above it (float64 path)', () => {
    // ToTs 0..70,000 ns: the table covers 0..ceil(max), and at most 65,536 entries.
    const tots = Array.from({ length: 70_001 }, (_, t) => t);
    for (const tot of [
      { max: 5000, bins: 200 },
      { max: 99.5, bins: 7 },
      { max: 1e6, bins: 333 },
    ]) {
      const v = view({ tot });
      v.addHits(hits(tots.map((t) => [0, 0, t])), 0);
      const expected = newHistogram(0, tot.max, tot.bins);
      fillHistogram(expected, Float64Array.from(tots), tots.length);
      const got = v.snapshot(0).tot;
      expect(Array.from(got.counts), JSON.stringify(tot)).toEqual(Array.from(expected.counts));
      expect([got.underflow, got.overflow]).toEqual([expected.under, expected.over]);
    }
    // The ToF-vs-ToT rows (every row inside the ToF range), likewise.
    const w = view({
      tof: { min: 0, max: 1, bins: 1 },
      tot: { max: 77.7 },
      tofTot: { tofBins: 1, totBins: 5 },
    });
    w.addEvents(events(tots.map((t) => [0, 0, 0.5, t])), 1, 0);
    const rowsByBin = [0, 0, 0, 0, 0];
    for (const t of tots) {
      const b = binIndex(t, 0, 77.7, 5 / 77.7, 5);
      if (b >= 0 && b < 5) rowsByBin[b]++;
    }
    expect(Array.from(w.snapshot(0).tofTot.counts)).toEqual(rowsByBin);
  });

  it('fills ToF-vs-ToT from event rows, columns made of whole ToF-histogram bins', () => {
    const v = view({
      tof: { min: 0, max: 4, bins: 4 },
      tot: { max: 100 },
      tofTot: { tofBins: 2, totBins: 2 },
    });
    v.addEvents(
      events([
        [0, 0, 0.5, 10], // column 0, row 0
        [0, 0, 1.5, 49], // column 0, row 0
        [0, 0, 3.5, 60], // column 1, row 1
        [0, 0, 2, 100], // ToT overflow: not counted
        [0, 0, 5, 10], // ToF overflow: not counted
      ]),
      1,
      0,
    );
    const t = v.snapshot(0).tofTot;
    expect(t).toEqual({
      tofMin: 0,
      tofMax: 4,
      tofBins: 2,
      totMax: 100,
      totBins: 2,
      counts: Uint32Array.from([2, 0, 0, 1]),
    });
    // More columns than ToF bins: one column per bin.
    const w = view({ tof: { min: 0, max: 4, bins: 4 }, tofTot: { tofBins: 8, totBins: 1 } });
    expect(w.snapshot(0).tofTot.tofBins).toBe(4);
  });

  it('takes the ToF histogram from centroids when the source is centroid', () => {
    const v = view({ tof: { min: 0, max: 4, bins: 4, source: 'centroid' } });
    v.addEvents(events([[0, 0, 1, 25]]), 1, 0);
    v.addCentroids(
      centroids([
        [0, 0, 2.5, 3],
        [0, 0, 9, 3],
      ]),
      0,
    );
    const s = v.snapshot(0);
    expect(s.tofSource).toBe('centroid');
    expect(s.tof).toEqual({
      min: 0,
      max: 4,
      counts: Float64Array.from([0, 0, 1, 0]),
      underflow: 0,
      overflow: 1,
    });
  });
});

describe('LiveViews ROIs', () => {
  const rois = [
    { name: 'A', tofMin: 1, tofMax: 2 },
    { name: 'B', tofMin: 1.5, tofMax: 3.5 },
  ];
  const rows: [number, number, number, number][] = [
    [0, 0, 1.0, 25],
    [1, 0, 1.5, 25],
    [1, 0, 1.99, 25],
    [3, 2, 2.0, 25],
    [2, 1, 3.4, 25],
    [2, 1, 0.5, 25], // in neither
    [9, 9, 1.2, 25], // in A, off the sensor: counted in the histogram, not the map
  ];

  it('gives each ROI a ToF histogram over its window, a filtered hit map and a count trend', () => {
    const v = view({ rois, roiBins: 2, trendSeconds: 2 });
    v.addEvents(events(rows), 3, 10.2);
    const [a, b] = v.snapshot(10.5).rois;
    expect(a.name).toBe('A');
    expect(a.histogram).toEqual({
      min: 1,
      max: 2,
      counts: Float64Array.from([2, 2]),
      underflow: 0,
      overflow: 0,
    });
    expect(list(a.map)).toEqual([1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(list(a.trend)).toEqual([0, 4]);
    expect(b).toMatchObject({ name: 'B', tofMin: 1.5, tofMax: 3.5 });
    expect(list(b.histogram.counts)).toEqual([3, 1]);
    expect(list(b.map)).toEqual([0, 2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(list(b.trend)).toEqual([0, 4]);
  });

  it('counts ROI rows outside the ToF histogram range too', () => {
    const v = view({
      tof: { min: 0, max: 4, bins: 4 },
      rois: [{ name: 'far', tofMin: 3.5, tofMax: 6 }],
      roiBins: 5,
    });
    v.addEvents(
      events([3.4, 3.5, 4, 5.9, 6].map((t): [number, number, number, number] => [0, 0, t, 25])),
      1,
      0,
    );
    const s = v.snapshot(0);
    expect(list(s.rois[0].histogram.counts)).toEqual([1, 1, 0, 0, 1]);
    expect(s.rois[0].map[0]).toBe(3);
    expect(s.tof.overflow).toBe(3);
  });

  it('with the centroid source, fills ROI histograms and trends from centroids and maps from events', () => {
    const v = view({ rois, roiBins: 2, trendSeconds: 1, tof: { source: 'centroid', max: 10 } });
    v.addEvents(events(rows), 3, 0);
    v.addCentroids(centroids([[0, 0, 1.7, 3]]), 0);
    const [a, b] = v.snapshot(0).rois;
    expect(list(a.histogram.counts)).toEqual([0, 1]);
    expect(list(a.trend)).toEqual([1]);
    expect(list(a.map)).toEqual([1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(list(b.histogram.counts)).toEqual([1, 0]);
  });
});

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
