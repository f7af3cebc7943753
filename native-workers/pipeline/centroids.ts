// Centroid properties of labelled clusters (both clustering algorithms end here): one pass over the
// rows accumulates, per cluster, the ToT sum, the ToT-weighted x, y and tof sums, the hit count and
// the max-ToT hit (in a small cache of clusters, written back to the output columns); a second pass
// over the clusters divides. No allocation per cluster. The arithmetic follows the reference (numpy/scipy.ndimage), which sums each
// cluster's values in the order its rows are visited (np.bincount) and then divides:
//   x = sum(x*tot)/sum(tot), y likewise, tof = sum(tof*tot)/sum(tot), tot avg = sum(tot)/size.
// x*tot and the ToT sums are integers below 2^53, so only the tof sum depends on the visiting order;
// callers visit rows in the reference's order (DBSCAN: trigger-sorted row order; cluster stream: the
// tof-ascending, ToT-descending order it clusters in).
import { emptyCentroidBatch, type CentroidBatch, type EventBatch } from '../../shared/batches';

/**
 * Builds one centroid per cluster label 0..nClusters-1, in label order.
 *
 * @param rows the event rows; `labels[k]` belongs to row `order[k]` (or row k when order is null).
 * @param labels cluster label per visited position, -1 for noise (not counted).
 * @param nVisit positions visited, 0..nVisit-1 (labels and order may be longer).
 * @param centroidLut optional centroid time-walk table in seconds (Decision 4): entry i corrects
 *   ToT (i + 1) * 25 ns; tof -= lut[clamp(floor(totMax / 25) - 1, 0, len - 1)].
 */
export function centroidsFromLabels(
  rows: EventBatch,
  order: Uint32Array | null,
  labels: Int32Array,
  nVisit: number,
  nClusters: number,
  centroidLut?: Float64Array,
): CentroidBatch {
  const out = emptyCentroidBatch(nClusters);
  out.n = nClusters;
  if (nClusters === 0) return out;
  // Accumulators live in the output columns: x, y, tof hold weighted sums, totAvg the ToT sum,
  // size the count, until the final pass divides.
  out.totMax.fill(-1);
  accumulate(rows, order, labels, nVisit, out);
  const { x: sx, y: sy, tof: st, totAvg: sTot, totMax: mTot, size: cnt } = out;
  const lut = centroidLut !== undefined && centroidLut.length > 0 ? centroidLut : null;
  for (let c = 0; c < nClusters; c++) {
    const sum = sTot[c];
    sx[c] = sx[c] / sum;
    sy[c] = sy[c] / sum;
    st[c] = st[c] / sum;
    sTot[c] = sum / cnt[c];
    if (lut !== null) st[c] -= lut[lutIndex(mTot[c], lut.length)];
  }
  return out;
}

/**
 * Centroids written one cluster at a time by the fused paths (clustering inside the trigger loop,
 * while its rows are in L1): growable columns, cut to size by takeCentroids.
 */
export interface CentroidSink {
  out: CentroidBatch;
  lut: Float64Array | null;
}

/**
 * A sink with room for `capacity` centroids (it grows by doubling past that); `reuse`: a sink whose
 * columns it may take over (when they hold at least that many; its centroids are dropped).
 */
export function newCentroidSink(
  capacity: number,
  centroidLut?: Float64Array,
  reuse: CentroidSink | null = null,
): CentroidSink {
  const lut = centroidLut !== undefined && centroidLut.length > 0 ? centroidLut : null;
  const size = Math.max(1024, capacity);
  if (reuse === null || reuse.out.x.length < size) return { out: emptyCentroidBatch(size), lut };
  reuse.out.n = 0;
  reuse.lut = lut;
  return reuse;
}

/** Room for k more centroids. */
export function reserveCentroids(sink: CentroidSink, k: number): CentroidBatch {
  const old = sink.out;
  if (old.n + k <= old.x.length) return old;
  const out = emptyCentroidBatch(Math.max(old.n + k, 2 * old.x.length));
  out.n = old.n;
  for (const c of CENTROID_COLUMNS) out[c].set(old[c].subarray(0, old.n));
  sink.out = out;
  return out;
}

/** The centroids written, in columns of exactly their length. */
export function takeCentroids(sink: CentroidSink): CentroidBatch {
  const { out } = sink;
  const n = out.n;
  const exact = emptyCentroidBatch(0);
  exact.n = n;
  for (const c of CENTROID_COLUMNS) exact[c] = out[c].slice(0, n);
  return exact;
}

export const CENTROID_COLUMNS = ['triggerNr', 'x', 'y', 'tof', 'totAvg', 'totMax', 'size'] as const;

/** Index of the centroid time-walk entry for a cluster's max ToT: floor(tot/25) - 1, clamped. */
export function lutIndex(totMax: number, length: number): number {
  const i = Math.floor(totMax / 25) - 1;
  return i < 0 ? 0 : i >= length ? length - 1 : i;
}

/** Accumulator slots: a direct-mapped cache of clusters (label & (SLOTS - 1)), 8 doubles each. */
const SLOTS = 1 << 10;
/** Rows per call of the row loop. */
const BLOCK = 4096;

/**
 * The per-row pass. A cluster's running sums sit in a slot of a small cache and go to the output
 * columns when another cluster needs the slot, or at the end; a cluster seen again is loaded back.
 * Moving a double is exact, so each cluster's sums are added in visiting order exactly as if summed
 * in the columns row by row. Clusters live together (one trigger's) have nearby labels, so there is
 * about one miss per cluster. The slots are constant typed arrays of one closure, which TurboFan
 * folds into the code, and the loop makes no call (after a call, every column would be re-checked
 * on every row): together about 1.3x faster than summing in the columns.
 */
const accumulate = accumulator();

function accumulator(): (
  rows: EventBatch,
  order: Uint32Array | null,
  labels: Int32Array,
  nVisit: number,
  out: CentroidBatch,
) => void {
  /** Per slot: ToT sum, x*ToT, y*ToT, tof*ToT sums, count, max ToT, its trigger; and its label. */
  const REC = new Float64Array(SLOTS * 8);
  const TAG = new Int32Array(SLOTS).fill(-1);

  return function accumulate(rows, order, labels, nVisit, out) {
    // In blocks: a function called often is optimized with feedback for all its paths, a single
    // long loop only by on-stack replacement (which then deoptimizes on the first untaken path).
    let top = -1;
    for (let k0 = 0; k0 < nVisit; k0 += BLOCK) {
      top = accumulateBlock(rows, order, labels, k0, Math.min(nVisit, k0 + BLOCK), out, top);
    }
    flush(out);
  };

  function accumulateBlock(
    rows: EventBatch,
    order: Uint32Array | null,
    labels: Int32Array,
    k0: number,
    k1: number,
    out: CentroidBatch,
    top: number,
  ): number {
    const { triggerNr, x, y, tof, tot } = rows;
    const { totAvg: sTot, x: sx, y: sy, tof: st, size: cnt, totMax: mTot, triggerNr: oTrig } = out;
    for (let k = k0; k < k1; k++) {
      const l = labels[k];
      if (l < 0) continue;
      const r = order === null ? k : order[k];
      const o = (l & (SLOTS - 1)) << 3;
      const old = TAG[o >> 3];
      if (old !== l) {
        if (old >= 0) {
          sTot[old] = REC[o];
          sx[old] = REC[o + 1];
          sy[old] = REC[o + 2];
          st[old] = REC[o + 3];
          cnt[old] = REC[o + 4];
          mTot[old] = REC[o + 5];
          oTrig[old] = REC[o + 6];
        }
        TAG[o >> 3] = l;
        if (l > top) {
          // Above every label seen so far (the usual miss): the columns hold their initial
          // values, so nothing to load. (Loading them would give the same.)
          top = l;
          REC[o] = 0;
          REC[o + 1] = 0;
          REC[o + 2] = 0;
          REC[o + 3] = 0;
          REC[o + 4] = 0;
          REC[o + 5] = -1;
          REC[o + 6] = 0;
        } else {
          REC[o] = sTot[l];
          REC[o + 1] = sx[l];
          REC[o + 2] = sy[l];
          REC[o + 3] = st[l];
          REC[o + 4] = cnt[l];
          REC[o + 5] = mTot[l];
          REC[o + 6] = oTrig[l];
        }
      }
      const t = tot[r];
      REC[o] += t;
      REC[o + 1] += x[r] * t;
      REC[o + 2] += y[r] * t;
      REC[o + 3] += tof[r] * t;
      REC[o + 4] += 1;
      if (t > REC[o + 5]) {
        REC[o + 5] = t;
        REC[o + 6] = triggerNr[r];
      }
    }
    return top;
  }

  /** Writes every slot back and empties the cache. */
  function flush(out: CentroidBatch): void {
    const { totAvg: sTot, x: sx, y: sy, tof: st, size: cnt, totMax: mTot, triggerNr: oTrig } = out;
    for (let s = 0; s < SLOTS; s++) {
      const l = TAG[s];
      if (l >= 0) {
        const o = s << 3;
        sTot[l] = REC[o];
        sx[l] = REC[o + 1];
        sy[l] = REC[o + 2];
        st[l] = REC[o + 3];
        cnt[l] = REC[o + 4];
        mTot[l] = REC[o + 5];
        oTrig[l] = REC[o + 6];
      }
      TAG[s] = -1;
    }
  }
}

/**
 * Centroids of one trigger's clusters 0..m-1 (labels[a..b-1], -1 noise) appended to the sink: the
 * per-row sums in row order, then the divisions, the operations of centroidKernel.wat and of
 * dbscanKernel.wat's run() in their order (the same bits), for the triggers the kernel declines.
 */
export function appendTriggerCentroids(
  rows: EventBatch,
  labels: Int32Array,
  a: number,
  b: number,
  m: number,
  sink: CentroidSink,
): void {
  if (m === 0) return;
  const out = reserveCentroids(sink, m);
  const at = out.n;
  const { triggerNr, x, y, tof, tot } = rows;
  const { totAvg: sTot, x: sx, y: sy, tof: st, size: cnt, totMax: mTot, triggerNr: oTrig } = out;
  for (let o = at; o < at + m; o++) {
    sTot[o] = sx[o] = sy[o] = st[o] = cnt[o] = oTrig[o] = 0;
    mTot[o] = -1;
  }
  for (let r = a; r < b; r++) {
    const l = labels[r];
    if (l < 0) continue;
    const o = at + l;
    const t = tot[r];
    sTot[o] += t;
    sx[o] += x[r] * t;
    sy[o] += y[r] * t;
    st[o] += tof[r] * t;
    cnt[o] += 1;
    if (t > mTot[o]) {
      mTot[o] = t;
      oTrig[o] = triggerNr[r];
    }
  }
  const lut = sink.lut;
  for (let o = at; o < at + m; o++) {
    const s = sTot[o];
    sx[o] = sx[o] / s;
    sy[o] = sy[o] / s;
    st[o] = st[o] / s;
    sTot[o] = s / cnt[o];
    if (lut !== null) st[o] -= lut[lutIndex(mTot[o], lut.length)];
  }
  out.n = at + m;
}
