// Centroid properties of labelled clusters (both clustering algorithms end here): one pass over the
// rows accumulates, per cluster, the ToT sum, the ToT-weighted x, y and tof sums, the hit count and
// the max-ToT hit straight into the output columns; a second pass over the clusters divides. No
// allocation per cluster. The arithmetic follows the reference (numpy/scipy.ndimage), which sums each
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
  const { triggerNr: oTrig, x: sx, y: sy, tof: st, totAvg: sTot, totMax: mTot, size: cnt } = out;
  mTot.fill(-1);
  const { triggerNr, x, y, tof, tot } = rows;
  // Consecutive rows mostly belong to one cluster: its accumulators are kept in locals and written
  // back when the label changes. Reloading and storing them leaves each cluster's additions in
  // exactly the same sequence as summing into the arrays row by row.
  let cur = -1;
  let aTot = 0;
  let aX = 0;
  let aY = 0;
  let aTof = 0;
  let aN = 0;
  let aMax = 0;
  let aTrig = 0;
  for (let k = 0; k < nVisit; k++) {
    const l = labels[k];
    if (l < 0) continue;
    const r = order === null ? k : order[k];
    if (l !== cur) {
      if (cur >= 0) {
        sTot[cur] = aTot;
        sx[cur] = aX;
        sy[cur] = aY;
        st[cur] = aTof;
        cnt[cur] = aN;
        mTot[cur] = aMax;
        oTrig[cur] = aTrig;
      }
      cur = l;
      aTot = sTot[l];
      aX = sx[l];
      aY = sy[l];
      aTof = st[l];
      aN = cnt[l];
      aMax = mTot[l];
      aTrig = oTrig[l];
    }
    const t = tot[r];
    aTot += t;
    aX += x[r] * t;
    aY += y[r] * t;
    aTof += tof[r] * t;
    aN += 1;
    if (t > aMax) {
      aMax = t;
      aTrig = triggerNr[r];
    }
  }
  if (cur >= 0) {
    sTot[cur] = aTot;
    sx[cur] = aX;
    sy[cur] = aY;
    st[cur] = aTof;
    cnt[cur] = aN;
    mTot[cur] = aMax;
    oTrig[cur] = aTrig;
  }
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

/** Index of the centroid time-walk entry for a cluster's max ToT: floor(tot/25) - 1, clamped. */
export function lutIndex(totMax: number, length: number): number {
  const i = Math.floor(totMax / 25) - 1;
  return i < 0 ? 0 : i >= length ? length - 1 : i;
}
