// The processing stages that can run in another thread or process: each is created from a plain
// (structured-cloneable) config and handles one request at a time, returning a response whose typed
// arrays own their buffers, so a transport can transfer them without copying. Stages never know
// their transport (stagePort.ts): the same code runs in-process, in a worker thread, and later in an
// Electron utility process.
import type { CentroidBatch, EventBatch, TimingBatch, TriggerEdges } from '../../shared/batches';
import { emptyEventBatch } from '../../shared/batches';
import type { ClusteringSettings, Orientation } from '../../shared/processingSettings';
import { clusterEvents } from '../pipeline/clustering';
import {
  EventBuilder,
  type EventCounts,
  type EventOutput,
  newEventOutput,
  newTimingBatch,
} from '../pipeline/eventBuilder';
import type { TimeJumpCounts } from '../pipeline/globalTime';
import { type PacketCounts, newPacketCounts } from '../pipeline/packetCounts';
import { FileDecoder } from '../pipeline/fileDecoder';
import { newTriggerEdges, pushEdge } from '../pipeline/hitColumns';
import type { Tpx4PacketCounts } from '../pipeline/tpx4Decoder';
import type { Tpx4TriggerSource } from '../pipeline/tpx4Hits';
import type { LivePipelineConfig, LiveRequest, LiveResponse } from '../live/livePipeline';
import type { BrowseConfig, BrowseRequest, BrowseResponse } from '../offline/browseStage';
import type { SummaryConfig, SummaryRequest, SummaryResponse } from '../offline/summaryStage';

export interface DecodeEventsConfig {
  /** Camera generation of the words (default 3). Timepix4 shapes its hits in Tpx4Hits (trigger
   * pixels, time-walk, orientation, offset). */
  generation?: 3 | 4;
  /** Timepix4 only: trigger pixels (x + 448 * y) replacing the signal packets as triggers. */
  triggerPixels?: number[];
  /** Timepix4 only: Gray-coded ToA, and the readout mode of pixel words (Tpx4DecoderConfig). */
  gray?: boolean;
  readoutMode?: 'event' | 'pc24';
  orientation: Orientation;
  offsetX: number;
  offsetY: number;
  hitLut?: Float64Array;
  windowMin: number;
  windowMax: number;
  horizon: number;
  startTimeNs: number;
}

/** A chunk of words (the raw bytes: interleaved little-endian uint32 halves for Timepix3, read as
 * big-endian bytes for Timepix4), or the end of the stream. `recycle` hands back the events of an
 * earlier response once they are written: the stage fills them again instead of new columns, whose
 * first touch (page faults and zeroing) cost more than building the rows. `recycleSide` hands back
 * an earlier response's timing rows and TDC edges, for the same reason and one more: in a worker
 * thread, a dozen new small arrays a chunk, freed by the thread they were transferred to, made the
 * worker's allocator arena grow all through a conversion (24 MB over 2.7 GB). */
export type DecodeEventsRequest =
  { words: Uint32Array; recycle?: EventBatch; recycleSide?: DecodeSideOutput } | { finish: true };

/** The smaller outputs of a chunk, besides its events. */
export interface DecodeSideOutput {
  timing: TimingBatch;
  tdc1: TriggerEdges;
  tdc2: TriggerEdges;
}

export interface DecodeEventsResponse {
  /** The request's words, handed back once decoded, for the reader to fill again. */
  spent?: Uint32Array;
  tdc1: TriggerEdges;
  tdc2: TriggerEdges;
  events: EventBatch;
  timing: TimingBatch;
  /** Only in the response to `finish`. */
  final?: DecodeEventsFinal;
}

/** End-of-stream counts. */
export interface DecodeEventsFinal {
  generation: 3 | 4;
  /** Timepix3 packet counts (all zero for generation 4). */
  packets: PacketCounts;
  /** Timepix4 packet counts (generation 4 only). */
  tpx4Packets?: Tpx4PacketCounts;
  /** Timepix4 only: where triggers came from, and the hits taken as trigger 1 / 2 edges. */
  tpx4Triggers?: { source: Tpx4TriggerSource; pixelHits: [number, number] };
  events: EventCounts;
  /** Timepix3 global-time jumps (all zero for generation 4). */
  timeJumps: TimeJumpCounts;
  /** The stream had its time reference: a global-time pair (Timepix3) or a heartbeat (Timepix4).
   * Without it no hit can be placed in time. */
  sawGlobalTime: boolean;
}

/** Decoding ('file' time mode) and event building over a stream of chunks, in order. */
export class DecodeEventsStage {
  private readonly decoder: FileDecoder;
  private readonly builder: EventBuilder;
  private spare: EventBatch | null = null;
  private spareSide: DecodeSideOutput | null = null;

  constructor(config: DecodeEventsConfig) {
    this.decoder = new FileDecoder({ ...config, generation: config.generation ?? 3 });
    this.builder = new EventBuilder(
      {
        windowMin: config.windowMin,
        windowMax: config.windowMax,
        horizon: config.horizon,
        startTimeNs: config.startTimeNs,
      },
      // An assignment's slices, and room for the hits kept within the horizon.
      (5 * ASSIGN_SLICES * DECODE_SLICE) / 4,
    );
  }

  /**
   * Decoding and event building for a caller in this thread that uses the rows in place: after each
   * assignment `onRows` gets the builder's own output (rows in the kernel's memory, valid until it
   * returns; it is cleared after). Returns the chunk's TDC edges.
   */
  buildInPlace(
    words: Uint32Array,
    onRows: (out: EventOutput) => void,
  ): { tdc1: TriggerEdges; tdc2: TriggerEdges } {
    const out = this.builder.ownOutput();
    out.events.n = 0;
    out.timing.n = 0;
    const edges = { tdc1: newTriggerEdges(), tdc2: newTriggerEdges() };
    this.decodeSlices(words, out, edges, onRows);
    return edges;
  }

  /** Decodes `words` a slice at a time and builds their events into `out`, assigning every
   * ASSIGN_SLICES slices and at the end (then `onRows`, if given, takes the rows and `out` is
   * cleared); appends the TDC edges to `tdc1` and `tdc2`. */
  private decodeSlices(
    words: Uint32Array,
    out: EventOutput,
    { tdc1, tdc2 }: { tdc1: TriggerEdges; tdc2: TriggerEdges },
    onRows?: (out: EventOutput) => void,
  ): void {
    const step = 2 * DECODE_SLICE;
    for (let at = 0, slice = 1; at < words.length; at += step, slice++) {
      const chunk = this.decoder.decode(words.subarray(at, at + step));
      const moreFollow = at + step < words.length && slice % ASSIGN_SLICES !== 0;
      this.builder.push(chunk.hits, chunk.triggers, out, moreFollow);
      appendEdges(tdc1, chunk.tdc1);
      appendEdges(tdc2, chunk.tdc2);
      if (onRows && !moreFollow) {
        onRows(out);
        out.events.n = 0;
        out.timing.n = 0;
      }
    }
  }

  /** Timing rows and edge lists for a chunk: the recycled ones, emptied, or new. */
  private takeSpareSide(): DecodeSideOutput {
    const side = this.spareSide;
    this.spareSide = null;
    if (!side) return { timing: newTimingBatch(), tdc1: newTriggerEdges(), tdc2: newTriggerEdges() };
    side.timing.n = 0;
    side.tdc1.n = 0;
    side.tdc2.n = 0;
    return side;
  }

  /** Event columns for up to `rows` rows (more grow them): the recycled ones if they are big enough. */
  private takeSpare(rows: number): EventBatch {
    const spare = this.spare;
    this.spare = null;
    if (spare && spare.tof.length >= rows) {
      spare.n = 0;
      return spare;
    }
    return emptyEventBatch(rows);
  }

  handle(req: DecodeEventsRequest): DecodeEventsResponse {
    if ('words' in req) {
      const words = req.words;
      if (req.recycle) this.spare = req.recycle;
      if (req.recycleSide) this.spareSide = req.recycleSide;
      const side = this.takeSpareSide();
      const out: EventOutput = { events: this.takeSpare(words.length >>> 1), timing: side.timing };
      this.decodeSlices(words, out, side);
      return { spent: words, tdc1: side.tdc1, tdc2: side.tdc2, events: out.events, timing: out.timing };
    }
    const out = newEventOutput();
    this.builder.flush(out);
    this.decoder.finish();
    const { tpx3, tpx4 } = this.decoder;
    return {
      tdc1: { n: 0, time: new Float64Array(0) },
      tdc2: { n: 0, time: new Float64Array(0) },
      events: out.events,
      timing: out.timing,
      final: tpx4
        ? {
            generation: 4,
            packets: newPacketCounts(),
            tpx4Packets: { ...tpx4.decoder.counts, unknownByEoc: [...tpx4.decoder.counts.unknownByEoc] },
            tpx4Triggers: {
              source: tpx4.triggerSource,
              pixelHits: [tpx4.triggerPixelHits[0], tpx4.triggerPixelHits[1]],
            },
            events: this.builder.counts,
            timeJumps: { backwardJumps: 0, forwardJumps: 0, recoveries: 0 },
            sawGlobalTime: this.decoder.sawTime,
          }
        : {
            generation: 3,
            packets: tpx3!.counts,
            events: this.builder.counts,
            timeJumps: tpx3!.time.jumps,
            sawGlobalTime: this.decoder.sawTime,
          },
    };
  }
}

/** Packets decoded at once within a request: the decoder's columns stay in the core's L2. */
export const DECODE_SLICE = 32_768;
/** Slices whose hits are assigned to triggers at once: each assignment re-reads the hits still
 * within the reorder horizon, so larger ones cost less, up to where the rows leave the cache. */
export const ASSIGN_SLICES = 4;

function appendEdges(to: TriggerEdges, from: TriggerEdges): void {
  for (let i = 0; i < from.n; i++) pushEdge(to, from.time[i]);
}

export interface ClusterConfig {
  settings: ClusteringSettings;
  sensorWidth: number;
  sensorHeight: number;
  centroidLut?: Float64Array;
}

/** Centroids of a chunk, and the chunk's events handed back (its columns may be views of larger
 * buffers, which go back with them) for the caller to reuse. */
export type ClusterResponse = CentroidBatch & { spent: EventBatch };

/** Clustering of whole-trigger chunks; stateless, so any number may run side by side. */
export class ClusterStage {
  constructor(private readonly config: ClusterConfig) {}

  handle(events: EventBatch): ClusterResponse {
    const { settings, sensorWidth, sensorHeight, centroidLut } = this.config;
    return { ...clusterEvents(events, settings, { sensorWidth, sensorHeight, centroidLut }), spent: events };
  }
}

/** Every stage a worker can host, by name: its config, request and response types. */
export interface StageTypes {
  decodeEvents: { config: DecodeEventsConfig; request: DecodeEventsRequest; response: DecodeEventsResponse };
  cluster: { config: ClusterConfig; request: EventBatch; response: ClusterResponse };
  live: { config: LivePipelineConfig; request: LiveRequest; response: LiveResponse };
  /** The offline browser: one pass over a file for its summary, or its live views over a range. */
  summary: { config: SummaryConfig; request: SummaryRequest; response: SummaryResponse };
  browse: { config: BrowseConfig; request: BrowseRequest; response: BrowseResponse };
}
export type StageName = keyof StageTypes;

export interface StageHandler<K extends StageName> {
  /** May answer later (a stage that waits for helpers of its own); hosts answer in request order. */
  handle(req: StageTypes[K]['request']): StageTypes[K]['response'] | Promise<StageTypes[K]['response']>;
  /** Releases what the stage holds (helper threads); called when its port closes. */
  close?(): Promise<void>;
}

/**
 * The named stage. The live and offline stages are imported when first asked for: their views
 * pull in the settings schemas (zod), whose loading cost a fresh worker thread ~70 ms, which the
 * converter's decode and cluster threads need not pay.
 */
export async function createStage<K extends StageName>(
  name: K,
  config: StageTypes[K]['config'],
): Promise<StageHandler<K>> {
  const stages: { [N in StageName]: (c: StageTypes[N]['config']) => Promise<StageHandler<N>> } = {
    decodeEvents: async (c) => new DecodeEventsStage(c),
    cluster: async (c) => new ClusterStage(c),
    live: async (c) => new (await import('../live/livePipeline')).LivePipeline(c),
    summary: async (c) => new (await import('../offline/summaryStage')).SummaryStage(c),
    browse: async (c) => new (await import('../offline/browseStage')).BrowseStage(c),
  };
  return stages[name](config);
}

/** The distinct ArrayBuffers under every typed array in a message, for a transfer list. */
export function buffersOf(value: unknown, out: Set<ArrayBuffer> = new Set()): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) out.add(value.buffer);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) buffersOf(v, out);
  }
  return [...out];
}
