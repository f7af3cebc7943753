// The VMI run generator's implementation (API and flow: generator.ts): slices of camera time staged
// word by word with their readout times, then ordered by ReadoutOrder into chunks.
import { type IonTruth, type VmiChunk, type VmiCounts, type VmiGenerator, emptyVmiCounts } from './generator';
import { ReadoutOrder } from './readoutOrder';
import { GAUSS_TABLE, SeededRandom } from './seededRandom';
import {
  COARSE_PER_SECOND,
  TICKS_PER_SECOND,
  TOA_UNIT_NS,
  startTimeHeader,
  tdcFieldsForUnits,
  tdcFineUnits,
  writePixelRel,
  writeTdc,
  writeTimeLsb,
  writeTimeMsb,
  type TdcFields,
} from './tpx3Encoder';
import {
  ION_DRAWS,
  IonSampler,
  MAX_CLUSTER_HITS,
  SUBPIXEL,
  buildClusterTables,
  type ClusterTables,
  type ResolvedVmiOptions,
} from './vmiModel';
import { NOT_PIXEL, growIonTruth, ionTruthView, newIonTruth, pixelIons } from './ionTruth';

const MAX_BINS = 1 << 20;
const MEAN_HITS_PER_ION = 14;
const U32 = 2.3283064365386963e-10; // 2^-32
const SETUP_STREAM = 0xffffffff;

export class VmiStream implements VmiGenerator {
  readonly header: Uint8Array;
  readonly counts: VmiCounts = emptyVmiCounts();
  private rng: SeededRandom;
  private readonly order: ReadoutOrder;
  private readonly tables: ClusterTables;
  private readonly sampler: IonSampler;
  private readonly hotCol: Uint8Array;
  private readonly hotRow: Uint8Array;
  private readonly hotTot: Uint16Array;
  private readonly delayTicks: number;
  private readonly walkTicks: number;
  private readonly invBin: number;
  /** Camera ticks (1.5625 ns) of the first time packet and of the run's end. */
  private readonly startTick: number;
  private readonly endTick: number;
  private readonly sliceTicks: number;
  private readonly nTriggers: number;
  private readonly nPairs: number;
  private readonly periodC: number;
  private readonly periodU: number;
  private slice = 0;
  private sliceStart: number;
  /** sliceStart / 16 (a coarse time) & 0x3FFFFFFF, for writePixelRel. */
  private base30 = 0;
  private nextPair = 0;
  private nextTrigger = 0;
  /** The next trigger's time: coarse (25 ns) + units (25/4096 ns, 0..4095), exact. */
  private trigC: number;
  private trigU: number;
  private done = false;
  private hitIon: Float64Array = new Float64Array(1 << 16);
  private readonly ions: IonTruth = newIonTruth();
  private readonly tdc: TdcFields = { coarse: 0, fine3: 0, f: 1 };
  private readonly draws = new Uint32Array(8192);
  private ionDraws = new Uint32Array(1024);
  private readonly clusterArgs = new Float64Array(4);
  private readonly ionSample = new Float64Array(5);

  constructor(
    readonly options: ResolvedVmiOptions,
    private readonly truth: boolean,
  ) {
    const o = options;
    this.header = startTimeHeader(o.startTimeNs);
    this.tables = buildClusterTables(o.clusterSigma);
    this.sampler = new IonSampler(o.species);
    this.rng = new SeededRandom(o.seed, SETUP_STREAM);
    this.hotCol = new Uint8Array(o.hotPixels);
    this.hotRow = new Uint8Array(o.hotPixels);
    this.hotTot = new Uint16Array(o.hotPixels);
    for (let h = 0; h < o.hotPixels; h++) {
      this.hotCol[h] = this.rng.int(256);
      this.hotRow[h] = this.rng.int(256);
      this.hotTot[h] = 4 + this.rng.int(12); // 100..375 ns, in 25 ns units
    }
    this.delayTicks = o.maxReadoutDelay * TICKS_PER_SECOND;
    this.walkTicks = o.timeWalk * TICKS_PER_SECOND;
    this.startTick = o.startLongtime * 16;
    this.endTick = this.startTick + Math.round(o.seconds * TICKS_PER_SECOND);
    this.sliceStart = this.startTick;
    const wordsPerSecond =
      o.triggerRate * ((o.tdc2 ? 4 : 2) + o.ionsPerTrigger * MEAN_HITS_PER_ION) +
      o.noiseRate +
      o.hotPixels * o.hotPixelRate +
      2;
    // At most 2 s, so a slice's relative ticks (plus a time of flight) stay int32.
    const ticks = Math.min(Math.max(o.chunkBytes / 8 / wordsPerSecond, 1e-5), 2) * TICKS_PER_SECOND;
    const binTicks = Math.max(640, Math.ceil(ticks / MAX_BINS / 16) * 16);
    const binsPerSlice = Math.max(1, Math.round(ticks / binTicks));
    this.sliceTicks = binsPerSlice * binTicks;
    this.invBin = 1 / binTicks;
    this.order = new ReadoutOrder(binTicks, binsPerSlice, truth);
    this.nTriggers = Math.round(o.seconds * o.triggerRate);
    this.nPairs = Math.ceil(o.seconds);
    // Trigger k at (k + 1/2) periods after the first time packet.
    const periodUnits = Math.round((4096 * COARSE_PER_SECOND) / o.triggerRate);
    this.periodC = Math.floor(periodUnits / 4096);
    this.periodU = periodUnits % 4096;
    const half = Math.floor(periodUnits / 2);
    this.trigC = o.startLongtime + Math.floor(half / 4096);
    this.trigU = half % 4096;
  }

  get fractionDone(): number {
    return this.done ? 1 : Math.min(1, (this.sliceStart - this.startTick) / (this.endTick - this.startTick));
  }

  next(): VmiChunk | null {
    if (this.done) return null;
    const a = this.sliceStart;
    const content = a < this.endTick;
    const b = a + this.sliceTicks;
    const ions = this.ions;
    ions.n = 0;
    ions.first = this.counts.ions;
    if (content) this.generate(a, b);
    const order = this.order;
    const nWords = order.finish(!content);
    this.sliceStart = b;
    this.slice++;
    if (!content || (b >= this.endTick && order.carried === 0)) this.done = true;
    let np = 0;
    if (this.truth) {
      ({ hitIon: this.hitIon, np } = pixelIons(order.outTag, nWords, this.hitIon));
    } else {
      // Pixels staged so far, less those returned before and those still carried.
      const staged = this.counts.ionHits + this.counts.noiseHits + this.counts.hotHits;
      np = staged - this.counts.pixels - order.carriedWithHeader(0xb);
    }
    this.counts.words += nWords;
    this.counts.pixels += np;
    this.counts.ions += ions.n;
    return {
      words: order.outWords.subarray(0, 2 * nWords),
      nWords,
      hitIon: this.hitIon.subarray(0, this.truth ? np : 0),
      ions: ionTruthView(ions),
    };
  }

  /** Stages every word whose event lies in [a, b) ticks (the run's end closes the last slice). */
  private generate(a: number, b: number): void {
    const o = this.options;
    const order = this.order;
    const last = b >= this.endTick;
    this.rng = new SeededRandom(o.seed, this.slice);
    this.base30 = (a / 16) % 0x40000000;
    const scratch = this.draws;
    while (this.nextPair < this.nPairs) {
      const tick = this.startTick + this.nextPair * TICKS_PER_SECOND;
      if (tick >= b && !last) break;
      const longtime = o.startLongtime + this.nextPair * COARSE_PER_SECOND;
      const bin = Math.floor((tick - a) * this.invBin);
      writeTimeLsb(scratch, 0, longtime);
      writeTimeMsb(scratch, 1, longtime);
      order.push(scratch[0], scratch[1], bin, NOT_PIXEL);
      order.push(scratch[2], scratch[3], bin, NOT_PIXEL);
      this.nextPair++;
      this.counts.timePairs++;
    }
    while (this.nextTrigger < this.nTriggers) {
      const f = tdcFieldsForUnits(this.trigC, this.trigU, this.tdc);
      const fine = tdcFineUnits(f.fine3, f.f);
      const tick = f.coarse * 16 + fine / 256;
      if (tick >= b && !last) break;
      this.trigger(this.nextTrigger, f.coarse, fine, tick - a);
      this.nextTrigger++;
      this.counts.triggers++;
      this.trigU += this.periodU;
      this.trigC += this.periodC + (this.trigU >= 4096 ? 1 : 0);
      this.trigU %= 4096;
    }
    // Noise and hot pixels: Poisson processes, never in the first 25 ns (coarse time stays >= 0).
    const t0 = Math.max(a, this.startTick + 16);
    const t1 = Math.min(b, this.endTick);
    if (t1 <= t0) return;
    const seconds = (t1 - t0) / TICKS_PER_SECOND;
    const nNoise = this.rng.poisson(o.noiseRate * seconds);
    this.background(-1, nNoise, t0 - a, t1 - t0);
    this.counts.noiseHits += nNoise;
    for (let h = 0; h < o.hotPixels; h++) {
      const nHot = this.rng.poisson(o.hotPixelRate * seconds);
      this.background(h, nHot, t0 - a, t1 - t0);
      this.counts.hotHits += nHot;
    }
  }

  /**
   * Stages `count` hits uniform in time over [from, from + span) ticks of the slice: noise (hot = -1,
   * uniform position, ToT 25..200 ns) or hot pixel `hot` (its own ToT +-25 ns). Two draws per hit.
   */
  private background(hot: number, count: number, from: number, span: number): void {
    const order = this.order;
    order.reserve(count);
    const { words, bin, tag } = order;
    const r = this.draws;
    const block = r.length >>> 1;
    const base30 = this.base30;
    const delayTicks = this.delayTicks;
    const invBin = this.invBin;
    let n = order.n;
    for (let done = 0; done < count; done += block) {
      const m = Math.min(block, count - done);
      this.rng.fillUint32(r, 2 * m);
      for (let i = 0; i < m; i++) {
        const r1 = r[2 * i + 1];
        const rel = from + Math.floor(r[2 * i] * U32 * span);
        if (hot < 0)
          writePixelRel(words, n, r1 >>> 24, (r1 >>> 16) & 0xff, base30, rel, 1 + ((r1 >>> 8) & 7));
        else
          writePixelRel(
            words,
            n,
            this.hotCol[hot],
            this.hotRow[hot],
            base30,
            rel,
            this.hotTot[hot] + ((r1 >>> 8) % 3) - 1,
          );
        const u = ((r1 & 0xff) + 0.5) * 0.00390625;
        bin[n] = Math.floor((rel + delayTicks * u * u) * invBin);
        tag[n++] = -1;
      }
    }
    order.n = n;
  }

  /** TDC edges and ion clusters of trigger k at coarse + fine / 4096 (25 ns units), `rel` ticks into the slice. */
  private trigger(k: number, coarse: number, fine: number, rel: number): void {
    const o = this.options;
    const nIons = this.rng.poisson(o.ionsPerTrigger);
    this.order.reserve(4 + nIons * MAX_CLUSTER_HITS);
    this.edge(1, 'rising', k, coarse, fine, 0);
    this.edge(1, 'falling', k, coarse, fine, o.pulseWidth);
    if (o.tdc2) {
      this.edge(2, 'rising', k, coarse, fine, o.tdc2Delay);
      this.edge(2, 'falling', k, coarse, fine, o.tdc2Delay + o.pulseWidth);
    }
    const ions = this.ions;
    if (ions.n + nIons > ions.x.length) growIonTruth(ions, ions.n + nIons);
    // ION_DRAWS uniform draws per ion, in bulk (see SeededRandom.fillUint32).
    if (this.ionDraws.length < ION_DRAWS * nIons) this.ionDraws = new Uint32Array(ION_DRAWS * nIons);
    const r = this.ionDraws;
    this.rng.fillUint32(r, ION_DRAWS * nIons);
    // Doubles go through typed arrays: as call arguments V8 would box each one (an allocation).
    const ion = this.ionSample;
    const args = this.clusterArgs;
    for (let i = 0; i < nIons; i++) {
      this.sampler.sample(r, ION_DRAWS * i, ion);
      const index = this.counts.ions + ions.n;
      args[0] = rel + ion[2] * TICKS_PER_SECOND;
      args[1] = ion[0];
      args[2] = ion[1];
      args[3] = ion[4];
      const written = this.cluster(index, ion[3]);
      const j = ions.n++;
      ions.triggerNr[j] = k;
      ions.x[j] = ion[0];
      ions.y[j] = ion[1];
      ions.tof[j] = ion[2];
      ions.nHits[j] = written;
      this.counts.ionHits += written;
    }
  }

  /**
   * Stages the cluster of ion `index` centred at (x, y), arriving `arrival` ticks into the slice
   * (clusterArgs = [arrival, x, y, peak]): its nHits nearest pixels, ToT peak * weight (+-10 %), later
   * by timeWalk * (1 - weight) (+-0.5 ns). One draw per hit: two normal deviates and the readout
   * delay. Returns the pixels written (those on the chip).
   */
  private cluster(index: number, nHits: number): number {
    const args = this.clusterArgs;
    const arrival = args[0];
    const x = args[1];
    const y = args[2];
    const peak = args[3];
    const order = this.order;
    const { words, bin, tag } = order;
    // Everything the loop reads, in locals (module constants and object fields are not always hoisted).
    const { dx, dy, weight } = this.tables;
    const gauss = GAUSS_TABLE;
    const r = this.draws;
    const base30 = this.base30;
    const delayTicks = this.delayTicks;
    const walkTicks = this.walkTicks;
    const invBin = this.invBin;
    const truth = this.truth;
    const totScale = peak / 25;
    const bx = Math.floor(x);
    const by = Math.floor(y);
    const q =
      (Math.floor((y - by) * SUBPIXEL) * SUBPIXEL + Math.floor((x - bx) * SUBPIXEL)) * MAX_CLUSTER_HITS;
    this.rng.fillUint32(r, nHits);
    const first = order.n;
    let n = first;
    for (let h = 0; h < nHits; h++) {
      const col = bx + dx[q + h];
      const row = by + dy[q + h];
      if ((col | row) >>> 8 !== 0) continue;
      const w = weight[q + h];
      const d = r[h];
      // (v + 0.5) | 0 rounds these positive int32 values; Math.round compiles to a slow path (~10 ns).
      let tot = (totScale * w * (1 + 0.1 * gauss[d >>> 20]) + 0.5) | 0;
      tot = tot < 1 ? 1 : tot > 1023 ? 1023 : tot;
      const rel = (arrival + walkTicks * (1 - w) + 0.32 * gauss[(d >>> 8) & 0xfff] + 0.5) | 0;
      writePixelRel(words, n, col, row, base30, rel, tot);
      const u = ((d & 0xff) + 0.5) * 0.00390625;
      bin[n] = ((rel + delayTicks * u * u) * invBin) | 0;
      if (truth) tag[n] = index;
      n++;
    }
    order.n = n;
    return n - first;
  }

  /** A TDC edge `after` seconds after the trigger at coarse + fine / 4096, snapped to the TDC's steps. */
  private edge(
    trigger: 1 | 2,
    e: 'rising' | 'falling',
    k: number,
    coarse: number,
    fine: number,
    after: number,
  ): void {
    const units = fine + (after * 1e9) / TOA_UNIT_NS;
    const f = tdcFieldsForUnits(coarse + Math.floor(units / 4096), units % 4096, this.tdc);
    const scratch = this.draws;
    writeTdc(scratch, 0, trigger, e, f.coarse, f.fine3, f.f, k);
    const tick = f.coarse * 16 + tdcFineUnits(f.fine3, f.f) / 256;
    this.order.push(scratch[0], scratch[1], Math.floor((tick - this.sliceStart) * this.invBin), NOT_PIXEL);
  }
}
