// The live views over a recorded file (a stage: it runs in a worker thread). The main thread reads
// the file in chunks and sends them here; each chunk goes the way a live batch goes in
// livePipeline.ts, but decoded in 'file' time mode (fileDecoder.ts):
//   decode -> hits in range -> views.addBytes/addHits
//          -> event builder (all hits, so trigger numbers and rows equal the converter's)
//          -> rows of triggers in range -> views.addEvents -> [whole triggers -> clustering ->
//             views.addCentroids]
// The range (rangeFilter.ts) decides what reaches the views; the views' clock (nowS) is the camera
// time since the file's first time. `finish` flushes the event builder and returns the snapshot.
import type { EventBatch } from '../../shared/batches';
import type { SensorGeometry, LiveSnapshot } from '../../shared/liveViews';
import type { BrowseRange } from '../../shared/offlineApi';
import type { ClusteringSettings, Orientation } from '../../shared/processingSettings';
import { clusterEvents } from '../pipeline/clustering';
import { EventBuilder } from '../pipeline/eventBuilder';
import { WholeTriggerBuffer } from '../pipeline/wholeTriggers';
import { LiveViews } from '../live/liveViews';
import { FileDecoder } from '../pipeline/fileDecoder';
import { RangeFilter } from './rangeFilter';
import { span } from './summaryStage';

export interface BrowseConfig {
  generation: 3 | 4;
  orientation: Orientation;
  offset: [number, number];
  hitLut?: Float64Array;
  /** Timepix4: trigger pixels replacing the signal packets as triggers. */
  triggerPixels?: number[];
  /** Event window on tof, s (inclusive). */
  eventWindow: [number, number];
  /** Reorder horizon of event building, s. */
  horizon: number;
  startTimeNs: number;
  pipeline: 'pixel' | 'centroid';
  clustering: ClusteringSettings;
  /** Live views configuration (parsed by LiveViews). */
  views: unknown;
  /** Sensor size plus offset. */
  sensor: SensorGeometry;
  range: BrowseRange;
  /** The file's first time (s) when known from its summary; else the first chunk's earliest time. */
  firstS: number | null;
}

export type BrowseRequest = { words: Uint32Array } | { finish: true };

/** What reached the views. */
export interface BrowseCounts {
  hits: number;
  events: number;
  triggers: number;
  centroids: number;
}

export interface BrowseResponse {
  /** The stream is past the range: the caller may stop reading. */
  pastEnd: boolean;
  counts: BrowseCounts;
  /** Only in the response to `finish`. */
  snapshot?: LiveSnapshot;
  /** Only in the response to `finish`: the file had its time reference. */
  sawTime?: boolean;
}

/** Rows of whole triggers clustered at once. */
const CLUSTER_ROWS = 1 << 14;

export class BrowseStage {
  private readonly decoder: FileDecoder;
  private readonly builder: EventBuilder;
  private readonly views: LiveViews;
  private readonly filter: RangeFilter;
  private readonly whole = new WholeTriggerBuffer(CLUSTER_ROWS);
  private readonly clustering: boolean;
  private latest = -Infinity;
  private readonly counts: BrowseCounts = { hits: 0, events: 0, triggers: 0, centroids: 0 };

  constructor(private readonly config: BrowseConfig) {
    this.decoder = new FileDecoder({
      generation: config.generation,
      orientation: config.orientation,
      offsetX: config.offset[0],
      offsetY: config.offset[1],
      hitLut: config.hitLut,
      triggerPixels: config.triggerPixels,
    });
    this.builder = new EventBuilder({
      windowMin: config.eventWindow[0],
      windowMax: config.eventWindow[1],
      horizon: config.horizon,
      startTimeNs: config.startTimeNs,
    });
    this.views = new LiveViews(config.views, config.sensor);
    this.filter = new RangeFilter(config.range, config.firstS);
    this.clustering = config.pipeline === 'centroid' && config.clustering.algorithm !== 'none';
  }

  handle(req: BrowseRequest): BrowseResponse {
    // The builder's own output, refilled per chunk: its rows (views of the kernel's
    // memory) feed the views, or are copied for clustering, right here.
    const out = this.builder.ownOutput();
    out.events.n = 0;
    out.timing.n = 0;
    if ('words' in req) {
      const { hits, triggers } = this.decoder.decode(req.words);
      const [lo, hi] = span(hits.toa, hits.n, triggers.time, triggers.n);
      if (hi > this.latest) this.latest = hi;
      const nTriggers = this.filter.observe(triggers, lo);
      const nowS = this.nowS();
      const inRange = this.filter.hits(hits);
      this.views.addBytes(req.words.byteLength, nowS);
      this.views.addHits(inRange, nowS);
      this.counts.hits += inRange.n;
      this.builder.push(hits, triggers, out);
      this.addEvents(out.events, nTriggers, nowS, false);
    } else {
      this.builder.flush(out);
      this.addEvents(out.events, 0, this.nowS(), true);
    }
    const pastEnd = this.filter.pastEnd(this.latest, 2 * this.config.horizon);
    if ('words' in req) return { pastEnd, counts: { ...this.counts } };
    return {
      pastEnd,
      counts: { ...this.counts },
      snapshot: this.views.snapshot(this.nowS()),
      sawTime: this.decoder.sawTime,
    };
  }

  /** Camera time since the file's first time, s (0 before any data). */
  private nowS(): number {
    const t = this.latest - this.filter.originS;
    return Number.isFinite(t) && t > 0 ? t : 0;
  }

  private addEvents(all: EventBatch, nTriggers: number, nowS: number, final: boolean): void {
    const events = this.filter.events(all);
    this.views.addEvents(events, nTriggers, nowS);
    this.counts.events += events.n;
    this.counts.triggers += nTriggers;
    if (!this.clustering) return;
    if (events.n > 0) this.whole.add(events);
    for (let chunk = this.whole.take(final); chunk; chunk = this.whole.take(final)) {
      const { width, height } = this.config.sensor;
      const c = clusterEvents(chunk, this.config.clustering, { sensorWidth: width, sensorHeight: height });
      this.views.addCentroids(c, nowS);
      this.counts.centroids += c.n;
    }
  }
}
