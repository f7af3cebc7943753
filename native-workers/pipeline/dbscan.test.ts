// dbscan.ts against a brute-force O(n^2) scikit-learn DBSCAN (dbscanTestKit.ts: neighbourhoods by
// the exact float64 rule on the reference's 4-D points, then sklearn's dbscan_inner expansion), on
// thousands of seeded random and adversarial inputs. Large single triggers: dbscanLargeTriggers.test.ts.
import { describe, expect, it } from 'vitest';
import { centroidsFromLabels } from './centroids';
import { dbscan, type DbscanParams } from './dbscan';
import { DEFAULT, type Hit, batch, bruteDbscan, rng } from './dbscanTestKit';

function check(hits: Hit[], params: DbscanParams = DEFAULT): void {
  const ev = batch(hits);
  const expected = bruteDbscan(ev, params);
  const { labels, nClusters } = dbscan(ev, params);
  expect(Array.from(labels)).toEqual(Array.from(expected));
  expect(nClusters).toBe(expected.reduce((m, l) => Math.max(m, l + 1), 0));
}

/** Random hits of a few triggers (unsorted), small area, tof in units of scaled px. */
function randomHits(
  r: () => number,
  n: number,
  opts: { area: number; tofPx: number; triggers: number; quantise: boolean },
  scale: number,
): Hit[] {
  const hits: Hit[] = [];
  for (let i = 0; i < n; i++) {
    const u = r() * opts.tofPx;
    const tof = opts.quantise ? Math.floor(u / scale / 1.5625e-9) * 1.5625e-9 : u / scale;
    hits.push({
      trig: Math.floor(r() * opts.triggers) * 3,
      x: Math.floor(r() * opts.area),
      y: Math.floor(r() * opts.area),
      tof: 1e-3 + tof,
    });
  }
  return hits;
}

/** Gaussian-ish blobs plus noise: realistic clusters. */
function blobHits(r: () => number, blobs: number, noise: number, triggers: number): Hit[] {
  const hits: Hit[] = [];
  const g = (): number => (r() + r() + r() - 1.5) * 1.4;
  for (let b = 0; b < blobs; b++) {
    const trig = Math.floor(r() * triggers);
    const cx = 5 + r() * 40;
    const cy = 5 + r() * 40;
    const ct = 1e-6 + r() * 2e-6;
    const m = 1 + Math.floor(r() * 20);
    for (let i = 0; i < m; i++) {
      hits.push({ trig, x: Math.round(cx + g()), y: Math.round(cy + g()), tof: ct + g() * 3e-9 });
    }
  }
  for (let i = 0; i < noise; i++) {
    hits.push({
      trig: Math.floor(r() * triggers),
      x: Math.floor(r() * 50),
      y: Math.floor(r() * 50),
      tof: 1e-6 + r() * 2e-6,
    });
  }
  // Shuffle: rows of one trigger interleaved with others.
  for (let i = hits.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [hits[i], hits[j]] = [hits[j], hits[i]];
  }
  return hits;
}

describe('dbscan equals brute-force scikit-learn DBSCAN', () => {
  it('on 2000 small random inputs (several triggers, eps 1..6, min_samples 1..6)', () => {
    const r = rng(1);
    const epss = [2, 2, 2, 1, 1.5, 2.5, 3, 4, 4.5, 6];
    for (let c = 0; c < 2000; c++) {
      const params = { epsilon: epss[c % epss.length], minSamples: 1 + (c % 6), tofScale: 1.7e7 };
      const n = 1 + Math.floor(r() * 60);
      const hits = randomHits(
        r,
        n,
        {
          area: 2 + Math.floor(r() * 12),
          tofPx: r() * 8,
          triggers: 1 + Math.floor(r() * 3),
          quantise: c % 2 === 0,
        },
        params.tofScale,
      );
      check(hits, params);
    }
  });

  it('on 300 clustered inputs of up to ~1500 hits', () => {
    const r = rng(2);
    for (let c = 0; c < 300; c++) {
      const params = { ...DEFAULT, minSamples: 2 + (c % 4) };
      check(blobHits(r, 1 + Math.floor(r() * 60), Math.floor(r() * 300), 1 + Math.floor(r() * 4)), params);
    }
  });

  it('with points exactly eps apart (2 px lattice, same tof) and chains of them', () => {
    const r = rng(3);
    for (let c = 0; c < 300; c++) {
      const hits: Hit[] = [];
      const n = 3 + Math.floor(r() * 50);
      for (let i = 0; i < n; i++) {
        hits.push({ trig: c % 2, x: 2 * Math.floor(r() * 6), y: 2 * Math.floor(r() * 6), tof: 5e-6 });
      }
      check(hits, { ...DEFAULT, minSamples: 1 + (c % 5) });
    }
    // A straight chain 2 px apart: one cluster with min_samples 3 (each inner point has 3).
    const chain = Array.from({ length: 10 }, (_, i) => ({ trig: 0, x: 2 * i, y: 7, tof: 1e-6 }));
    const { labels } = dbscan(batch(chain), DEFAULT);
    expect(Array.from(labels)).toEqual(new Array(10).fill(0));
  });

  it('at the float64 boundary of the distance rule', () => {
    const s = 1.7e7;
    const cases: Hit[][] = [];
    for (const [dx, dy] of [
      [0, 0],
      [1, 0],
      [1, 1],
      [2, 0],
    ]) {
      const rest = Math.sqrt(4 - dx * dx - dy * dy);
      for (let k = -40; k <= 40; k++) {
        const t0 = 2.5e-4 + k * 1e-9;
        // Scaled tof difference at rest * (1 + k ulp-ish), and tiny ones (2 px apart: |dt| < ~2e-8 counts).
        const t1 = t0 + (rest * (1 + k * 2e-16)) / s;
        const t2 = t0 + (Math.abs(k) * 1e-9) / s;
        cases.push([
          { trig: 0, x: 10, y: 10, tof: t0 },
          { trig: 0, x: 10 + dx, y: 10 + dy, tof: t1 },
          { trig: 0, x: 10 + dx, y: 10 + dy, tof: t2 },
          { trig: 0, x: 10 - dx, y: 10 - dy, tof: t0 - (t1 - t0) },
        ]);
      }
    }
    for (const hits of cases) {
      check(hits, { ...DEFAULT, minSamples: 2 });
      check(hits, { ...DEFAULT, minSamples: 3 });
    }
  });

  it('on pairs straddling the boundary by a few ulps (scaled tof near 0, so ulps of eps^2 show)', () => {
    const s = 1.7e7;
    for (const [dx, dy] of [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
      [2, 0],
      [0, -2],
    ]) {
      const rest = Math.sqrt(4 - dx * dx - dy * dy);
      const packed: Hit[] = [];
      for (let k = -64; k <= 64; k++) {
        // dt ~ rest * (1 + k ulp); for 2 px apart, dt = |k| * 1e-9 (|dt| < ~2.1e-8 still counts).
        const dt = rest > 0 ? rest * (1 + k * 2 ** -52) : Math.abs(k) * 1e-9;
        const pair = [
          { trig: 0, x: 10, y: 10, tof: 0 },
          { trig: 0, x: 10 + dx, y: 10 + dy, tof: dt / s },
        ];
        check(pair, { ...DEFAULT, minSamples: 2 });
        check([pair[1], pair[0]], { ...DEFAULT, minSamples: 2 });
        // All pairs in one trigger, 6 px apart: a crowded tof window, so the grid path.
        const ox = 6 * ((k + 64) % 16);
        const oy = 6 * Math.floor((k + 64) / 16);
        packed.push(...pair.map((h) => ({ ...h, x: h.x + ox, y: h.y + oy })));
      }
      check(packed, { ...DEFAULT, minSamples: 2 });
    }
    // Both sides of the 2 px rule really occur above.
    const near = dbscan(
      batch([
        { trig: 0, x: 0, y: 0, tof: 0 },
        { trig: 0, x: 2, y: 0, tof: 1e-9 / s },
      ]),
      { ...DEFAULT, minSamples: 2 },
    );
    const far = dbscan(
      batch([
        { trig: 0, x: 0, y: 0, tof: 0 },
        { trig: 0, x: 2, y: 0, tof: 3e-8 / s },
      ]),
      { ...DEFAULT, minSamples: 2 },
    );
    expect([near.nClusters, far.nClusters]).toEqual([1, 0]);
  });

  it('on long per-pixel lists (few pixels, many hits, tof gaps near eps)', () => {
    const r = rng(9);
    for (let c = 0; c < 400; c++) {
      const area = 1 + (c % 3);
      const n = 20 + Math.floor(r() * 180);
      const span = 5 + r() * 60;
      const hits: Hit[] = [];
      for (let i = 0; i < n; i++) {
        hits.push({
          trig: c % 2,
          x: Math.floor(r() * area),
          y: Math.floor(r() * area),
          tof: Math.floor(r() * span * 4) / 4 / 1.7e7,
        });
      }
      check(hits, { ...DEFAULT, minSamples: 2 + (c % 6) });
    }
  });

  it('after floods (the pixel path gives up), on the triggers that follow, probes of the pixel path included', () => {
    const r = rng(21);
    for (let c = 0; c < 3; c++) {
      // Rows grouped by trigger, as the event builder emits them: runs of flood triggers (few
      // pixels, many hits, tof gaps near eps) between runs of ordinary clustered triggers.
      const hits: Hit[] = [];
      for (let t = 0; t < 44; t++) {
        const flood = Math.floor(t / (3 + 7 * c)) % 2 === 0;
        if (flood) {
          for (let i = 0; i < 150; i++)
            hits.push({
              trig: t,
              x: Math.floor(r() * 2),
              y: Math.floor(r() * 2),
              tof: Math.floor(r() * 100) / 4 / 1.7e7,
            });
        } else {
          for (const h of blobHits(r, 8, 20, 1)) hits.push({ ...h, trig: t });
        }
      }
      check(hits, { ...DEFAULT, minSamples: 2 + (c % 4) });
    }
  });

  it('on dense triggers (the cell grid) whose later ones reach further across the sensor', () => {
    // eps 4.5 sends every trigger to the tof-ordered path, and hundreds of hits within a few px of
    // tof to its grid; the grid must grow when a later trigger has larger coordinates.
    const r = rng(41);
    for (let c = 0; c < 4; c++) {
      const hits: Hit[] = [];
      for (const [t, lo, span] of [
        [0, 0, 8],
        [1, 120, 100],
        [2, 3, 250],
      ]) {
        for (let i = 0; i < 400; i++)
          hits.push({
            trig: t,
            x: lo + Math.floor(r() * span),
            y: lo + Math.floor(r() * Math.min(span, 256 - lo)),
            tof: 1e-6 + Math.floor(r() * 8) / 4 / 1.7e7,
          });
      }
      check(hits, { ...DEFAULT, epsilon: 4.5, minSamples: 3 + c });
    }
  });

  it('with hot pixels firing all through long triggers (most hits alone in their tof window), pairs at the window edge', () => {
    const r = rng(33);
    for (let c = 0; c < 8; c++) {
      const eps = c % 2 === 0 ? 2 : 4.5; // 4.5: the tof-ordered path for every trigger
      // Case 6 spans 10 s of tof (coarser tof buckets than the window); case 7 starts below zero.
      const spanPx = c === 6 ? 10 * 1.7e7 : 60_000;
      const start = c === 7 ? -1e-3 : 1e-6;
      const hits: Hit[] = [];
      for (let t = 0; t < 3; t++) {
        const trig: Hit[] = [];
        const hot = Array.from({ length: 20 }, () => [Math.floor(r() * 60), Math.floor(r() * 60)]);
        for (let i = 0; i < 1200; i++) {
          const [x, y] = hot[Math.floor(r() * hot.length)];
          trig.push({
            trig: t,
            x,
            y,
            tof: start + Math.floor((r() * spanPx) / 1.7e7 / 1.5625e-9) * 1.5625e-9,
          });
        }
        // Runs of 2..4 hits, consecutive ones a hair inside or outside eps in tof (same pixel).
        for (let k = 0; k < 40; k++) {
          const x = Math.floor(r() * 60);
          const y = Math.floor(r() * 60);
          let u = r() * spanPx;
          for (let j = 0, len = 2 + (k % 3); j < len; j++) {
            trig.push({ trig: t, x, y, tof: start + u / 1.7e7 });
            u += eps * (1 + (r() < 0.5 ? -1 : 1) * 1e-9 * (1 + (k % 4)));
          }
        }
        for (const h of blobHits(r, 6, 0, 1)) trig.push({ ...h, trig: t, tof: h.tof + start });
        for (let i = trig.length - 1; i > 0; i--) {
          const j = Math.floor(r() * (i + 1));
          [trig[i], trig[j]] = [trig[j], trig[i]];
        }
        hits.push(...trig);
      }
      check(hits, { ...DEFAULT, epsilon: eps, minSamples: 2 + (c % 4) });
    }
  });

  it('gives a border point reachable from two clusters to the first one', () => {
    // Two cores of 3 identical hits each, 4 px apart; the border point halfway (2 px from both).
    const a = [0, 1, 2].map(() => ({ trig: 0, x: 20, y: 20, tof: 1e-6 }));
    const b = [0, 1, 2].map(() => ({ trig: 0, x: 24, y: 20, tof: 1e-6 }));
    const border = { trig: 0, x: 22, y: 20, tof: 1e-6 };
    for (const rows of [
      [...a, ...b, border],
      [border, ...b, ...a],
      [b[0], border, a[0], a[1], b[1], b[2], a[2]],
    ]) {
      check(rows, { ...DEFAULT, minSamples: 4 });
      const { labels } = dbscan(batch(rows), { ...DEFAULT, minSamples: 4 });
      const first = labels[rows.findIndex((h) => h.x !== 22)];
      expect(first).toBe(0);
      expect(labels[rows.indexOf(border)]).toBe(0);
    }
    // Random border-heavy layouts: sparse cores in a line, min_samples just reachable.
    const r = rng(4);
    for (let c = 0; c < 500; c++) {
      const hits: Hit[] = [];
      for (let i = 0; i < 25; i++)
        hits.push({
          trig: 0,
          x: Math.floor(r() * 14),
          y: Math.floor(r() * 3),
          tof: 2e-6 + Math.floor(r() * 3) * 5e-8,
        });
      check(hits, { ...DEFAULT, minSamples: 3 + (c % 3) });
    }
  });

  it('with hits at identical positions and times, all noise, empty input', () => {
    const r = rng(5);
    for (let c = 0; c < 300; c++) {
      const hits: Hit[] = [];
      const m = 1 + Math.floor(r() * 40);
      for (let i = 0; i < m; i++) {
        const same = r() < 0.7;
        hits.push({
          trig: Math.floor(r() * 2),
          x: same ? 3 : Math.floor(r() * 5),
          y: same ? 3 : Math.floor(r() * 5),
          tof: same ? 1e-6 : 1e-6 + Math.floor(r() * 3) * 1e-7,
        });
      }
      check(hits, { ...DEFAULT, minSamples: 1 + (c % 8) });
    }
    const noise = Array.from({ length: 50 }, (_, i) => ({
      trig: i % 3,
      x: (i * 7) % 200,
      y: (i * 13) % 200,
      tof: i * 1e-6,
    }));
    check(noise);
    expect(dbscan(batch(noise), DEFAULT).nClusters).toBe(0);
    expect(dbscan(batch([]), DEFAULT)).toEqual({ labels: new Int32Array(0), nClusters: 0 });
  });

  it('gives identical centroids to the brute-force labels', () => {
    const r = rng(6);
    for (let c = 0; c < 50; c++) {
      const ev = batch(blobHits(r, 30, 100, 3));
      const brute = bruteDbscan(ev, DEFAULT);
      const nb = brute.reduce((m, l) => Math.max(m, l + 1), 0);
      const { labels, nClusters } = dbscan(ev, DEFAULT);
      expect(centroidsFromLabels(ev, null, labels, ev.n, nClusters)).toEqual(
        centroidsFromLabels(ev, null, brute, ev.n, nb),
      );
    }
  });
});
