// The centroiding stage: event rows in, one centroid row per cluster out (the HDF5 `centroided/`
// rows). Filters first (tot > totThreshold; trigger nr % everyNthTrigger == 0, a global rule, so
// the result does not depend on how the rows were batched), groups the rows by trigger (stable),
// clusters them (DBSCAN or cluster stream) and computes the centroid properties (both fused:
// dbscanCentroids.ts, clusterStreamCentroids; DBSCAN with eps >= sqrt(5) labels first, then sums).
//
// Pure function of the rows given. Clusters never span triggers, so the result for a set of whole
// triggers is the concatenation of the results for any split of it into whole triggers, in trigger
// order: a caller may cut the rows into chunks of whole triggers (WholeTriggerBuffer), cluster them
// in worker threads and concatenate. Inputs MUST contain whole triggers: the hits of one trigger
// split over two calls give two partial clusterings. Output: grouped by trigger number ascending;
// within a trigger, DBSCAN clusters in order of their first core row, cluster-stream clusters in
// order of their root (the reference's order). The reference's chunk_size_limit changes nothing
// here (it only sizes the reference's scikit-learn calls), so it is not used.
import {
  emptyCentroidBatch,
  emptyEventBatch,
  type CentroidBatch,
  type EventBatch,
} from '../../shared/batches';
import { assertNever } from '../../shared/assertNever';
import type { ClusteringSettings } from '../../shared/processingSettings';
import { triggerCentroids } from './centroidKernel';
import { newCentroidSink, takeCentroids, type CentroidSink } from './centroids';
import { clusterStreamCentroids } from './clusterStream';
import { dbscan } from './dbscan';
import { dbscanCentroids, dbscanCentroidsApply } from './dbscanCentroids';
import { sortIndicesByKey } from './indexSort';

export interface ClusterOptions {
  /** Detector bounding box in px (Decision 10): the cluster-stream grid. Default 256 x 256. */
  sensorWidth?: number;
  sensorHeight?: number;
  /** Centroid time-walk table, seconds per entry, entry i for ToT (i + 1) * 25 ns (Decision 4). */
  centroidLut?: Float64Array;
}

/** Clusters the event rows (whole triggers, any order) and returns their centroids. */
export function clusterEvents(
  events: EventBatch,
  settings: ClusteringSettings,
  options: ClusterOptions = {},
): CentroidBatch {
  const algorithm = settings.algorithm;
  switch (algorithm) {
    case 'none':
      return emptyCentroidBatch();
    case 'dbscan': {
      const params = {
        epsilon: settings.epsilon,
        minSamples: settings.minSamples,
        tofScale: settings.tofScale,
      };
      if (!dbscanCentroidsApply(params)) {
        const rows = selectRows(events, settings);
        const { labels, nClusters } = dbscan(rows, params);
        return triggerCentroids(rows, labels, nClusters, options.centroidLut);
      }
      // As the stream case below: the rows as they are when every one passes the filters, else
      // those selectRows keeps.
      const sink = newCentroidSink(events.n >> 3, options.centroidLut, spareSink);
      spareSink = null;
      const minTot = rowsMinTot(settings);
      if (!(minTot >= 0 && dbscanCentroids(events, params, minTot, sink))) {
        sink.out.n = 0;
        dbscanCentroids(selectRows(events, settings), params, 0, sink);
      }
      const out = takeCentroids(sink);
      spareSink = sink;
      return out;
    }
    case 'stream': {
      const params = {
        maxDistTof: settings.csMaxDistTof,
        totOffset: settings.csTotOffset,
        minClusterSize: settings.csMinClusterSize,
      };
      const width = options.sensorWidth ?? 256;
      const height = options.sensorHeight ?? 256;
      // The sink of the last call, emptied (fresh columns for ~64 Ki centroids cost their page
      // faults on every call); takeCentroids copies the result out. Ions of ~15 hits: room for one
      // centroid per 8 rows, so it rarely grows.
      const sink = newCentroidSink(events.n >> 3, options.centroidLut, spareSink);
      spareSink = null;
      // The rows as they are when every one passes the filters (checked by the clustering itself,
      // which reads them anyway), else those selectRows keeps.
      const minTot = rowsMinTot(settings);
      if (!(minTot >= 0 && clusterStreamCentroids(events, params, sink, width, height, minTot))) {
        clusterStreamCentroids(selectRows(events, settings), params, sink, width, height);
      }
      const out = takeCentroids(sink);
      spareSink = sink;
      return out;
    }
    default:
      return assertNever(algorithm, 'clustering algorithm');
  }
}

let spareSink: CentroidSink | null = null;

/**
 * The smallest ToT (integer ns) that passes `tot > totThreshold`, when that and the trigger filter
 * (none: everyNthTrigger 1) are all that select the rows; else -1.
 */
function rowsMinTot(settings: ClusteringSettings): number {
  const thr = settings.totThreshold;
  if (settings.everyNthTrigger !== 1 || !(thr < 0xffffffff)) return -1;
  return thr < 0 ? 0 : Math.floor(thr) + 1;
}

/**
 * The rows that take part in clustering, grouped by trigger ascending (stable), as a new batch;
 * the input itself when every row passes and it is already grouped (no copy).
 */
export function selectRows(events: EventBatch, settings: ClusteringSettings): EventBatch {
  const { n, triggerNr, tot } = events;
  const thr = settings.totThreshold;
  const nth = settings.everyNthTrigger;
  let all = true;
  let grouped = true;
  for (let i = 0; i < n; i++) {
    if (!(tot[i] > thr) || (nth !== 1 && triggerNr[i] % nth !== 0)) {
      all = false;
      break;
    }
    if (i > 0 && triggerNr[i] < triggerNr[i - 1]) grouped = false;
  }
  if (all && grouped) return events;
  let idx = new Uint32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (tot[i] > thr && (nth === 1 || triggerNr[i] % nth === 0)) idx[m++] = i;
  }
  idx = idx.subarray(0, m);
  sortIndicesByKey(idx, 0, m, triggerNr, new Uint32Array(m));
  const out = emptyEventBatch(m);
  out.n = m;
  for (let k = 0; k < m; k++) {
    const r = idx[k];
    out.triggerNr[k] = triggerNr[r];
    out.x[k] = events.x[r];
    out.y[k] = events.y[r];
    out.tof[k] = events.tof[r];
    out.tot[k] = tot[r];
  }
  return out;
}
