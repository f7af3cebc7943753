// The converter: one .raw file to the HDF5 layout of timepix3-format.md, streaming. Data flow:
//   rawReader (4 MB chunks, main thread)
//     -> decode+events stage (Tpx3Decoder 'file' time mode + EventBuilder; a worker thread)
//     -> RunWriter (main thread: raw/, timing/, triggers/)
//     -> WholeTriggerFeed (whole triggers) -> cluster stages (N worker threads) -> RunWriter centroided/
// Buffers are transferred between threads, never copied. Results are written in request order, so
// the file is identical whatever the number of workers. In-flight work is bounded, so memory depends
// on the chunk size and the reorder horizon, not on the file. Output goes to OUT.h5.partial and is
// renamed on success.
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { EventBatch } from '../../shared/batches';
import { FILE_EVENT_WINDOW } from '../../shared/eventWindow';
import {
  DEFAULT_CLUSTERING,
  type ClusteringSettings,
  type Orientation,
} from '../../shared/processingSettings';
import { UserError } from '../../shared/userError';
import { withDefaults } from '../../shared/withDefaults';
import type { EventCounts } from '../pipeline/eventBuilder';
import type { PacketCounts } from '../pipeline/packetCounts';
import type { Tpx4PacketCounts } from '../pipeline/tpx4Decoder';
import { type Tpx4TriggerSource, tpx4SensorSize, triggerPixelProblem } from '../pipeline/tpx4Hits';
import type { TimeJumpCounts } from '../pipeline/globalTime';
import { WholeTriggerFeed, wholeColumns } from '../pipeline/wholeTriggerFeed';
import { type StagePort, type StageTransport, openStage } from '../stages/stagePort';
import type { ClusterResponse, DecodeEventsResponse, DecodeSideOutput } from '../stages/stages';
import { type RawFileInfo, inspectRawFile, readWords } from './rawReader';
import { openRunWriter, type RunWriter } from './runH5Writer';

export interface TimewalkTable {
  path: string;
  values: Float64Array;
}

/** The processing settings of a conversion; each defaults to CONVERT_DEFAULTS. */
export interface ConvertSettings {
  /** Event window on tof, seconds (files: 0..10000 s, Decision 1). */
  eventWindow: [number, number];
  orientation: Orientation;
  offset: [number, number];
  /** Reorder horizon for event building, seconds (Decision 8: 1 ms). */
  horizon: number;
  clustering: ClusteringSettings;
}

export const CONVERT_DEFAULTS: ConvertSettings = {
  eventWindow: FILE_EVENT_WINDOW,
  orientation: 'Up',
  offset: [0, 0],
  horizon: 1e-3,
  clustering: DEFAULT_CLUSTERING,
};

export interface ConvertOptions extends Partial<ConvertSettings> {
  input: string;
  output: string;
  force?: boolean;
  camera?: 3 | 4;
  /** Timepix4 only: trigger pixels (x + 448 * y) replacing the signal packets as triggers. */
  triggerPixels?: number[];
  /** Timepix4 only: Gray-coded ToA (default false); readout mode of pixel words (default 'event':
   * 'pc24' words are counted and assembled into frames, which this HDF5 layout does not hold). */
  gray?: boolean;
  readoutMode?: 'event' | 'pc24';
  hitTimewalk?: TimewalkTable;
  centroidTimewalk?: TimewalkTable;
  /** Clustering workers (default: the number of cores). The output does not depend on it. */
  workers?: number;
  /** 'thread' (default) runs the stages in worker threads, 'inline' in this thread. */
  transport?: StageTransport;
  chunkBytes?: number;
  version: string;
  /** Aborting stops the conversion between chunks; the partial output is removed. */
  signal?: AbortSignal;
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
  /** Called once the input is checked, before any work (the CLI reports a detected generation). */
  onDetected?: (info: RawFileInfo) => void;
}

type ResolvedOptions = ConvertOptions & ConvertSettings;

export interface ConvertSummary {
  input: string;
  output: string;
  info: RawFileInfo;
  /** The camera generation the file was decoded as (info.generation). */
  generation: 3 | 4;
  /** Timepix3 packet counts (all zero for Timepix4). */
  packets: PacketCounts;
  /** Timepix4 packet counts (Timepix4 only). */
  tpx4Packets?: Tpx4PacketCounts;
  /** Timepix4 only: the trigger source and the hits taken as trigger 1 / 2 edges. */
  tpx4Triggers?: { source: Tpx4TriggerSource; pixelHits: [number, number] };
  events: EventCounts;
  timeJumps: TimeJumpCounts;
  triggers: { trigger1: number; trigger2: number };
  centroids: number;
  /** Clustering workers used (0 without clustering). */
  workers: number;
  seconds: number;
}

/** The sensor's size in pixels (Decision 10): one Timepix3 chip, or Timepix4 (448 x 512, turned to
 * 512 x 448 by the Left and Right orientations). */
export function sensorSizeFor(generation: 3 | 4, orientation: Orientation = 'Up'): [number, number] {
  return generation === 4 ? tpx4SensorSize(orientation) : [256, 256];
}

export function coordinateDtypeFor(generation: 3 | 4, offset: [number, number]): 'uint8' | 'uint16' {
  return generation === 3 && offset[0] === 0 && offset[1] === 0 ? 'uint8' : 'uint16';
}

export async function convertRawFile(options: ConvertOptions): Promise<ConvertSummary> {
  const opts: ResolvedOptions = withDefaults(CONVERT_DEFAULTS, options);
  const started = performance.now();
  if (opts.offset[0] < 0 || opts.offset[1] < 0) {
    throw new UserError(
      `position offset ${opts.offset.join(',')} would push coordinates below 0; use offsets >= 0`,
    );
  }
  const info = await inspectRawFile(opts.input, opts.camera);
  opts.onDetected?.(info);
  const triggerPixels = opts.triggerPixels ?? [];
  if (triggerPixels.length > 0) {
    if (info.generation !== 4)
      throw new UserError(
        `${opts.input}: trigger pixels are for Timepix4 data only (Timepix3 has TDC inputs)`,
      );
    const problem = triggerPixelProblem(triggerPixels);
    if (problem) throw new UserError(problem);
  }
  const coordinateDtype = coordinateDtypeFor(info.generation, opts.offset);
  const totDtype = info.generation === 4 ? 'float64' : 'uint32';
  // Opening checks the output (exists, folder) and creates the partial file while the first chunks
  // are read and decoded.
  const opening = openRunWriter(opts.output, {
    force: opts.force,
    coordinateDtype,
    totDtype,
    writeBehindBytes: WRITE_BEHIND_BYTES,
  });
  opening.catch(() => {}); // observed below; never an unhandled rejection
  try {
    const summary = await runConversion(opts, info, opening);
    summary.seconds = (performance.now() - started) / 1000;
    const writer = await opening;
    writer.setMetadata(metadataFor(opts, info, summary, coordinateDtype, totDtype));
    await writer.commit();
    return summary;
  } catch (err) {
    (await opening.catch(() => null))?.abort();
    throw err;
  }
}

/** Data writes in flight in the thread pool: the page-cache copies run beside this thread's work. */
const WRITE_BEHIND_BYTES = 64 << 20;

/** Files smaller than this are converted in this thread: worker start-up would cost more. */
const SMALL_FILE_BYTES = 16 << 20;

/** Decode requests in flight: enough to keep the decode thread busy while the writer works. */
const DECODE_DEPTH = 4;
/** Cluster requests in flight per worker. */
const CLUSTER_DEPTH = 2;

async function runConversion(
  opts: ResolvedOptions,
  info: RawFileInfo,
  opening: Promise<RunWriter>,
): Promise<ConvertSummary> {
  const transport = opts.transport ?? (info.size < SMALL_FILE_BYTES ? 'inline' : 'thread');
  const decode = openStage(
    'decodeEvents',
    {
      generation: info.generation,
      orientation: opts.orientation,
      offsetX: opts.offset[0],
      offsetY: opts.offset[1],
      hitLut: opts.hitTimewalk?.values,
      triggerPixels: opts.triggerPixels,
      gray: opts.gray,
      readoutMode: opts.readoutMode,
      windowMin: opts.eventWindow[0],
      windowMax: opts.eventWindow[1],
      horizon: opts.horizon,
      startTimeNs: info.startTimeNs === null ? 0 : Number(info.startTimeNs),
    },
    transport,
  );
  const clustering = opts.clustering.algorithm !== 'none';
  const [sensorWidth, sensorHeight] = sensorSizeFor(info.generation, opts.orientation);
  const nWorkers = clustering ? Math.max(1, opts.workers ?? availableParallelism()) : 0;
  const clusterPorts: StagePort<'cluster'>[] = [];
  for (let i = 0; i < nWorkers; i++) {
    clusterPorts.push(
      openStage(
        'cluster',
        {
          settings: opts.clustering,
          sensorWidth: sensorWidth + opts.offset[0],
          sensorHeight: sensorHeight + opts.offset[1],
          centroidLut: opts.centroidTimewalk?.values,
        },
        transport,
      ),
    );
  }
  try {
    let writer: RunWriter | null = null;
    // Event columns go back to the decode stage once written, or, when clustering took them, once
    // clustered; decoded words come back from the stage, for the reader to fill again.
    const spareEvents: EventBatch[] = [];
    const spareWords: ArrayBuffer[] = [];
    const spareSides: DecodeSideOutput[] = [];
    const feed = new WholeTriggerFeed();
    // Results are written in request order (so the file does not depend on the workers); each
    // request goes to the worker with the fewest rows in flight.
    const clusterQueue: { result: Promise<ClusterResponse>; returnsBatch: boolean }[] = [];
    const rowsInFlight = new Array<number>(nWorkers).fill(0);
    let centroids = 0;
    const writeNextCentroids = async (): Promise<void> => {
      const { result, returnsBatch } = clusterQueue.shift()!;
      const c = await result;
      if (c.n > 0) writer!.appendCentroids(c);
      centroids += c.n;
      // A view of a decoded batch (not a copied spanning trigger) brings the batch back.
      if (returnsBatch) spareEvents.push(wholeColumns(c.spent));
    };
    const dispatchClusters = async (requests: EventBatch[], takesBatch: boolean): Promise<void> => {
      for (const [i, chunk] of requests.entries()) {
        const k = rowsInFlight.indexOf(Math.min(...rowsInFlight));
        rowsInFlight[k] += chunk.n;
        const result = clusterPorts[k].call(chunk).finally(() => (rowsInFlight[k] -= chunk.n));
        clusterQueue.push({ result, returnsBatch: takesBatch && i === requests.length - 1 });
        while (clusterQueue.length > CLUSTER_DEPTH * nWorkers) await writeNextCentroids();
      }
    };
    const write = async (r: DecodeEventsResponse): Promise<void> => {
      if (r.spent) spareWords.push(r.spent.buffer as ArrayBuffer);
      const w = (writer ??= await opening);
      if (r.tdc1.n > 0) w.appendTriggers(1, r.tdc1);
      if (r.tdc2.n > 0) w.appendTriggers(2, r.tdc2);
      if (r.events.n > 0) w.appendEvents(r.events);
      if (r.timing.n > 0) w.appendTiming(r.timing);
      // Written (copied into the file's blocks): the timing rows and edge lists can go back too.
      spareSides.push({ timing: r.timing, tdc1: r.tdc1, tdc2: r.tdc2 });
      if (!clustering) return void spareEvents.push(r.events);
      const { requests, takesBatch } = feed.feed(r.events);
      if (!takesBatch) spareEvents.push(r.events);
      await dispatchClusters(requests, takesBatch);
    };
    const decodeQueue: Promise<DecodeEventsResponse>[] = [];
    let done = info.dataOffset;
    for await (const words of readWords(info, opts.chunkBytes, () => spareWords.pop())) {
      if (opts.signal?.aborted)
        throw new UserError(`conversion of ${opts.input} interrupted; no output written`);
      const bytes = words.byteLength;
      decodeQueue.push(decode.call({ words, recycle: spareEvents.pop(), recycleSide: spareSides.pop() }));
      while (decodeQueue.length >= DECODE_DEPTH) await write(await decodeQueue.shift()!);
      done += bytes;
      opts.onProgress?.(done, info.size);
    }
    while (decodeQueue.length > 0) await write(await decodeQueue.shift()!);
    const last = await decode.call({ finish: true });
    const final = last.final!;
    if (!final.sawGlobalTime) {
      throw new UserError(
        info.generation === 4
          ? `${opts.input} has no Timepix4 heartbeat packet (0xE0): no hit can be placed in time, so there is nothing to convert`
          : `${opts.input} has no global-time packet (0x4/0x5): no hit can be placed in time, so there is nothing to convert`,
      );
    }
    await write(last);
    const rest = clustering ? feed.finish() : null;
    if (rest) await dispatchClusters([rest], false);
    while (clusterQueue.length > 0) await writeNextCentroids();
    opts.onProgress?.(info.size, info.size);
    return {
      input: opts.input,
      output: opts.output,
      info,
      generation: info.generation,
      packets: final.packets,
      tpx4Packets: final.tpx4Packets,
      tpx4Triggers: final.tpx4Triggers,
      events: final.events,
      timeJumps: final.timeJumps,
      triggers: final.tpx4Triggers
        ? final.tpx4Triggers.source === 'trigger pixels'
          ? { trigger1: 2 * final.tpx4Triggers.pixelHits[0], trigger2: 2 * final.tpx4Triggers.pixelHits[1] }
          : { trigger1: final.tpx4Packets!.signalRise + final.tpx4Packets!.signalFall, trigger2: 0 }
        : {
            trigger1: final.packets.tdc1Rise + final.packets.tdc1Fall,
            trigger2: final.packets.tdc2Rise + final.packets.tdc2Fall,
          },
      centroids,
      workers: nWorkers,
      seconds: 0,
    };
  } finally {
    await Promise.all([decode.close(), ...clusterPorts.map((p) => p.close())]);
  }
}

function tableMeta(t: TimewalkTable | undefined): Record<string, unknown> | null {
  if (!t) return null;
  const sha = createHash('sha256').update(
    new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength),
  );
  return { path: t.path, entries: t.values.length, sha256OfFloat64: sha.digest('hex') };
}

function metadataFor(
  opts: ResolvedOptions,
  info: RawFileInfo,
  s: ConvertSummary,
  coordinateDtype: string,
  totDtype: string,
): { run: Record<string, unknown>; settings: Record<string, unknown>; counts: Record<string, unknown> } {
  const start = info.startTimeNs;
  return {
    run: {
      'chronopix version': opts.version,
      'input file': opts.input,
      'input bytes': info.size,
      'start time ns': start === null ? 0 : start.toString(),
      'start time': start === null ? 'unknown' : new Date(Number(start / 1000000n)).toISOString(),
      'start time source':
        start === null
          ? 'none: the file has no start-time header, timestamps are camera time'
          : 'file header',
      'converted at': new Date().toISOString(),
      'duration s': s.seconds,
      'clustering workers': s.workers,
      node: process.version,
    },
    settings: {
      'camera generation': info.generation,
      ...(info.generation === 4
        ? {
            'trigger source': s.tpx4Triggers?.source ?? 'signal packets',
            'trigger pixels': opts.triggerPixels ?? [],
            'trigger pixel hits': s.tpx4Triggers?.pixelHits ?? [0, 0],
            'gray toa': opts.gray ?? false,
            'readout mode': opts.readoutMode ?? 'event',
            'tot dtype': totDtype,
            'sensor size': sensorSizeFor(4, opts.orientation),
          }
        : {}),
      'event window s': opts.eventWindow,
      orientation: opts.orientation,
      'position offset': opts.offset,
      'coordinate dtype': coordinateDtype,
      'reorder horizon s': opts.horizon,
      'hit timewalk': tableMeta(opts.hitTimewalk),
      'centroid timewalk': tableMeta(opts.centroidTimewalk),
      clustering: opts.clustering,
    },
    counts: {
      packets: s.tpx4Packets ? tpx4CountsForMetadata(s.tpx4Packets) : s.packets,
      events: s.events,
      'time jumps': s.timeJumps,
      'truncated bytes': info.truncatedBytes,
      centroids: s.centroids,
    },
  };
}

/** Timepix4 counts for /metadata/counts: unknown packets by eoc only where seen. */
function tpx4CountsForMetadata(c: Tpx4PacketCounts): Record<string, unknown> {
  const { unknownByEoc, heartbeatGapWarning: _warned, ...rest } = c;
  const byEoc: Record<string, number> = {};
  unknownByEoc.forEach((n, eoc) => {
    if (n > 0) byEoc[`0x${eoc.toString(16).padStart(2, '0')}`] = n;
  });
  return { ...rest, unknownByEoc: byEoc };
}
