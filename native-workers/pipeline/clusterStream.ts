// Cluster stream: the reference's alternative to DBSCAN, one walk over each trigger's hits in time
// order. Per trigger, hits are sorted by tof ascending then ToT descending (stable); each hit writes
// its index into a pixel grid (most recent hit per pixel), then looks at earlier hits in rings of
// growing distance (up to 3 px, the fixed ring order below). A neighbour is a predecessor when
// 0 <= tof - tof_nb < maxDistTof and tot_nb > tot * totOffset; the hit joins the cluster of the
// lowest-index predecessor in the first ring that has one, otherwise it roots a new cluster.
// Clusters with fewer than minClusterSize hits are dropped. Defect of the reference FIXED: it labels
// a cluster by its root's index and treats label 0 as noise, losing the cluster rooted at the first
// hit of every trigger; here that cluster is kept.
//
// The grid covers the sensor's bounding box (Decision 10; grown to the data if a hit lies outside)
// plus a 3 px border. It is never cleared: it stores positions + 1, and an entry from before the
// current group is stale. Groups: a trigger's hits split where consecutive tofs are maxDistTof or
// more apart; no hit can have a predecessor in an earlier group (its tof is too far), so each group
// is walked alone, exactly as in one walk. A group smaller than minClusterSize only yields dropped
// clusters (skipped). A group whose bounding box fits a 32 x 32 px grid (border included) walks a
// small grid that stays in L1 cache, with one 32-bit occupancy mask per grid row: a hit reads the
// masks of its 7 x 7 neighbourhood once and then visits only the occupied pixels of each ring, so
// most empty probes (and their mispredicted branches) disappear; the choice among the occupied
// ones is the same as the full scan's.
import type { EventBatch } from '../../shared/batches';
import { sortIndicesByKey, sortIndicesByKeyThenDesc } from './indexSort';

export interface ClusterStreamParams {
  /** Largest tof difference (s) to a predecessor (exclusive). */
  maxDistTof: number;
  /** A predecessor must have tot > tot * this. */
  totOffset: number;
  /** Clusters with fewer hits are dropped. */
  minClusterSize: number;
}

export type ClusterStreamRows = Pick<EventBatch, 'n' | 'triggerNr' | 'x' | 'y' | 'tof' | 'tot'>;

export interface ClusterStreamResult {
  /** Processing order: rows grouped by trigger ascending, each trigger by tof asc, ToT desc. */
  order: Uint32Array;
  /** Cluster label per position of `order` (not per row), or -1; numbered by trigger, then root. */
  labels: Int32Array;
  nClusters: number;
}

/** Neighbour rings in the reference's order, (dx, dy). */
export const CLUSTER_STREAM_RINGS: readonly (readonly (readonly [number, number])[])[] = [
  [
    [-1, 0],
    [1, 0],
    [0, -1],
    [0, 1],
  ],
  [
    [-1, -1],
    [1, -1],
    [-1, 1],
    [1, 1],
  ],
  [
    [-2, 0],
    [2, 0],
    [0, -2],
    [0, 2],
  ],
  [
    [-2, 1],
    [-1, 2],
    [1, 2],
    [2, 1],
    [2, -1],
    [1, -2],
    [-1, -2],
    [-2, -1],
  ],
  [
    [-2, 2],
    [2, 2],
    [2, -2],
    [-2, -2],
  ],
  [
    [-3, 0],
    [0, 3],
    [3, 0],
    [0, -3],
  ],
  [
    [-3, 1],
    [-1, 3],
    [1, 3],
    [3, 1],
    [3, -1],
    [1, -3],
    [-1, -3],
    [-3, -1],
  ],
  [
    [-3, -2],
    [3, -2],
    [-3, 2],
    [3, 2],
    [-2, -3],
    [2, -3],
    [-2, 3],
    [2, 3],
  ],
];

const PAD = 3;
/** Side of the small per-group grid (px, border included): one Int32 occupancy mask per row. */
const LOCAL = 32;

/** Cluster-stream labels; rows may come in any order (they are grouped by trigger, stably). */
export function clusterStream(
  rows: ClusterStreamRows,
  params: ClusterStreamParams,
  gridWidth = 256,
  gridHeight = 256,
): ClusterStreamResult {
  const n = rows.n;
  const order = new Uint32Array(n);
  const labels = new Int32Array(n);
  if (n === 0) return { order, labels, nClusters: 0 };
  const { triggerNr, x, y, tof, tot } = rows;
  const { maxDistTof, totOffset } = params;
  const minSize = params.minClusterSize;

  // Trigger runs: the rows themselves when already grouped (the usual case), else a stable sort.
  let maxX = gridWidth - 1;
  let maxY = gridHeight - 1;
  let grouped = true;
  let maxLen = 0;
  let runStart = 0;
  for (let i = 0; i < n; i++) {
    order[i] = i;
    if (x[i] > maxX) maxX = x[i];
    if (y[i] > maxY) maxY = y[i];
    if (i > 0 && triggerNr[i] !== triggerNr[i - 1]) {
      if (triggerNr[i] < triggerNr[i - 1]) grouped = false;
      if (i - runStart > maxLen) maxLen = i - runStart;
      runStart = i;
    }
  }
  if (n - runStart > maxLen) maxLen = n - runStart;
  if (!grouped) {
    sortIndicesByKey(order, 0, n, triggerNr, new Uint32Array(n));
    maxLen = 0;
    for (let a = 0, b = 0; a < n; a = b) {
      while (b < n && triggerNr[order[b]] === triggerNr[order[a]]) b++;
      if (b - a > maxLen) maxLen = b - a;
    }
  }

  const stride = maxX + 1 + 2 * PAD;
  const big: Grid = {
    cells: new Int32Array(stride * (maxY + 1 + 2 * PAD)),
    delta: ringDeltas(stride),
    stride,
  };
  const small: Grid = { cells: new Int32Array(LOCAL * LOCAL), delta: ringDeltas(LOCAL), stride: LOCAL };
  const occupied = new Int32Array(LOCAL);
  const w: Walk = {
    ptof: new Float64Array(maxLen),
    ptot: new Float64Array(maxLen),
    px: new Int32Array(maxLen),
    py: new Int32Array(maxLen),
    root: new Int32Array(maxLen),
    count: new Int32Array(maxLen),
    maxDistTof,
    totOffset,
  };
  const tmp = new Uint32Array(maxLen);
  let nClusters = 0;

  for (let a = 0, b = 0; a < n; a = b) {
    const trig = triggerNr[order[a]];
    while (b < n && triggerNr[order[b]] === trig) b++;
    const len = b - a;
    sortIndicesByKeyThenDesc(order, a, b, tof, tot, tmp);
    const { ptof, ptot, px, py, root, count } = w;
    for (let k = 0; k < len; k++) {
      const r = order[a + k];
      ptof[k] = tof[r];
      ptot[k] = tot[r];
      px[k] = x[r];
      py[k] = y[r];
    }
    for (let g0 = 0, g1 = 0; g0 < len; g0 = g1) {
      let x0 = px[g0];
      let x1 = x0;
      let y0 = py[g0];
      let y1 = y0;
      for (g1 = g0 + 1; g1 < len && ptof[g1] - ptof[g1 - 1] < maxDistTof; g1++) {
        const xi = px[g1];
        const yi = py[g1];
        if (xi < x0) x0 = xi;
        else if (xi > x1) x1 = xi;
        if (yi < y0) y0 = yi;
        else if (yi > y1) y1 = yi;
      }
      if (g1 - g0 < minSize) {
        for (let k = g0; k < g1; k++) root[k] = -1;
        continue;
      }
      // Positions are stamped a + k + 1 (global); stale when at or below a + g0.
      if (x1 - x0 < LOCAL - 2 * PAD && y1 - y0 < LOCAL - 2 * PAD) {
        walkGroupMasked(w, small, occupied, g0, g1, a, x0 - PAD, y0 - PAD);
      } else walkGroup(w, big, g0, g1, a, -PAD, -PAD);
    }
    // Number the kept clusters of this trigger in root order (the reference's np.unique order).
    for (let k = 0; k < len; k++) {
      const rt = root[k];
      if (rt < 0 || count[rt] < minSize) labels[a + k] = -1;
      else labels[a + k] = rt === k ? nClusters++ : labels[a + rt];
    }
  }
  return { order, labels, nClusters };
}

interface Grid {
  cells: Int32Array;
  delta: Int32Array;
  stride: number;
}

/** One trigger's hits in processing order, and per position the root position and cluster size. */
interface Walk {
  ptof: Float64Array;
  ptot: Float64Array;
  px: Int32Array;
  py: Int32Array;
  root: Int32Array;
  count: Int32Array;
  maxDistTof: number;
  totOffset: number;
}

/** The walk over positions g0..g1-1 of the trigger at global position a; grid origin (ox, oy). */
function walkGroup(w: Walk, grid: Grid, g0: number, g1: number, a: number, ox: number, oy: number): void {
  const { ptof, ptot, px, py, root, count, maxDistTof, totOffset } = w;
  const { cells, delta, stride } = grid;
  const stale = a + g0;
  for (let k = g0; k < g1; k++) {
    const tk = ptof[k];
    const c = (py[k] - oy) * stride + px[k] - ox;
    cells[c] = a + k + 1;
    count[k] = 0;
    const limit = ptot[k] * totOffset;
    // prev: the predecessor's position, k while there is none.
    let prev = k;
    let o = 0;
    for (let ring = 0; ring < RING_END.length; ring++) {
      const end = RING_END[ring];
      for (; o < end; o++) {
        const v = cells[c + delta[o]];
        if (v <= stale) continue;
        const i2 = v - a - 1;
        if (i2 >= prev) continue;
        const d = tk - ptof[i2];
        if (d < maxDistTof && d >= 0 && ptot[i2] > limit) prev = i2;
      }
      if (prev < k) break;
    }
    const rt = prev < k ? root[prev] : k;
    root[k] = rt;
    count[rt]++;
  }
}

/**
 * walkGroup on the small grid, visiting only occupied pixels (set by this group's hits, cleared
 * after it, so their cells are never stale). Window bits: word 0 holds rows
 * dy = -3..0 (7 bits each, dx = -3..3), word 1 rows dy = 1..3; MASKED tells, per ring, which bits
 * are its pixels and where they are in the grid.
 */
function walkGroupMasked(
  w: Walk,
  grid: Grid,
  occupied: Int32Array,
  g0: number,
  g1: number,
  a: number,
  ox: number,
  oy: number,
): void {
  const { ptof, ptot, px, py, root, count, maxDistTof, totOffset } = w;
  const { cells } = grid;
  const { ring0, ring1, delta0, delta1 } = MASKED;
  for (let k = g0; k < g1; k++) {
    const tk = ptof[k];
    const lx = px[k] - ox;
    const ly = py[k] - oy;
    const c = ly * LOCAL + lx;
    cells[c] = a + k + 1;
    occupied[ly] |= 1 << lx;
    count[k] = 0;
    const s = lx - PAD;
    const w0 =
      ((occupied[ly - 3] >>> s) & 127) |
      (((occupied[ly - 2] >>> s) & 127) << 7) |
      (((occupied[ly - 1] >>> s) & 127) << 14) |
      (((occupied[ly] >>> s) & 127) << 21);
    const w1 =
      ((occupied[ly + 1] >>> s) & 127) |
      (((occupied[ly + 2] >>> s) & 127) << 7) |
      (((occupied[ly + 3] >>> s) & 127) << 14);
    const limit = ptot[k] * totOffset;
    let prev = k;
    for (let ring = 0; ring < RING_END.length; ring++) {
      let m0 = w0 & ring0[ring];
      let m1 = w1 & ring1[ring];
      if ((m0 | m1) === 0) continue;
      for (; m0 !== 0; m0 &= m0 - 1) {
        const i2 = cells[c + delta0[31 - Math.clz32(m0 & -m0)]] - a - 1;
        if (i2 >= prev) continue;
        const d = tk - ptof[i2];
        if (d < maxDistTof && d >= 0 && ptot[i2] > limit) prev = i2;
      }
      for (; m1 !== 0; m1 &= m1 - 1) {
        const i2 = cells[c + delta1[31 - Math.clz32(m1 & -m1)]] - a - 1;
        if (i2 >= prev) continue;
        const d = tk - ptof[i2];
        if (d < maxDistTof && d >= 0 && ptot[i2] > limit) prev = i2;
      }
      if (prev < k) break;
    }
    const rt = prev < k ? root[prev] : k;
    root[k] = rt;
    count[rt]++;
  }
  for (let k = g0; k < g1; k++) occupied[py[k] - oy] = 0;
}

/** Window-bit layout of the rings for walkGroupMasked (see there). */
const MASKED = ((): { ring0: Int32Array; ring1: Int32Array; delta0: Int32Array; delta1: Int32Array } => {
  const ring0 = new Int32Array(CLUSTER_STREAM_RINGS.length);
  const ring1 = new Int32Array(CLUSTER_STREAM_RINGS.length);
  const delta0 = new Int32Array(32);
  const delta1 = new Int32Array(32);
  CLUSTER_STREAM_RINGS.forEach((ring, r) => {
    for (const [dx, dy] of ring) {
      if (dy <= 0) {
        const bit = (dy + 3) * 7 + dx + 3;
        ring0[r] |= 1 << bit;
        delta0[bit] = dy * LOCAL + dx;
      } else {
        const bit = (dy - 1) * 7 + dx + 3;
        ring1[r] |= 1 << bit;
        delta1[bit] = dy * LOCAL + dx;
      }
    }
  });
  return { ring0, ring1, delta0, delta1 };
})();

const RING_END = ((): Int32Array => {
  const ends = new Int32Array(CLUSTER_STREAM_RINGS.length);
  CLUSTER_STREAM_RINGS.reduce((end, ring, i) => (ends[i] = end + ring.length), 0);
  return ends;
})();

function ringDeltas(stride: number): Int32Array {
  return new Int32Array(CLUSTER_STREAM_RINGS.flat().map(([dx, dy]) => dy * stride + dx));
}
