// What the free-running camera emulator sends (Decision 17), as UDP datagram payloads: no sockets,
// no clock (the replay reads its file, nothing else). Two sources, both async iterables of DatagramBatch:
//
// - GeneratedSource: the seeded VMI generator (pipeline/generator.ts; with camera 4 its Timepix4 mode,
//   generator4.ts: big-endian words, heartbeats every 102.4 us, signal-packet triggers) in segments of 60 s of camera
//   time, for `seconds` or endlessly. Segment k starts where k - 1 ended (startLongtime continues, so
//   the time packets, once a second, and every hit and trigger time stay monotonic for a receiver,
//   across the 26.8 s rollovers of the 30-bit packet times; the generator extends them itself).
//   Segment 0 uses the seed as given (its words are createVmiGenerator's with 256 KiB chunks, small
//   so that generating one stalls the sender about a millisecond); later segments mix the segment
//   index into it. Near the end of the 48-bit timer (81 days) the longtime restarts at 0, as after a
//   timer reset.
// - ReplaySource (replaySource.ts): a .raw file's own words (start-time header skipped), optionally
//   looped.
//
// Each chunk of words is cut into datagrams of whole 8-byte words, at most maxDatagramBytes each,
// as views of one buffer that the batch owns (the generator reuses its buffers, so its words are
// copied once; a file chunk comes in a fresh buffer already). Every datagram carries its camera
// time, the pacing clock of the sender: seconds, non-decreasing over the whole stream (loops and
// segments included), NaN while unknown.
import { z } from 'zod';
import { UserError } from '../../shared/userError';
import { createVmiGenerator, emptyVmiCounts, type VmiCounts, type VmiGenerator } from '../pipeline/generator';
import { createVmiGenerator4 } from '../pipeline/generator4';
import { COARSE_PER_SECOND } from '../pipeline/tpx3Encoder';
import {
  MAX_DATAGRAM_BYTES,
  cutDatagrams,
  datagramWords,
  type DatagramBatch,
  type EmulatorSource,
} from './datagrams';
import { openReplaySource, type ReplaySourceOptions } from './replaySource';

/** Camera seconds per generator segment. */
export const SEGMENT_SECONDS = 60;
/** Pixel hits per ion of the generator's cluster model (3..25 pixels, mean 14). */
export const HITS_PER_ION = 14;
/** The generator's background: 2000 noise hits/s plus 3 hot pixels at 1000 hits/s. */
export const BACKGROUND_HIT_RATE = 5000;
const GENERATOR_CHUNK_BYTES = 256 * 1024; // about 1 ms of generation: short stalls for the sender
const TWO_48 = 2 ** 48;

export interface GeneratedSourceOptions {
  /** Camera generation of the words: 3 (default) or 4 (Timepix4, generator4.ts). */
  camera?: 3 | 4;
  /** Camera seconds to stream; omitted for an endless run. */
  seconds?: number;
  /** Laser shots per second. Default 1000. */
  triggerRate?: number;
  /** Poisson mean of ions per shot. Default 5; derived from hitRate when that is given. */
  ionsPerTrigger?: number;
  /** Pixel hits per second of camera time (background included); sets ionsPerTrigger. */
  hitRate?: number;
  /** Integer seed. Default 1. */
  seed?: number;
  /** Camera timer (25 ns units) at the first time packet. Default 0 (timer just reset). */
  startLongtime?: number;
  maxDatagramBytes?: number;
}

export type SourceConfig =
  ({ kind: 'generated' } & GeneratedSourceOptions) | ({ kind: 'replay' } & ReplaySourceOptions);

const datagramBytesSchema = z.number().int().min(8).max(MAX_DATAGRAM_BYTES).optional();
const sourceConfigSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('generated'),
    camera: z.union([z.literal(3), z.literal(4)]).optional(),
    seconds: z.number().positive().optional(),
    triggerRate: z.number().positive().optional(),
    ionsPerTrigger: z.number().min(0).optional(),
    hitRate: z.number().positive().optional(),
    seed: z.number().int().min(0).optional(),
    startLongtime: z.number().int().min(0).optional(),
    maxDatagramBytes: datagramBytesSchema,
  }),
  z.object({
    kind: z.literal('replay'),
    path: z.string().min(1),
    loop: z.boolean().optional(),
    maxDatagramBytes: datagramBytesSchema,
    readChunkBytes: z.number().int().min(8).optional(),
  }),
]);

/** A source configuration from another process (or anywhere untyped), checked. */
export function parseSourceConfig(value: unknown): SourceConfig {
  const r = sourceConfigSchema.safeParse(value);
  if (!r.success)
    throw new UserError(`invalid emulator source: ${z.prettifyError(r.error).replace(/\n/g, '; ')}`);
  return r.data;
}

/** `needTimes`: the sender paces by camera time. Otherwise a replay skips finding each datagram's
 * camera time (a scan of its words from the end), about 7% of a core at 300 MB/s. */
export async function openSource(config: SourceConfig, needTimes = true): Promise<EmulatorSource> {
  if (config.kind === 'generated') return new GeneratedSource(config);
  return openReplaySource(config, needTimes);
}

/** Ions per trigger that give `hitRate` pixel hits per second at `triggerRate` (0 at or below the background). */
export function ionsPerTriggerForHitRate(hitRate: number, triggerRate: number): number {
  return Math.max(0, (hitRate - BACKGROUND_HIT_RATE) / (triggerRate * HITS_PER_ION));
}

/** The seeded VMI generator, in segments with a continuing camera time. */
export class GeneratedSource implements EmulatorSource {
  readonly timed = true;
  readonly description: string;
  readonly triggerRate: number;
  readonly ionsPerTrigger: number;
  readonly seed: number;
  readonly camera: 3 | 4;
  /** Camera seconds to stream, Infinity when endless. */
  readonly seconds: number;
  /** Totals over all segments of what has been returned (see VmiCounts). */
  readonly counts: VmiCounts = emptyVmiCounts();
  private readonly perDatagram: number;
  private readonly startLongtime: number;

  constructor(options: GeneratedSourceOptions = {}) {
    const o = options;
    if (o.hitRate !== undefined && o.ionsPerTrigger !== undefined) {
      throw new UserError('give either a hit rate or ions per trigger, not both (one sets the other)');
    }
    if (o.seconds !== undefined && !(o.seconds > 0 && Number.isFinite(o.seconds))) {
      throw new UserError(`seconds must be a number greater than 0, got ${o.seconds}`);
    }
    if (o.hitRate !== undefined && !(o.hitRate > 0 && Number.isFinite(o.hitRate))) {
      throw new UserError(`hit rate must be a number greater than 0, got ${o.hitRate}`);
    }
    this.triggerRate = o.triggerRate ?? 1000;
    this.ionsPerTrigger =
      o.hitRate === undefined
        ? (o.ionsPerTrigger ?? 5)
        : ionsPerTriggerForHitRate(o.hitRate, this.triggerRate);
    if (this.ionsPerTrigger > 1000) {
      throw new UserError(
        `a hit rate of ${o.hitRate} hits/s needs ${Math.round(this.ionsPerTrigger)} ions per trigger ` +
          `at ${this.triggerRate} triggers/s (at most 1000): raise the trigger rate`,
      );
    }
    this.seed = o.seed ?? 1;
    this.camera = o.camera ?? 3;
    this.seconds = o.seconds ?? Infinity;
    this.startLongtime = o.startLongtime ?? 0;
    this.perDatagram = datagramWords(o.maxDatagramBytes);
    // Validates every generator option now, not at the first segment.
    this.segment(0, Math.min(this.seconds, SEGMENT_SECONDS), this.startLongtime);
    const len = Number.isFinite(this.seconds) ? `${this.seconds} s` : 'endless';
    this.description =
      `generated ${this.camera === 4 ? 'Timepix4 ' : ''}VMI run (${len}, ${this.triggerRate} triggers/s, ` +
      `${Number(this.ionsPerTrigger.toFixed(2))} ions/trigger, seed ${this.seed})`;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<DatagramBatch> {
    yield* this.batches();
  }

  /** The same batches, synchronously (generation never waits). */
  *batches(): Generator<DatagramBatch> {
    let longtime = this.startLongtime;
    for (let k = 0; k * SEGMENT_SECONDS < this.seconds; k++) {
      const start = k * SEGMENT_SECONDS;
      const seconds = Math.min(SEGMENT_SECONDS, this.seconds - start);
      if (longtime + (seconds + 2) * COARSE_PER_SECOND >= TWO_48) longtime = 0; // the 48-bit timer wraps
      const gen = this.segment(k, seconds, longtime);
      let before = start;
      for (let c = gen.next(); c; c = gen.next()) {
        // Copied: the generator reuses its buffers, the datagrams must outlive the next chunk.
        const words = c.words.slice();
        const after = start + gen.fractionDone * seconds;
        const t0 = before;
        const span = after - before;
        const n = c.nWords;
        yield cutDatagrams(words, this.perDatagram, (end) => t0 + (span * end) / n, this.camera);
        before = after;
      }
      const s = gen.counts;
      const t = this.counts;
      t.words += s.words;
      t.pixels += s.pixels;
      t.ionHits += s.ionHits;
      t.noiseHits += s.noiseHits;
      t.hotHits += s.hotHits;
      t.triggers += s.triggers;
      t.ions += s.ions;
      t.timePairs += s.timePairs;
      longtime += seconds * COARSE_PER_SECOND;
    }
  }

  private segment(k: number, seconds: number, startLongtime: number): VmiGenerator {
    const seed = k === 0 ? this.seed : (this.seed + k * 2654435761) % 2 ** 53;
    return (this.camera === 4 ? createVmiGenerator4 : createVmiGenerator)(
      {
        seconds,
        triggerRate: this.triggerRate,
        ionsPerTrigger: this.ionsPerTrigger,
        seed,
        startLongtime,
        chunkBytes: GENERATOR_CHUNK_BYTES,
      },
      { truth: false },
    );
  }
}
