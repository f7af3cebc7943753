// The converter: one .raw file to the HDF5 layout of timepix3-format.md, streaming. Data flow:
// rawReader (bounded chunks) -> Tpx3Decoder ('file' time mode) -> EventBuilder -> [clustering on
// whole-trigger chunks] -> RunWriter (OUT.h5.partial, renamed on success). Memory is bounded by the
// chunk size and the reorder horizon, not by the file.
import { createHash } from 'node:crypto';
import type { CentroidBatch, EventBatch } from '../../shared/batches';
import type { ClusteringSettings, Orientation } from '../../shared/processingSettings';
import { UserError } from '../../shared/userError';
import { EventBuilder, type EventCounts, newEventOutput } from '../pipeline/eventBuilder';
import type { PacketCounts } from '../pipeline/packetCounts';
import type { TimeJumpCounts } from '../pipeline/globalTime';
import { Tpx3Decoder, newDecodedBatch } from '../pipeline/tpx3Decoder';
import { WholeTriggerBuffer } from '../pipeline/wholeTriggers';
import { type RawFileInfo, inspectRawFile, readWords } from './rawReader';
import { openRunWriter, type RunWriter } from './runH5Writer';

export interface TimewalkTable {
  path: string;
  values: Float64Array;
}

export interface ConvertOptions {
  input: string;
  output: string;
  force?: boolean;
  camera?: 3 | 4;
  /** Event window on tof, seconds. */
  eventWindow: [number, number];
  orientation: Orientation;
  offset: [number, number];
  hitTimewalk?: TimewalkTable;
  centroidTimewalk?: TimewalkTable;
  /** Reorder horizon for event building, seconds. */
  horizon: number;
  clustering: ClusteringSettings;
  /** Clusters whole-trigger chunks; required unless clustering.algorithm is 'none'. */
  cluster?: (events: EventBatch) => Promise<CentroidBatch> | CentroidBatch;
  chunkBytes?: number;
  version: string;
  /** Aborting stops the conversion between chunks; the partial output is removed. */
  signal?: AbortSignal;
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
}

export interface ConvertSummary {
  input: string;
  output: string;
  info: RawFileInfo;
  packets: PacketCounts;
  events: EventCounts;
  timeJumps: TimeJumpCounts;
  triggers: { trigger1: number; trigger2: number };
  centroids: number;
  seconds: number;
}

/** Rows of whole triggers handed to clustering at once (the reference's chunk_size_limit order). */
const CLUSTER_CHUNK_ROWS = 1 << 16;

export function coordinateDtypeFor(generation: 3 | 4, offset: [number, number]): 'uint8' | 'uint16' {
  return generation === 3 && offset[0] === 0 && offset[1] === 0 ? 'uint8' : 'uint16';
}

export async function convertRawFile(opts: ConvertOptions): Promise<ConvertSummary> {
  const started = performance.now();
  if (opts.offset[0] < 0 || opts.offset[1] < 0) {
    throw new UserError(`position offset ${opts.offset.join(',')} would push coordinates below 0; use offsets >= 0`);
  }
  const info = await inspectRawFile(opts.input, opts.camera);
  if (info.generation !== 3) {
    throw new UserError(`${opts.input} is a Timepix4 file; Timepix4 conversion is not available yet`);
  }
  const coordinateDtype = coordinateDtypeFor(info.generation, opts.offset);
  const writer = await openRunWriter(opts.output, { force: opts.force, coordinateDtype });
  try {
    const summary = await runConversion(opts, info, writer);
    summary.seconds = (performance.now() - started) / 1000;
    await writer.setMetadata(metadataFor(opts, info, summary, coordinateDtype));
    await writer.commit();
    return summary;
  } catch (err) {
    writer.abort();
    throw err;
  }
}

async function runConversion(opts: ConvertOptions, info: RawFileInfo, writer: RunWriter): Promise<ConvertSummary> {
  const decoder = new Tpx3Decoder({
    orientation: opts.orientation,
    offsetX: opts.offset[0],
    offsetY: opts.offset[1],
    hitLut: opts.hitTimewalk?.values,
    timeMode: 'file',
  });
  const builder = new EventBuilder({
    windowMin: opts.eventWindow[0],
    windowMax: opts.eventWindow[1],
    horizon: opts.horizon,
    startTimeNs: info.startTimeNs === null ? 0 : Number(info.startTimeNs),
  });
  const clustering = opts.clustering.algorithm !== 'none';
  if (clustering && !opts.cluster) throw new Error('clustering requested without a cluster function');
  const pendingRows = new WholeTriggerBuffer(CLUSTER_CHUNK_ROWS);
  let centroids = 0;
  const cluster = async (final: boolean): Promise<void> => {
    for (let chunk = pendingRows.take(final); chunk; chunk = pendingRows.take(final)) {
      const c = await opts.cluster!(chunk);
      if (c.n > 0) writer.appendCentroids(c);
      centroids += c.n;
    }
  };
  const decoded = newDecodedBatch(1 << 19);
  const out = newEventOutput();
  const emit = async (): Promise<void> => {
    if (out.events.n > 0) {
      writer.appendEvents(out.events);
      if (clustering) pendingRows.add(out.events);
    }
    if (out.timing.n > 0) writer.appendTiming(out.timing);
    out.events.n = 0;
    out.timing.n = 0;
    if (clustering) await cluster(false);
  };
  let done = info.dataOffset;
  const total = info.size;
  for await (const words of readWords(info, opts.chunkBytes)) {
    if (opts.signal?.aborted) throw new UserError(`conversion of ${opts.input} interrupted; no output written`);
    decoder.decode(words, decoded);
    if (decoded.tdc1.n > 0) writer.appendTriggers(1, decoded.tdc1);
    if (decoded.tdc2.n > 0) writer.appendTriggers(2, decoded.tdc2);
    builder.push(decoded.hits, decoded.triggers, out);
    await emit();
    done += words.byteLength;
    opts.onProgress?.(done, total);
  }
  if (decoder.time.longtime < 0) {
    throw new UserError(
      `${opts.input} has no global-time packet (0x4/0x5): no hit can be placed in time, so there is nothing to convert`,
    );
  }
  builder.flush(out);
  await emit();
  if (clustering) await cluster(true);
  opts.onProgress?.(total, total);
  return {
    input: opts.input,
    output: opts.output,
    info,
    packets: decoder.counts,
    events: builder.counts,
    timeJumps: decoder.time.jumps,
    triggers: {
      trigger1: decoder.counts.tdc1Rise + decoder.counts.tdc1Fall,
      trigger2: decoder.counts.tdc2Rise + decoder.counts.tdc2Fall,
    },
    centroids,
    seconds: 0,
  };
}

function tableMeta(t: TimewalkTable | undefined): Record<string, unknown> | null {
  if (!t) return null;
  const sha = createHash('sha256').update(new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength));
  return { path: t.path, entries: t.values.length, sha256OfFloat64: sha.digest('hex') };
}

function metadataFor(
  opts: ConvertOptions,
  info: RawFileInfo,
  s: ConvertSummary,
  coordinateDtype: string,
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
        start === null ? 'none: the file has no start-time header, timestamps are camera time' : 'file header',
      'converted at': new Date().toISOString(),
      'duration s': s.seconds,
      node: process.version,
    },
    settings: {
      'camera generation': info.generation,
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
      packets: s.packets,
      events: s.events,
      'time jumps': s.timeJumps,
      'truncated bytes': info.truncatedBytes,
      centroids: s.centroids,
    },
  };
}
