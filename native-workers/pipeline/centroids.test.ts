// centroidsFromLabels: ToT-weighted means in the reference's arithmetic order, max-ToT hit, size,
// visiting order, noise skipped, and the centroid time-walk table (seconds, clamped index).
import { describe, expect, it } from 'vitest';
import { emptyEventBatch, type EventBatch } from '../../shared/batches';
import { centroidsFromLabels, lutIndex } from './centroids';

function batch(rows: [trig: number, x: number, y: number, tof: number, tot: number][]): EventBatch {
  const ev = emptyEventBatch(rows.length);
  ev.n = rows.length;
  rows.forEach(([t, x, y, tof, tot], i) => {
    ev.triggerNr[i] = t;
    ev.x[i] = x;
    ev.y[i] = y;
    ev.tof[i] = tof;
    ev.tot[i] = tot;
  });
  return ev;
}

describe('centroidsFromLabels', () => {
  it('computes weighted means, mean and max ToT, size per label, in label order', () => {
    const ev = batch([
      [4, 10, 20, 1e-6, 100],
      [4, 11, 20, 2e-6, 300],
      [9, 50, 60, 5e-6, 25],
      [4, 12, 22, 3e-6, 100],
      [9, 51, 61, 6e-6, 75],
      [4, 99, 99, 9e-6, 999], // noise
    ]);
    const c = centroidsFromLabels(ev, null, Int32Array.from([1, 1, 0, 1, 0, -1]), 6, 2);
    expect(c.n).toBe(2);
    expect(Array.from(c.triggerNr)).toEqual([9, 4]);
    expect(Array.from(c.x)).toEqual([(50 * 25 + 51 * 75) / 100, (10 * 100 + 11 * 300 + 12 * 100) / 500]);
    expect(Array.from(c.y)).toEqual([(60 * 25 + 61 * 75) / 100, (20 * 100 + 20 * 300 + 22 * 100) / 500]);
    expect(Array.from(c.tof)).toEqual([
      (5e-6 * 25 + 6e-6 * 75) / 100,
      (1e-6 * 100 + 2e-6 * 300 + 3e-6 * 100) / 500,
    ]);
    expect(Array.from(c.totAvg)).toEqual([50, 500 / 3]);
    expect(Array.from(c.totMax)).toEqual([75, 300]);
    expect(Array.from(c.size)).toEqual([2, 3]);
  });

  it('sums each cluster in visiting order (the reference: row order for DBSCAN, walk order for cluster stream)', () => {
    // tof * tot values 1, 1e-16, 1e-16: left to right gives 1, other orders 1 + 2e-16.
    const ev = batch([
      [0, 0, 0, 1, 1],
      [0, 0, 0, 1e-16, 1],
      [0, 0, 0, 1e-16, 1],
    ]);
    const labels = Int32Array.from([0, 0, 0]);
    expect(centroidsFromLabels(ev, null, labels, 3, 1).tof[0]).toBe((1 + 1e-16 + 1e-16) / 3);
    const reversed = centroidsFromLabels(ev, Uint32Array.from([2, 1, 0]), labels, 3, 1).tof[0];
    expect(reversed).toBe((1e-16 + 1e-16 + 1) / 3);
    expect(reversed).not.toBe((1 + 1e-16 + 1e-16) / 3);
  });

  it('keeps sequential sums when clusters interleave', () => {
    const ev = batch([
      [0, 0, 0, 1, 1],
      [0, 0, 0, 7, 1],
      [0, 0, 0, 1e-16, 1],
      [0, 0, 0, 7, 1],
      [0, 0, 0, 1e-16, 1],
    ]);
    const c = centroidsFromLabels(ev, null, Int32Array.from([0, 1, 0, 1, 0]), 5, 2);
    expect(c.tof[0]).toBe((1 + 1e-16 + 1e-16) / 3);
    expect(Array.from(c.size)).toEqual([3, 2]);
  });

  it('takes the trigger of the first max-ToT hit', () => {
    const ev = batch([
      [3, 0, 0, 0, 50],
      [5, 0, 0, 0, 80],
      [7, 0, 0, 0, 80],
    ]);
    expect(centroidsFromLabels(ev, null, Int32Array.from([0, 0, 0]), 3, 1).triggerNr[0]).toBe(5);
  });

  it('subtracts the centroid time-walk entry of the max ToT, in seconds, index clamped', () => {
    const lut = Float64Array.from([1e-9, 2e-9, 3e-9]);
    expect([0, 24, 25, 49, 50, 75, 76, 1e6].map((t) => lutIndex(t, 3))).toEqual([0, 0, 0, 0, 1, 2, 2, 2]);
    const ev = batch([
      [0, 1, 1, 1e-5, 50],
      [0, 2, 1, 1e-5, 10],
      [1, 5, 5, 2e-5, 10000],
    ]);
    const c = centroidsFromLabels(ev, null, Int32Array.from([0, 0, 1]), 3, 2, lut);
    expect(c.tof[0]).toBe((1e-5 * 50 + 1e-5 * 10) / 60 - 2e-9);
    expect(c.tof[1]).toBe(2e-5 - 3e-9);
    expect(centroidsFromLabels(ev, null, Int32Array.from([0, 0, 1]), 3, 2, new Float64Array(0)).tof[1]).toBe(
      2e-5,
    );
  });

  it('returns an empty batch for no clusters', () => {
    const c = centroidsFromLabels(batch([[0, 0, 0, 0, 1]]), null, Int32Array.from([-1]), 1, 0);
    expect(c.n).toBe(0);
  });
});
