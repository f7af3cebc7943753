// LiveViews on hand-made batches: exact histogram, map and ROI values. The reset policies, trends
// and rates, live config changes and snapshot independence are in liveViewsLifecycle.test.ts.
import { describe, expect, it } from 'vitest';
import { binIndex, fillHistogram, newHistogram } from '../../shared/liveViews';
import { centroids, events, hits, list, view } from './liveViewsTestKit';

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
