// clusterEvents' DBSCAN path (dbscanCentroids.ts: the kernel's windows of triggers, centroids summed
// in the kernel) against the labels of dbscan.ts and centroidsFromLabels, bit for bit, on inputs
// that reach every branch: windows refilled and flushed, triggers the kernel declines (longer than
// its window, coordinates past the grid, floods and the probes after them), rows not grouped or
// below the ToT threshold, every n-th trigger, the time-walk table.
import { describe, expect, it } from 'vitest';
import type { CentroidBatch, EventBatch } from '../../shared/batches';
import { DEFAULT_CLUSTERING, type ClusteringSettings } from '../../shared/processingSettings';
import { eventRows, type EventRow } from '../../test/eventRows';
import { centroidsFromLabels } from './centroids';
import { clusterEvents, selectRows } from './clustering';
import { dbscan } from './dbscan';
import { SeededRandom } from './seededRandom';

const DBSCAN: ClusteringSettings = { ...DEFAULT_CLUSTERING, algorithm: 'dbscan' };

function reference(ev: EventBatch, s: ClusteringSettings, lut?: Float64Array): CentroidBatch {
  const rows = selectRows(ev, s);
  const { labels, nClusters } = dbscan(rows, s);
  return centroidsFromLabels(rows, null, labels, rows.n, nClusters, lut);
}

function expectSame(ev: EventBatch, s: ClusteringSettings = DBSCAN, lut?: Float64Array): number {
  const got = clusterEvents(ev, s, { centroidLut: lut });
  const want = reference(ev, s, lut);
  expect(got.n).toBe(want.n);
  for (const c of ['triggerNr', 'x', 'y', 'tof', 'totAvg', 'totMax', 'size'] as const) {
    expect(got[c].subarray(0, got.n)).toEqual(want[c].subarray(0, want.n));
  }
  return got.n;
}

/** Blobs of ~15 hits and some noise per trigger, rows grouped by trigger (the event builder's). */
function triggers(g: SeededRandom, nTrig: number, perTrig: number, area = 250, first = 0): EventRow[] {
  const rows: EventRow[] = [];
  for (let t = first; t < first + nTrig; t++) {
    let left = perTrig;
    while (left > 0) {
      const cx = g.uniform() * area;
      const cy = g.uniform() * area;
      const ct = 1e-6 + g.uniform() * 3e-6;
      const m = Math.min(left, 1 + Math.floor(g.uniform() * 25));
      for (let i = 0; i < m; i++) {
        const d = (): number => (g.uniform() + g.uniform() - 1) * 2;
        rows.push({
          trig: t,
          x: Math.max(0, Math.round(cx + d())),
          y: Math.max(0, Math.round(cy + d())),
          tof: ct + d() * 4e-9,
          tot: 25 * (1 + Math.floor(g.uniform() * 40)),
        });
      }
      left -= m;
    }
  }
  return rows;
}

function flood(g: SeededRandom, trig: number, n: number): EventRow[] {
  return Array.from({ length: n }, () => ({
    trig,
    x: 7 + Math.floor(g.uniform() * 2),
    y: 9 + Math.floor(g.uniform() * 2),
    tof: Math.floor(g.uniform() * 100) / 4 / 1.7e7,
    tot: 25 * (1 + Math.floor(g.uniform() * 40)),
  }));
}

describe('clusterEvents DBSCAN equals dbscan labels + centroidsFromLabels, bit for bit', () => {
  it('over many windows of triggers (refills, flushes), with min_samples 1..5 and eps 1..2.2', () => {
    const g = new SeededRandom(1);
    const ev = eventRows(triggers(g, 400, 280));
    expect(expectSame(ev)).toBeGreaterThan(1000);
    // More clusters than the kernel's output holds (16384) before the end of the rows.
    expect(expectSame(ev, { ...DBSCAN, epsilon: 1, minSamples: 1 })).toBeGreaterThan(20000);
    for (const [epsilon, minSamples] of [
      [1, 1],
      [1.5, 2],
      [2.2, 4],
      [2, 5],
    ]) {
      expectSame(eventRows(triggers(g, 30, 300)), { ...DBSCAN, epsilon, minSamples });
    }
  });

  it('with triggers the kernel declines: longer than its window, past its grid, floods', () => {
    const g = new SeededRandom(2);
    const big = triggers(g, 1, 20000, 250, 5);
    const wide = triggers(g, 2, 300, 600, 6).map((r) => ({ ...r, x: r.x + 300 }));
    const rows = [...triggers(g, 5, 300), ...big, ...wide, ...triggers(g, 3, 300, 250, 8)];
    for (let t = 11; t < 60; t++)
      rows.push(...(t % 5 === 0 ? triggers(g, 1, 200, 250, t) : flood(g, t, 150)));
    rows.push(...triggers(g, 40, 300, 250, 60));
    expectSame(eventRows(rows));
    expectSame(eventRows(rows), { ...DBSCAN, minSamples: 2 });
  });

  it('with rows not grouped, filtered by ToT or by trigger, and the time-walk table', () => {
    const g = new SeededRandom(3);
    const rows = triggers(g, 60, 280);
    const ev = eventRows(rows);
    expectSame(eventRows([...rows.slice(8000), ...rows.slice(0, 8000)]));
    expectSame(ev, { ...DBSCAN, totThreshold: 100 });
    expectSame(ev, { ...DBSCAN, totThreshold: 24.5 });
    expectSame(ev, { ...DBSCAN, everyNthTrigger: 3 });
    expectSame(
      ev,
      DBSCAN,
      Float64Array.from({ length: 30 }, (_, i) => i * 1e-9),
    );
    expectSame(eventRows([]));
  });
});
