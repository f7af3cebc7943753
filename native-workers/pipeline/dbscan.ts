// DBSCAN over event rows with scikit-learn's semantics on the reference's points
// (trigger * eps * 1000, x, y, tof * tofScale), Euclidean, without scikit-learn's cost.
//
// Labels equal scikit-learn's: a point is core when its neighbourhood (itself included) has at least
// minSamples points; clusters are the connected components of core points, numbered in the order of
// their first core point in row order; a border point joins the lowest-numbered cluster among its
// core neighbours (scikit-learn expands one cluster completely before starting the next, so the
// first cluster that reaches a border point is the lowest-numbered one); the rest is noise (-1).
// Neighbourhood test, as scikit-learn's tree search computes it: ((dx^2 + dy^2) + dtof^2) <= eps*eps
// in float64 on the scaled coordinates, for every trigger size (the reference's small-chunk
// brute-force path, |a|^2+|b|^2-2ab, is the defect we FIX).
//
// Why it can be fast: two hits of different triggers are at least eps * 1000 apart in the first
// coordinate, so clusters never span triggers: each trigger (a run of equal trigger numbers; rows
// not grouped by trigger are first grouped, stably, in a copy) is clustered on its own, with no
// sort when the rows come grouped, as the event builder emits them. A trigger goes to the pixel
// path (dbscanPixel.ts: per-pixel lists over the sensor, union-find; eps < 4, the usual case; run
// by its WebAssembly port, dbscanKernel.ts, for eps < sqrt(5) and triggers below 16384 hits),
// or, when that declines it (eps >= 4, floods of hits on few pixels, huge triggers or sensors), to
// the tof-ordered path (dbscanTrigger.ts: tof groups clustered with bitmasks or a windowed sweep;
// dense triggers on a pixel-cell grid, dbscanGrid.ts; near-linear, floods included). The
// reference's chunking (whole triggers, about chunk_size_limit rows) cannot change any label, so
// there is none here.
// Not handled: trigger numbers above ~4.5e15, where scikit-learn's rounded trigger coordinate of two
// consecutive triggers may coincide (2000 * trigger loses integer precision); irrelevant in practice.
import type { EventBatch } from '../../shared/batches';
import { neighbourhood } from './dbscanGrid';
import { FLOOD, kernelRows, kernelTrigger } from './dbscanKernel';
import { pixelTrigger } from './dbscanPixel';
import { pixelWork } from './dbscanPixelWork';
import { clusterTrigger, type TriggerWork } from './dbscanTrigger';
import { sortIndicesByKey } from './indexSort';

export interface DbscanParams {
  /** Neighbourhood radius in px (tof scaled by tofScale). */
  epsilon: number;
  /** Core threshold, the point itself counted. */
  minSamples: number;
  /** Seconds to px for the tof coordinate (1.7e7 in the reference). */
  tofScale: number;
}

export type DbscanRows = Pick<EventBatch, 'n' | 'triggerNr' | 'x' | 'y' | 'tof'>;

export interface DbscanResult {
  /** Cluster label per input row (input order), 0..nClusters-1, or -1 for noise. */
  labels: Int32Array;
  nClusters: number;
}

/** After a flood, one trigger in this many tries the pixel path again. */
const PROBE_EVERY = 16;

/**
 * Which triggers try the pixel path. After a flood (the pixel path gave up on a trigger's
 * duplicates' walks) the next triggers go straight to the tof-ordered path, but for one in
 * PROBE_EVERY: floods come from the detector (hot pixels, long tof ranges), so they last, and the
 * pixel path's attempt would only be thrown away.
 */
export class FloodSchedule {
  private sinceFlood = 0;

  get tryPixel(): boolean {
    return this.sinceFlood % PROBE_EVERY === 0;
  }

  /** The pixel path's result for a trigger that tried it: clusters (>= 0), FLOOD, or -1 (declined
   * for another reason, which changes nothing). */
  tried(c: number): void {
    if (c >= 0) this.sinceFlood = 0;
    else if (c === FLOOD) this.sinceFlood = 1;
  }

  /** A trigger that skipped the pixel path. */
  skipped(): void {
    this.sinceFlood++;
  }
}

/** DBSCAN labels of the rows, in any row order (see the module comment for the semantics). */
export function dbscan(rows: DbscanRows, params: DbscanParams): DbscanResult {
  const res = dbscanGrouped(rows, params, false);
  if (res === null) return dbscanRegrouped(rows, params);
  return { labels: res.labels, nClusters: res.nClusters };
}

interface GroupedResult extends DbscanResult {
  /** Row of each cluster's first core hit (when asked for). */
  firstCore: Int32Array | null;
}

/** Rows not grouped by trigger: cluster a stably grouped copy, then map back and renumber. */
function dbscanRegrouped(rows: DbscanRows, params: DbscanParams): DbscanResult {
  const n = rows.n;
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  sortIndicesByKey(idx, 0, n, rows.triggerNr, new Uint32Array(n));
  const g = {
    n,
    triggerNr: new Float64Array(n),
    x: new Uint16Array(n),
    y: new Uint16Array(n),
    tof: new Float64Array(n),
  };
  for (let k = 0; k < n; k++) {
    const r = idx[k];
    g.triggerNr[k] = rows.triggerNr[r];
    g.x[k] = rows.x[r];
    g.y[k] = rows.y[r];
    g.tof[k] = rows.tof[r];
  }
  const res = dbscanGrouped(g, params, true) as GroupedResult;
  // A trigger's rows keep their relative order in the copy, so a cluster's first core row in the
  // copy is its first core row in the input: number clusters by that row.
  const C = res.nClusters;
  const first = res.firstCore as Int32Array;
  const byFirst = Array.from({ length: C }, (_, c) => c).sort((p, q) => idx[first[p]] - idx[first[q]]);
  const rank = new Int32Array(C);
  byFirst.forEach((c, i) => (rank[c] = i));
  const labels = new Int32Array(n);
  for (let k = 0; k < n; k++) labels[idx[k]] = res.labels[k] < 0 ? -1 : rank[res.labels[k]];
  return { labels, nClusters: C };
}

/**
 * DBSCAN of rows grouped by trigger (non-decreasing trigger numbers); null if they are not. With
 * needFirst, also each cluster's first core row.
 */
function dbscanGrouped(rows: DbscanRows, params: DbscanParams, needFirst: boolean): GroupedResult | null {
  const n = rows.n;
  const labels = new Int32Array(n);
  const minS = Math.max(1, Math.ceil(params.minSamples));
  // A cluster can be smaller than minSamples (its border hits may belong to earlier clusters), so
  // room for one per row.
  const firstCore = needFirst ? new Int32Array(n) : null;
  const { triggerNr, x, y, tof } = rows;
  const scale = params.tofScale;
  const pw = pixelWork(params.epsilon, minS);
  let tw: TofWork | null = null;
  if (pw !== null && !needFirst) kernelRows(n, x, y, tof);
  let nClusters = 0;
  const floods = new FloodSchedule();
  for (let a = 0, b = 0; a < n; a = b) {
    const trig = triggerNr[a];
    // The trigger's rows (four at a time: a trigger holds hundreds of rows).
    b = a + 1;
    while (
      b + 3 < n &&
      triggerNr[b] === trig &&
      triggerNr[b + 1] === trig &&
      triggerNr[b + 2] === trig &&
      triggerNr[b + 3] === trig
    )
      b += 4;
    while (b < n && triggerNr[b] === trig) b++;
    if (b < n && triggerNr[b] < trig) return null;
    if (b - a < minS) {
      for (let r = a; r < b; r++) labels[r] = -1;
      continue;
    }
    if (pw !== null && floods.tryPixel) {
      // The kernel first (it does not record first core rows); pixelTrigger for what it declines,
      // unless it declined a flood, which pixelTrigger would give up on as well.
      let c = firstCore === null ? kernelTrigger(pw, scale, a, b, labels, nClusters) : -1;
      if (c === -1) c = pixelTrigger(pw, x, y, tof, scale, a, b, labels, firstCore, nClusters);
      floods.tried(c);
      if (c >= 0) {
        nClusters = c;
        continue;
      }
    } else floods.skipped();
    tw ??= tofWork(params, minS, rows);
    nClusters = tofOrdered(tw, rows, scale, a, b, labels, firstCore, nClusters);
  }
  return { labels, nClusters, firstCore };
}

/** Scratch of the tof-ordered path (dbscanTrigger.ts), sized to the largest trigger. */
export interface TofWork {
  w: TriggerWork;
  ltof: Float64Array;
  tmp: Uint32Array;
  /** Each row's tof bucket (keepTofNeighbours), and the buckets' counts (kept all zero between triggers). */
  bucket: Int32Array;
  counts: Uint8Array;
  segBase: number;
}

export function tofWork(params: DbscanParams, minS: number, rows: DbscanRows): TofWork {
  const { n, triggerNr, x, y } = rows;
  let maxX = 0;
  let maxY = 0;
  let maxLen = 0;
  for (let i = 0, start = 0; i < n; i++) {
    if (x[i] > maxX) maxX = x[i];
    if (y[i] > maxY) maxY = y[i];
    if (i + 1 === n || triggerNr[i + 1] !== triggerNr[i]) {
      maxLen = Math.max(maxLen, i + 1 - start);
      start = i + 1;
    }
  }
  const w: TriggerWork = {
    eps2: params.epsilon * params.epsilon,
    minS,
    st: new Float64Array(maxLen),
    px: new Float64Array(maxLen),
    py: new Float64Array(maxLen),
    prow: new Uint32Array(maxLen),
    cnt: new Int32Array(maxLen),
    core: new Uint8Array(maxLen),
    parent: new Int32Array(maxLen),
    groups: new Int32Array(maxLen + 1),
    adj: new Int32Array(32),
    rootOf: new Int32Array(32),
    start: new Int32Array(maxLen + 1),
    nbr: new Int32Array(0),
    cell: new Int32Array(0),
    next: new Int32Array(0),
    skip: new Int32Array(0),
    edges: new Int32Array(1024),
    nb: neighbourhood(params.epsilon, maxX, maxY),
    table: null,
    rootRow: new Int32Array(maxLen).fill(-1),
    best: new Int32Array(maxLen).fill(-1),
  };
  return {
    w,
    ltof: new Float64Array(maxLen),
    tmp: new Uint32Array(maxLen),
    bucket: new Int32Array(maxLen),
    counts: new Uint8Array(0),
    segBase: 1,
  };
}

/** Rows a..b-1 (one trigger) in tof order through dbscanTrigger.ts; returns the cluster count. */
export function tofOrdered(
  tw: TofWork,
  rows: DbscanRows,
  scale: number,
  a: number,
  b: number,
  labels: Int32Array,
  firstCore: Int32Array | null,
  nClusters: number,
): number {
  const { w, ltof, tmp } = tw;
  const { st, px, py, prow, rootRow, best } = w;
  const { x, y, tof } = rows;
  const len = b - a;
  // The rows that can be in a cluster (prow: their offsets from a, in row order); the rest stay
  // noise (rootRow and best are -1 between triggers).
  const m = w.minS >= 2 && len >= FILTER_MIN_ROWS ? keepTofNeighbours(tw, tof, a, len, scale) : len;
  if (m === len) for (let i = 0; i < len; i++) prow[i] = i;
  // Tof order (rows usually arrive in it already: then no sort and no indirection).
  let sorted = true;
  for (let i = 0, prev = -Infinity; i < m; i++) {
    const r = prow[i];
    const t = tof[a + r];
    st[i] = t * scale;
    px[i] = x[a + r];
    py[i] = y[a + r];
    if (t < prev) sorted = false;
    prev = t;
  }
  if (!sorted) {
    for (let i = 0; i < m; i++) ltof[prow[i]] = tof[a + prow[i]];
    sortIndicesByKey(prow, 0, m, ltof, tmp);
    for (let i = 0; i < m; i++) {
      const r = prow[i];
      st[i] = ltof[r] * scale;
      px[i] = x[a + r];
      py[i] = y[a + r];
    }
  }
  if (clusterTrigger(w, m, tw.segBase)) tw.segBase += m + 1;
  // Number this trigger's clusters by their first core row (a component's root is its smallest
  // row), then give each border row its cluster; reset the per-row results for the next trigger.
  for (let i = 0; i < len; i++) {
    const root = rootRow[i];
    if (root < 0) labels[a + i] = -1;
    else if (root === i) {
      if (firstCore !== null) firstCore[nClusters] = a + i;
      labels[a + i] = nClusters++;
    } else labels[a + i] = labels[a + root];
    rootRow[i] = -1;
  }
  for (let i = 0; i < len; i++) {
    const bb = best[i];
    if (bb >= 0) {
      labels[a + i] = labels[a + bb];
      best[i] = -1;
    }
  }
  return nClusters;
}

/** Triggers shorter than this skip keepTofNeighbours (their sweep is short anyway). */
const FILTER_MIN_ROWS = 64;

/**
 * Real detectors' hot pixels fire all through a trigger: most of their hits have no other hit of
 * the trigger within the tof window, so they are noise (not core, since minSamples >= 2 counts a
 * second hit, and no core hit's neighbour) and in nobody's neighbourhood, and leaving them out
 * changes no label. Found in linear time, without sorting: with tof buckets at least the window
 * wide, a hit's neighbours are in its own bucket or the next ones. Writes the kept rows' offsets
 * from a to prow in row order and returns how many there are.
 */
function keepTofNeighbours(tw: TofWork, tof: Float64Array, a: number, len: number, scale: number): number {
  const { bucket, w } = tw;
  const prow = w.prow;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < len; i++) {
    const t = tof[a + i] * scale;
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  // Wider than the window by a margin far above the rounding of the scaled tofs and of the
  // division, so two hits within the window are never two buckets apart; coarser (still correct,
  // less selective) when the trigger's span would need too many buckets.
  const span = hi - lo;
  const width = Math.max(
    w.nb.window[0] * 1.001 + 1e-12 * Math.max(Math.abs(lo), Math.abs(hi)),
    span / Math.max(1 << 20, 8 * len),
  );
  // Fewer buckets than half the rows: most rows share one (dense, a flood), and they would stay;
  // NaN or infinite tofs: keep every row.
  if (!(span / width >= len / 2 && span / width < 2 ** 30)) return len;
  const inv = 1 / width;
  const need = Math.floor(span * inv) + 3;
  if (tw.counts.length < need) tw.counts = new Uint8Array(Math.max(need, 2 * tw.counts.length));
  const counts = tw.counts;
  let occupied = 0;
  for (let i = 0; i < len; i++) {
    const k = Math.floor((tof[a + i] * scale - lo) * inv) + 1;
    bucket[i] = k;
    const c = counts[k];
    if (c === 0) occupied++;
    if (c < 2) counts[k] = c + 1;
  }
  // Dense triggers (ions, floods: most hits share a bucket) would keep nearly every row.
  let m = len;
  if (2 * occupied > len) {
    m = 0;
    for (let i = 0; i < len; i++) {
      const k = bucket[i];
      if (counts[k - 1] + counts[k] + counts[k + 1] >= 2) prow[m++] = i;
    }
  }
  for (let i = 0; i < len; i++) counts[bucket[i]] = 0;
  return m;
}
