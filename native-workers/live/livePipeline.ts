// The live pipeline: what runs on each ~1 MB UDP batch while acquiring. Decodes the batch with its
// one longtime ('live' time mode, Decision 8 and "The live path"; Timepix4 words carry their own time
// in heartbeats, so the longtime is unused for generation 4: Tpx4Hits), builds events (reorder horizon),
// clusters complete triggers when the centroid pipeline is on, and feeds the live views; only
// snapshots (small typed arrays) leave it. A stage: config in, one request at a time, no clock or
// socket inside (time comes with the requests), so it runs in-process, in a thread or a process.
// Parameters change between batches without a restart and apply from the next batch.
import type { CentroidBatch, HitBatch, TriggerEdges } from '../../shared/batches';
import type { ClusteringSettings, Orientation } from '../../shared/processingSettings';
import { type LiveHealth, type LiveSnapshot, type SensorGeometry } from '../../shared/liveViews';
import { clusterEvents } from '../pipeline/clustering';
import { EventBuilder } from '../pipeline/eventBuilder';
import { Tpx3Decoder, newDecodedBatch } from '../pipeline/tpx3Decoder';
import { Tpx4Hits } from '../pipeline/tpx4Hits';
import { WholeTriggerBuffer } from '../pipeline/wholeTriggers';
import { type StagePort, openStage } from '../stages/stagePort';
import { LiveViews } from './liveViews';

/** The parameters that may change while running. */
export interface LiveParams {
  pipeline: 'pixel' | 'centroid';
  /** Event window on tof, seconds. */
  eventWindow: [number, number];
  clustering: ClusteringSettings;
  /** Live views configuration (parsed by LiveViews; see shared/liveViews.ts). */
  views: unknown;
}

export interface LivePipelineConfig extends LiveParams {
  /** Camera generation of the words (default 3): Timepix4 words are big-endian, 448 x 512. */
  generation?: 3 | 4;
  /** Timepix4 only: trigger pixels (x + 448 * y) replacing the signal packets as triggers. */
  triggerPixels?: number[];
  orientation: Orientation;
  offset: [number, number];
  hitLut?: Float64Array;
  /** Reorder horizon of event building, seconds. */
  horizon: number;
  sensor: SensorGeometry;
  /** Clustering threads of the centroid pipeline (the reference's numBlobProcesses); 0 clusters
   * in the pipeline's own thread. */
  clusterWorkers?: number;
}

export type LiveRequest =
  | {
      /** `giveBack`: return the bytes in the response once decoded (a transport that transfers
       * them lets the sampler fill the same buffer again: no allocation per batch). */
      batch: { bytes: Uint8Array; longtime: number; giveBack?: boolean };
      nowS: number;
    }
  | { params: Partial<LiveParams>; nowS?: number }
  | { snapshot: { nowS: number; health?: LiveHealth } }
  | { reset: true };

export interface LiveCounters {
  batches: number;
  hits: number;
  events: number;
  triggers: number;
  centroids: number;
  /** Total processing time of batches, ms. */
  execMs: number;
}

export type LiveResponse =
  { counters: LiveCounters; spent?: Uint8Array } | { snapshot: LiveSnapshot; counters: LiveCounters };

export class LivePipeline {
  private readonly decoder: Tpx3Decoder | null = null;
  private readonly tpx4: Tpx4Hits | null = null;
  private readonly builder: EventBuilder;
  private readonly views: LiveViews;
  private readonly decoded = newDecodedBatch();
  private readonly whole = new WholeTriggerBuffer(1);
  private params: LiveParams;
  private clusterPorts: StagePort<'cluster'>[] | null = null;
  private readonly clustering: Promise<CentroidBatch>[] = [];
  private dispatched = 0;
  readonly counters: LiveCounters = { batches: 0, hits: 0, events: 0, triggers: 0, centroids: 0, execMs: 0 };

  constructor(private readonly config: LivePipelineConfig) {
    this.params = {
      pipeline: config.pipeline,
      eventWindow: config.eventWindow,
      clustering: config.clustering,
      views: config.views,
    };
    const shape = {
      orientation: config.orientation,
      offsetX: config.offset[0],
      offsetY: config.offset[1],
      hitLut: config.hitLut,
    };
    if (config.generation === 4) this.tpx4 = new Tpx4Hits({ ...shape, triggerPixels: config.triggerPixels });
    else this.decoder = new Tpx3Decoder({ ...shape, timeMode: 'live' });
    this.builder = new EventBuilder({
      windowMin: config.eventWindow[0],
      windowMax: config.eventWindow[1],
      horizon: config.horizon,
      startTimeNs: 0,
    });
    this.views = new LiveViews(config.views, config.sensor);
  }

  async handle(req: LiveRequest): Promise<LiveResponse> {
    if ('batch' in req) {
      const { bytes, longtime, giveBack } = req.batch;
      await this.process(bytes, longtime, req.nowS);
      return giveBack ? { counters: { ...this.counters }, spent: bytes } : { counters: { ...this.counters } };
    } else if ('params' in req) await this.setParams(req.params, req.nowS);
    else if ('reset' in req) this.views.reset();
    else {
      await this.drainClustering(0, req.snapshot.nowS);
      return {
        snapshot: this.views.snapshot(req.snapshot.nowS, req.snapshot.health),
        counters: { ...this.counters },
      };
    }
    return { counters: { ...this.counters } };
  }

  async close(): Promise<void> {
    const ports = this.clusterPorts ?? [];
    this.clusterPorts = null;
    await Promise.all(ports.map((p) => p.close()));
  }

  private async process(bytes: Uint8Array, longtime: number, nowS: number): Promise<void> {
    const t0 = performance.now();
    const { hits, triggers } = this.decode(bytes, longtime);
    this.views.addBytes(bytes.byteLength, nowS);
    this.views.addHits(hits, nowS);
    // The builder's own output, refilled per batch: its rows (views of the kernel's
    // memory) feed the views, or are copied for clustering, right here.
    const out = this.builder.ownOutput();
    out.events.n = 0;
    out.timing.n = 0;
    this.builder.push(hits, triggers, out);
    this.views.addEvents(out.events, triggers.n, nowS);
    const c = this.counters;
    c.batches++;
    c.hits += hits.n;
    c.triggers += triggers.n;
    c.events += out.events.n;
    if (this.params.pipeline === 'centroid' && this.params.clustering.algorithm !== 'none') {
      this.whole.add(out.events);
      const workers = this.config.clusterWorkers ?? 0;
      for (let chunk = this.whole.take(); chunk; chunk = this.whole.take()) {
        if (workers === 0) {
          this.addCentroids(clusterEvents(chunk, this.params.clustering, this.clusterOptions()), nowS);
          continue;
        }
        this.clusterPorts ??= Array.from({ length: workers }, () =>
          openStage('cluster', { settings: this.params.clustering, ...this.clusterOptions() }, 'thread', {
            lowPriority: true,
          }),
        );
        this.clustering.push(this.clusterPorts[this.dispatched++ % workers].call(chunk));
        // At most two chunks per worker in flight: beyond that this batch waits (the supervisor's
        // byte-bounded queue then decides what to drop).
        await this.drainClustering(2 * workers, nowS);
      }
    }
    c.execMs += performance.now() - t0;
  }

  private decode(bytes: Uint8Array, longtime: number): { hits: HitBatch; triggers: TriggerEdges } {
    if (this.tpx4) {
      const b = this.tpx4.decode(bytes);
      return { hits: { ...b.hits, totNs: b.totNs }, triggers: b.triggers };
    }
    // A batch that crossed a process boundary may sit at any byte offset: align it once if needed.
    const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
    const words = new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength >>> 2);
    this.decoder!.decode(words, this.decoded, longtime);
    return this.decoded;
  }

  private clusterOptions(): { sensorWidth: number; sensorHeight: number } {
    return { sensorWidth: this.config.sensor.width, sensorHeight: this.config.sensor.height };
  }

  /** Adds finished clustering results, oldest first, until at most `keep` are in flight. */
  private async drainClustering(keep: number, nowS: number): Promise<void> {
    while (this.clustering.length > keep) this.addCentroids(await this.clustering.shift()!, nowS);
  }

  private addCentroids(centroids: CentroidBatch, nowS: number): void {
    this.views.addCentroids(centroids, nowS);
    this.counters.centroids += centroids.n;
  }

  private async setParams(p: Partial<LiveParams>, nowS = 0): Promise<void> {
    const clusteringChanged =
      p.clustering !== undefined && JSON.stringify(p.clustering) !== JSON.stringify(this.params.clustering);
    this.params = { ...this.params, ...p };
    if (p.eventWindow) {
      this.builder.config.windowMin = p.eventWindow[0];
      this.builder.config.windowMax = p.eventWindow[1];
    }
    if (p.views !== undefined) this.views.setConfig(p.views);
    if (clusteringChanged && this.clusterPorts) {
      // The workers were configured with the old settings: finish their chunks, then start new
      // ones with the new settings at the next chunk.
      await this.drainClustering(0, nowS);
      const old = this.clusterPorts;
      this.clusterPorts = null;
      await Promise.all(old.map((port) => port.close()));
    }
  }
}
