// The offline browser's file passes, driven from the calling thread: read a raw file in chunks
// (rawReader.ts), hand each to a stage (summary or browse, in a worker thread by default, buffers
// transferred), keep a few chunks in flight, stop early when the stage says the range is over, then
// ask for the result. Aborting terminates the stage at once (pending calls reject).
import type { LiveSnapshot } from '../../shared/liveViews';
import { browseRequestSchema, type BrowseRequest, type FileSummary } from '../../shared/offlineApi';
import { DEFAULT_CLUSTERING } from '../../shared/processingSettings';
import { UserError } from '../../shared/userError';
import { parseRequest } from '../../shared/zodProblems';
import { CONVERT_DEFAULTS, sensorSizeFor } from '../io/convertRaw';
import { type RawFileInfo, inspectRawFile, readWords } from '../io/rawReader';
import { type StageTransport, openStage } from '../stages/stagePort';
import type { BrowseCounts } from './browseStage';

export interface FilePassOptions {
  /** 'thread' (default) runs the stage in a worker thread; 'inline' in this one (tests). */
  transport?: StageTransport;
  chunkBytes?: number;
  signal?: AbortSignal;
  /** Bytes read so far and the file's size. */
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
}

/** Chunks in flight: the stage decodes one while the next is read. */
const DEPTH = 3;

function cancelled(path: string): Error {
  return new UserError(`${path}: cancelled`);
}

/** A stage fed chunks of words, then `finish`. */
interface ChunkPort<R> {
  call(request: { words: Uint32Array } | { finish: true }): Promise<R>;
  close(): Promise<void>;
}

/**
 * Feeds the file to `port` until its end, or until a response says pastEnd; then finishes. Returns
 * the response to `finish` and whether the whole file was read.
 */
async function pump<R extends object>(
  info: RawFileInfo,
  port: ChunkPort<R>,
  options: FilePassOptions,
): Promise<{ last: R; readAll: boolean }> {
  const { signal } = options;
  const onAbort = (): void => void port.close();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (signal?.aborted) throw cancelled(info.path);
    // Progress counts the bytes the stage has processed, not those read (reading runs ahead).
    const queue: { reply: Promise<R>; end: number }[] = [];
    let stop = false;
    let stoppedEarly = false;
    const settle = async (): Promise<void> => {
      const { reply, end } = queue.shift()!;
      const r: { pastEnd?: boolean } = await reply;
      if (r.pastEnd) stop = true;
      options.onProgress?.(end, info.size);
    };
    let read = info.dataOffset;
    for await (const words of readWords(info, options.chunkBytes)) {
      if (signal?.aborted) throw cancelled(info.path);
      read += words.byteLength;
      queue.push({ reply: port.call({ words }), end: read });
      while (queue.length >= DEPTH) await settle();
      if (stop) {
        stoppedEarly = true;
        break;
      }
    }
    while (queue.length > 0) await settle();
    const last = await port.call({ finish: true });
    if (signal?.aborted) throw cancelled(info.path);
    return { last, readAll: !stoppedEarly };
  } catch (err) {
    if (signal?.aborted) throw cancelled(info.path);
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await port.close();
  }
}

/** One pass over a file: packets, triggers, hits, time span and rates (FileSummary). */
export async function summarizeRawFile(path: string, options: FilePassOptions = {}): Promise<FileSummary> {
  const info = await inspectRawFile(path);
  const port = openStage(
    'summary',
    { generation: info.generation, maxBins: 1000 },
    options.transport ?? 'thread',
  );
  const final = (await pump(info, port, options)).last.final!;
  return {
    path,
    bytes: info.size,
    camera: info.generation,
    startTime:
      info.startTimeNs === null ? null : new Date(Number(info.startTimeNs / 1_000_000n)).toISOString(),
    firstS: final.firstS,
    lastS: final.lastS,
    durationS: final.lastS - final.firstS,
    packets: final.packets,
    triggers: final.triggers,
    hits: final.hits,
    hitRate: { binS: final.binS, hitsPerS: final.hitsPerS },
    triggerRate: final.triggersPerS,
  };
}

export interface BrowseResult {
  snapshot: LiveSnapshot;
  /** What reached the views. */
  counts: BrowseCounts;
  /** The whole file was read (false: stopped after the range). */
  readAll: boolean;
}

export interface BrowseOptions extends FilePassOptions {
  /** The file's first time (s) from its summary, when known. */
  firstS?: number | null;
}

/**
 * The live views over a range of a file, processed as the converter does (its defaults for every
 * processing field not given; clustering when processing.pipeline is 'centroid', the default).
 */
export async function browseRawFile(request: unknown, options: BrowseOptions = {}): Promise<BrowseResult> {
  const req: BrowseRequest = parseRequest('browse', browseRequestSchema, request);
  const info = await inspectRawFile(req.path);
  const p = req.processing;
  const offset = p.offset ?? CONVERT_DEFAULTS.offset;
  const orientation = p.orientation ?? CONVERT_DEFAULTS.orientation;
  const [w, h] = sensorSizeFor(info.generation, orientation);
  const port = openStage(
    'browse',
    {
      generation: info.generation,
      orientation,
      offset,
      triggerPixels: p.triggerPixels,
      eventWindow: p.eventWindow ?? CONVERT_DEFAULTS.eventWindow,
      horizon: CONVERT_DEFAULTS.horizon,
      startTimeNs: info.startTimeNs === null ? 0 : Number(info.startTimeNs),
      pipeline: p.pipeline ?? 'centroid',
      clustering: { ...DEFAULT_CLUSTERING, ...CONVERT_DEFAULTS.clustering, ...p.clustering },
      views: req.views,
      sensor: { width: w + offset[0], height: h + offset[1] },
      range: req.range,
      firstS: options.firstS ?? null,
    },
    options.transport ?? 'thread',
  );
  const { last, readAll } = await pump(info, port, options);
  if (!last.sawTime) {
    throw new UserError(
      info.generation === 4
        ? `${req.path} has no Timepix4 heartbeat packet (0xE0): no hit can be placed in time, so there is nothing to show`
        : `${req.path} has no global-time packet (0x4/0x5): no hit can be placed in time, so there is nothing to show`,
    );
  }
  return { snapshot: last.snapshot!, counts: last.counts, readAll };
}
