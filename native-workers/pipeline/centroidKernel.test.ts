// triggerCentroids (the WebAssembly centroid pass) equals centroidsFromLabels bit for bit on DBSCAN
// labels: several windows of whole triggers, a trigger longer than a window, a time-walk table,
// only noise, and labels not numbered trigger by trigger (both falling back).
import { describe, expect, it } from 'vitest';
import { type EventBatch } from '../../shared/batches';
import { CENTROID_COLUMNS, centroidsFromLabels } from './centroids';
import { triggerCentroids } from './centroidKernel';
import { dbscan } from './dbscan';
import { SeededRandom } from './seededRandom';
import { eventRows, type EventRow } from '../../test/eventRows';

const PARAMS = { epsilon: 2, minSamples: 3, tofScale: 1.7e7 };
const LUT = Float64Array.from({ length: 40 }, (_, i) => i * 1e-9);

/** Triggers of blobs (ions) and some noise; sizes per trigger as given. */
function triggers(seed: number, sizes: number[]): EventBatch {
  const r = new SeededRandom(seed);
  const rows: EventRow[] = [];
  sizes.forEach((size, trig) => {
    for (let k = 0; k < size; k++) {
      const ion = Math.floor(r.uniform() * Math.max(1, size / 12));
      rows.push({
        trig,
        x: (ion * 37 + Math.floor(r.uniform() * 4)) % 256,
        y: (ion * 91 + Math.floor(r.uniform() * 4)) % 256,
        tof: 1e-6 + ion * 1e-7 + Math.floor(r.uniform() * 6) * 1.5625e-9,
        tot: 25 * (1 + Math.floor(r.uniform() * 40)),
      });
    }
  });
  return eventRows(rows);
}

function expectSame(rows: EventBatch, labels: Int32Array, nClusters: number, lut?: Float64Array): void {
  const got = triggerCentroids(rows, labels, nClusters, lut);
  const want = centroidsFromLabels(rows, null, labels, rows.n, nClusters, lut);
  expect(got.n).toBe(want.n);
  for (const c of CENTROID_COLUMNS) {
    expect(got[c].length).toBe(want[c].length);
    expect(Array.from(got[c])).toEqual(Array.from(want[c]));
  }
}

describe('triggerCentroids', () => {
  it('equals centroidsFromLabels over several windows, with and without a time-walk table', () => {
    const rows = triggers(
      1,
      Array.from({ length: 250 }, (_, i) => 50 + ((i * 37) % 400)),
    );
    const { labels, nClusters } = dbscan(rows, PARAMS);
    expect(rows.n).toBeGreaterThan(3 * 16384);
    expectSame(rows, labels, nClusters);
    expectSame(rows, labels, nClusters, LUT);
  });

  it('falls back for a trigger longer than a window, and for other numberings', () => {
    const rows = triggers(2, [300, 20000, 300]);
    const { labels, nClusters } = dbscan(rows, PARAMS);
    expectSame(rows, labels, nClusters, LUT);
    const small = triggers(3, [200, 200, 200]);
    const d = dbscan(small, PARAMS);
    // Reversed cluster numbers: the first window holds the highest labels.
    const reversed = d.labels.map((l) => (l < 0 ? -1 : d.nClusters - 1 - l));
    expectSame(small, reversed, d.nClusters);
    // A cluster without rows at the end.
    expectSame(small, d.labels, d.nClusters + 1);
  });

  it('only noise, and no rows', () => {
    const rows = triggers(4, [2, 2, 1]);
    expectSame(rows, new Int32Array(rows.n).fill(-1), 0);
    expectSame(triggers(5, []), new Int32Array(0), 0);
  });
});
