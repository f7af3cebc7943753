// Test helpers shared by liveViews.test.ts and liveViewsLifecycle.test.ts: hand-made event, hit
// and centroid batches from rows, LiveViews on a 4 x 3 sensor, and typed arrays as plain lists.
import {
  emptyCentroidBatch,
  emptyEventBatch,
  type CentroidBatch,
  type EventBatch,
  type HitBatch,
} from '../../shared/batches';
import type { LiveViewsConfigInput } from '../../shared/liveViews';
import { LiveViews } from './liveViews';

/** Rows [x, y, tof (s), tot (ns)]. */
export function events(rows: [number, number, number, number][]): EventBatch {
  const e = emptyEventBatch(rows.length);
  e.n = rows.length;
  rows.forEach(([x, y, tof, tot], i) => {
    e.x[i] = x;
    e.y[i] = y;
    e.tof[i] = tof;
    e.tot[i] = tot;
  });
  return e;
}

/** Rows [x, y, tot (ns)]. */
export function hits(rows: [number, number, number][]): HitBatch {
  return {
    n: rows.length,
    x: Uint16Array.from(rows, (r) => r[0]),
    y: Uint16Array.from(rows, (r) => r[1]),
    toa: new Float64Array(rows.length),
    tot: Uint32Array.from(rows, (r) => r[2]),
  };
}

/** Rows [x, y, tof (s), size]. */
export function centroids(rows: [number, number, number, number][]): CentroidBatch {
  const c = emptyCentroidBatch(rows.length);
  c.n = rows.length;
  rows.forEach(([x, y, tof, size], i) => {
    c.x[i] = x;
    c.y[i] = y;
    c.tof[i] = tof;
    c.size[i] = size;
  });
  return c;
}

const SMALL = { width: 4, height: 3 };
export const view = (cfg: LiveViewsConfigInput, sensor = SMALL): LiveViews => new LiveViews(cfg, sensor);
export const list = (a: ArrayLike<number>): number[] => Array.from(a);
