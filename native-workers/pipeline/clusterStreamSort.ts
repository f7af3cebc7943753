// Cluster stream's per-trigger order: tof ascending, then ToT descending, stable (numpy's
// lexsort), and the gather of each position's tof, ToT and grid cell for the walk.
//
// A stable LSD radix sort (3 passes of 8 bits) on a key that is a function of (tof, ToT) alone:
// tof scaled to the trigger's tof range (15 bits, 16 for triggers over 512 rows), then a descending
// ToT digit (255 - ToT / 25 ns, 0 from 6375 ns up). Rows equal in tof and ToT get equal keys, so
// they keep their order. Rows whose keys tie although their values differ (tofs closer than the
// key's step, ToTs less than 25 ns apart or over 6375 ns) are put right by an insertion pass with
// the exact comparison, run only when the gather finds a pair out of order; when that pass would
// take long (an outlying tof made the step coarse), a comparison sort does the trigger. Within a
// trigger the rows come in readout order, far from sorted, and their tofs cluster in peaks with
// many exact ties, where comparison sorts mispredict most of their branches.
import { sortIndicesByKeyThenDesc } from './indexSort';

/** Rows of one trigger in processing order (positions 0..len-1), and the walk's results. */
export interface TriggerColumns {
  capacity: number;
  ptof: Float64Array;
  ptot: Uint32Array;
  /** Grid cell: (y + 3) * stride + x + 3. */
  cell: Int32Array;
  /** Set by the walk: root position of each position's cluster. */
  root: Int32Array;
  /** Set by the walk: cluster size, at the root's position. */
  count: Int32Array;
  /** Centroid sums at the root's position: ToT, x*ToT, y*ToT, tof*ToT; max ToT. */
  sTot: Float64Array;
  sx: Float64Array;
  sy: Float64Array;
  st: Float64Array;
  mTot: Float64Array;
}

export interface SortScratch {
  key: Int32Array;
  tmp: Int32Array;
  perm: Int32Array;
  /** Three 256-bucket histograms, all zero between calls. */
  counts: Int32Array;
  index: Uint32Array;
}

export function newSortScratch(capacity: number): SortScratch {
  return {
    key: new Int32Array(capacity),
    tmp: new Int32Array(capacity),
    perm: new Int32Array(capacity),
    counts: new Int32Array(768),
    index: new Uint32Array(capacity),
  };
}

type Rows = {
  x: Uint16Array;
  y: Uint16Array;
  tof: Float64Array;
  tot: Uint32Array;
};

const PAD = 3;

/**
 * Orders the trigger's rows a..a+len-1 into order[a..a+len) and gathers them into cols; returns
 * the OR of their ToTs. lo, hi: the smallest and largest tof (lo NaN when some tof is NaN).
 */
export function sortTrigger(
  rows: Rows,
  a: number,
  len: number,
  lo: number,
  hi: number,
  stride: number,
  order: Uint32Array,
  cols: TriggerColumns,
  s: SortScratch,
): number {
  const span = hi - lo;
  if (len <= 65536 && span < Infinity) {
    const totBits =
      len <= 512 ? radixSmall(rows, a, len, lo, span, s) : radixLarge(rows, a, len, lo, span, s);
    const sorted = len <= 512 ? s.tmp : s.perm;
    const mask = len <= 512 ? 511 : 0xffff;
    if (gather(rows, a, len, sorted, mask, stride, order, cols) || insertionFix(order, a, len, cols)) {
      return totBits;
    }
  }
  // Not finite tofs, over 2^16 rows, or keys too coarse: sort by comparison.
  for (let k = 0; k < len; k++) order[a + k] = a + k;
  sortIndicesByKeyThenDesc(order, a, a + len, rows.tof, rows.tot, s.index);
  const { tof, tot, x, y } = rows;
  const { ptof, ptot, cell } = cols;
  const border = PAD * stride + PAD;
  let totBits = 0;
  for (let p = 0; p < len; p++) {
    const r = order[a + p];
    ptof[p] = tof[r];
    ptot[p] = tot[r];
    totBits |= tot[r];
    cell[p] = y[r] * stride + x[r] + border;
  }
  return totBits;
}

/**
 * Key and local index packed in one word (tof 15 bits, ToT digit 8 bits, index 9 bits), sorted into
 * s.tmp. Returns the OR of the ToTs.
 */
function radixSmall(rows: Rows, a: number, len: number, lo: number, span: number, s: SortScratch): number {
  const { tof, tot } = rows;
  const { key, tmp, counts } = s;
  const scale = span > 0 ? 32767 / span : 0;
  let totBits = 0;
  for (let k = 0; k < len; k++) {
    const q = ((tof[a + k] - lo) * scale) & 0x7fff;
    const g = tot[a + k];
    totBits |= g;
    const d = g >= 6375 ? 0 : (255 - g * 0.04) | 0;
    key[k] = (q << 17) | (d << 9) | k;
    counts[d]++;
    counts[256 + (q & 255)]++;
    counts[512 + (q >>> 8)]++;
  }
  prefixSums(counts);
  for (let k = 0; k < len; k++) {
    const v = key[k];
    tmp[counts[(v >>> 9) & 255]++] = v;
  }
  for (let j = 0; j < len; j++) {
    const v = tmp[j];
    key[counts[256 + ((v >>> 17) & 255)]++] = v;
  }
  for (let j = 0; j < len; j++) {
    const v = key[j];
    tmp[counts[512 + (v >>> 25)]++] = v;
  }
  counts.fill(0);
  return totBits;
}

/**
 * Keys (tof 16 bits, ToT digit 8 bits) in s.key, apart from the local indices, which are sorted
 * into s.perm. Returns the OR of the ToTs.
 */
function radixLarge(rows: Rows, a: number, len: number, lo: number, span: number, s: SortScratch): number {
  const { tof, tot } = rows;
  const { key, tmp, perm, counts } = s;
  const scale = span > 0 ? 65535 / span : 0;
  let totBits = 0;
  for (let k = 0; k < len; k++) {
    const q = ((tof[a + k] - lo) * scale) & 0xffff;
    const g = tot[a + k];
    totBits |= g;
    const d = g >= 6375 ? 0 : (255 - g * 0.04) | 0;
    key[k] = (q << 8) | d;
    counts[d]++;
    counts[256 + (q & 255)]++;
    counts[512 + (q >>> 8)]++;
  }
  prefixSums(counts);
  for (let k = 0; k < len; k++) perm[counts[key[k] & 255]++] = k;
  for (let j = 0; j < len; j++) {
    const k = perm[j];
    tmp[counts[256 + ((key[k] >>> 8) & 255)]++] = k;
  }
  for (let j = 0; j < len; j++) {
    const k = tmp[j];
    perm[counts[512 + (key[k] >>> 16)]++] = k;
  }
  counts.fill(0);
  return totBits;
}

/**
 * Writes the sorted rows (local index = sorted[p] & mask) into order and cols; true when they are
 * in order (the keys can tie for different values; checked without branches).
 */
function gather(
  rows: Rows,
  a: number,
  len: number,
  sorted: Int32Array,
  mask: number,
  stride: number,
  order: Uint32Array,
  cols: TriggerColumns,
): boolean {
  const { tof, tot, x, y } = rows;
  const { ptof, ptot, cell } = cols;
  const border = PAD * stride + PAD;
  let bad = 0;
  let tp = -Infinity;
  let gp = 0;
  for (let p = 0; p < len; p++) {
    const r = a + (sorted[p] & mask);
    const t = tof[r];
    const g = tot[r];
    ptof[p] = t;
    ptot[p] = g;
    cell[p] = y[r] * stride + x[r] + border;
    order[a + p] = r;
    bad |= +(tp > t) | (+(tp === t) & +(gp < g));
    tp = t;
    gp = g;
  }
  return bad === 0;
}

/** Turns the three histograms in counts into exclusive prefix sums (bucket starts). */
function prefixSums(counts: Int32Array): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  for (let d = 0; d < 256; d++) {
    const c0 = counts[d];
    counts[d] = s0;
    s0 += c0;
    const c1 = counts[256 + d];
    counts[256 + d] = s1;
    s1 += c1;
    const c2 = counts[512 + d];
    counts[512 + d] = s2;
    s2 += c2;
  }
}

/**
 * Insertion sort of the gathered positions with the exact comparison (stable); false when it
 * would take more than about 8 moves per row (order then still lists the trigger's rows).
 */
function insertionFix(order: Uint32Array, a: number, len: number, cols: TriggerColumns): boolean {
  const { ptof, ptot, cell } = cols;
  let budget = 8 * len + 64;
  for (let j = 1; j < len; j++) {
    const t = ptof[j];
    const g = ptot[j];
    const c = cell[j];
    const r = order[a + j];
    let i = j;
    for (; i > 0; i--) {
      const tp = ptof[i - 1];
      if (tp < t || (tp === t && ptot[i - 1] >= g)) break;
      ptof[i] = tp;
      ptot[i] = ptot[i - 1];
      cell[i] = cell[i - 1];
      order[a + i] = order[a + i - 1];
    }
    ptof[i] = t;
    ptot[i] = g;
    cell[i] = c;
    order[a + i] = r;
    budget -= j - i;
    if (budget < 0) return false;
  }
  return true;
}
