// DBSCAN straight to centroids, for clusterEvents: the labels of dbscan.ts (the same semantics, the
// same paths) and the centroid properties of centroids.ts, without a label column in between.
// Whole windows of triggers go through dbscanKernel.wat's run(), which clusters each trigger and
// sums its clusters' centroids while its rows are in cache (one WebAssembly call per ~16 Ki rows,
// not one per trigger plus a separate centroid pass). A trigger the kernel declines is clustered
// here as dbscan.ts would (pixelTrigger, or the tof-ordered path, with the same flood logic) and its
// centroids summed by appendTriggerCentroids, in the same operations: the result equals
// triggerCentroids(rows, dbscan(rows).labels) bit for bit. Rows that are not grouped by trigger, or
// that hold a row below minTot, are left to the caller (false), who selects them and calls again.
import type { EventBatch } from '../../shared/batches';
import { appendTriggerCentroids, type CentroidSink } from './centroids';
import { FloodSchedule, tofOrdered, tofWork, type DbscanParams, type TofWork } from './dbscan';
import { FLOOD, flushKernel, kernelRun, kernelRuns, kernelState, resetKernelRun } from './dbscanKernel';
import { pixelTrigger } from './dbscanPixel';
import { pixelWork, type PixelWork } from './dbscanPixelWork';

/** Whether dbscanCentroids takes these parameters (the kernel's: eps < sqrt(5)). */
export function dbscanCentroidsApply(params: DbscanParams): boolean {
  const w = pixelWork(params.epsilon, minSamples(params));
  return w !== null && kernelRuns(w);
}

function minSamples(params: DbscanParams): number {
  return Math.max(1, Math.ceil(params.minSamples));
}

/** Labels of the triggers clustered here (by trigger, from 0), kept between calls. */
let labels = new Int32Array(0);

/**
 * Appends the centroids of the rows' DBSCAN clusters to the sink, in clusterEvents' order; false
 * (the sink then holds part of them) when the rows are not grouped by trigger or one has tot <
 * minTot. Requires dbscanCentroidsApply(params).
 */
export function dbscanCentroids(
  rows: EventBatch,
  params: DbscanParams,
  minTot: number,
  sink: CentroidSink,
): boolean {
  const { n, triggerNr, tot } = rows;
  const minS = minSamples(params);
  const w = pixelWork(params.epsilon, minS) as PixelWork;
  const scale = params.tofScale;
  resetKernelRun();
  let tw: TofWork | null = null;
  const floods = new FloodSchedule();
  for (let a = 0; a < n;) {
    let c = -1;
    if (kernelRuns(w) && floods.tryPixel) {
      const at = kernelRun(rows, a, w, scale, minTot, sink);
      if (at >= n) break;
      const stop = kernelState.stop;
      if (stop === 'ungrouped' || stop === 'filtered') return false;
      if (at > a) floods.tried(0); // the kernel clustered triggers before this one
      flushKernel(sink);
      a = at;
      c = stop;
    }
    // The trigger at a, here: checked as the kernel checks its rows.
    const trig = triggerNr[a];
    let b = a;
    for (; b < n && triggerNr[b] === trig; b++) if (tot[b] < minTot) return false;
    if (b < n && triggerNr[b] < trig) return false;
    if (b - a < minS) {
      a = b;
      continue;
    }
    // Labels by row, for the rare triggers clustered here (allocated when first needed).
    if (labels.length < n) labels = new Int32Array(Math.max(n, 2 * labels.length));
    if (c === -1 && floods.tryPixel) {
      c = pixelTrigger(w, rows.x, rows.y, rows.tof, scale, a, b, labels, null, 0);
      floods.tried(c);
    } else if (c === FLOOD) floods.tried(c);
    else floods.skipped();
    if (c < 0) {
      tw ??= tofWork(params, minS, rows);
      c = tofOrdered(tw, rows, scale, a, b, labels, null, 0);
    }
    appendTriggerCentroids(rows, labels, a, b, c, sink);
    a = b;
  }
  flushKernel(sink);
  return true;
}
