// DBSCAN on the hits of ONE trigger, in tof order: the driver's (dbscan.ts) path for what the pixel
// path (dbscanPixel.ts) declines: eps >= 4, floods of hits on few pixels, huge triggers. Input:
// the trigger's hits in tof order ("positions" 0..len-1) with scaled tof, x, y and their row
// numbers. Output, per row: rootRow[row] = smallest row of the hit's core component (core
// hits), best[row] = smallest such root among a border hit's core neighbours. Neighbours: ((dx^2 +
// dy^2) + dt^2) <= eps^2 in float64 (scikit-learn's rule), the point itself counted for core.
//
// The trigger is cut into tof groups, maximal runs whose consecutive tof gaps are within the
// window: hits of different groups are more than eps apart, so each group is clustered alone (a
// group smaller than minSamples is all noise and costs nothing). Usually a group is one ion:
// - up to 32 hits: all pairs, neighbour sets as 32-bit masks, components by bitwise flood fill;
// - larger: each hit against the later hits within its tof window (forward neighbour lists), then
//   union-find over core pairs;
// - when the windows of the large groups hold more than SWEEP_MAX_CANDIDATES candidates per hit of
//   the trigger on average (dense triggers, floods), the whole trigger goes to the grid
//   (dbscanGrid.ts), which stays near-linear there.
import { finishCore, find, gridTrigger, type Neighbourhood } from './dbscanGrid';

/** Tof-window candidates per hit (average) above which a trigger goes to the grid. */
const SWEEP_MAX_CANDIDATES = 24;
/** Groups up to this size use the bitmask path. */
const MASK_MAX = 32;

/** Scratch for one trigger at a time (sized to the largest trigger) and the per-row results. */
export interface TriggerWork {
  eps2: number;
  minS: number;
  st: Float64Array;
  px: Float64Array;
  py: Float64Array;
  prow: Uint32Array;
  cnt: Int32Array;
  core: Uint8Array;
  parent: Int32Array;
  /** Group starts (and the end) of the current trigger. */
  groups: Int32Array;
  /** Bitmask path: neighbour masks and component roots of one group. */
  adj: Int32Array;
  rootOf: Int32Array;
  /** Sweep: forward neighbours of position p are nbr[start[p] .. start[p + 1]). */
  start: Int32Array;
  nbr: Int32Array;
  /** Grid: cell record per position, next position in the cell's list, run links; border pairs. */
  cell: Int32Array;
  next: Int32Array;
  skip: Int32Array;
  edges: Int32Array;
  nb: Neighbourhood;
  /** Grid cell records (allocated at the first dense trigger); positions stored + segBase. */
  table: Int32Array | null;
  rootRow: Int32Array;
  best: Int32Array;
}

/** Clusters one trigger; true when it used the grid (the caller then advances segBase). */
export function clusterTrigger(w: TriggerWork, len: number, segBase: number): boolean {
  const { st, groups, minS } = w;
  const wmax = w.nb.window[0];
  let nG = 0;
  let heavy = 0;
  for (let p = 0; p < len; p++) if (p === 0 || st[p] - st[p - 1] > wmax) groups[nG++] = p;
  groups[nG] = len;
  for (let g = 0; g < nG; g++) {
    const g0 = groups[g];
    const g1 = groups[g + 1];
    if (g1 - g0 > MASK_MAX) heavy += windowCandidates(st, g0, g1, wmax);
  }
  if (heavy > SWEEP_MAX_CANDIDATES * len) {
    gridTrigger(w, len, segBase);
    return true;
  }
  if (heavy > 0 && w.nbr.length < heavy + len)
    w.nbr = new Int32Array(Math.max(heavy + len, 2 * w.nbr.length));
  for (let g = 0; g < nG; g++) {
    const g0 = groups[g];
    const g1 = groups[g + 1];
    if (g1 - g0 < minS) continue;
    if (g1 - g0 <= MASK_MAX) maskGroup(w, g0, g1);
    else sweepGroup(w, g0, g1);
  }
  return false;
}

/** Sum over the group's hits of the later hits within wmax in scaled tof. */
function windowCandidates(st: Float64Array, g0: number, g1: number, wmax: number): number {
  let total = 0;
  let hi = g0;
  for (let p = g0; p < g1; p++) {
    if (hi <= p) hi = p + 1;
    const t = st[p];
    while (hi < g1 && st[hi] - t <= wmax) hi++;
    total += hi - p - 1;
  }
  return total;
}

/** A group of at most 32 hits: neighbour bitmasks, flood fill over core hits. */
function maskGroup(w: TriggerWork, g0: number, g1: number): void {
  const { st, px, py, prow, adj, rootOf, eps2, minS, rootRow, best } = w;
  const g = g1 - g0;
  adj.fill(0, 0, g);
  for (let i = 0; i < g; i++) {
    const p = g0 + i;
    const t = st[p];
    const xp = px[p];
    const yp = py[p];
    let ai = adj[i];
    for (let k = i + 1; k < g; k++) {
      const q = g0 + k;
      const dt = st[q] - t;
      const dx = px[q] - xp;
      const dy = py[q] - yp;
      // Branch-free (about half the pairs are neighbours); no window test needed: a pair further
      // apart in tof than the window is further apart than eps.
      const m = +(dx * dx + dy * dy + dt * dt <= eps2);
      ai |= m << k;
      adj[k] |= m << i;
    }
    adj[i] = ai;
  }
  let coreMask = 0;
  for (let i = 0; i < g; i++) if (popcount(adj[i]) + 1 >= minS) coreMask |= 1 << i;
  if (coreMask === 0) return;
  let todo = coreMask;
  while (todo !== 0) {
    let comp = 0;
    let frontier = todo & -todo;
    while (frontier !== 0) {
      const b = frontier & -frontier;
      frontier ^= b;
      comp |= b;
      frontier |= adj[31 - Math.clz32(b)] & coreMask & ~comp;
    }
    todo &= ~comp;
    let minRow = 0x7fffffff;
    for (let c = comp; c !== 0; c &= c - 1) {
      const r = prow[g0 + 31 - Math.clz32(c & -c)];
      if (r < minRow) minRow = r;
    }
    for (let c = comp; c !== 0; c &= c - 1) {
      const k = 31 - Math.clz32(c & -c);
      rootOf[k] = minRow;
      rootRow[prow[g0 + k]] = minRow;
    }
  }
  const all = g === 32 ? -1 : (1 << g) - 1;
  for (let nc = all & ~coreMask; nc !== 0; nc &= nc - 1) {
    const i = 31 - Math.clz32(nc & -nc);
    let root = 0x7fffffff;
    for (let c = adj[i] & coreMask; c !== 0; c &= c - 1) {
      const r = rootOf[31 - Math.clz32(c & -c)];
      if (r < root) root = r;
    }
    if (root !== 0x7fffffff) best[prow[g0 + i]] = root;
  }
}

function popcount(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** A larger group: forward neighbour lists within the tof window, union-find over core pairs. */
function sweepGroup(w: TriggerWork, g0: number, g1: number): void {
  const { st, px, py, cnt, core, parent, start, nbr, prow, eps2, minS } = w;
  const wmax = w.nb.window[0];
  let np = 0;
  cnt.fill(1, g0, g1);
  for (let p = g0; p < g1; p++) {
    start[p] = np;
    const t = st[p];
    const xp = px[p];
    const yp = py[p];
    let cp = 0;
    for (let j = p + 1; j < g1; j++) {
      const dt = st[j] - t;
      if (dt > wmax) break;
      const dx = px[j] - xp;
      const dy = py[j] - yp;
      const m = +(dx * dx + dy * dy + dt * dt <= eps2);
      nbr[np] = j;
      np += m;
      cnt[j] += m;
      cp += m;
    }
    cnt[p] += cp;
  }
  start[g1] = np;
  let borders = 0;
  for (let p = g0; p < g1; p++) {
    const c = cnt[p] >= minS;
    core[p] = c ? 1 : 0;
    parent[p] = p;
    if (!c && cnt[p] > 1) borders++;
  }
  for (let p = g0; p < g1; p++) {
    if (core[p] === 0) continue;
    let rp = find(parent, p);
    for (let e = start[p], end = start[p + 1]; e < end; e++) {
      const j = nbr[e];
      if (core[j] === 0) continue;
      const rj = find(parent, j);
      if (rj === rp) continue;
      if (prow[rj] < prow[rp]) {
        parent[rp] = rj;
        rp = rj;
      } else parent[rj] = rp;
    }
  }
  finishCore(w, g0, g1);
  if (borders === 0) return;
  const { best, rootRow } = w;
  for (let p = g0; p < g1; p++) {
    const pc = core[p];
    for (let e = start[p], end = start[p + 1]; e < end; e++) {
      const j = nbr[e];
      if (core[j] === pc) continue;
      const b = pc ? prow[j] : prow[p];
      const root = rootRow[pc ? prow[p] : prow[j]];
      if (best[b] < 0 || root < best[b]) best[b] = root;
    }
  }
}
