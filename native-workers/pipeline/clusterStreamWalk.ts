// Cluster stream's walk over one trigger's positions in processing order (see clusterStream.ts for
// the rule): per position, its root position (root) and per root the cluster size (count).
//
// Tofs ascend along the positions, so the earlier hits within maxDistTof of hit k are the positions
// lo..k-1 for a lo that only grows: one pointer replaces the tof test. The fast path packs a cell as
// ToT << 15 | position + 1 (triggers under 32767 rows, ToTs under 65536 ns) and clears it when its
// position leaves the time window, so a cell is a candidate when its value alone reaches a threshold
// (ToT high enough, not empty). It tests the first ring, where nearly all hits find their
// predecessor, without branches. A hit with none there first asks a map of 8 x 8 px blocks (most
// recent hit per block) whether any hit near enough in time lies within 3 px; usually none does (a
// new cluster) and the 36 outer cells are not read. Other triggers take the plain walk: cells hold
// the global position + 1 and the ToT, and are never cleared (older positions are stale). Global
// positions (stamps) grow from call to call (clusterStream.ts), so the block map and the plain grid
// need no clearing either.
import { CLUSTER_STREAM_RINGS } from './clusterStreamRings';
import type { TriggerColumns } from './clusterStreamSort';

export interface WalkParams {
  maxDistTof: number;
  totOffset: number;
}

export interface WalkGrids {
  /** Cells per grid row: sensor width + 2 * 3 px border, rounded up to a power of 2 (1 << shift). */
  stride: number;
  shift: number;
  /** Grid rows: sensor height + 2 * 3 px border. */
  height: number;
  /** Packed cells of the fast path, all zero between triggers. */
  packed: Int32Array;
  /** Most recent global position + 1 per 8 x 8 block of grid cells (see walkPacked). */
  blocks: Int32Array;
  /** Fast path's ring offsets in cells, rings 2..8. */
  outer: Int32Array;
  /** Plain walk's grid (global position + 1, ToT per cell), allocated when first needed. */
  plain: Int32Array | null;
  /** Plain walk's ring offsets in Int32 elements (2 per cell). */
  delta: Int32Array;
}

const PAD = 3;
/** Fast path: cells hold ToT << 15 | position + 1, positions + 1 below NONE. */
const NONE = 0x7fff;

export function newWalkGrids(width: number, height: number): WalkGrids {
  const shift = 32 - Math.clz32(width + 2 * PAD - 1);
  const stride = 1 << shift;
  const rows = height + 2 * PAD;
  const offsets = CLUSTER_STREAM_RINGS.flat().map(([dx, dy]) => dy * stride + dx);
  return {
    stride,
    shift,
    height: rows,
    packed: new Int32Array(stride * rows),
    blocks: new Int32Array((stride * rows) >> 3),
    outer: new Int32Array(offsets.slice(CLUSTER_STREAM_RINGS[0].length)),
    plain: null,
    delta: new Int32Array(offsets.map((d) => 2 * d)),
  };
}

/**
 * Positions 0..len-1 of the trigger at global position a; totBits: the OR of their ToTs (the fast
 * path needs them below 2^16).
 */
export function walkTrigger(
  cols: TriggerColumns,
  len: number,
  a: number,
  totBits: number,
  grids: WalkGrids,
  params: WalkParams,
): void {
  cols.count.fill(0, 0, len);
  if (len < NONE && totBits >>> 16 === 0) walkPacked(cols, len, a, grids, params);
  else walkPlain(cols, len, a, grids, params);
}

function walkPacked(
  cols: TriggerColumns,
  len: number,
  a: number,
  grids: WalkGrids,
  params: WalkParams,
): void {
  const { ptof, ptot, cell, root, count } = cols;
  const { maxDistTof, totOffset } = params;
  const { packed, stride, shift, blocks, outer } = grids;
  // Block of cell c: (c >> 3) with the low 3 bits of the row cleared (blocks are 8 x 8 cells).
  const blockMask = ~(7 << (shift - 3));
  const up = 3 * stride + 3;
  const down = 3 * stride - 3;
  let lo = 0;
  for (let k = 0; k < len; k++) {
    const tk = ptof[k];
    while (lo < k && !(tk - ptof[lo] < maxDistTof)) {
      // Position lo leaves the time window: it gives up its cell, unless a later hit took it.
      const cl = cell[lo++];
      if ((packed[cl] & 0x7fff) === lo) packed[cl] = 0;
    }
    const c = cell[k];
    const tt = ptot[k];
    packed[c] = (tt << 15) | (k + 1);
    // A cell is a candidate when it reaches thr: ToT > tt * totOffset, and not empty. Per ring-1
    // cell, its position + 1 when a candidate, else 0x7fff; their minimum, all without branches
    // (module constants and helpers would cost loads and checks here).
    const limit = tt * totOffset;
    const thr = limit >= 0 && limit < 65535 ? (((limit | 0) + 1) << 15) | 1 : limit < 0 ? 1 : 0x7fffffff;
    const v0 = packed[c - 1];
    const v1 = packed[c + 1];
    const v2 = packed[c - stride];
    const v3 = packed[c + stride];
    const c0 = ((v0 & 0x7fff) | ((v0 - thr) >> 31)) & 0x7fff;
    const c1 = ((v1 & 0x7fff) | ((v1 - thr) >> 31)) & 0x7fff;
    const c2 = ((v2 & 0x7fff) | ((v2 - thr) >> 31)) & 0x7fff;
    const c3 = ((v3 & 0x7fff) | ((v3 - thr) >> 31)) & 0x7fff;
    const d01 = c0 - c1;
    const m01 = c1 + (d01 & (d01 >> 31));
    const d23 = c2 - c3;
    const m23 = c3 + (d23 & (d23 >> 31));
    const dm = m01 - m23;
    const m = m23 + (dm & (dm >> 31));
    let prev = m - 1;
    if (m === 0x7fff) {
      // The 7 x 7 neighbourhood lies in the blocks of its 4 corners.
      prev = k;
      const stale = a + lo;
      if (
        blocks[((c - up) >> 3) & blockMask] > stale ||
        blocks[((c - down) >> 3) & blockMask] > stale ||
        blocks[((c + down) >> 3) & blockMask] > stale ||
        blocks[((c + up) >> 3) & blockMask] > stale
      ) {
        prev = searchOuter(packed, outer, c, thr, k);
      }
    }
    // A root is its own root: prev = k reads back k.
    root[k] = k;
    const rt = root[prev];
    root[k] = rt;
    count[rt]++;
    blocks[(c >> 3) & blockMask] = a + k + 1;
  }
  for (let k = lo; k < len; k++) packed[cell[k]] = 0;
}

/** Lowest candidate position in the first of rings 2..8 that has one, else k. */
function searchOuter(packed: Int32Array, outer: Int32Array, c: number, thr: number, k: number): number {
  let m = NONE;
  let o = 0;
  for (let ring = 1; ring < RING_END.length; ring++) {
    const end = RING_END[ring] - RING_END[0];
    for (; o < end; o++) {
      const v = packed[c + outer[o]];
      if (v >= thr && (v & NONE) < m) m = v & NONE;
    }
    if (m !== NONE) return m - 1;
  }
  return k;
}

/** Any trigger: grid cells hold (global position + 1, ToT), stale at or below a + lo. */
function walkPlain(cols: TriggerColumns, len: number, a: number, grids: WalkGrids, params: WalkParams): void {
  const { ptof, ptot, cell, root, count } = cols;
  const { maxDistTof, totOffset } = params;
  if (grids.plain === null) grids.plain = new Int32Array(2 * grids.packed.length);
  const { plain, delta } = grids;
  let lo = 0;
  for (let k = 0; k < len; k++) {
    const tk = ptof[k];
    while (lo < k && !(tk - ptof[lo] < maxDistTof)) lo++;
    const c = 2 * cell[k];
    const tt = ptot[k];
    plain[c] = a + k + 1;
    plain[c + 1] = tt;
    const limit = tt * totOffset;
    const stale = a + lo;
    let prev = k;
    let o = 0;
    for (let ring = 0; ring < RING_END.length; ring++) {
      const end = RING_END[ring];
      for (; o < end; o++) {
        const v = plain[c + delta[o]];
        if (v <= stale) continue;
        const i2 = v - a - 1;
        if (i2 < prev && plain[c + delta[o] + 1] >>> 0 > limit) prev = i2;
      }
      if (prev < k) break;
    }
    const rt = prev < k ? root[prev] : k;
    root[k] = rt;
    count[rt]++;
  }
}

/** Offset (in ring-order cells) where each ring ends. */
const RING_END = ((): Int32Array => {
  const ends = new Int32Array(CLUSTER_STREAM_RINGS.length);
  CLUSTER_STREAM_RINGS.reduce((end, ring, i) => (ends[i] = end + ring.length), 0);
  return ends;
})();
