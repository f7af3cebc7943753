// The WebAssembly pixel path (dbscanKernel.ts) against the TypeScript one (dbscanPixel.ts), label
// for label, on triggers that exercise each of its parts: duplicates (pixels firing again, at
// close and far tofs), border hits, dense blobs (long unions), min_samples on both sides of 3, eps
// with fewer than 6 forward offsets; and the triggers it must decline, leaving labels untouched.
import { describe, expect, it } from 'vitest';
import { emptyEventBatch, type EventBatch } from '../../shared/batches';
import { FLOOD, kernelRows, kernelTrigger } from './dbscanKernel';
import { pixelTrigger } from './dbscanPixel';
import { pixelWork } from './dbscanPixelWork';
import { SeededRandom } from './seededRandom';

const SCALE = 1.7e7;
/** Rows per input block (dbscanKernel.ts). */
const BLOCK = 16383;

/** One trigger: blobs of hits at one tof each (spread ~eps in tof), a share of them duplicated. */
function trigger(seed: number, blobs: number, maxXY: number, dupShare: number): EventBatch {
  const g = new SeededRandom(seed);
  const r = (): number => g.uniform();
  const rows: [number, number, number][] = [];
  for (let b = 0; b < blobs; b++) {
    const cx = Math.floor(r() * maxXY);
    const cy = Math.floor(r() * maxXY);
    const ct = 1e-6 + r() * 4e-6;
    const size = 1 + Math.floor(r() * 30);
    for (let i = 0; i < size; i++) {
      const x = Math.min(maxXY - 1, Math.max(0, cx + Math.round((r() - 0.5) * 6)));
      const y = Math.min(maxXY - 1, Math.max(0, cy + Math.round((r() - 0.5) * 6)));
      const tof = Math.round((ct + r() * 2e-7) / 1.5625e-9) * 1.5625e-9;
      rows.push([x, y, tof]);
      if (r() < dupShare) rows.push([x, y, tof + Math.floor(r() * 100) * 1.5625e-9]);
    }
  }
  // Readout order, roughly by tof.
  rows.sort((p, q) => p[2] + r() * 1e-7 - q[2]);
  const ev = emptyEventBatch(rows.length);
  ev.n = rows.length;
  rows.forEach(([x, y, tof], i) => {
    ev.x[i] = x;
    ev.y[i] = y;
    ev.tof[i] = tof;
  });
  return ev;
}

/** Both paths on rows 0..n-1 of ev (labels from nClusters 5 on); the kernel's result first. */
function both(ev: EventBatch, eps: number, minS: number): [number, number[], number, number[]] {
  const w = pixelWork(eps, minS) ?? expect.unreachable();
  const kl = new Int32Array(ev.n).fill(42);
  const tl = new Int32Array(ev.n).fill(42);
  kernelRows(ev.n, ev.x, ev.y, ev.tof);
  const kc = kernelTrigger(w, SCALE, 0, ev.n, kl, 5);
  const tc = pixelTrigger(w, ev.x, ev.y, ev.tof, SCALE, 0, ev.n, tl, null, 5);
  return [kc, Array.from(kl), tc, Array.from(tl)];
}

describe('the kernel equals pixelTrigger', () => {
  it('on varied triggers, eps 1..2.2, min_samples 1..6', () => {
    const epss = [2, 1, 1.5, 2.2, 1.9];
    let clusters = 0;
    for (let c = 0; c < 60; c++) {
      const ev = trigger(700 + c, 1 + (c % 40), c % 3 === 0 ? 24 : 256, [0, 0.05, 0.4][c % 3]);
      const [kc, kl, tc, tl] = both(ev, epss[c % epss.length], 1 + (c % 6));
      expect(kc).toBeGreaterThanOrEqual(5);
      expect(kc).toBe(tc);
      expect(kl).toEqual(tl);
      clusters += kc - 5;
    }
    expect(clusters).toBeGreaterThan(300);
  });

  it('in a run of triggers (the grid left clean for the next; rows past one input block)', () => {
    const trigs = Array.from({ length: 240 }, (_, c) => trigger(900 + c, 8, 256, 0.3));
    const n = trigs.reduce((m, t) => m + t.n, 0);
    expect(n).toBeGreaterThan(30000);
    expect(n).toBeLessThan(42000);
    const ev = emptyEventBatch(n);
    ev.n = n;
    const kl = new Int32Array(n);
    const tl = new Int32Array(n);
    const w = pixelWork(2, 3) ?? expect.unreachable();
    kernelRows(n, ev.x, ev.y, ev.tof);
    let kc = 0;
    let tc = 0;
    for (let a = 0, c = 0; c < trigs.length; a += trigs[c++].n) {
      ev.x.set(trigs[c].x.subarray(0, trigs[c].n), a);
      ev.y.set(trigs[c].y.subarray(0, trigs[c].n), a);
      ev.tof.set(trigs[c].tof.subarray(0, trigs[c].n), a);
    }
    for (let a = 0, c = 0; c < trigs.length; a += trigs[c++].n) {
      kc = kernelTrigger(w, SCALE, a, a + trigs[c].n, kl, kc);
      tc = pixelTrigger(w, ev.x, ev.y, ev.tof, SCALE, a, a + trigs[c].n, tl, null, tc);
      expect(kc).toBe(tc);
    }
    expect(Array.from(kl)).toEqual(Array.from(tl));
    // A range ending one row past a block, which loads a new block (its last rows a cluster of 3).
    ev.x.fill(99, BLOCK - 2, BLOCK + 1);
    ev.y.fill(99, BLOCK - 2, BLOCK + 1);
    ev.tof.fill(9e-6, BLOCK - 2, BLOCK + 1);
    const cuts = [0, 10000, BLOCK + 1, 20000];
    kernelRows(n, ev.x, ev.y, ev.tof);
    for (let i = 0; i + 1 < cuts.length; i++) {
      kc = kernelTrigger(w, SCALE, cuts[i], cuts[i + 1], kl, kc);
      expect(kc).toBeGreaterThan(0);
      tc = pixelTrigger(w, ev.x, ev.y, ev.tof, SCALE, cuts[i], cuts[i + 1], tl, null, tc);
      expect(kc).toBe(tc);
    }
    expect(Array.from(kl)).toEqual(Array.from(tl));
  });
});

describe('the kernel declines', () => {
  const w = pixelWork(2, 3) ?? expect.unreachable();
  const run = (ev: EventBatch, labels: Int32Array): number => {
    kernelRows(ev.n, ev.x, ev.y, ev.tof);
    return kernelTrigger(w, SCALE, 0, ev.n, labels, 0);
  };

  it('a flood of hits on one pixel (FLOOD), a coordinate past the grid, a trigger of 16384 hits (-1)', () => {
    const flood = emptyEventBatch(5000);
    flood.n = 5000;
    flood.x.fill(7);
    flood.y.fill(7);
    flood.tof.forEach((_, i) => (flood.tof[i] = i * 1e-9));
    const wide = trigger(5, 10, 256, 0.1);
    wide.x[3] = 4000;
    const big = emptyEventBatch(16384);
    big.n = 16384;
    for (const [ev, code] of [
      [flood, FLOOD],
      [wide, -1],
      [big, -1],
    ] as const) {
      const labels = new Int32Array(ev.n).fill(42);
      expect(run(ev, labels)).toBe(code);
      expect(labels.every((l) => l === 42)).toBe(true);
    }
    // Its grid is left clean: a small trigger on the flooded pixel afterwards is right.
    const small = emptyEventBatch(3);
    small.n = 3;
    small.x.fill(7);
    small.y.fill(7);
    small.tof.set([0, 1e-9, 2e-9]);
    const labels = new Int32Array(3);
    expect(run(small, labels)).toBe(1);
    expect(Array.from(labels)).toEqual([0, 0, 0]);
  });

  it('eps of more than 6 forward offsets', () => {
    const ev = trigger(7, 5, 64, 0.1);
    const labels = new Int32Array(ev.n).fill(42);
    const w3 = pixelWork(3, 3) ?? expect.unreachable();
    kernelRows(ev.n, ev.x, ev.y, ev.tof);
    expect(kernelTrigger(w3, SCALE, 0, ev.n, labels, 0)).toBe(-1);
  });
});
