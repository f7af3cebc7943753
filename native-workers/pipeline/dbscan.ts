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
// coordinate, so clusters never span triggers: rows are grouped by trigger (stable) and each trigger
// is clustered on its own, in tof order (dbscanTrigger.ts: tof groups, each one ion as a rule,
// clustered with bitmasks or a windowed sweep; dense triggers on a pixel-cell grid, dbscanGrid.ts;
// near-linear either way, floods of identical hits included). The reference's chunking (whole
// triggers, about chunk_size_limit rows) cannot change any label, so there is none here.
// Not handled: trigger numbers above ~4.5e15, where scikit-learn's rounded trigger coordinate of two
// consecutive triggers may coincide (2000 * trigger loses integer precision); irrelevant in practice.
import type { EventBatch } from '../../shared/batches';
import { neighbourhood } from './dbscanGrid';
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

/** DBSCAN labels of the rows, in any row order (see the module comment for the semantics). */
export function dbscan(rows: DbscanRows, params: DbscanParams): DbscanResult {
  const n = rows.n;
  const { triggerNr } = rows;
  for (let i = 1; i < n; i++) {
    if (triggerNr[i] < triggerNr[i - 1]) return dbscanRegrouped(rows, params);
  }
  const { labels, nClusters } = dbscanGrouped(rows, params);
  return { labels, nClusters };
}

interface GroupedResult extends DbscanResult {
  /** Row of each cluster's first core hit. */
  firstCore: Int32Array;
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
  const res = dbscanGrouped(g, params);
  // A trigger's rows keep their relative order in the copy, so a cluster's first core row in the
  // copy is its first core row in the input: number clusters by that row.
  const C = res.nClusters;
  const byFirst = Array.from({ length: C }, (_, c) => c).sort(
    (p, q) => idx[res.firstCore[p]] - idx[res.firstCore[q]],
  );
  const rank = new Int32Array(C);
  byFirst.forEach((c, i) => (rank[c] = i));
  const labels = new Int32Array(n);
  for (let k = 0; k < n; k++) labels[idx[k]] = res.labels[k] < 0 ? -1 : rank[res.labels[k]];
  return { labels, nClusters: C };
}

/** DBSCAN of rows grouped by trigger (non-decreasing trigger numbers). */
function dbscanGrouped(rows: DbscanRows, params: DbscanParams): GroupedResult {
  const n = rows.n;
  const labels = new Int32Array(n);
  const minS = Math.max(1, Math.ceil(params.minSamples));
  // A cluster can be smaller than minSamples (its border hits may belong to earlier clusters), so
  // room for one per row; untouched pages cost nothing.
  const firstCore = new Int32Array(n);
  const { triggerNr, x, y, tof } = rows;
  const scale = params.tofScale;
  let maxX = 0;
  let maxY = 0;
  let maxLen = 0;
  let runStart = 0;
  for (let i = 0; i < n; i++) {
    if (x[i] > maxX) maxX = x[i];
    if (y[i] > maxY) maxY = y[i];
    if (i > 0 && triggerNr[i] !== triggerNr[i - 1]) {
      if (i - runStart > maxLen) maxLen = i - runStart;
      runStart = i;
    }
  }
  if (n - runStart > maxLen) maxLen = n - runStart;
  // Per trigger, rows are numbered locally (0..len-1 in row order): the kernels' row ids.
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
  const ltof = new Float64Array(maxLen);
  const tmp = new Uint32Array(maxLen);
  const { st, px, py, prow, rootRow, best } = w;
  let nClusters = 0;
  let segBase = 1;
  for (let a = 0, b = 0; a < n; a = b) {
    const trig = triggerNr[a];
    while (b < n && triggerNr[b] === trig) b++;
    const len = b - a;
    if (len < minS) {
      labels.fill(-1, a, b);
      continue;
    }
    // Tof order (rows usually arrive in it already: then no sort and no indirection).
    let sorted = true;
    for (let i = 0; i < len; i++) {
      const t = tof[a + i];
      prow[i] = i;
      st[i] = t * scale;
      px[i] = x[a + i];
      py[i] = y[a + i];
      if (i > 0 && t < tof[a + i - 1]) sorted = false;
    }
    if (!sorted) {
      for (let i = 0; i < len; i++) ltof[i] = tof[a + i];
      sortIndicesByKey(prow, 0, len, ltof, tmp);
      for (let i = 0; i < len; i++) {
        const r = prow[i];
        st[i] = ltof[r] * scale;
        px[i] = x[a + r];
        py[i] = y[a + r];
      }
    }
    if (clusterTrigger(w, len, segBase)) segBase += len + 1;
    // Number this trigger's clusters by their first core row (a component's root is its smallest
    // row), then give each border row its cluster; reset the per-row results for the next trigger.
    for (let i = 0; i < len; i++) {
      const root = rootRow[i];
      if (root < 0) labels[a + i] = -1;
      else if (root === i) {
        firstCore[nClusters] = a + i;
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
  }
  return { labels, nClusters, firstCore };
}
