// Live view aggregation in the engine: the pipeline's batches go in (decoded hits, event rows with
// their trigger counts, centroids, byte counts), and at the refresh rate `snapshot(nowS)` copies the
// small results out for the renderer (shared/liveViews.ts: LiveSnapshot). Pure: no clock, no timers;
// every call is given the engine time `nowS` (seconds), which drives trends, rates and time resets.
//
// Which batch feeds which view:
//   hits      -> hit map (counts or ToT sum), ToT histogram, hit trend and rate
//   events    -> ToF histogram and ROI histograms/trends (tof source 'pixel'), ToF-vs-ToT, ROI
//                filtered maps, trigger counts (trend, rate, reset every N triggers)
//   centroids -> centroid map, cluster sizes, ToF histogram and ROI histograms/trends (source
//                'centroid'), centroid trend and rate
//   bytes     -> MB/s and the byte trend
// Every histogram and binned map goes through shared binIndex(); loops run over typed columns, no
// object per row. 1-D histograms and the hit map accumulate in float64 (exact counts and ToT sums),
// the other 2-D views count in uint32; snapshots copy them out (the hit map as float32).
import { assertNever } from '../../shared/assertNever';
import { type CentroidBatch, type EventBatch, type HitBatch } from '../../shared/batches';
import {
  binIndex,
  clearHistogram,
  DEFAULT_SENSOR,
  EMPTY_LIVE_HEALTH,
  fillHistogram,
  newHistogram,
  parseLiveViewsConfig,
  sensorGeometrySchema,
  snapHistogram,
  type Histogram,
  type LiveHealth,
  type LiveSnapshot,
  type LiveViewsConfig,
  type Roi,
  type SensorGeometry,
} from '../../shared/liveViews';
import { RateWindow, Trend } from './timeSeries';
import { ViewsKernel } from './viewsKernel';

// Series of the trends, rates and totals.
const S_HITS = 0;
const S_EVENTS = 1;
const S_TRIGGERS = 2;
const S_CENTROIDS = 3;
const S_BYTES = 4;
const N_SERIES = 5;

interface RoiState {
  roi: Roi;
  hist: Histogram;
  /** Counts of event rows in the window, sensor-sized, row-major. */
  map: Uint32Array;
}

type TofTot = LiveSnapshot['tofTot'];
type CentroidMap = LiveSnapshot['centroidMap'];
/** Per series: a view of the trend, rate window or totals (see S_HITS ...). */
const bySeries = <T>(f: (series: number) => T) => ({
  hits: f(S_HITS),
  events: f(S_EVENTS),
  triggers: f(S_TRIGGERS),
  centroids: f(S_CENTROIDS),
  bytes: f(S_BYTES),
});

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export class LiveViews {
  private config: LiveViewsConfig;
  private readonly sensor: SensorGeometry;
  // Set by rebuild(), which the constructor calls.
  private tof!: Histogram;
  private tot!: Histogram;
  private clusterSize!: Histogram;
  private tofTot!: TofTot;
  /** ToF-vs-ToT column of each ToF-histogram bin b: floor(b * tofTot.tofBins / tof.bins). */
  private tofCol!: Int32Array;
  private centroidMap!: CentroidMap;
  private rois!: RoiState[];
  /** Rows in each ROI in the current batch. */
  private roiInside!: Float64Array;
  private trend!: Trend;
  private roiTrend!: Trend;
  /** Counts or ToT sums (ns) per pixel. */
  private readonly hitMap: Float64Array;
  /** The hot row loops (hit map, ToT, ToF, ToF-vs-ToT) add here; folded in at each snapshot. */
  private readonly kernel = new ViewsKernel();
  private offSensor = 0;
  private readonly rates = new RateWindow(N_SERIES);
  private readonly totals = new Float64Array(N_SERIES);
  private accSinceS = NaN;
  private accTriggers = 0;
  private resets = 0;

  /** Throws a readable Error when the config or sensor is invalid (both are parsed). */
  constructor(config: unknown, sensor: SensorGeometry = DEFAULT_SENSOR) {
    this.sensor = sensorGeometrySchema.parse(sensor);
    this.config = parseLiveViewsConfig(config);
    this.hitMap = new Float64Array(this.sensor.width * this.sensor.height);
    this.rebuild(this.config, null);
  }

  getConfig(): LiveViewsConfig {
    return this.config;
  }

  /** Applies a new config at once: views whose shape or meaning changed start empty, the rest keep
   * their data (a changed reset policy applies from the next add). */
  setConfig(config: unknown): void {
    const c = parseLiveViewsConfig(config);
    const old = this.config;
    this.config = c;
    this.rebuild(c, old);
  }

  /** Decoded hits: hit map, ToT histogram, hit trend and rate. */
  addHits(h: HitBatch, nowS: number): void {
    this.beforeAdd(nowS, false);
    this.offSensor += this.hitRows(h);
    this.count(S_HITS, nowS, h.n);
  }

  /** Event rows of `nTriggers` triggers (including triggers that kept no rows). */
  addEvents(e: EventBatch, nTriggers: number, nowS: number): void {
    this.beforeAdd(nowS, true);
    const pixel = this.config.tof.source === 'pixel';
    this.tofRows(e.tof, e.n, pixel, e.tot);
    this.addRois(e.tof, e.n, nowS, pixel, e);
    this.accTriggers += nTriggers;
    this.count(S_EVENTS, nowS, e.n);
    this.count(S_TRIGGERS, nowS, nTriggers);
  }

  /** Centroids: centroid map, cluster sizes, and the ToF views when the tof source is 'centroid'. */
  addCentroids(c: CentroidBatch, nowS: number): void {
    this.beforeAdd(nowS, false);
    this.centroidMap.outside += this.centroidRows(c);
    fillHistogram(this.clusterSize, c.size, c.n);
    if (this.config.tof.source === 'centroid') {
      this.tofRows(c.tof, c.n, true, null);
      this.addRois(c.tof, c.n, nowS, true, null);
    }
    this.count(S_CENTROIDS, nowS, c.n);
  }

  /** Bytes received (for MB/s): never triggers a reset. */
  addBytes(bytes: number, nowS: number): void {
    this.count(S_BYTES, nowS, bytes);
  }

  /** Clears the accumulated views and the trends (rates and totals go on). */
  reset(): void {
    this.clearAccumulation(NaN);
    this.trend.clear();
    this.roiTrend.clear();
  }

  /** Copies every view out; `health` (the stages' queues and losses) is passed through, copied. */
  snapshot(nowS: number, health: LiveHealth = EMPTY_LIVE_HEALTH): LiveSnapshot {
    this.fold();
    const c = this.config;
    const end = Math.max(Math.floor(nowS), this.trend.endS, this.roiTrend.endS);
    this.trend.advance(end);
    this.roiTrend.advance(end);
    const r = this.rates.sums(nowS);
    return {
      timeS: nowS,
      sensor: { ...this.sensor },
      tof: snapHistogram(this.tof),
      tofSource: c.tof.source,
      tot: snapHistogram(this.tot),
      tofTot: { ...this.tofTot, counts: this.tofTot.counts.slice() },
      clusterSize: snapHistogram(this.clusterSize),
      hitMap: { mode: c.hitMap.mode, values: new Float32Array(this.hitMap), offSensor: this.offSensor },
      centroidMap: { ...this.centroidMap, counts: this.centroidMap.counts.slice() },
      rois: this.rois.map((s, i) => ({
        ...s.roi,
        histogram: snapHistogram(s.hist),
        map: s.map.slice(),
        trend: this.roiTrend.copy(i),
      })),
      trend: { endS: end, ...bySeries((i) => this.trend.copy(i)) },
      rates: {
        hitsPerS: r[S_HITS],
        eventsPerS: r[S_EVENTS],
        triggersPerS: r[S_TRIGGERS],
        centroidsPerS: r[S_CENTROIDS],
        megabytesPerS: r[S_BYTES] / 1e6,
      },
      totals: bySeries((i) => this.totals[i]),
      accumulation: {
        mode: c.reset.mode,
        sinceS: this.accSinceS,
        triggers: this.accTriggers,
        resets: this.resets,
      },
      health: { ...health, stages: health.stages.map((s) => ({ ...s })) },
    };
  }

  private count(series: number, nowS: number, amount: number): void {
    this.totals[series] += amount;
    this.trend.add(series, nowS, amount);
    this.rates.add(nowS, series, amount);
  }

  /** (Re)allocates each view whose inputs differ from `old` (all of them when old is null). */
  private rebuild(c: LiveViewsConfig, old: LiveViewsConfig | null): void {
    if (old !== null) this.fold();
    const changed = (pick: (k: LiveViewsConfig) => unknown): boolean =>
      old === null || !same(pick(old), pick(c));
    if (changed((k) => k.tof)) this.tof = newHistogram(c.tof.min, c.tof.max, c.tof.bins);
    if (changed((k) => k.tot)) this.tot = newHistogram(0, c.tot.max, c.tot.bins);
    const maxSize = c.clusterSize.maxSize;
    if (changed((k) => k.clusterSize)) this.clusterSize = newHistogram(1, maxSize + 1, maxSize);
    if (changed((k) => [k.tof.min, k.tof.max, k.tof.bins, k.tot.max, k.tofTot])) {
      const tofBins = Math.min(c.tofTot.tofBins, c.tof.bins);
      const totBins = c.tofTot.totBins;
      const { min: tofMin, max: tofMax, bins } = c.tof;
      this.tofCol = Int32Array.from({ length: bins }, (_, b) => Math.floor((b * tofBins) / bins));
      const counts = new Uint32Array(tofBins * totBins);
      this.tofTot = { tofMin, tofMax, tofBins, totMax: c.tot.max, totBins, counts };
    }
    if (old !== null && old.hitMap.mode !== c.hitMap.mode) {
      this.hitMap.fill(0);
      this.offSensor = 0;
    }
    const { width: sw, height: sh } = this.sensor;
    if (changed((k) => k.centroidMap)) {
      const binSize = c.centroidMap.binSize;
      const [width, height] = [Math.ceil(sw / binSize), Math.ceil(sh / binSize)];
      this.centroidMap = { binSize, width, height, counts: new Uint32Array(width * height), outside: 0 };
    }
    const roisChanged = changed((k) => [k.rois, k.roiBins, k.tof.source]);
    if (roisChanged) {
      this.rois = c.rois.map((roi) => ({
        roi,
        hist: newHistogram(roi.tofMin, roi.tofMax, c.roiBins),
        map: new Uint32Array(sw * sh),
      }));
      this.roiInside = new Float64Array(c.rois.length);
    }
    this.kernel.shape({
      mapSize: this.hitMap.length,
      totBins: this.tot.bins,
      tofBins: this.tof.bins,
      tofTotSize: this.tofTot.counts.length,
      tofCol: this.tofCol,
    });
    const trendChanged = changed((k) => k.trendSeconds);
    if (trendChanged) this.trend = new Trend(N_SERIES, c.trendSeconds);
    if (roisChanged || trendChanged) this.roiTrend = new Trend(c.rois.length, c.trendSeconds);
  }

  /** Applies the reset policy before data is added. Trigger counts end an accumulation only at an
   * events batch, so a batch's centroids (which come after its events) stay with their events. */
  private beforeAdd(nowS: number, events: boolean): void {
    if (Number.isNaN(this.accSinceS)) this.accSinceS = nowS;
    const { mode, n } = this.config.reset;
    switch (mode) {
      case 'accumulate':
        break;
      case 'everyNTriggers':
        if (events && this.accTriggers >= n) this.clearAccumulation(nowS);
        break;
      case 'everyNSeconds':
        if (nowS - this.accSinceS >= n) this.clearAccumulation(nowS);
        break;
      default:
        assertNever(mode, 'reset mode');
    }
  }

  /** Adds what the kernel accumulated into the views. */
  private fold(): void {
    this.kernel.fold(this.hitMap, this.tot.counts, this.tof.counts, this.tofTot.counts);
  }

  private clearAccumulation(nowS: number): void {
    this.kernel.clear();
    for (const h of [this.tof, this.tot, this.clusterSize]) clearHistogram(h);
    this.tofTot.counts.fill(0);
    this.hitMap.fill(0);
    this.offSensor = 0;
    this.centroidMap.counts.fill(0);
    this.centroidMap.outside = 0;
    for (const s of this.rois) {
      clearHistogram(s.hist);
      s.map.fill(0);
    }
    this.accSinceS = nowS;
    this.accTriggers = 0;
    this.resets++;
  }

  /** ROI histograms and trends (`fromSource`: a batch of the tof source) and maps (`ev`: event rows). */
  private addRois(
    tof: Float64Array,
    n: number,
    nowS: number,
    fromSource: boolean,
    ev: EventBatch | null,
  ): void {
    if (this.rois.length === 0) return;
    this.roiInside.fill(0);
    this.roiRows(tof, n, fromSource, ev);
    if (fromSource) this.rois.forEach((_, r) => this.roiTrend.add(r, nowS, this.roiInside[r]));
  }

  // The row loops. Each returns right after its loop and counts rare cases inside it: V8 compiles a
  // long loop while it runs (OSR), before any code after it has run, and code after the loop then
  // deoptimized on every call (seen with --trace-deopt).

  /** Hit map and ToT histogram (in the kernel); returns the hits off the sensor. */
  private hitRows(h: HitBatch): number {
    const { width, height } = this.sensor;
    return this.kernel.hits(h, width, height, this.config.hitMap.mode !== 'counts', this.tot);
  }

  /** `fromSource`: the ToF histogram; `tot` (event rows): ToF-vs-ToT, in the same pass (kernel). */
  private tofRows(tof: Float64Array, n: number, fromSource: boolean, tot: Uint32Array | null): void {
    this.kernel.tofs(tof, n, fromSource, tot, this.tof, this.tofTot);
  }

  /** Rows outside the ROIs' union range cost two comparisons, whatever the number of ROIs. */
  private roiRows(tof: Float64Array, n: number, fromSource: boolean, ev: EventBatch | null): void {
    const { rois, roiInside } = this;
    const lo = Math.min(...rois.map((s) => s.roi.tofMin));
    const hi = Math.max(...rois.map((s) => s.roi.tofMax));
    const { width: w, height: ht } = this.sensor;
    const [x, y] = ev === null ? [null, null] : [ev.x, ev.y];
    for (let i = 0; i < n; i++) {
      const t = tof[i];
      if (!(t >= lo && t < hi)) continue;
      for (let r = 0; r < rois.length; r++) {
        const { hist: rh, map } = rois[r];
        if (!(t >= rh.min && t < rh.max)) continue;
        if (fromSource) {
          rh.counts[binIndex(t, rh.min, rh.max, rh.scale, rh.bins)]++;
          roiInside[r]++;
        }
        if (x !== null && y !== null && x[i] < w && y[i] < ht) map[y[i] * w + x[i]]++;
      }
    }
  }

  /** Centroid map; returns the centroids outside it. */
  private centroidRows(c: CentroidBatch): number {
    const { n, x, y } = c;
    const { binSize, width: mw, height: mh, counts } = this.centroidMap;
    const scale = 1 / binSize;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const bx = binIndex(x[i], 0, mw * binSize, scale, mw);
      const by = binIndex(y[i], 0, mh * binSize, scale, mh);
      if (bx < 0 || bx === mw || by < 0 || by === mh) outside++;
      else counts[by * mw + bx]++;
    }
    return outside;
  }
}
