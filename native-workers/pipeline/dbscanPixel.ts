// DBSCAN's fast path for one trigger (dbscan.ts tries it first, for eps < 4): no tof sort, no tof
// groups. x and y are integer pixels, so a neighbour lies at one of the few pixel offsets with
// dx^2 + dy^2 <= eps^2 (13 for eps 2), and dx^2 + dy^2 is exact: the test ((dx^2 + dy^2) + dt^2)
// <= eps^2 (scikit-learn's, see dbscan.ts) becomes (d2[offset] + dt^2) <= eps^2, the same float64
// value.
//
// The trigger's hits (numbered 1..len in row order; 0 is "none") go into a per-pixel head array
// over the sensor: the first hit of a pixel is its "primary", later ones ("duplicates", a few % of
// realistic hits) are chained behind it. Neighbour pairs, each found once:
// - every hit against the primaries of its "forward" offsets (dy > 0, or dy = 0 and dx > 0): one
//   lookup per offset, no branch (an empty pixel reads hit 0, whose NaN tof never matches), written
//   out for eps < sqrt(5) (V8 runs a loop over 6 offsets ~3x slower than the same code unrolled);
// - every duplicate against all hits of its "backward" offsets and the earlier hits of its own
//   pixel (the pairs the first step cannot see).
// Then core hits (neighbours + 1 >= minSamples), components of core pairs by Rem's union-find
// (parents only point to smaller hits, so the root of a component is its first row, which orders
// scikit-learn's clusters, and one ascending pass resolves every root), and each border hit takes
// the smallest label among its core neighbours. For minSamples <= 3 the union runs over all pairs
// while counting (a hit with a neighbour is then core unless it is a border hit, rare in real data);
// if the trigger has a border hit, the components are computed again over core pairs only.
// Cost: a few operations per offset per hit, plus the duplicates' walks. Floods (many hits on few
// pixels, any tof spread) make those walks long: past a budget of visits per hit the trigger goes
// back to the caller (-1), which runs the tof-ordered path (dbscanTrigger.ts), near linear there.
// The work thrown away is within the budget.
//
// Scratch lives in typed arrays of fixed capacity that are constants of one closure (pages are only
// committed where touched; HEAD is all zero between triggers). TurboFan folds a constant typed
// array's base and length into the code; arrays read from an object are re-checked (map, base,
// length) on every loop iteration, which made every pass here about twice as slow. (Module-level
// constants would do too, but bundlers turn them into mutable vars.) Triggers of HIT_CAP hits or
// more, and sensors too large for GRID_CAP, take the tof-ordered path. Each worker thread has its
// own module instance; nothing here is re-entered.
import { GRID_CAP, setSide, type PixelWork } from './dbscanPixelWork';

/** Duplicate walks: visits per hit (plus a constant) after which a trigger is given up. */
const VISITS_PER_HIT = 32;
const VISITS_BASE = 1024;
/** Largest trigger (hits 1..HIT_CAP - 1) and pair entries. */
const HIT_CAP = 1 << 16;
const PAIR_CAP = 1 << 21;
/** Kernel result other than a pair count. */
const BUDGET = -1;

/**
 * Clusters rows a..b-1 (one trigger) into labels (clusters numbered from nClusters on, in the order
 * of their first core row, which goes to firstCore unless it is null). Returns the new cluster
 * count, or -1 when the trigger is too large, its coordinates too large for the grid, or it
 * exceeded the visit budget (then labels a..b-1 are left as they were, for the caller to fill).
 */
export const pixelTrigger = pixelKernels();

/** The kernels, closing over their scratch (see the module comment). */
function pixelKernels(): (
  w: PixelWork,
  x: Uint16Array,
  y: Uint16Array,
  tof: Float64Array,
  scale: number,
  a: number,
  b: number,
  labels: Int32Array,
  firstCore: Int32Array | null,
  nClusters: number,
) => number {
  /** Per pixel: its primary hit, 0 when none. */
  const HEAD = new Int32Array(GRID_CAP);
  /** Per hit: scaled tof (hit 0: NaN), grid index, next hit of the pixel's chain. */
  const ST = new Float64Array(HIT_CAP).fill(NaN, 0, 1);
  const PIX = new Int32Array(HIT_CAP);
  const NEXT = new Int32Array(HIT_CAP);
  /** Per hit: neighbour count (label() turns it into the core flag, 1 or 0); union-find parent. */
  const CNT = new Int32Array(HIT_CAP);
  const PARENT = new Int32Array(HIT_CAP);
  /** The trigger's duplicates. */
  const DUPS = new Int32Array(HIT_CAP);
  /** Per hit: its label (general labelling). */
  const LAB = new Int32Array(HIT_CAP);
  /** Neighbour pairs (h, k) as h << 16 | k (hits are below HIT_CAP = 2^16). */
  const PAIRS = new Int32Array(PAIR_CAP);

  return function pixelTrigger(w, x, y, tof, scale, a, b, labels, firstCore, nClusters) {
    const len = b - a;
    if (len >= HIT_CAP) return -1;
    let nDup = build(w, x, y, tof, scale, a, len);
    if (nDup < 0) {
      // A coordinate beyond the grid: widen it to the trigger's largest coordinate.
      let m = 0;
      for (let r = a; r < b; r++) m = Math.max(m, x[r], y[r]);
      let side = w.side;
      while (side <= m) side *= 2;
      if ((side + 2 * w.pad) ** 2 > GRID_CAP) return -1;
      setSide(w, side);
      nDup = build(w, x, y, tof, scale, a, len);
    }
    const nFast = w.fDelta !== null ? unrolledPairs(w, len) : loopPairs(w, len);
    const np = nDup > 0 && nFast !== BUDGET ? dupPairs(w, len, nDup, nFast) : nFast;
    if (np !== BUDGET) {
      // Neighbour counts: CNT holds each hit's count as the first of the nFast forward pairs.
      for (let e = nFast; e < np; e++) CNT[PAIRS[e] >>> 16]++;
      if (w.minS <= 3) {
        // Union every pair while counting (see the module comment); labelAll clears HEAD.
        for (let e = 0; e < np; e++) {
          const v = PAIRS[e] & 0xffff;
          CNT[v]++;
          union(PAIRS[e] >>> 16, v);
        }
        const nc = labelAll(w.minS, len, a - 1, labels, firstCore, nClusters);
        if (nc >= 0) return nc;
      } else for (let e = 0; e < np; e++) CNT[PAIRS[e] & 0xffff]++;
    }
    // The lists are not needed any more: clear the touched pixels for the next trigger.
    for (let l = 1; l <= len; l++) HEAD[PIX[l]] = 0;
    if (np === BUDGET) return -1;
    return label(w.minS, len, np, a - 1, labels, firstCore, nClusters);
  };

  /**
   * Scaled tof and grid index of hits 1..len (rows a..), chained per pixel; returns the number of
   * duplicates, or -1 (nothing left in HEAD) when a coordinate is not below the grid side.
   */
  function build(
    w: PixelWork,
    x: Uint16Array,
    y: Uint16Array,
    tof: Float64Array,
    scale: number,
    a: number,
    len: number,
  ): number {
    const { side, stride, pad } = w;
    let nDup = 0;
    for (let l = 1, r = a; l <= len; l++, r++) {
      const xl = x[r];
      const yl = y[r];
      // side is a power of two: both below it exactly when their bitwise or is.
      if ((xl | yl) >= side) {
        for (let k = 1; k < l; k++) HEAD[PIX[k]] = 0;
        return -1;
      }
      const c = (yl + pad) * stride + xl + pad;
      ST[l] = tof[r] * scale;
      PIX[l] = c;
      PARENT[l] = l;
      const h = HEAD[c];
      if (h === 0) {
        HEAD[c] = l;
        NEXT[l] = 0;
      } else {
        NEXT[l] = NEXT[h];
        NEXT[h] = l;
        DUPS[nDup++] = l;
      }
    }
    return nDup;
  }

  /**
   * Pairs of every hit with the primaries of its forward offsets, the 6 offsets (UNROLLED, padded)
   * written out; a hit's count as the first of a pair goes to CNT (the caller counts the rest).
   */
  function unrolledPairs(w: PixelWork, len: number): number {
    const eps2 = w.eps2;
    const fDelta = w.fDelta as Int32Array;
    const fD2 = w.fD2 as Float64Array;
    const o0 = fDelta[0];
    const o1 = fDelta[1];
    const o2 = fDelta[2];
    const o3 = fDelta[3];
    const o4 = fDelta[4];
    const o5 = fDelta[5];
    const e0 = fD2[0];
    const e1 = fD2[1];
    const e2 = fD2[2];
    const e3 = fD2[3];
    const e4 = fD2[4];
    const e5 = fD2[5];
    // At most 6 * (HIT_CAP - 1) < PAIR_CAP pairs: no capacity check.
    let np = 0;
    for (let p = 1; p <= len; p++) {
      const t = ST[p];
      const c = PIX[p];
      const pk = p << 16;
      const np0 = np;
      let j = HEAD[c + o0];
      let dt = ST[j] - t;
      PAIRS[np] = pk | j;
      np += +(e0 + dt * dt <= eps2);
      j = HEAD[c + o1];
      dt = ST[j] - t;
      PAIRS[np] = pk | j;
      np += +(e1 + dt * dt <= eps2);
      j = HEAD[c + o2];
      dt = ST[j] - t;
      PAIRS[np] = pk | j;
      np += +(e2 + dt * dt <= eps2);
      j = HEAD[c + o3];
      dt = ST[j] - t;
      PAIRS[np] = pk | j;
      np += +(e3 + dt * dt <= eps2);
      j = HEAD[c + o4];
      dt = ST[j] - t;
      PAIRS[np] = pk | j;
      np += +(e4 + dt * dt <= eps2);
      j = HEAD[c + o5];
      dt = ST[j] - t;
      PAIRS[np] = pk | j;
      np += +(e5 + dt * dt <= eps2);
      CNT[p] = np - np0;
    }
    return np;
  }

  /** unrolledPairs for any number of forward offsets; BUDGET when the pair list is full. */
  function loopPairs(w: PixelWork, len: number): number {
    const { delta, d2, eps2 } = w;
    const nOff = delta.length;
    const cap = PAIR_CAP - nOff;
    let np = 0;
    for (let p = 1; p <= len; p++) {
      if (np > cap) return BUDGET;
      const t = ST[p];
      const c = PIX[p];
      const pk = p << 16;
      const np0 = np;
      for (let o = 0; o < nOff; o++) {
        const j = HEAD[c + delta[o]];
        const dt = ST[j] - t;
        PAIRS[np] = pk | j;
        np += +(d2[o] + dt * dt <= eps2);
      }
      CNT[p] = np - np0;
    }
    return np;
  }

  /**
   * Appends the pairs of each duplicate q with every hit of its backward offsets and the earlier
   * hits of its own pixel to the np pairs; BUDGET past the visit budget or a full pair list. A
   * backward pixel's primary is tested without a branch (as in unrolledPairs); its chain is walked
   * only when it has duplicates too.
   */
  function dupPairs(w: PixelWork, len: number, nDup: number, np: number): number {
    const { delta, d2, eps2 } = w;
    const nOff = delta.length;
    let budget = VISITS_PER_HIT * len + VISITS_BASE;
    for (let k = 0; k < nDup; k++) {
      if (np + nOff >= PAIR_CAP) return BUDGET;
      const q = DUPS[k];
      const t = ST[q];
      const c = PIX[q];
      // The pixel's chain holds its primary, then its duplicates newest first.
      for (let j = HEAD[c]; j !== 0; j = NEXT[j]) {
        if (--budget < 0 || np === PAIR_CAP) return BUDGET;
        const dt = ST[j] - t;
        if (j < q && dt * dt <= eps2) PAIRS[np++] = (j << 16) | q;
      }
      for (let o = 0; o < nOff; o++) {
        const d = d2[o];
        let j = HEAD[c - delta[o]];
        let dt = ST[j] - t;
        PAIRS[np] = (j << 16) | q;
        np += +(d + dt * dt <= eps2);
        for (j = NEXT[j]; j !== 0; j = NEXT[j]) {
          if (--budget < 0 || np === PAIR_CAP) return BUDGET;
          dt = ST[j] - t;
          if (d + dt * dt <= eps2) PAIRS[np++] = (j << 16) | q;
        }
      }
    }
    return np;
  }

  /**
   * Labels when every pair has been united and there is no border hit (a hit with a neighbour but
   * not core): components are the clusters, a non-core hit (no neighbours) is noise. Clears HEAD.
   * Returns the new cluster count, or -1 at the first border hit (nothing is final then; PARENT is
   * set up again by label()).
   */
  function labelAll(
    minS: number,
    len: number,
    base: number,
    labels: Int32Array,
    firstCore: Int32Array | null,
    nClusters: number,
  ): number {
    const need = minS - 1;
    // Ascending: a hit's parent (a smaller hit of its component) is done, and its PARENT entry
    // now holds its label, encoded as -1 - label.
    let nc = nClusters;
    for (let l = 1; l <= len; l++) {
      HEAD[PIX[l]] = 0;
      const n = CNT[l];
      let lab = -1;
      if (n >= need) {
        const p = PARENT[l];
        if (p === l) {
          if (firstCore !== null) firstCore[nc] = base + l;
          lab = nc++;
        } else lab = -1 - PARENT[p];
        PARENT[l] = -1 - lab;
      } else if (n > 0) return -1;
      labels[base + l] = lab;
    }
    return nc;
  }

  /**
   * The general labelling (counts done, HEAD cleared): core hits, components of core pairs (root =
   * first row), labels in first-core order, border labels.
   */
  function label(
    minS: number,
    len: number,
    np: number,
    base: number,
    labels: Int32Array,
    firstCore: Int32Array | null,
    nClusters: number,
  ): number {
    const need = minS - 1;
    let borders = 0;
    for (let l = 1; l <= len; l++) {
      const n = CNT[l];
      const c = +(n >= need);
      borders += +(n > 0) & (c ^ 1);
      CNT[l] = c;
      PARENT[l] = l;
    }
    for (let e = 0; e < np; e++) {
      const u = PAIRS[e] >>> 16;
      const v = PAIRS[e] & 0xffff;
      if ((CNT[u] & CNT[v]) === 1) union(u, v);
    }
    let nc = nClusters;
    for (let l = 1; l <= len; l++) {
      let lab = -1;
      if (CNT[l] !== 0) {
        const root = PARENT[PARENT[l]];
        PARENT[l] = root;
        if (root === l) {
          if (firstCore !== null) firstCore[nc] = base + l;
          lab = nc++;
        } else lab = LAB[root];
      }
      LAB[l] = lab;
    }
    if (borders > 0) {
      // A border hit takes the smallest label among its core neighbours.
      for (let e = 0; e < np; e++) {
        const u = PAIRS[e] >>> 16;
        const v = PAIRS[e] & 0xffff;
        const cu = CNT[u];
        if (cu === CNT[v]) continue;
        const hb = cu === 1 ? v : u;
        const lab = LAB[cu === 1 ? u : v];
        if (LAB[hb] < 0 || lab < LAB[hb]) LAB[hb] = lab;
      }
    }
    for (let l = 1; l <= len; l++) labels[base + l] = LAB[l];
    return nc;
  }

  /** Rem's union with splicing, parents pointing down (PARENT[h] <= h). */
  function union(u: number, v: number): void {
    let pu = PARENT[u];
    let pv = PARENT[v];
    while (pu !== pv) {
      if (pu > pv) {
        PARENT[u] = pv;
        if (u === pu) return;
        u = pu;
        pu = PARENT[u];
      } else {
        PARENT[v] = pu;
        if (v === pv) return;
        v = pv;
        pv = PARENT[v];
      }
    }
  }
}
