// The VMI run generator's Timepix4 mode: the same seeded physics as the Timepix3 generator (the model
// and its options: vmiModel.ts; the API: generator.ts), on the 448 x 512 sensor, emitted as
// big-endian Timepix4 words (shared/docs/timepix4-format.md).
//
// What differs from Timepix3 (vmiStream.ts):
// - Time runs in units of 25/128 ns (the decoder's resolution). A pixel's intended time T is written
//   exactly: its 25 ns tick is ceil((T - s) / 128) with s the superpixel-group correction, and the
//   remainder (0..127 units) is taken back by ftoa_rise (8 units a step) and the ultra-fast start code
//   (0..7 units, stop code 0x0F), so tpx4PixelUnits of the word is T.
// - Heartbeats (0xE0, alternating chip halves) every 102.4 us from the run's first tick, continued past
//   the end until every hit is read out; no start-time header (the file starts with the first word).
// - Triggers are signal rise / fall packets (0xE4 / 0xE5) on the 25 ns grid; there is no second input.
// - Readout disorder as for Timepix3 (ReadoutOrder), with the largest readout delay capped at 0.5 ms so
//   every hit stays well within the +-0.819 ms the decoder's nearest-period rule needs around the
//   heartbeat that precedes it in the stream.
// - Ring centres move from (128, 128) to the sensor centre (224, 256); noise and hot pixels cover
//   the whole sensor.
// Words are staged in ReadoutOrder as [lo, hi] uint32 halves like Timepix3 words, then byte-swapped in
// place in each chunk, so its bytes (little-endian host, as the Timepix3 generator assumes) are the
// big-endian file layout.
import { UserError } from '../../shared/userError';
import { type IonTruth, type VmiChunk, type VmiCounts, type VmiGenerator, emptyVmiCounts } from './generator';
import { ReadoutOrder } from './readoutOrder';
import { GAUSS_TABLE, SeededRandom } from './seededRandom';
import { TPX4_EOC, TPX4_TICKS_PER_SECOND, TPX4_UNITS_PER_SECOND } from './tpx4Decoder';
import { tpx4Address } from './tpx4Encoder';
import {
  ION_DRAWS,
  IonSampler,
  MAX_CLUSTER_HITS,
  SUBPIXEL,
  buildClusterTables,
  resolveVmiOptions,
  type ClusterTables,
  type ResolvedVmiOptions,
  type VmiOptions,
} from './vmiModel';
import { NOT_PIXEL, growIonTruth, ionTruthView, newIonTruth, pixelIons } from './ionTruth';

export const TPX4_WIDTH = 448;
export const TPX4_HEIGHT = 512;
/** Heartbeat interval: 4096 ticks of 25 ns = 102.4 us. */
export const TPX4_HEARTBEAT_TICKS = 4096;
/** Shift of the model's ring centre (128, 128) to the Timepix4 sensor centre. */
export const TPX4_CENTRE_SHIFT_X = 96;
export const TPX4_CENTRE_SHIFT_Y = 128;
/** Largest readout delay the Timepix4 mode accepts, s. */
export const TPX4_MAX_READOUT_DELAY = 0.5e-3;

/** Timepix3 counts plus the heartbeats written (timePairs stays 0). */
export interface Vmi4Counts extends VmiCounts {
  heartbeats: number;
}

export interface VmiGenerator4 extends VmiGenerator {
  readonly camera: 4;
  /** Empty: Timepix4 raw files have no start-time header. */
  readonly header: Uint8Array;
  readonly counts: Vmi4Counts;
}

/**
 * A Timepix4 generator for `options` (the Timepix3 generator's options; tdc2 is not available and the
 * readout delay is at most 0.5 ms). Chunks as createVmiGenerator's: `words` holds big-endian bytes.
 */
export function createVmiGenerator4(
  options: VmiOptions,
  { truth = true }: { truth?: boolean } = {},
): VmiGenerator4 {
  const r = resolveVmiOptions(options);
  if (r.tdc2)
    throw new UserError('Timepix4 has one signal input: a second trigger (tdc2) cannot be generated');
  if (r.maxReadoutDelay > TPX4_MAX_READOUT_DELAY) {
    throw new UserError(
      `max readout delay must be at most 0.5 ms for Timepix4 (heartbeat-relative ToA), got ${r.maxReadoutDelay}`,
    );
  }
  return new Vmi4Stream(r, truth);
}

const MAX_BINS = 1 << 20;
const MEAN_HITS_PER_ION = 14;
const U32 = 2.3283064365386963e-10; // 2^-32
const SETUP_STREAM = 0xffffffff;
const UNITS_PER_TICK = 128;
const TWO_32 = 2 ** 32;
/** Ultra-fast start code for a correction of 0..7 units (TPX4_ULTRA_FAST_UNITS inverted). */
const UF_CODE = Uint8Array.of(0x0f, 0x0e, 0x0c, 0x08, 0x00, 0x01, 0x03, 0x07);
const UFT_STOP_ZERO = 0x0f;

function bswap32(v: number): number {
  return ((v << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}

class Vmi4Stream implements VmiGenerator4 {
  readonly camera = 4 as const;
  readonly header = new Uint8Array(0);
  readonly counts: Vmi4Counts = { ...emptyVmiCounts(), heartbeats: 0 };
  private rng: SeededRandom;
  private readonly order: ReadoutOrder;
  private readonly tables: ClusterTables;
  private readonly sampler: IonSampler;
  /** Per pixel x + 448 y: the word's high half without ToA bits, and the spgroup correction (units). */
  private readonly addrHi = new Uint32Array(TPX4_WIDTH * TPX4_HEIGHT);
  private readonly spCorr = new Int8Array(TPX4_WIDTH * TPX4_HEIGHT);
  private readonly hotPixel: Uint32Array;
  private readonly hotTot: Uint16Array;
  private readonly delayUnits: number;
  private readonly walkUnits: number;
  private readonly invBin: number;
  /** Ticks (25 ns) of the first heartbeat and of the run's end. */
  private readonly startTick: number;
  private readonly endTick: number;
  private readonly sliceTicks: number;
  private readonly nTriggers: number;
  private readonly nHeartbeats: number;
  private readonly fallTicks: number;
  private slice = 0;
  private sliceStart: number;
  private nextHeartbeat = 0;
  private nextTrigger = 0;
  private done = false;
  private hitIon: Float64Array = new Float64Array(1 << 16);
  private readonly ions: IonTruth = newIonTruth();
  private readonly draws = new Uint32Array(3 * 4096);
  private ionDraws = new Uint32Array(1024);
  private readonly ionSample = new Float64Array(5);

  constructor(
    readonly options: ResolvedVmiOptions,
    private readonly truth: boolean,
  ) {
    const o = options;
    for (let y = 0; y < TPX4_HEIGHT; y++) {
      for (let x = 0; x < TPX4_WIDTH; x++) {
        const a = tpx4Address(x, y);
        const p = x + TPX4_WIDTH * y;
        this.addrHi[p] = ((a.top << 31) | (a.eoc << 23) | (a.superpix << 17) | (a.pix << 14)) >>> 0;
        this.spCorr[p] = ((a.superpix >>> 2) - 15) * 4;
      }
    }
    this.tables = buildClusterTables(o.clusterSigma);
    this.sampler = new IonSampler(o.species);
    this.rng = new SeededRandom(o.seed, SETUP_STREAM);
    this.hotPixel = new Uint32Array(o.hotPixels);
    this.hotTot = new Uint16Array(o.hotPixels);
    for (let h = 0; h < o.hotPixels; h++) {
      this.hotPixel[h] = this.rng.int(TPX4_WIDTH) + TPX4_WIDTH * this.rng.int(TPX4_HEIGHT);
      this.hotTot[h] = 4 + this.rng.int(12); // 100..375 ns, in 25 ns units
    }
    this.delayUnits = o.maxReadoutDelay * TPX4_UNITS_PER_SECOND;
    this.walkUnits = o.timeWalk * TPX4_UNITS_PER_SECOND;
    this.startTick = o.startLongtime;
    this.endTick = this.startTick + Math.round(o.seconds * TPX4_TICKS_PER_SECOND);
    this.sliceStart = this.startTick;
    const wordsPerSecond =
      o.triggerRate * (2 + o.ionsPerTrigger * MEAN_HITS_PER_ION) +
      o.noiseRate +
      o.hotPixels * o.hotPixelRate +
      TPX4_TICKS_PER_SECOND / TPX4_HEARTBEAT_TICKS;
    // At most 0.2 s, so a slice's relative units (plus a time of flight and a delay) stay int32.
    const seconds = Math.min(Math.max(o.chunkBytes / 8 / wordsPerSecond, 1e-5), 0.2);
    const units = seconds * TPX4_UNITS_PER_SECOND;
    // Bins of whole ticks, at least 1 us (40 ticks).
    const binUnits = Math.max(
      40 * UNITS_PER_TICK,
      Math.ceil(units / MAX_BINS / UNITS_PER_TICK) * UNITS_PER_TICK,
    );
    const binsPerSlice = Math.max(1, Math.round(units / binUnits));
    this.sliceTicks = (binsPerSlice * binUnits) / UNITS_PER_TICK;
    this.invBin = 1 / binUnits;
    this.order = new ReadoutOrder(binUnits, binsPerSlice, truth);
    this.nTriggers = Math.round(o.seconds * o.triggerRate);
    // Heartbeats until after the last hit's readout: the run, the longest flight, walk and delay.
    let maxTof = 0;
    for (const s of o.species) maxTof = Math.max(maxTof, s.tof + s.tofSpread);
    const tail = maxTof + o.timeWalk + o.maxReadoutDelay + 10e-9;
    this.nHeartbeats =
      Math.floor((this.endTick - this.startTick + tail * TPX4_TICKS_PER_SECOND) / TPX4_HEARTBEAT_TICKS) + 2;
    this.fallTicks = Math.max(1, Math.round(o.pulseWidth * TPX4_TICKS_PER_SECOND));
  }

  get fractionDone(): number {
    return this.done ? 1 : Math.min(1, (this.sliceStart - this.startTick) / (this.endTick - this.startTick));
  }

  /** Trigger k's tick: (k + 1/2) trigger periods after the first heartbeat, on the 25 ns grid. */
  private triggerTick(k: number): number {
    return this.startTick + Math.floor(((k + 0.5) * TPX4_TICKS_PER_SECOND) / this.options.triggerRate);
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
    // Big-endian bytes in place, counting the pixel words (eoc <= 0xDF) on the way.
    const w = order.outWords;
    let pixels = 0;
    for (let i = 0; i < nWords; i++) {
      const lo = w[2 * i];
      const hi = w[2 * i + 1];
      if (((hi >>> 23) & 0xff) <= TPX4_EOC.PIXEL_EOC_MAX) pixels++;
      w[2 * i] = bswap32(hi);
      w[2 * i + 1] = bswap32(lo);
    }
    let np = 0;
    if (this.truth) {
      ({ hitIon: this.hitIon, np } = pixelIons(order.outTag, nWords, this.hitIon));
    }
    this.counts.words += nWords;
    this.counts.pixels += pixels;
    this.counts.ions += ions.n;
    return {
      words: w.subarray(0, 2 * nWords),
      nWords,
      hitIon: this.hitIon.subarray(0, np),
      ions: ionTruthView(ions),
    };
  }

  /** Stages a timestamp packet at `tick`, binned by its own time. */
  private timestamp(eoc: number, tick: number, top: number, a: number): void {
    const hi = ((top << 31) | (eoc << 23) | Math.floor(tick / TWO_32)) >>> 0;
    const bin = Math.floor((tick - a) * UNITS_PER_TICK * this.invBin);
    this.order.push(tick % TWO_32, hi, bin, NOT_PIXEL);
  }

  /** Stages every word whose event lies in [a, b) ticks (the run's end closes the last slice). */
  private generate(a: number, b: number): void {
    const o = this.options;
    const last = b >= this.endTick;
    this.rng = new SeededRandom(o.seed, this.slice);
    while (this.nextHeartbeat < this.nHeartbeats) {
      const tick = this.startTick + this.nextHeartbeat * TPX4_HEARTBEAT_TICKS;
      if (tick >= b && !last) break;
      this.timestamp(TPX4_EOC.HEARTBEAT, tick, this.nextHeartbeat & 1, a);
      this.nextHeartbeat++;
      this.counts.heartbeats++;
    }
    while (this.nextTrigger < this.nTriggers) {
      const tick = this.triggerTick(this.nextTrigger);
      if (tick >= b && !last) break;
      this.trigger(this.nextTrigger, tick, a);
      this.nextTrigger++;
      this.counts.triggers++;
    }
    // Noise and hot pixels: Poisson processes, never in the first 25 ns.
    const t0 = Math.max(a, this.startTick + 1);
    const t1 = Math.min(b, this.endTick);
    if (t1 <= t0) return;
    const seconds = (t1 - t0) / TPX4_TICKS_PER_SECOND;
    const from = (t0 - a) * UNITS_PER_TICK;
    const span = (t1 - t0) * UNITS_PER_TICK;
    const nNoise = this.rng.poisson(o.noiseRate * seconds);
    this.background(-1, nNoise, from, span);
    this.counts.noiseHits += nNoise;
    for (let h = 0; h < o.hotPixels; h++) {
      const nHot = this.rng.poisson(o.hotPixelRate * seconds);
      this.background(h, nHot, from, span);
      this.counts.hotHits += nHot;
    }
  }

  /**
   * Stages the pixel word of pixel p (x + 448 y) at `rel` units into the slice (an integer >= 0) as
   * word n, read out `delay` units later, with truth tag `tag`.
   */
  private pixel(n: number, p: number, rel: number, totRaw: number, delay: number, tag: number): void {
    const order = this.order;
    const r = rel - this.spCorr[p];
    const tickRel = Math.ceil(r / UNITS_PER_TICK);
    const rem = tickRel * UNITS_PER_TICK - r; // 0..127
    const ftoa = (rem + 7) >>> 3; // 0..16
    const uf = 8 * ftoa - rem; // 0..7
    const toa = (this.sliceStart + tickRel) % 65536;
    order.words[2 * n] =
      (((toa & 3) << 30) |
        (UF_CODE[uf] << 26) |
        (UFT_STOP_ZERO << 22) |
        (ftoa << 17) |
        (ftoa << 12) |
        (totRaw << 1)) >>>
      0;
    order.words[2 * n + 1] = (this.addrHi[p] | (toa >>> 2)) >>> 0;
    order.bin[n] = Math.floor((rel + delay) * this.invBin);
    if (this.truth) order.tag[n] = tag;
  }

  /**
   * Stages `count` hits uniform in time over [from, from + span) units of the slice: noise (hot = -1,
   * uniform position, ToT 25..200 ns) or hot pixel `hot` (its own ToT +-25 ns). Three draws per hit.
   */
  private background(hot: number, count: number, from: number, span: number): void {
    const order = this.order;
    order.reserve(count);
    const r = this.draws;
    const block = Math.floor(r.length / 3);
    const delayUnits = this.delayUnits;
    for (let done = 0; done < count; done += block) {
      const m = Math.min(block, count - done);
      this.rng.fillUint32(r, 3 * m);
      for (let i = 0; i < m; i++) {
        const r1 = r[3 * i + 1];
        const r2 = r[3 * i + 2];
        const rel = from + Math.floor(r[3 * i] * U32 * span);
        let p: number;
        let tot: number;
        if (hot < 0) {
          p = Math.floor(r1 * U32 * TPX4_WIDTH) + TPX4_WIDTH * Math.floor(r2 * U32 * TPX4_HEIGHT);
          tot = 1 + ((r2 >>> 8) & 7);
        } else {
          p = this.hotPixel[hot];
          tot = this.hotTot[hot] + ((r2 >>> 8) % 3) - 1;
        }
        const u = ((r1 & 0xff) + 0.5) * 0.00390625;
        this.pixel(order.n++, p, rel, tot, delayUnits * u * u, -1);
      }
    }
  }

  /** The signal edges and ion clusters of trigger k at `tick`. */
  private trigger(k: number, tick: number, a: number): void {
    const o = this.options;
    const nIons = this.rng.poisson(o.ionsPerTrigger);
    this.order.reserve(2 + nIons * MAX_CLUSTER_HITS);
    this.timestamp(TPX4_EOC.SIGNAL_RISE, tick, 0, a);
    this.timestamp(TPX4_EOC.SIGNAL_FALL, tick + this.fallTicks, 0, a);
    const ions = this.ions;
    if (ions.n + nIons > ions.x.length) growIonTruth(ions, ions.n + nIons);
    if (this.ionDraws.length < ION_DRAWS * nIons) this.ionDraws = new Uint32Array(ION_DRAWS * nIons);
    const r = this.ionDraws;
    this.rng.fillUint32(r, ION_DRAWS * nIons);
    const ion = this.ionSample;
    const rel = (tick - a) * UNITS_PER_TICK;
    for (let i = 0; i < nIons; i++) {
      this.sampler.sample(r, ION_DRAWS * i, ion);
      const index = this.counts.ions + ions.n;
      const x = ion[0] + TPX4_CENTRE_SHIFT_X;
      const y = ion[1] + TPX4_CENTRE_SHIFT_Y;
      const written = this.cluster(index, ion[3], rel + ion[2] * TPX4_UNITS_PER_SECOND, x, y, ion[4]);
      const j = ions.n++;
      ions.triggerNr[j] = k;
      ions.x[j] = x;
      ions.y[j] = y;
      ions.tof[j] = ion[2];
      ions.nHits[j] = written;
      this.counts.ionHits += written;
    }
  }

  /**
   * Stages the cluster of ion `index` centred at (x, y), arriving `arrival` units into the slice: its
   * nHits nearest pixels, ToT peak * weight (+-10 %), later by timeWalk * (1 - weight) (+-0.5 ns), as
   * the Timepix3 generator's. One draw per hit. Returns the pixels written (those on the sensor).
   */
  private cluster(index: number, nHits: number, arrival: number, x: number, y: number, peak: number): number {
    const order = this.order;
    const { dx, dy, weight } = this.tables;
    const gauss = GAUSS_TABLE;
    const r = this.draws;
    const totScale = peak / 25;
    const bx = Math.floor(x);
    const by = Math.floor(y);
    const q =
      (Math.floor((y - by) * SUBPIXEL) * SUBPIXEL + Math.floor((x - bx) * SUBPIXEL)) * MAX_CLUSTER_HITS;
    this.rng.fillUint32(r, nHits);
    let written = 0;
    for (let h = 0; h < nHits; h++) {
      const col = bx + dx[q + h];
      const row = by + dy[q + h];
      if (col < 0 || col >= TPX4_WIDTH || row < 0 || row >= TPX4_HEIGHT) continue;
      const w = weight[q + h];
      const d = r[h];
      let tot = Math.round(totScale * w * (1 + 0.1 * gauss[d >>> 20]));
      tot = tot < 1 ? 1 : tot > 2047 ? 2047 : tot;
      // 0.5 ns = 2.56 units of jitter, as the Timepix3 generator's 0.32 ticks of 1.5625 ns.
      const rel = Math.max(
        0,
        Math.round(arrival + this.walkUnits * (1 - w) + 2.56 * gauss[(d >>> 8) & 0xfff]),
      );
      const u = ((d & 0xff) + 0.5) * 0.00390625;
      this.pixel(order.n++, col + TPX4_WIDTH * row, rel, tot, this.delayUnits * u * u, index);
      written++;
    }
    return written;
  }
}
