// One pass over a raw file for the offline browser's summary: the main thread reads chunks of words
// and sends them here (a stage, so it runs in a worker thread); each is decoded (fileDecoder.ts) and
// its hits and triggers counted, timed and binned (rateBins.ts). `finish` returns the packet counts,
// the first and last time, and the rates.
import { FileDecoder } from '../pipeline/fileDecoder';
import { RateBins } from './rateBins';

export interface SummaryConfig {
  generation: 3 | 4;
  /** Most bins of the rate series. */
  maxBins?: number;
}

export type SummaryRequest = { words: Uint32Array } | { finish: true };

export interface SummaryFinal {
  packets: Record<string, number>;
  hits: number;
  /** Trigger-1 rising edges (the triggers the converter numbers). */
  triggers: number;
  /** Camera time of the earliest and latest hit or trigger, s (0 when there are none). */
  firstS: number;
  lastS: number;
  binS: number;
  /** Bin i covers [binOriginS + i binS, ...): the first chunk's earliest time, within the readout
   * disorder of firstS. */
  binOriginS: number;
  hitsPerS: Float64Array;
  triggersPerS: Float64Array;
  sawTime: boolean;
}

export interface SummaryResponse {
  hits: number;
  triggers: number;
  final?: SummaryFinal;
}

export class SummaryStage {
  private readonly decoder: FileDecoder;
  private readonly rates = new RateBins();
  private hits = 0;
  private triggers = 0;
  private first = Infinity;
  private last = -Infinity;

  constructor(private readonly config: SummaryConfig) {
    this.decoder = new FileDecoder({
      generation: config.generation,
      orientation: 'Up',
      offsetX: 0,
      offsetY: 0,
    });
  }

  handle(req: SummaryRequest): SummaryResponse {
    if ('words' in req) {
      const { hits, triggers } = this.decoder.decode(req.words);
      const [lo, hi] = span(hits.toa, hits.n, triggers.time, triggers.n);
      if (lo <= hi) {
        this.rates.start(lo);
        if (lo < this.first) this.first = lo;
        if (hi > this.last) this.last = hi;
      }
      this.rates.addHits(hits.toa, hits.n);
      this.rates.addTriggers(triggers.time, triggers.n);
      this.hits += hits.n;
      this.triggers += triggers.n;
      return { hits: this.hits, triggers: this.triggers };
    }
    const any = this.first <= this.last;
    const r = this.rates.result(this.config.maxBins);
    return {
      hits: this.hits,
      triggers: this.triggers,
      final: {
        packets: this.decoder.packetCounts(),
        hits: this.hits,
        triggers: this.triggers,
        firstS: any ? this.first : 0,
        lastS: any ? this.last : 0,
        binS: r.binS,
        binOriginS: any ? this.rates.origin : 0,
        hitsPerS: r.hitsPerS,
        triggersPerS: r.triggersPerS,
        sawTime: this.decoder.sawTime,
      },
    };
  }
}

/** [min, max] over two time columns ([Infinity, -Infinity] when both are empty). */
export function span(a: Float64Array, na: number, b: Float64Array, nb: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < na; i++) {
    const t = a[i];
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  for (let i = 0; i < nb; i++) {
    const t = b[i];
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  return [lo, hi];
}
