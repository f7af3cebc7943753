// Live views: what the engine aggregates from the pipeline's batches and sends to the renderer at a
// fixed refresh rate, never raw hits. This module holds the view configuration (zod schema, defaults,
// types; the renderer sends it, the engine parses it), the snapshot message the engine sends back
// (typed arrays and scalars only, so it is structured-cloneable), and the one histogram binner
// (binIndex, with fillHistogram over a column) that every histogram and map uses: the engine's live
// views (native-workers/live/liveViews.ts), and anything else that bins, renderer included.
//
// Units everywhere: time of flight in seconds, ToT in ns, positions in pixels, times passed in as
// `nowS` in seconds of the engine's clock. Bins are half-open [lo, hi): a value equal to a range's
// max is overflow, a value below its min (or NaN) underflow.
import { z } from 'zod';
import { formatSeconds, LIVE_EVENT_WINDOW } from './eventWindow';
import { describeIssues } from './zodProblems';

export const TOF_SOURCES = ['pixel', 'centroid'] as const;
export type TofSource = (typeof TOF_SOURCES)[number];
export const HIT_MAP_MODES = ['counts', 'totSum'] as const;
export type HitMapMode = (typeof HIT_MAP_MODES)[number];
export const RESET_MODES = ['accumulate', 'everyNTriggers', 'everyNSeconds'] as const;
export type ResetMode = (typeof RESET_MODES)[number];

/** Largest bin count of any 1-D histogram axis. */
export const MAX_BINS = 65536;
/** At most this many ROIs: each one adds a sensor-sized map to every snapshot. */
export const MAX_ROIS = 8;

/** The detector's bounding box (Decision 10): sensor size plus position offset, in pixels. */
export const sensorGeometrySchema = z.object({
  width: z.number().int().min(1).max(4096).default(256),
  height: z.number().int().min(1).max(4096).default(256),
});
export type SensorGeometry = z.infer<typeof sensorGeometrySchema>;
export const DEFAULT_SENSOR: SensorGeometry = sensorGeometrySchema.parse({});

const bins = z.number().int().min(1).max(MAX_BINS);

/** A named ToF window. Its histogram spans [tofMin, tofMax) in `roiBins` bins. */
export const roiSchema = z
  .object({
    /** Shown in the UI and used as the ROI's key; unique within the list. */
    name: z.string().trim().min(1, 'ROI name must not be empty').max(64),
    /** s, inclusive. */
    tofMin: z.number(),
    /** s, exclusive. */
    tofMax: z.number(),
  })
  .superRefine((r, ctx) => {
    if (!(r.tofMin < r.tofMax)) {
      ctx.addIssue({
        code: 'custom',
        path: ['tofMax'],
        message: `ROI '${r.name}': tofMin (${formatSeconds(r.tofMin)}) must be less than tofMax (${formatSeconds(r.tofMax)})`,
      });
    }
  });
export type Roi = z.infer<typeof roiSchema>;

export const liveViewsConfigSchema = z.object({
  /** Snapshots per second the engine sends (1..30). */
  refreshHz: z.number().min(1).max(30).default(5),
  /** ToF histogram over [min, max) s. `pixel`: one entry per event row; `centroid`: per centroid. The
   * source also feeds the ROI histograms and ROI trends. */
  tof: z
    .object({
      min: z.number().default(LIVE_EVENT_WINDOW[0]),
      max: z.number().default(LIVE_EVENT_WINDOW[1]),
      bins: bins.default(1000),
      source: z.enum(TOF_SOURCES).default('pixel'),
    })
    .refine((t) => t.min < t.max, { message: 'tof.min must be less than tof.max', path: ['max'] })
    .prefault({}),
  /** ToT histogram of decoded hits over [0, max) ns (the default bins are 25 ns, one ToT step). */
  tot: z.object({ bins: bins.default(200), max: z.number().positive().default(5000) }).prefault({}),
  /** ToF-vs-ToT 2-D histogram of event rows: ToF axis tof.min..tof.max in columns made of whole
   * ToF-histogram bins (at most tof.bins of them), ToT axis 0..tot.max ns. */
  tofTot: z
    .object({
      tofBins: z.number().int().min(1).max(1024).default(200),
      totBins: z.number().int().min(1).max(1024).default(100),
    })
    .prefault({}),
  /** Cluster size histogram: bin i counts clusters of i + 1 hits; larger ones are overflow. */
  clusterSize: z.object({ maxSize: z.number().int().min(1).max(4096).default(64) }).prefault({}),
  /** Seconds of history in the trends (1 s bins). */
  trendSeconds: z.number().int().min(1).max(3600).default(60),
  /** Hit map of decoded hits: hit counts, or the sum of their ToT in ns. */
  hitMap: z.object({ mode: z.enum(HIT_MAP_MODES).default('counts') }).prefault({}),
  /** Centroid map bin size in pixels (sub-pixel allowed: centroids are sub-pixel). */
  centroidMap: z.object({ binSize: z.number().min(0.25).max(256).default(1) }).prefault({}),
  /** Named ToF windows: a ToF histogram, a filtered hit map and a count trend each. */
  rois: z
    .array(roiSchema)
    .max(MAX_ROIS)
    .default([])
    .superRefine((rois, ctx) => {
      const seen = new Set<string>();
      rois.forEach((r, i) => {
        if (seen.has(r.name)) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'name'],
            message: `ROI name '${r.name}' is used more than once; names must be unique`,
          });
        }
        seen.add(r.name);
      });
    }),
  /** Bins of each ROI's ToF histogram. */
  roiBins: bins.default(100),
  /** When the accumulated views (histograms, maps) are cleared; trends and rates are never cleared
   * by the policy. A reset happens at the first add after N triggers or N seconds have accumulated,
   * so a snapshot shows at least N triggers' (or seconds') worth, to batch granularity. */
  reset: z
    .object({ mode: z.enum(RESET_MODES).default('accumulate'), n: z.number().positive().default(1) })
    .refine((r) => r.mode !== 'everyNTriggers' || Number.isInteger(r.n), {
      message: 'reset.n must be a whole number of triggers',
      path: ['n'],
    })
    .prefault({}),
});
export type LiveViewsConfig = z.infer<typeof liveViewsConfigSchema>;
export type LiveViewsConfigInput = z.input<typeof liveViewsConfigSchema>;
export const DEFAULT_LIVE_VIEWS: LiveViewsConfig = liveViewsConfigSchema.parse({});

/** Parses a configuration from outside (renderer, settings file); throws one readable Error naming
 * every problem with its field path, e.g. `live views: rois.1.name: ROI name 'C+' is used ...`. */
export function parseLiveViewsConfig(input: unknown): LiveViewsConfig {
  const r = liveViewsConfigSchema.safeParse(input);
  if (r.success) return r.data;
  throw new Error(`live views: ${describeIssues(r.error.issues, '(root)')}`);
}

/**
 * The one histogram binner: bin of `v` among `nBins` equal bins over [min, max), half-open.
 * Returns -1 below min (and for NaN), nBins at or above max. `scale` is nBins / (max - min), passed
 * in so hot loops compute it once; rounding just below max is clamped into the last bin.
 */
export function binIndex(v: number, min: number, max: number, scale: number, nBins: number): number {
  if (!(v >= min)) return -1;
  if (v >= max) return nBins;
  const b = ((v - min) * scale) | 0;
  return b < nBins ? b : nBins - 1;
}

/** A 1-D histogram being filled (see binIndex for the bin rule). */
export interface Histogram {
  min: number;
  max: number;
  /** bins / (max - min) */
  scale: number;
  bins: number;
  counts: Float64Array;
  under: number;
  over: number;
}

export function newHistogram(min: number, max: number, bins: number): Histogram {
  return { min, max, scale: bins / (max - min), bins, counts: new Float64Array(bins), under: 0, over: 0 };
}

/** Adds values[0..n) to h. (Under- and overflow are counted on h inside the loop: see the row loops
 * of native-workers/live/liveViews.ts for why nothing follows a hot loop.) */
export function fillHistogram(h: Histogram, values: Float64Array | Uint32Array, n: number): void {
  const { min, max, scale, bins, counts } = h;
  for (let i = 0; i < n; i++) {
    const b = binIndex(values[i], min, max, scale, bins);
    if (b < 0) h.under++;
    else if (b === bins) h.over++;
    else counts[b]++;
  }
}

export function clearHistogram(h: Histogram): void {
  h.counts.fill(0);
  h.under = 0;
  h.over = 0;
}

export function snapHistogram(h: Histogram): HistogramSnapshot {
  return { min: h.min, max: h.max, counts: h.counts.slice(), underflow: h.under, overflow: h.over };
}

/** A 1-D histogram: counts[i] holds values in [min + i w, min + (i + 1) w), w = (max - min) / bins. */
export interface HistogramSnapshot {
  min: number;
  max: number;
  counts: Float64Array;
  /** Values below min (and NaN). */
  underflow: number;
  /** Values at or above max. */
  overflow: number;
}

export interface RoiSnapshot {
  name: string;
  tofMin: number;
  tofMax: number;
  /** ToF histogram over [tofMin, tofMax) s from the configured tof source (never under/overflows). */
  histogram: HistogramSnapshot;
  /** Hit map (counts) of event rows whose tof is in [tofMin, tofMax): width x height, row-major. */
  map: Uint32Array;
  /** Entries in the window per second (tof source), oldest first, aligned with `trend.endS`. */
  trend: Float64Array;
}

/** Per-stage health, supplied by the engine (queues belong to the stages, not to the views). */
export interface StageHealth {
  name: string;
  queueUsedBytes: number;
  queueLimitBytes: number;
  overflow: 'block' | 'drop';
  droppedBatches: number;
  droppedBytes: number;
  /** Mean execution time per batch over the last second, ms. */
  execMs: number;
}

export interface LiveHealth {
  stages: StageHealth[];
  /** Kernel receive-queue drops of the UDP socket, -1 where unknown. */
  udpKernelDrops: number;
  /** Batches dropped because no global time came within the hold bound (Decision 8). */
  droppedBeforeTime: number;
}
export const EMPTY_LIVE_HEALTH: LiveHealth = { stages: [], udpKernelDrops: -1, droppedBeforeTime: 0 };

/** One refresh of every view. All arrays are copies owned by the snapshot (transferable). */
export interface LiveSnapshot {
  /** The engine time (s) the snapshot was taken at. */
  timeS: number;
  sensor: SensorGeometry;
  /** ToF histogram, s, from `tofSource`. */
  tof: HistogramSnapshot;
  tofSource: TofSource;
  /** ToT histogram of decoded hits, ns. */
  tot: HistogramSnapshot;
  /** ToF-vs-ToT counts of event rows, row-major: counts[totBin * tofBins + column]. The columns are
   * whole ToF-histogram bins (bin b goes to column floor(b * tofBins / tof.bins), uniform when
   * tofBins divides tof.bins, as by default; tofBins is at most tof.bins). ToT rows are binIndex
   * over [0, totMax). Event rows out of either range are not counted. */
  tofTot: {
    tofMin: number;
    tofMax: number;
    tofBins: number;
    totMax: number;
    totBins: number;
    counts: Uint32Array;
  };
  /** Cluster sizes: counts[i] = clusters of i + 1 hits (min 1, max maxSize + 1). */
  clusterSize: HistogramSnapshot;
  /** Decoded hits per pixel, width x height row-major (index y * width + x): counts or ToT sum (ns). */
  hitMap: { mode: HitMapMode; values: Float32Array; offSensor: number };
  /** Centroid counts, row-major: bin (bx, by) covers x in [bx b, (bx + 1) b), y likewise, b = binSize. */
  centroidMap: { binSize: number; width: number; height: number; counts: Uint32Array; outside: number };
  rois: RoiSnapshot[];
  /** Per-second sums (bytes for `bytes`), oldest first: element i is the second starting at
   * endS - len + 1 + i; the last one is the current, still filling, second. */
  trend: {
    endS: number;
    hits: Float64Array;
    events: Float64Array;
    triggers: Float64Array;
    centroids: Float64Array;
    bytes: Float64Array;
  };
  /** What was added with nowS in (timeS - 1, timeS], per second. MB = 1e6 bytes. */
  rates: {
    hitsPerS: number;
    eventsPerS: number;
    triggersPerS: number;
    centroidsPerS: number;
    megabytesPerS: number;
  };
  /** Since construction; never reset. */
  totals: { hits: number; events: number; triggers: number; centroids: number; bytes: number };
  /** The current accumulation: since when (s, NaN before any data), over how many triggers, and how
   * many times the views were cleared (by the policy or reset()). */
  accumulation: { mode: ResetMode; sinceS: number; triggers: number; resets: number };
  health: LiveHealth;
}

/** The buffers of a snapshot, for postMessage's transfer list (the snapshot owns them all). */
export function snapshotTransferables(s: LiveSnapshot): ArrayBuffer[] {
  const arrays: ArrayBufferView[] = [
    s.tof.counts,
    s.tot.counts,
    s.tofTot.counts,
    s.clusterSize.counts,
    s.hitMap.values,
    s.centroidMap.counts,
    s.trend.hits,
    s.trend.events,
    s.trend.triggers,
    s.trend.centroids,
    s.trend.bytes,
    ...s.rois.flatMap((r) => [r.histogram.counts, r.map, r.trend]),
  ];
  return arrays.map((a) => a.buffer as ArrayBuffer);
}
