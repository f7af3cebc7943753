// Cluster stream: the reference's alternative to DBSCAN, one walk over each trigger's hits in time
// order. Per trigger, hits are sorted by tof ascending then ToT descending (stable); each hit writes
// its index into a pixel grid (most recent hit per pixel), then looks at earlier hits in rings of
// growing distance (up to 3 px, the fixed ring order of clusterStreamRings.ts). A neighbour is a
// predecessor when 0 <= tof - tof_nb < maxDistTof and tot_nb > tot * totOffset; the hit joins the
// cluster of the lowest-index predecessor in the first ring that has one, otherwise it roots a new
// cluster. Clusters with fewer than minClusterSize hits are dropped. Defect of the reference FIXED:
// it labels a cluster by its root's index and treats label 0 as noise, losing the cluster rooted at
// the first hit of every trigger; here that cluster is kept.
//
// Data flow, per trigger (rows grouped by trigger; a copy is grouped first when they are not): one
// scan finds the trigger's rows and tof range; clusterStreamSort.ts orders them and gathers tof, ToT
// and grid cell per position; clusterStreamWalk.ts walks them and leaves, per position, its root
// and per root the cluster size; this file numbers the kept clusters, without branches. The grid
// covers the sensor's bounding box (Decision 10; grown to the data if a hit lies outside) plus a
// 3 px border, so ring offsets need no bounds checks. The grids and buffers are kept for the next
// call (see takeWorkspace); results never depend on them.
// clusterStreamCentroids (the converter's path) goes on to the centroids inside the trigger loop:
// the triggers of up to 512 hits go through streamKernel.wat (the same sort, walk and sums, a
// window of triggers per call, several times faster), the others, and those the kernel declines,
// through the TypeScript steps above and emitTrigger.
import type { EventBatch } from '../../shared/batches';
import { type CentroidSink, lutIndex, reserveCentroids } from './centroids';
import { sortIndicesByKey } from './indexSort';
import { newSortScratch, sortTrigger, type SortScratch, type TriggerColumns } from './clusterStreamSort';
import { newWalkGrids, walkTrigger, type WalkGrids, type WalkParams } from './clusterStreamWalk';
import { StreamKernel } from './streamKernel';

export interface ClusterStreamParams {
  /** Largest tof difference (s) to a predecessor (exclusive). */
  maxDistTof: number;
  /** A predecessor must have tot > tot * this. */
  totOffset: number;
  /** Clusters with fewer hits are dropped. */
  minClusterSize: number;
}

export { CLUSTER_STREAM_RINGS } from './clusterStreamRings';

export type ClusterStreamRows = Pick<EventBatch, 'n' | 'triggerNr' | 'x' | 'y' | 'tof' | 'tot'>;

export interface ClusterStreamResult {
  /** Processing order: rows grouped by trigger ascending, each trigger by tof asc, ToT desc. */
  order: Uint32Array;
  /** Cluster label per position of `order` (not per row), or -1; numbered by trigger, then root. */
  labels: Int32Array;
  nClusters: number;
}

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
  const ws = takeWorkspace(gridWidth, gridHeight, n);
  let nClusters = clusterGrouped(rows, params, ws, order, labels, null);
  if (nClusters === UNGROUPED) {
    // Not grouped by trigger: cluster a grouped copy, then map order back to the caller's rows.
    const { copy, index } = groupedCopy(rows);
    nClusters = clusterGrouped(copy, params, ws, order, labels, null);
    for (let i = 0; i < n; i++) order[i] = index[order[i]];
  }
  ws.stampBase += n;
  spare = ws;
  return { order, labels, nClusters };
}

/**
 * The centroids of clusterStream's clusters, in its label order, equal to centroidsFromLabels on
 * its result: each trigger's clusters are summed right after its walk, from the gathered columns
 * (in processing order, the reference's summation order), and written to the sink. minTot: the
 * rows must all have tot >= minTot, else it returns false with nothing written (the caller then
 * filters them: checking here saves it a pass over the rows when they all pass).
 */
export function clusterStreamCentroids(
  rows: ClusterStreamRows,
  params: ClusterStreamParams,
  sink: CentroidSink,
  gridWidth = 256,
  gridHeight = 256,
  minTot = 0,
): boolean {
  const n = rows.n;
  const ws = takeWorkspace(gridWidth, gridHeight, n);
  // The order is scratch here (only the TypeScript path writes it): the workspace's, grown to n.
  if (ws.order.length < n) ws.order = new Uint32Array(Math.max(n, 2 * ws.order.length));
  const order = ws.order;
  const n0 = sink.out.n;
  let done = clusterGrouped(rows, params, ws, order, null, sink, minTot);
  if (done === UNGROUPED) {
    sink.out.n = n0;
    done = clusterGrouped(groupedCopy(rows).copy, params, ws, order, null, sink, minTot);
  }
  if (done === FILTERED) sink.out.n = n0;
  ws.stampBase += n;
  spare = ws;
  return done !== FILTERED;
}

/** clusterGrouped's results other than a cluster count. */
const UNGROUPED = -1;
const FILTERED = -2;

/** Scratch of one call: the walk's grids, one trigger's columns, the sort's buffers. */
interface Workspace {
  grids: WalkGrids;
  /** clusterStreamCentroids' processing order (clusterStream returns its own). */
  order: Uint32Array;
  cols: TriggerColumns;
  sort: SortScratch;
  /** Added to positions for the walk's stamps, which must grow from call to call. */
  stampBase: number;
}

// The workspace of the last call that finished, reused by the next one (allocating and first
// touching the grids costs about as much as clustering a few triggers). A call takes it and puts it
// back when done, so a call that throws half-way (cells left set) never hands it on.
let spare: Workspace | null = null;

function takeWorkspace(width: number, height: number, n: number): Workspace {
  const ws = spare;
  spare = null;
  if (ws === null || ws.grids.stride < width + 2 * PAD || ws.grids.height < height + 2 * PAD) {
    return {
      grids: newWalkGrids(width, height),
      order: new Uint32Array(1024),
      cols: newColumns(1024),
      sort: newSortScratch(1024),
      stampBase: 0,
    };
  }
  if (ws.stampBase + 2 * n >= 0x7fffffff) {
    // Stamps would overflow (two passes when the rows are not grouped): start again from 0.
    ws.grids = newWalkGrids(width, height);
    ws.stampBase = 0;
  }
  return ws;
}

/**
 * clusterStream on rows grouped by trigger ascending; UNGROUPED as soon as they turn out not to be,
 * FILTERED at the first trigger with a row below minTot.
 */
function clusterGrouped(
  rows: ClusterStreamRows,
  params: ClusterStreamParams,
  ws: Workspace,
  order: Uint32Array,
  labels: Int32Array | null,
  sink: CentroidSink | null,
  minTot = 0,
): number {
  const { n, triggerNr, x, y, tof, tot } = rows;
  const walk: WalkParams = { maxDistTof: params.maxDistTof, totOffset: params.totOffset };
  const minSize = params.minClusterSize;
  let maxX = ws.grids.stride - 1 - 2 * PAD;
  let maxY = ws.grids.height - 1 - 2 * PAD;
  let nClusters = 0;
  kernel.reset();
  for (let a = 0, b = 0; a < n; a = b) {
    if (sink !== null && kernel.fits(ws.grids)) {
      // The kernel takes the triggers it can; this loop clusters the one it stopped at.
      a = kernel.run(rows, a, ws.stampBase, params, minTot, ws.grids, sink);
      if (a >= n) break;
      kernel.flush(sink);
      if (kernel.stop !== 'declined') {
        ws.stampBase += a;
        return kernel.stop === 'ungrouped' ? UNGROUPED : FILTERED;
      }
    }
    // The trigger's rows a..b-1 and their tof range; x, y ORed (at least their maximum).
    const trig = triggerNr[a];
    let lo = tof[a];
    let hi = lo;
    let finite = lo - lo === 0;
    let xs = x[a];
    let ys = y[a];
    for (b = a + 1; b < n && triggerNr[b] === trig; b++) {
      const t = tof[b];
      if (t < lo) lo = t;
      else if (t > hi) hi = t;
      else if (t !== t) finite = false;
      xs |= x[b];
      ys |= y[b];
    }
    if (b < n && triggerNr[b] < trig) {
      ws.stampBase += a;
      if (sink !== null) kernel.flush(sink);
      return UNGROUPED;
    }
    for (let r = a; r < b && minTot > 0; r++) {
      if (tot[r] < minTot) {
        ws.stampBase += a;
        if (sink !== null) kernel.flush(sink);
        return FILTERED;
      }
    }
    const len = b - a;
    if (xs > maxX || ys > maxY) {
      let bx = 0;
      let by = 0;
      for (let r = a; r < b; r++) {
        if (x[r] > bx) bx = x[r];
        if (y[r] > by) by = y[r];
      }
      if (bx > maxX || by > maxY) {
        // Between triggers the grids hold nothing still needed: larger ones can replace them.
        ws.grids = newWalkGrids(Math.max(maxX, bx) + 1, Math.max(maxY, by) + 1);
        maxX = ws.grids.stride - 1 - 2 * PAD;
        maxY = ws.grids.height - 1 - 2 * PAD;
      }
    }
    if (len > ws.cols.capacity) {
      const cap = Math.max(len, 2 * ws.cols.capacity);
      ws.cols = newColumns(cap);
      ws.sort = newSortScratch(cap);
    }
    const { grids, cols } = ws;
    const totBits = sortTrigger(rows, a, len, finite ? lo : NaN, hi, grids.stride, order, cols, ws.sort);
    walkTrigger(cols, len, ws.stampBase + a, totBits, grids, walk);
    if (labels === null) {
      emitTrigger(cols, len, trig, minSize, grids, sink as CentroidSink);
      continue;
    }
    // Number the kept clusters of this trigger in root order (the reference's np.unique order),
    // without branches: each position first takes the next number; a root keeps it (and uses it up
    // when its cluster is kept), the others then copy their root's.
    const { root, count } = cols;
    for (let k = 0; k < len; k++) {
      const rt = root[k];
      const kept = +!(count[rt] < minSize);
      labels[a + k] = nClusters;
      nClusters += kept & +(rt === k);
      labels[a + k] = labels[a + rt] | (kept - 1);
    }
  }
  if (sink !== null) kernel.flush(sink);
  return nClusters;
}

/**
 * Sums the trigger's kept clusters per root position (in processing order, as
 * centroidsFromLabels would, from 0, and the max ToT from -1) and writes their centroids in root
 * order. x and y come back from the grid cell; every hit of the trigger has its trigger number.
 */
function emitTrigger(
  cols: TriggerColumns,
  len: number,
  trig: number,
  minSize: number,
  grids: WalkGrids,
  sink: CentroidSink,
): void {
  const { ptof, ptot, cell, root, count, sTot, sx, sy, st, mTot } = cols;
  const mask = grids.stride - 1;
  const shift = grids.shift;
  sTot.fill(0, 0, len);
  sx.fill(0, 0, len);
  sy.fill(0, 0, len);
  st.fill(0, 0, len);
  mTot.fill(-1, 0, len);
  for (let k = 0; k < len; k++) {
    const rt = root[k];
    const t = ptot[k];
    const c = cell[k];
    sTot[rt] += t;
    sx[rt] += ((c & mask) - PAD) * t;
    sy[rt] += ((c >> shift) - PAD) * t;
    st[rt] += ptof[k] * t;
    if (t > mTot[rt]) mTot[rt] = t;
  }
  const out = reserveCentroids(sink, len);
  const lut = sink.lut;
  let j = out.n;
  for (let k = 0; k < len; k++) {
    if (root[k] !== k || count[k] < minSize) continue;
    const sum = sTot[k];
    out.triggerNr[j] = trig;
    out.x[j] = sx[k] / sum;
    out.y[j] = sy[k] / sum;
    out.tof[j] = lut === null ? st[k] / sum : st[k] / sum - lut[lutIndex(mTot[k], lut.length)];
    out.totAvg[j] = sum / count[k];
    out.totMax[j] = mTot[k];
    out.size[j] = count[k];
    j++;
  }
  out.n = j;
}

const PAD = 3;

/** Each thread's instance of the WebAssembly path (streamKernel.ts). */
const kernel = new StreamKernel();

function newColumns(capacity: number): TriggerColumns {
  return {
    capacity,
    ptof: new Float64Array(capacity),
    ptot: new Uint32Array(capacity),
    cell: new Int32Array(capacity),
    root: new Int32Array(capacity),
    count: new Int32Array(capacity),
    sTot: new Float64Array(capacity),
    sx: new Float64Array(capacity),
    sy: new Float64Array(capacity),
    st: new Float64Array(capacity),
    mTot: new Float64Array(capacity),
  };
}

/** The rows grouped by trigger ascending (stable sort), and the source row of each. */
function groupedCopy(rows: ClusterStreamRows): { copy: ClusterStreamRows; index: Uint32Array } {
  const { n, triggerNr } = rows;
  const index = new Uint32Array(n);
  for (let k = 0; k < n; k++) index[k] = k;
  sortIndicesByKey(index, 0, n, triggerNr, new Uint32Array(n));
  const copy: ClusterStreamRows = {
    n,
    triggerNr: new Float64Array(n),
    x: new Uint16Array(n),
    y: new Uint16Array(n),
    tof: new Float64Array(n),
    tot: new Uint32Array(n),
  };
  for (let k = 0; k < n; k++) {
    const r = index[k];
    copy.triggerNr[k] = triggerNr[r];
    copy.x[k] = rows.x[r];
    copy.y[k] = rows.y[r];
    copy.tof[k] = rows.tof[r];
    copy.tot[k] = rows.tot[r];
  }
  return { copy, index };
}
