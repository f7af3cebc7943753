// dbscan.ts on large single triggers that must stay fast (near-linear), checked against the
// construction and, on a window, against the brute-force scikit-learn DBSCAN of dbscanTestKit.ts.
import { describe, expect, it } from 'vitest';
import { emptyEventBatch } from '../../shared/batches';
import { dbscan } from './dbscan';
import { DEFAULT, type Hit, batch, bruteDbscan, rng } from './dbscanTestKit';

describe('dbscan on large single triggers (near-linear; 1M hits behave the same, ~5x the time)', () => {
  it('200k hits: 10k separated blobs of 20 hits in one trigger, in random row order', () => {
    const r = rng(7);
    const blobs = 10_000;
    const hits: Hit[] = [];
    for (let b = 0; b < blobs; b++) {
      // Blob b: a 4x5 pixel patch, 10 ns tof spread, placed on a 50x50 lattice of patches, and
      // 4 lattice passes separated by 2 us in tof.
      const cx = (b % 50) * 5;
      const cy = (Math.floor(b / 50) % 50) * 6;
      const ct = 1e-5 + Math.floor(b / 2500) * 2e-6 + (b % 7) * 1e-7;
      for (let i = 0; i < 20; i++)
        hits.push({ trig: 42, x: cx + (i % 4), y: cy + Math.floor(i / 4), tof: ct + r() * 1e-8, tot: b });
    }
    const order = hits.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const ev = batch(order.map((i) => hits[i]));
    const { labels, nClusters } = dbscan(ev, DEFAULT);
    expect(nClusters).toBe(blobs);
    // Same partition as the construction (tot holds the blob number); numbering by first row.
    const blobToLabel = new Map<number, number>();
    let mismatches = 0;
    for (let i = 0; i < ev.n; i++) {
      const b = ev.tot[i];
      if (!blobToLabel.has(b)) blobToLabel.set(b, blobToLabel.size);
      if (labels[i] !== blobToLabel.get(b)) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('a flood of 100k hits at one pixel and time is one cluster (linear, not 10^10 pairs)', () => {
    const n = 100_000;
    const ev = batch(Array.from({ length: n }, () => ({ trig: 1, x: 100, y: 100, tof: 1e-4 })));
    const { labels, nClusters } = dbscan(ev, DEFAULT);
    expect(nClusters).toBe(1);
    expect(labels.every((l) => l === 0)).toBe(true);
  });

  it('200k hits spread over the sensor and 1 ms of tof', () => {
    const r = rng(8);
    const n = 200_000;
    const ev = emptyEventBatch(n);
    ev.n = n;
    for (let i = 0; i < n; i++) {
      ev.x[i] = Math.floor(r() * 256);
      ev.y[i] = Math.floor(r() * 256);
      ev.tof[i] = r() * 1e-3;
      ev.tot[i] = 100;
    }
    const { labels, nClusters } = dbscan(ev, DEFAULT);
    // Sparse: a hit's expected neighbour count is ~ 13 px * 3 hits/px * 236 ns / 1 ms, so
    // almost everything is noise; check a window by brute force.
    expect(nClusters).toBeLessThan(50);
    const sub = emptyEventBatch(0);
    const pick: number[] = [];
    for (let i = 0; i < n; i++) if (ev.tof[i] < 2e-5) pick.push(i);
    Object.assign(sub, {
      n: pick.length,
      triggerNr: new Float64Array(pick.length),
      x: Uint16Array.from(pick, (i) => ev.x[i]),
      y: Uint16Array.from(pick, (i) => ev.y[i]),
      tof: Float64Array.from(pick, (i) => ev.tof[i]),
      tot: new Uint32Array(pick.length),
    });
    const sklearnSub = bruteDbscan(sub, DEFAULT);
    const noiseInSub = pick.filter((i, k) => labels[i] < 0 !== sklearnSub[k] < 0);
    // Hits near the 2e-5 cut may have neighbours outside the window: allow none away from it.
    expect(noiseInSub.filter((i) => ev.tof[i] < 1.9e-5)).toEqual([]);
  });
});
