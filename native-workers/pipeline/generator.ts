// Seeded, deterministic generator of a Timepix3 velocity-map-imaging run (the model: vmiModel.ts),
// streamed in bounded chunks so a multi-GB .raw file never sits in memory. This file is the API;
// vmiStream.ts implements it.
//
// Flow. Camera time is cut into slices sized for about `chunkBytes` of words. For each slice the
// generator stages every word whose event lies in it (time packets, TDC edges, ion clusters, noise,
// hot pixels), each with a readout time: its event time, plus a random delay (0..maxReadoutDelay,
// skewed short) for pixel hits, as data-driven readout delivers them. ReadoutOrder counting-sorts the
// staged words and the carry of earlier slices by readout time (bins of 1 us or more): those read
// out within the slice form the chunk, the rest are carried. So the stream is ordered by readout
// time, hits are at most maxReadoutDelay + one bin out of time order, and a chunk is one slice's
// worth of data. Each slice draws from its own random stream (seed, slice index).
//
// The stream starts with a time-packet pair (LSB then MSB) at the run's first camera tick and has one
// pair per second after that; every pixel time lies after its trigger and well within a second of the
// latest pair, so extend() places everything right, across 2^30 x 25 ns rollovers too.
import { resolveVmiOptions, type ResolvedVmiOptions, type VmiOptions } from './vmiModel';
import { VmiStream } from './vmiStream';

export { DEFAULT_SPECIES, DEFAULT_START_TIME_NS, type IonSpecies, type VmiOptions } from './vmiModel';

/** Ground truth of the ions whose trigger fell in one chunk's slice (their hits may come later). */
export interface IonTruth {
  n: number;
  /** Run-wide index of the chunk's first ion; ion i of the chunk has index first + i. */
  first: number;
  /** Trigger number: the index of the ion's TDC1 rising edge, from 0. */
  triggerNr: Float64Array;
  /** Cluster centre on the detector, px (pixel k covers [k, k+1)). */
  x: Float64Array;
  y: Float64Array;
  /** True time of flight, s, from the trigger as decoded; hits decode at tof + walk (0..timeWalk) +-2.5 ns. */
  tof: Float64Array;
  /** Pixel hits written for the ion (cluster pixels off the chip are not written). */
  nHits: Uint32Array;
}

/**
 * One chunk: views into buffers the generator reuses. `words` stays valid until the second `next()`
 * call after it (two buffers alternate, so a writer can write a chunk while the next is generated);
 * everything else until the next call.
 */
export interface VmiChunk {
  /** nWords words as interleaved [lo, hi] uint32 halves (the .raw byte layout). */
  words: Uint32Array;
  nWords: number;
  /** Per pixel word of `words`, in order: the run-wide ion index, or -1 for noise and hot pixels. */
  hitIon: Float64Array;
  ions: IonTruth;
}

/**
 * Running totals. `words`, `pixels` and `ions` count what next() has returned; the others count what
 * was generated, which runs ahead by the words still held back for readout order. At the end of the
 * run pixels = ionHits + noiseHits + hotHits.
 */
export interface VmiCounts {
  words: number;
  /** Pixel words (0xB). */
  pixels: number;
  ionHits: number;
  noiseHits: number;
  hotHits: number;
  /** TDC1 rising edges (laser shots). */
  triggers: number;
  ions: number;
  /** LSB + MSB time-packet pairs. */
  timePairs: number;
}

export function emptyVmiCounts(): VmiCounts {
  return { words: 0, pixels: 0, ionHits: 0, noiseHits: 0, hotHits: 0, triggers: 0, ions: 0, timePairs: 0 };
}

export interface VmiGenerator {
  readonly options: ResolvedVmiOptions;
  /** The 8-byte start-time header to write before the words. */
  readonly header: Uint8Array;
  readonly counts: VmiCounts;
  /** Fraction of the run's camera time generated so far, 0..1. */
  readonly fractionDone: number;
  /** The next chunk, or null at the end of the run. */
  next(): VmiChunk | null;
}

/**
 * A generator for `options`. With `truth: false` the chunks' hitIon is empty (ions are still
 * reported): the per-hit truth is then never tracked, which makes generation faster.
 */
export function createVmiGenerator(
  options: VmiOptions,
  { truth = true }: { truth?: boolean } = {},
): VmiGenerator {
  return new VmiStream(resolveVmiOptions(options), truth);
}
