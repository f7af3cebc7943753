// Readout order for generated data: words are staged with the bin of their readout time (event time
// plus readout delay, relative to the current slice), then counting-sorted by bin. Words read out
// within the slice are emitted; the rest are carried into the next slice, where their bins are
// rebased. Stable: carried words first, then staging order, so words of one bin keep the order in
// which they were generated. Two passes over plain typed arrays, no comparison sort: the run
// generator stages about 10^7 words a second through this.

import { ensureCapacity } from './columns';

export class ReadoutOrder {
  /** Staged words this slice: interleaved lo/hi, readout bin (slice-relative), truth tag (ion index). */
  n = 0;
  words = new Uint32Array(1 << 17);
  bin = new Int32Array(1 << 16);
  tag = new Float64Array(1 << 16);
  /**
   * Output of `finish`: nOut words and their tags, in readout order. Two word buffers alternate, so
   * a chunk's words stay intact through the next `finish` (a writer can write them meanwhile).
   */
  outWords = new Uint32Array(1 << 17);
  outTag = new Float64Array(1 << 16);
  private otherOutWords = new Uint32Array(1 << 17);
  private carryN = 0;
  private carryWords = new Uint32Array(1 << 12);
  private carryBin = new Int32Array(1 << 11);
  private carryTag = new Float64Array(1 << 11);
  // The previous carry's arrays, reused for the next one (ping-pong).
  private spareWords = new Uint32Array(1 << 12);
  private spareBin = new Int32Array(1 << 11);
  private spareTag = new Float64Array(1 << 11);
  private count = new Int32Array(1024);

  /**
   * binTicks: the width of a bin in the caller's time unit; binsPerSlice: bins in one slice; withTags:
   * whether tags are kept (without, `tag` is never read and outTag is not filled: less memory traffic).
   */
  constructor(
    readonly binTicks: number,
    readonly binsPerSlice: number,
    readonly withTags = true,
  ) {}

  /** Words carried over from earlier slices (read out after the last slice's end). */
  get carried(): number {
    return this.carryN;
  }

  /** How many carried words have header nibble `header` (bits 60..63). */
  carriedWithHeader(header: number): number {
    let k = 0;
    for (let i = 0; i < this.carryN; i++) if (this.carryWords[2 * i + 1] >>> 28 === header) k++;
    return k;
  }

  /** Makes room for `extra` more staged words (arrays may be replaced: re-read them after). */
  reserve(extra: number): void {
    const need = this.n + extra;
    if (this.bin.length >= need) return;
    this.words = ensureCapacity(this.words, 2 * need, 2 * this.n);
    this.bin = ensureCapacity(this.bin, need, this.n);
    this.tag = ensureCapacity(this.tag, need, this.n);
  }

  /** Stages one word (the per-hit loops write the arrays directly instead). */
  push(lo: number, hi: number, bin: number, tag: number): void {
    this.reserve(1);
    const i = this.n++;
    this.words[2 * i] = lo;
    this.words[2 * i + 1] = hi;
    this.bin[i] = bin;
    this.tag[i] = tag;
  }

  /**
   * Sorts carried and staged words by bin. Those in bins 0..binsPerSlice-1 (all, when `flush`) go to
   * outWords/outTag, the rest are carried with bins rebased to the next slice. Staging is emptied.
   * Returns the number of words out.
   */
  finish(flush: boolean): number {
    const total = this.carryN + this.n;
    let nBins = this.binsPerSlice;
    if (flush) {
      nBins = 1;
      for (let i = 0; i < this.carryN; i++) if (this.carryBin[i] >= nBins) nBins = this.carryBin[i] + 1;
      for (let i = 0; i < this.n; i++) if (this.bin[i] >= nBins) nBins = this.bin[i] + 1;
    }
    this.count = ensureCapacity(this.count, nBins + 1, 0);
    const count = this.count;
    count.fill(0, 0, nBins + 1);
    countBins(count, nBins, this.carryBin, this.carryN);
    countBins(count, nBins, this.bin, this.n);
    const nOut = total - count[nBins];
    let acc = 0;
    for (let b = 0; b <= nBins; b++) {
      const v = count[b];
      count[b] = acc;
      acc += v;
    }
    const previous = this.outWords;
    this.outWords = ensureCapacity(this.otherOutWords, 2 * nOut, 0);
    this.otherOutWords = previous;
    this.outTag = ensureCapacity(this.outTag, nOut, 0);
    const nCarry = total - nOut;
    const nextWords = nCarry * 2 > this.spareWords.length ? new Uint32Array(nCarry * 2 * 2) : this.spareWords;
    const nextBin = nCarry > this.spareBin.length ? new Int32Array(nCarry * 2) : this.spareBin;
    const nextTag = nCarry > this.spareTag.length ? new Float64Array(nCarry * 2) : this.spareTag;
    const shift = flush ? 0 : this.binsPerSlice;
    const dst: Destination = {
      words: this.outWords,
      tag: this.outTag,
      nOut,
      nBins,
      nextWords,
      nextBin,
      nextTag,
      shift,
    };
    const move = this.withTags ? scatter : scatterWords;
    move(dst, count, this.carryWords, this.carryBin, this.carryTag, this.carryN);
    move(dst, count, this.words, this.bin, this.tag, this.n);
    this.spareWords = this.carryWords;
    this.spareBin = this.carryBin;
    this.spareTag = this.carryTag;
    this.carryWords = nextWords;
    this.carryBin = nextBin;
    this.carryTag = nextTag;
    this.carryN = nCarry;
    this.n = 0;
    return nOut;
  }
}

interface Destination {
  words: Uint32Array;
  tag: Float64Array;
  nOut: number;
  nBins: number;
  nextWords: Uint32Array;
  nextBin: Int32Array;
  nextTag: Float64Array;
  /** Subtracted from a carried word's bin: the next slice's bins start binsPerSlice later. */
  shift: number;
}

function countBins(count: Int32Array, nBins: number, bin: Int32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const b = bin[i];
    count[b < nBins ? (b < 0 ? 0 : b) : nBins]++;
  }
}

function scatter(
  d: Destination,
  count: Int32Array,
  words: Uint32Array,
  bin: Int32Array,
  tag: Float64Array,
  n: number,
): void {
  const { words: ow, tag: ot, nOut, nBins, nextWords, nextBin, nextTag, shift } = d;
  for (let i = 0; i < n; i++) {
    let b = bin[i];
    b = b < nBins ? (b < 0 ? 0 : b) : nBins;
    const pos = count[b]++;
    if (b < nBins) {
      ow[2 * pos] = words[2 * i];
      ow[2 * pos + 1] = words[2 * i + 1];
      ot[pos] = tag[i];
    } else {
      const p = pos - nOut;
      nextWords[2 * p] = words[2 * i];
      nextWords[2 * p + 1] = words[2 * i + 1];
      nextBin[p] = bin[i] - shift;
      nextTag[p] = tag[i];
    }
  }
}

/** scatter without tags. */
function scatterWords(
  d: Destination,
  count: Int32Array,
  words: Uint32Array,
  bin: Int32Array,
  _tag: Float64Array,
  n: number,
): void {
  const { words: ow, nOut, nBins, nextWords, nextBin, shift } = d;
  for (let i = 0; i < n; i++) {
    let b = bin[i];
    b = b < nBins ? (b < 0 ? 0 : b) : nBins;
    const pos = count[b]++;
    if (b < nBins) {
      ow[2 * pos] = words[2 * i];
      ow[2 * pos + 1] = words[2 * i + 1];
    } else {
      const p = pos - nOut;
      nextWords[2 * p] = words[2 * i];
      nextWords[2 * p + 1] = words[2 * i + 1];
      nextBin[p] = bin[i] - shift;
    }
  }
}
