// The pixel path of DBSCAN (dbscanPixel.ts) on VMI-like triggers (ions as pixel blobs at one tof
// per species, rows in readout order, repeated pixels, coordinates past the first grid side),
// against a brute-force scikit-learn DBSCAN; and the triggers it must hand back to the caller.
import { describe, expect, it } from 'vitest';
import { emptyEventBatch, type EventBatch } from '../../shared/batches';
import { dbscan, type DbscanParams } from './dbscan';
import { pixelTrigger } from './dbscanPixel';
import { pixelWork } from './dbscanPixelWork';
import { SeededRandom } from './seededRandom';
import { type EventRow, eventRows } from '../../test/eventRows';

type Hit = EventRow;

const batch = (hits: Hit[]): EventBatch => eventRows(hits);

/** scikit-learn's DBSCAN on (trig * eps * 1000, x, y, tof * scale), squared distances summed in order. */
function bruteDbscan(ev: EventBatch, p: DbscanParams): Int32Array {
  const n = ev.n;
  const eps2 = p.epsilon * p.epsilon;
  const X = Array.from({ length: n }, (_, i) => [
    ev.triggerNr[i] * p.epsilon * 1000,
    ev.x[i],
    ev.y[i],
    ev.tof[i] * p.tofScale,
  ]);
  const nbrs = X.map((a) =>
    X.flatMap((b, j) => {
      let d = 0;
      for (let k = 0; k < 4; k++) d += (a[k] - b[k]) * (a[k] - b[k]);
      return d <= eps2 ? [j] : [];
    }),
  );
  const core = nbrs.map((l) => l.length >= p.minSamples);
  const labels = new Int32Array(n).fill(-1);
  let label = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] !== -1 || !core[i]) continue;
    const stack = [i];
    while (stack.length > 0) {
      const k = stack.pop() as number;
      if (labels[k] !== -1) continue;
      labels[k] = label;
      if (core[k]) for (const v of nbrs[k]) if (labels[v] === -1) stack.push(v);
    }
    label++;
  }
  return labels;
}

/** Triggers of ions: 3 species, each ion a blob of 3..25 pixels within ~20 ns, readout order. */
function vmiHits(seed: number, triggers: number, maxXY: number): Hit[] {
  const g = new SeededRandom(seed);
  const r = (): number => g.uniform();
  const hits: Hit[] = [];
  for (let t = 0; t < triggers; t++) {
    const trig = 5 + 2 * t;
    const rows: Hit[] = [];
    for (const speciesTof of [3e-6, 4.2e-6, 5.5e-6]) {
      const ions = 2 + Math.floor(r() * 8);
      for (let k = 0; k < ions; k++) {
        const cx = 3 + Math.floor(r() * (maxXY - 6));
        const cy = 3 + Math.floor(r() * (maxXY - 6));
        const ct = speciesTof + (r() - 0.5) * 4e-8;
        const size = 3 + Math.floor(r() * 23);
        for (let i = 0; i < size; i++) {
          const x = Math.min(maxXY, Math.max(0, cx + Math.round((r() + r() - 1) * 2.5)));
          const y = Math.min(maxXY, Math.max(0, cy + Math.round((r() + r() - 1) * 2.5)));
          // Timestamps on the 1.5625 ns grid; some pixels fire twice.
          const tof = Math.round((ct + r() * 2e-8) / 1.5625e-9) * 1.5625e-9;
          rows.push({ trig, x, y, tof });
          if (r() < 0.05) rows.push({ trig, x, y, tof: tof + Math.floor(r() * 80) * 1.5625e-9 });
        }
      }
    }
    // Readout order: by tof, with up to ~20 us of disorder.
    const key = rows.map((h) => h.tof + r() * r() * 2e-5);
    const order = rows.map((_, i) => i).sort((p, q) => key[p] - key[q]);
    for (const i of order) hits.push(rows[i]);
    for (let i = 0; i < 3; i++) {
      hits.push({ trig, x: Math.floor(r() * maxXY), y: Math.floor(r() * maxXY), tof: r() * 1e-5 });
    }
  }
  return hits;
}

describe('the pixel path equals brute-force scikit-learn DBSCAN', () => {
  it('on VMI-like triggers, eps 1..3, min_samples 1..6, coordinates up to 300 and 600', () => {
    const epss = [2, 1, 1.5, 2.2, 3, 2];
    for (let c = 0; c < 36; c++) {
      const params = { epsilon: epss[c % epss.length], minSamples: 1 + (c % 6), tofScale: 1.7e7 };
      const ev = batch(vmiHits(100 + c, 3, c < 18 ? 300 : 600));
      const { labels, nClusters } = dbscan(ev, params);
      const expected = bruteDbscan(ev, params);
      expect(Array.from(labels)).toEqual(Array.from(expected));
      expect(nClusters).toBe(expected.reduce((m, l) => Math.max(m, l + 1), 0));
    }
  });

  it('with coordinates beyond the largest grid (handed to the tof-ordered path)', () => {
    const hits: Hit[] = [
      { trig: 0, x: 65535, y: 3, tof: 1e-6 },
      { trig: 0, x: 65534, y: 3, tof: 1e-6 },
      { trig: 0, x: 65535, y: 4, tof: 1e-6 },
      { trig: 0, x: 9, y: 9, tof: 1e-6 },
    ];
    const params = { epsilon: 2, minSamples: 3, tofScale: 1.7e7 };
    const ev = batch(hits);
    expect(Array.from(dbscan(ev, params).labels)).toEqual(Array.from(bruteDbscan(ev, params)));
  });
});

describe('pixelTrigger hands back', () => {
  const run = (ev: EventBatch, labels: Int32Array): number =>
    pixelTrigger(
      pixelWork(2, 3) ?? expect.unreachable(),
      ev.x,
      ev.y,
      ev.tof,
      1.7e7,
      0,
      ev.n,
      labels,
      null,
      0,
    );

  it('a flood of hits on one pixel (past the visit budget), labels untouched', () => {
    const ev = batch(Array.from({ length: 5000 }, (_, i) => ({ trig: 0, x: 7, y: 7, tof: i * 1e-9 })));
    const labels = new Int32Array(ev.n).fill(42);
    expect(run(ev, labels)).toBe(-1);
    expect(labels.every((l) => l === 42)).toBe(true);
    // The grid is left clean: a small trigger on the same pixel afterwards is right.
    const small = batch([0, 1, 2].map((i) => ({ trig: 0, x: 7, y: 7, tof: i * 1e-9 })));
    const out = new Int32Array(3);
    expect(run(small, out)).toBe(1);
    expect(Array.from(out)).toEqual([0, 0, 0]);
  });

  it('a trigger of 2^16 hits or more', () => {
    const n = 1 << 16;
    const ev = emptyEventBatch(n);
    ev.n = n;
    const labels = new Int32Array(n).fill(42);
    expect(run(ev, labels)).toBe(-1);
    expect(labels[0]).toBe(42);
  });
});
