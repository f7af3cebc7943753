// The live views' row loops in WebAssembly (viewsKernel.wat): hits and event rows are copied in a
// block at a time and added into the kernel's accumulators (hit map, ToT and ToF histograms,
// ToF-vs-ToT), which `fold` adds into LiveViews' own arrays (at a snapshot, before a re-shape).
import type { HitBatch } from '../../shared/batches';
import { type Histogram, binIndex } from '../../shared/liveViews';
import { type WasmGlobal, type WasmMemory, instantiateKernel, memoryOf } from '../pipeline/wasmModule';
import { bytes } from './viewsKernel.wat';

interface KernelExports {
  memory: WasmMemory;
  under: WasmGlobal;
  over: WasmGlobal;
  hits(
    n: number,
    x: number,
    y: number,
    tot: number,
    w: number,
    h: number,
    sum: number,
    map: number,
    min: number,
    max: number,
    scale: number,
    bins: number,
    hist: number,
    lut: number,
    lutLen: number,
  ): number;
  tofs(
    n: number,
    tof: number,
    tot: number,
    fromSource: number,
    min: number,
    max: number,
    scale: number,
    bins: number,
    hist: number,
    col: number,
    totMax: number,
    totScale: number,
    totBins: number,
    tofBins: number,
    c2: number,
    lut2: number,
    lut2Len: number,
  ): void;
}

/** Sizes of the accumulators, and the ToF-vs-ToT column of each ToF bin. */
export interface ViewShapes {
  mapSize: number;
  totBins: number;
  tofBins: number;
  tofTotSize: number;
  tofCol: Int32Array;
}

/** The ToF-vs-ToT view's bins (LiveSnapshot['tofTot'] without its counts). */
export interface TofTotShape {
  tofBins: number;
  totBins: number;
  totMax: number;
}

/** Rows copied in per call. */
const BLOCK = 65_536;
const TOF = 0;
const TOT = TOF + 8 * BLOCK;
const X = TOT + 4 * BLOCK;
const Y = X + 2 * BLOCK;
const ACC = Y + 2 * BLOCK;
/** Entries of each ToT-bin table (ToT values in ns, integers; above the table the kernel bins in
 * float64 as binIndex does). */
const LUT_MAX = 65_536;

export class ViewsKernel {
  private readonly k: KernelExports;
  private at = { map: ACC, tot: ACC, tof: ACC, c2: ACC, col: ACC, lut: ACC, lut2: ACC };
  /** The bins each ToT table holds ('' when not filled since the last shape), and its length. */
  private lut = { key: '', len: 0 };
  private lut2 = { key: '', len: 0 };
  private map = new Float64Array(0);
  private totHist = new Float64Array(0);
  private tofHist = new Float64Array(0);
  private c2 = new Uint32Array(0);
  private dirty = false;

  constructor() {
    this.k = instantiateKernel<KernelExports>(bytes);
  }

  /** New accumulator sizes (fold first: the accumulators start at zero). */
  shape(s: ViewShapes): void {
    const at = { map: ACC, tot: 0, tof: 0, c2: 0, col: 0, lut: 0, lut2: 0 };
    at.tot = at.map + 8 * s.mapSize;
    at.tof = at.tot + 8 * s.totBins;
    at.c2 = at.tof + 8 * s.tofBins;
    at.col = at.c2 + 4 * s.tofTotSize;
    at.lut = at.col + 4 * s.tofBins;
    at.lut2 = at.lut + 4 * LUT_MAX;
    const end = at.lut2 + 4 * LUT_MAX;
    this.lut.key = this.lut2.key = '';
    const buffer = memoryOf(this.k.memory, end);
    this.at = at;
    this.map = new Float64Array(buffer, at.map, s.mapSize);
    this.totHist = new Float64Array(buffer, at.tot, s.totBins);
    this.tofHist = new Float64Array(buffer, at.tof, s.tofBins);
    this.c2 = new Uint32Array(buffer, at.c2, s.tofTotSize);
    new Int32Array(buffer, at.col, s.tofBins).set(s.tofCol);
    this.clear();
  }

  /** Hit map (counts, or ToT sums when `sum`) and ToT histogram; returns the hits off the sensor. */
  hits(hits: HitBatch, width: number, height: number, sum: boolean, tot: Histogram): number {
    const buffer = this.k.memory.buffer;
    const lutLen = this.fillLut(this.lut, this.at.lut, tot.min, tot.max, tot.bins);
    let off = 0;
    for (let at = 0; at < hits.n; at += BLOCK) {
      const n = Math.min(BLOCK, hits.n - at);
      new Uint16Array(buffer, X, n).set(hits.x.subarray(at, at + n));
      new Uint16Array(buffer, Y, n).set(hits.y.subarray(at, at + n));
      new Uint32Array(buffer, TOT, n).set(hits.tot.subarray(at, at + n));
      off += this.k.hits(
        n,
        X,
        Y,
        TOT,
        width,
        height,
        sum ? 1 : 0,
        this.at.map,
        tot.min,
        tot.max,
        tot.scale,
        tot.bins,
        this.at.tot,
        this.at.lut,
        lutLen,
      );
      tot.under += this.k.under.value;
      tot.over += this.k.over.value;
    }
    this.dirty = true;
    return off;
  }

  /** ToF histogram (when `fromSource`) and, given the rows' tot, ToF-vs-ToT. */
  tofs(
    tof: Float64Array,
    n: number,
    fromSource: boolean,
    tot: Uint32Array | null,
    h: Histogram,
    tofTot: TofTotShape,
  ): void {
    const buffer = this.k.memory.buffer;
    const { totMax, totBins } = tofTot;
    const lut2Len = tot ? this.fillLut(this.lut2, this.at.lut2, 0, totMax, totBins) : 0;
    for (let at = 0; at < n; at += BLOCK) {
      const m = Math.min(BLOCK, n - at);
      new Float64Array(buffer, TOF, m).set(tof.subarray(at, at + m));
      if (tot) new Uint32Array(buffer, TOT, m).set(tot.subarray(at, at + m));
      this.k.tofs(
        m,
        TOF,
        tot ? TOT : 0,
        fromSource ? 1 : 0,
        h.min,
        h.max,
        h.scale,
        h.bins,
        this.at.tof,
        this.at.col,
        totMax,
        totBins / totMax,
        totBins,
        tofTot.tofBins,
        this.at.c2,
        this.at.lut2,
        lut2Len,
      );
      h.under += this.k.under.value;
      h.over += this.k.over.value;
    }
    this.dirty = true;
  }

  /** The ToT table at `at` for `bins` bins over [min, max), filled when they changed: entry t is
   * binIndex(t). Returns its length (0 for a range the table cannot help with). */
  private fillLut(
    lut: { key: string; len: number },
    at: number,
    min: number,
    max: number,
    bins: number,
  ): number {
    const key = `${min}:${max}:${bins}`;
    if (lut.key === key) return lut.len;
    const len = Number.isFinite(max) && max > 0 ? Math.min(LUT_MAX, Math.ceil(max) + 1) : 0;
    const table = new Int32Array(this.k.memory.buffer, at, len);
    const scale = bins / (max - min);
    for (let t = 0; t < len; t++) table[t] = binIndex(t, min, max, scale, bins);
    lut.key = key;
    lut.len = len;
    return len;
  }

  /** Adds the accumulators into the views' arrays (same sizes as shaped) and zeroes them. */
  fold(map: Float64Array, tot: Float64Array, tof: Float64Array, c2: Uint32Array): void {
    if (!this.dirty) return;
    addInto(map, this.map);
    addInto(tot, this.totHist);
    addInto(tof, this.tofHist);
    addInto(c2, this.c2);
    this.clear();
  }

  /** Drops what the accumulators hold. */
  clear(): void {
    this.map.fill(0);
    this.totHist.fill(0);
    this.tofHist.fill(0);
    this.c2.fill(0);
    this.dirty = false;
  }
}

function addInto<T extends Float64Array | Uint32Array>(to: T, from: T): void {
  for (let i = 0; i < from.length; i++) if (from[i] !== 0) to[i] += from[i];
}
