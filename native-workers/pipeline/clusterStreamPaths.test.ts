// clusterStream's special paths against a literal reference walk: large triggers (each sort and
// walk variant), keys too coarse for the tofs (insertion fix, comparison fallback), ToTs beyond the
// packed cells, odd parameters, grid growth and the workspace reused between calls; and the fused
// centroids (clusterStreamCentroids) in every case.
import { describe, expect, it } from 'vitest';
import { type EventBatch } from '../../shared/batches';
import { CENTROID_COLUMNS, centroidsFromLabels, newCentroidSink, takeCentroids } from './centroids';
import {
  CLUSTER_STREAM_RINGS,
  clusterStream,
  clusterStreamCentroids,
  type ClusterStreamParams,
} from './clusterStream';
import { SeededRandom } from './seededRandom';
import { type EventRow, eventRows } from '../../test/eventRows';

type Hit = Required<EventRow>;

const batch = (hits: Hit[]): EventBatch => eventRows(hits);

/** The reference's walk per trigger (stable sorts, a map as the image, cluster 0 kept). */
function reference(hits: Hit[], p: ClusterStreamParams): { order: number[]; labels: number[] } {
  const rows = hits.map((h, i) => ({ ...h, i }));
  rows.sort((a, b) => a.trig - b.trig || (a.tof < b.tof ? -1 : a.tof > b.tof ? 1 : 0) || b.tot - a.tot);
  const order: number[] = [];
  const labels: number[] = [];
  let next = 0;
  for (let a = 0; a < rows.length;) {
    let b = a;
    while (b < rows.length && rows[b].trig === rows[a].trig) b++;
    const data = rows.slice(a, b);
    const image = new Map<number, number>();
    const label: number[] = [];
    for (let i = 0; i < data.length; i++) {
      const { x, y, tof, tot } = data[i];
      label[i] = i;
      image.set(y * 65536 + x, i);
      let prev = i;
      for (const ring of CLUSTER_STREAM_RINGS) {
        for (const [dx, dy] of ring) {
          const i2 = image.get((y + dy) * 65536 + x + dx);
          if (i2 === undefined) continue;
          const nb = data[i2];
          const d = tof - nb.tof;
          if (d < p.maxDistTof && d >= 0 && nb.tot > tot * p.totOffset) prev = Math.min(prev, i2);
        }
        if (prev < i) {
          label[i] = label[prev];
          break;
        }
      }
    }
    const counts = new Map<number, number>();
    for (const l of label) counts.set(l, (counts.get(l) ?? 0) + 1);
    const ids = new Map<number, number>();
    [...counts.keys()]
      .sort((u, v) => u - v)
      .forEach((l) => {
        if (!((counts.get(l) ?? 0) < p.minClusterSize)) ids.set(l, next++);
      });
    data.forEach((d, i) => {
      order.push(d.i);
      labels.push(ids.get(label[i]) ?? -1);
    });
    a = b;
  }
  return { order, labels };
}

const DEFAULT: ClusterStreamParams = { maxDistTof: 5e-8, totOffset: 0.5, minClusterSize: 3 };

function check(hits: Hit[], p: ClusterStreamParams = DEFAULT, w = 256, h = 256): void {
  const ref = reference(hits, p);
  const got = clusterStream(batch(hits), p, w, h);
  expect(Array.from(got.order)).toEqual(ref.order);
  expect(Array.from(got.labels)).toEqual(ref.labels);
  expect(got.nClusters).toBe(ref.labels.reduce((m, l) => Math.max(m, l + 1), 0));
  // The fused centroids (WebAssembly kernel or TypeScript per trigger) are the same bits as the
  // centroids of these labels, with and without a time-walk table.
  for (const lut of [undefined, Float64Array.from({ length: 40 }, (_, i) => i * 1e-9)]) {
    const sink = newCentroidSink(0, lut);
    clusterStreamCentroids(batch(hits), p, sink, w, h);
    const fused = takeCentroids(sink);
    const expected = centroidsFromLabels(batch(hits), got.order, got.labels, hits.length, got.nClusters, lut);
    expect(fused.n).toBe(expected.n);
    for (const c of CENTROID_COLUMNS) expect(Array.from(fused[c])).toEqual(Array.from(expected[c]));
  }
}

/** A VMI-like trigger: ions (blobs of hits on a 1.5625 ns tof lattice) in a few tof peaks. */
function ions(
  r: SeededRandom,
  trig: number,
  nIons: number,
  opts: { spanX?: number; tot?: number } = {},
): Hit[] {
  const hits: Hit[] = [];
  const spanX = opts.spanX ?? 256;
  for (let i = 0; i < nIons; i++) {
    const cx = Math.floor(r.uniform() * spanX);
    const cy = Math.floor(r.uniform() * 256);
    const peak = [1.2e-6, 2.5e-6, 4e-6, 9e-6][Math.floor(r.uniform() * 4)];
    const t0 = peak + Math.floor(r.uniform() * 12) * 1.5625e-9;
    const size = 1 + Math.floor(r.uniform() * 16);
    for (let k = 0; k < size; k++) {
      hits.push({
        trig,
        x: Math.min(spanX - 1, Math.max(0, cx + Math.round((r.uniform() - 0.5) * 5))),
        y: Math.min(255, Math.max(0, cy + Math.round((r.uniform() - 0.5) * 5))),
        tof: t0 + Math.floor(r.uniform() * 8) * 1.5625e-9,
        tot: (opts.tot ?? 25) * (1 + Math.floor(r.uniform() * 30)),
      });
    }
  }
  // Readout order: shuffled.
  for (let i = hits.length - 1; i > 0; i--) {
    const j = Math.floor(r.uniform() * (i + 1));
    [hits[i], hits[j]] = [hits[j], hits[i]];
  }
  return hits;
}

describe('clusterStream paths', () => {
  // First: the module's workspace is fresh (64 px grid), so it grows in the middle of a call.
  it('grows the grid for hits outside the sensor, in a call and between calls', () => {
    const r = new SeededRandom(25);
    check(
      [...ions(r, 0, 30, { spanX: 60 }), ...ions(r, 1, 50), ...ions(r, 2, 30, { spanX: 60 })],
      DEFAULT,
      64,
      64,
    );
    check(ions(r, 0, 50), DEFAULT, 64, 64);
    check(ions(r, 0, 50, { spanX: 1000 }), DEFAULT, 256, 256);
    check([...ions(r, 0, 50), ...ions(r, 1, 50, { spanX: 700 }), ...ions(r, 2, 50)]);
    check(ions(r, 3, 50), DEFAULT, 16, 16);
  });

  it('small, large (> 512 rows) and very large (>= 32767 rows) triggers', () => {
    const r = new SeededRandom(21);
    check([...ions(r, 0, 20), ...ions(r, 1, 90), ...ions(r, 2, 3), ...ions(r, 5, 200)]);
    check([...ions(r, 0, 4500), ...ions(r, 1, 10)]);
    // More centroids in one call than the kernel's output holds (4096): moved out in batches.
    check(Array.from({ length: 300 }, (_, t) => ions(r, t, 25)).flat());
  });

  it('ToTs beyond the packed cells and the radix digit', () => {
    const r = new SeededRandom(22);
    check([...ions(r, 0, 40, { tot: 300 }), ...ions(r, 1, 40, { tot: 3000 })]);
    // Not multiples of 25, ties in tof.
    const hits = ions(r, 0, 60).map((h, i) => ({ ...h, tot: 1 + ((i * 7919) % 40) }));
    check(hits);
  });

  it('tofs closer than the key resolution, an outlier stretching the range, infinite tofs', () => {
    const r = new SeededRandom(23);
    const close = ions(r, 0, 30).map((h, i) => ({ ...h, tof: h.tof + (i % 3) * 1e-15 }));
    check(close);
    const outlier = [...ions(r, 4, 80), { trig: 4, x: 3, y: 3, tof: 1e3, tot: 50 }];
    check(outlier);
    const infinite = [...ions(r, 6, 30), { trig: 6, x: 5, y: 5, tof: Infinity, tot: 75 }];
    check(infinite);
    check(ions(r, 7, 30).map((h) => ({ ...h, tof: h.tof - 3e-6 })));
  });

  it('odd parameters', () => {
    const r = new SeededRandom(24);
    const hits = [...ions(r, 0, 40), ...ions(r, 1, 40)];
    for (const p of [
      { maxDistTof: 0, totOffset: 0.5, minClusterSize: 1 },
      { maxDistTof: Infinity, totOffset: 0.5, minClusterSize: 2 },
      { maxDistTof: 5e-9, totOffset: -1, minClusterSize: 3 },
      { maxDistTof: 5e-8, totOffset: 1e9, minClusterSize: 1 },
      { maxDistTof: 5e-8, totOffset: 0.5, minClusterSize: 0 },
      { maxDistTof: 5e-8, totOffset: 0.5, minClusterSize: 40 },
    ]) {
      check(hits, p);
    }
  });

  it('refuses rows below minTot (kernel or TypeScript trigger) and writes nothing then', () => {
    const r = new SeededRandom(27);
    const small = Array.from({ length: 80 }, (_, t) => ions(r, t, 20)).flat();
    const large = ions(r, 80, 90);
    const lowAt = (hits: Hit[], i: number): Hit[] => hits.map((h, j) => (j === i ? { ...h, tot: 10 } : h));
    const sink = newCentroidSink(0);
    expect(clusterStreamCentroids(batch([...small, ...large]), DEFAULT, sink, 256, 256, 25)).toBe(true);
    const n = sink.out.n;
    expect(n).toBeGreaterThan(0);
    for (const hits of [
      lowAt([...small, ...large], small.length - 5),
      lowAt([...small, ...large], small.length + 7),
    ]) {
      expect(clusterStreamCentroids(batch(hits), DEFAULT, sink, 256, 256, 25)).toBe(false);
      expect(sink.out.n).toBe(n);
      // minTot 0 (the default) lets every row through.
      check(hits);
    }
  });

  it('gives the same result when called again (workspace reused), rows grouped or not', () => {
    const r = new SeededRandom(26);
    const hits = [...ions(r, 2, 60), ...ions(r, 0, 60), ...ions(r, 1, 60)];
    const first = clusterStream(batch(hits), DEFAULT);
    clusterStream(batch(ions(r, 9, 500)), DEFAULT);
    const again = clusterStream(batch(hits), DEFAULT);
    expect(Array.from(again.order)).toEqual(Array.from(first.order));
    expect(Array.from(again.labels)).toEqual(Array.from(first.labels));
    check(hits);
  });
});
