// clusterStream on hand-made cases (ring priority, lowest index within a ring, ToT offset, tof
// window, grid replacement, first-hit root, min size, sort order) and against a literal
// transcription of the reference's walk (with its first-hit defect fixed) on random inputs.
import { describe, expect, it } from 'vitest';
import { type EventBatch } from '../../shared/batches';
import { CLUSTER_STREAM_RINGS, clusterStream, type ClusterStreamParams } from './clusterStream';
import { SeededRandom } from './seededRandom';
import { type EventRow, eventRows } from '../../test/eventRows';

type Hit = Required<EventRow>;

const batch = (hits: Hit[]): EventBatch => eventRows(hits);

const DEFAULT: ClusterStreamParams = { maxDistTof: 5e-8, totOffset: 0.5, minClusterSize: 3 };
const ns = 1e-9;

/** Clusters as lists of input rows, in label order. */
function clustersOf(hits: Hit[], params: ClusterStreamParams = DEFAULT): number[][] {
  const { order, labels, nClusters } = clusterStream(batch(hits), params);
  const out: number[][] = Array.from({ length: nClusters }, () => []);
  labels.forEach((l, k) => {
    if (l >= 0) out[l].push(order[k]);
  });
  return out;
}

/** The reference's ClusterStream.perform + grouping, literally, with cluster 0 kept. */
function referenceStream(hits: Hit[], p: ClusterStreamParams): { order: number[]; labels: number[] } {
  const rows = hits.map((h, i) => ({ ...h, i }));
  // Stable sorts: by trigger, then each trigger by tof ascending, tot descending.
  rows.sort((a, b) => a.trig - b.trig || a.tof - b.tof || b.tot - a.tot);
  const order: number[] = [];
  const labels: number[] = [];
  let next = 0;
  for (let a = 0; a < rows.length;) {
    let b = a;
    while (b < rows.length && rows[b].trig === rows[a].trig) b++;
    const data = rows.slice(a, b);
    const image = new Map<string, number>();
    const label: number[] = [];
    for (let i = 0; i < data.length; i++) {
      const { x, y, tof, tot } = data[i];
      label[i] = i;
      image.set(`${x},${y}`, i);
      let prev = i;
      for (const grp of CLUSTER_STREAM_RINGS) {
        for (const [dx, dy] of grp) {
          const i2 = image.get(`${x + dx},${y + dy}`);
          if (i2 === undefined) continue;
          const nb = data[i2];
          if (tof - nb.tof < p.maxDistTof && tof - nb.tof >= 0 && nb.tot > tot * p.totOffset)
            prev = Math.min(prev, i2);
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
        if ((counts.get(l) ?? 0) >= p.minClusterSize) ids.set(l, next++);
      });
    data.forEach((d, i) => {
      order.push(d.i);
      labels.push(ids.get(label[i]) ?? -1);
    });
    a = b;
  }
  return { order, labels };
}

function rng(seed: number): () => number {
  const g = new SeededRandom(seed);
  return () => g.uniform();
}

describe('clusterStream rules', () => {
  const one = { maxDistTof: 5e-8, totOffset: 0.5, minClusterSize: 1 };

  it('takes the first ring that has a predecessor, even over a lower index further out', () => {
    const hits = [
      { trig: 0, x: 10, y: 10, tof: 0, tot: 100 }, // P: root; (-1,-1) from H, ring 2
      { trig: 0, x: 12, y: 11, tof: 1 * ns, tot: 400 }, // Q: root (P's ToT 100 is not > 200); (+1,0) from H
      { trig: 0, x: 11, y: 11, tof: 2 * ns, tot: 100 }, // H
    ];
    expect(clustersOf(hits, one)).toEqual([[0], [1, 2]]);
  });

  it('takes the lowest index within a ring, not the first in ring order', () => {
    // A (index 0) and B (index 1) are both ring-1 predecessors of H; B cannot join A (A's ToT 100
    // is not > 400 * 0.5). Whichever side A is on, H joins A.
    for (const [ax, bx] of [
      [10, 12],
      [12, 10],
    ]) {
      const hits = [
        { trig: 0, x: ax, y: 10, tof: 0, tot: 100 },
        { trig: 0, x: bx, y: 10, tof: 1 * ns, tot: 400 },
        { trig: 0, x: 11, y: 10, tof: 2 * ns, tot: 100 },
      ];
      expect(clustersOf(hits, one)).toEqual([[0, 2], [1]]);
    }
  });

  it('needs tot_nb > tot * totOffset (strict) and 0 <= dtof < maxDistTof (strict)', () => {
    const pair = (totNb: number, dt: number): number[][] =>
      clustersOf(
        [
          { trig: 0, x: 5, y: 5, tof: 0, tot: totNb },
          { trig: 0, x: 6, y: 5, tof: dt, tot: 200 },
        ],
        one,
      );
    expect(pair(100, 1 * ns)).toEqual([[0], [1]]); // 100 is not > 200 * 0.5
    expect(pair(101, 1 * ns)).toEqual([[0, 1]]);
    expect(pair(1000, 5e-8)).toEqual([[0], [1]]);
    expect(pair(1000, 4.9e-8)).toEqual([[0, 1]]);
    expect(pair(1000, 0)).toEqual([[0, 1]]); // equal tof: tot 1000 sorts first, dt = 0 counts
  });

  it('sees only the most recent hit of a pixel', () => {
    const hits = [
      { trig: 0, x: 5, y: 5, tof: 0, tot: 100 }, // P1
      { trig: 0, x: 5, y: 5, tof: 1 * ns, tot: 100 }, // P2: same pixel, replaces P1 in the grid
      { trig: 0, x: 6, y: 5, tof: 2 * ns, tot: 100 }, // H: (-1,0) is P2 now, not P1
    ];
    expect(clustersOf(hits, one)).toEqual([[0], [1, 2]]);
  });

  it('keeps the cluster rooted at the first hit of a trigger and drops clusters below min size', () => {
    const blob = (trig: number, x: number, t0: number, n: number): Hit[] =>
      Array.from({ length: n }, (_, i) => ({ trig, x: x + i, y: 50, tof: t0 + i * ns, tot: 300 - i }));
    // Trigger 0: a 3-hit cluster rooted at its first hit (the reference loses it), a 2-hit one.
    // Trigger 1: hits at trigger 0's pixels never see trigger 0's hits.
    const hits = [
      ...blob(0, 10, 0, 3),
      ...blob(0, 40, 1e-6, 2),
      ...blob(1, 12, 2e-6, 1),
      ...blob(1, 60, 0, 4),
    ];
    expect(clustersOf(hits)).toEqual([
      [0, 1, 2],
      [6, 7, 8, 9],
    ]);
  });

  it('walks by tof ascending, then ToT descending, stably', () => {
    const hits = [
      { trig: 3, x: 1, y: 1, tof: 2 * ns, tot: 50 },
      { trig: 3, x: 2, y: 1, tof: 1 * ns, tot: 50 },
      { trig: 3, x: 3, y: 1, tof: 1 * ns, tot: 90 },
      { trig: 3, x: 4, y: 1, tof: 1 * ns, tot: 90 },
      { trig: 1, x: 9, y: 9, tof: 5 * ns, tot: 10 },
    ];
    expect(Array.from(clusterStream(batch(hits), DEFAULT).order)).toEqual([4, 2, 3, 1, 0]);
  });
});

describe('clusterStream equals the reference walk', () => {
  function check(hits: Hit[], p: ClusterStreamParams, w = 256, h = 256): void {
    const ref = referenceStream(hits, p);
    const got = clusterStream(batch(hits), p, w, h);
    expect(Array.from(got.order)).toEqual(ref.order);
    expect(Array.from(got.labels)).toEqual(ref.labels);
  }

  it('on 1500 random inputs: blobs, noise, several triggers, small and large areas', () => {
    const r = rng(11);
    for (let c = 0; c < 1500; c++) {
      const area = [4, 8, 20, 60, 256][c % 5];
      const hits: Hit[] = [];
      const n = 1 + Math.floor(r() * 80);
      for (let i = 0; i < n; i++) {
        hits.push({
          trig: Math.floor(r() * 3),
          x: Math.floor(r() * area),
          y: Math.floor(r() * area),
          // Quantised tofs make ties (ToT order) and exact 50 ns gaps happen.
          tof: Math.floor(r() * 120) * 1.5625e-9 * (c % 3 === 0 ? 1 : 0.4),
          tot: 25 * (1 + Math.floor(r() * 6)),
        });
      }
      check(hits, { ...DEFAULT, minClusterSize: 1 + (c % 4), totOffset: [0, 0.5, 1][c % 3] });
    }
  });

  it('on dense blobs (bounding boxes both sides of the small-grid limit) and at the sensor edge', () => {
    const r = rng(12);
    for (let c = 0; c < 300; c++) {
      const hits: Hit[] = [];
      const spread = [2, 6, 13, 30][c % 4];
      for (let b = 0; b < 4; b++) {
        const cx = Math.floor(r() * 256);
        const cy = Math.floor(r() * 256);
        const t0 = r() * 2e-7;
        for (let i = 0; i < 25; i++) {
          hits.push({
            trig: b % 2,
            x: Math.min(255, Math.max(0, cx + Math.round((r() - 0.5) * spread))),
            y: Math.min(255, Math.max(0, cy + Math.round((r() - 0.5) * spread))),
            tof: t0 + r() * 3e-8,
            tot: 25 * (1 + Math.floor(r() * 40)),
          });
        }
      }
      check(hits, DEFAULT);
    }
    // Hits beyond the configured grid (a 64 x 64 sensor) grow it instead of failing.
    check(
      [
        { trig: 0, x: 100, y: 3, tof: 0, tot: 100 },
        { trig: 0, x: 101, y: 3, tof: 1e-9, tot: 100 },
        { trig: 0, x: 101, y: 4, tof: 2e-9, tot: 100 },
      ],
      DEFAULT,
      64,
      64,
    );
  });

  it('on 200k hits in one trigger (near-linear: 1M behaves the same, ~5x the time)', () => {
    const r = rng(13);
    const n = 200_000;
    const hits: Hit[] = [];
    for (let i = 0; i < n; i++) {
      hits.push({
        trig: 7,
        x: Math.floor(r() * 256),
        y: Math.floor(r() * 256),
        tof: r() * 1e-3,
        tot: 25 * (1 + Math.floor(r() * 40)),
      });
    }
    const ref = referenceStream(hits.slice(0, 20_000), DEFAULT);
    const got = clusterStream(batch(hits.slice(0, 20_000)), DEFAULT);
    expect(Array.from(got.labels)).toEqual(ref.labels);
    const all = clusterStream(batch(hits), DEFAULT);
    expect(all.labels.length).toBe(n);
    expect(all.nClusters).toBeGreaterThan(0);
  });
});
