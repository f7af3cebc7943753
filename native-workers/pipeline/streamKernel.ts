// The WebAssembly half of clusterStreamCentroids (streamKernel.wat): one trigger of at most 512
// hits from its rows to its centroids in one call (sort, walk, sums), with no bounds checks and no
// calls in the hot loops. The rows go in by windows of up to WINDOW rows (a native copy per column,
// not a loop per row), the centroids come out to the sink in batches (before any trigger that
// clusterStream.ts clusters itself, so the order stays). The memory never grows, so the views
// below stay valid.
import type { ClusterStreamParams, ClusterStreamRows } from './clusterStream';
import { CENTROID_COLUMNS, lutIndex, reserveCentroids, type CentroidSink } from './centroids';
import type { WalkGrids } from './clusterStreamWalk';
import { bytes } from './streamKernel.wat';
import { instantiateKernel, type WasmGlobal, type WasmMemory } from './wasmModule';

/** Largest trigger of the kernel (9 index bits in its sort keys). */
export const KERNEL_MAX_HITS = 512;
/** Largest grid (cells) the kernel's packed grid holds: 1024 x 1030, a 1018 px square sensor. */
const GRID_CELLS = 1024 * 1030;
/** Centroids the output columns hold. */
const OUT_CAP = 4096;
/** Rows of the input window. */
const WINDOW = 16384;

// Byte addresses, as in streamKernel.wat.
const OUTER = 7168;
const OUT = 49152;
const IN_TOF = 5029888;
const IN_TOT = 5160960;
const IN_X = 5226496;
const IN_Y = 5259264;

interface KernelExports {
  memory: WasmMemory;
  nOut: WasmGlobal;
  trigger(
    at: number,
    len: number,
    lo: number,
    span: number,
    trig: number,
    stamp: number,
    maxDist: number,
    totOffset: number,
    minSize: number,
    stride: number,
    shift: number,
  ): number;
}

export class StreamKernel {
  private readonly exports: KernelExports;
  private readonly tof: Float64Array;
  private readonly tot: Uint32Array;
  private readonly x: Uint16Array;
  private readonly y: Uint16Array;
  private readonly outer: Int32Array;
  private readonly out: Float64Array[];
  /** The grid stride the outer ring offsets were written for. */
  private stride = 0;
  /** The rows in the window: rows from..to-1 of `rows`. */
  private rows: ClusterStreamRows | null = null;
  private from = 0;
  private to = 0;

  constructor() {
    this.exports = instantiateKernel<KernelExports>(bytes);
    const buffer = this.exports.memory.buffer;
    this.tof = new Float64Array(buffer, IN_TOF, WINDOW);
    this.tot = new Uint32Array(buffer, IN_TOT, WINDOW);
    this.x = new Uint16Array(buffer, IN_X, WINDOW);
    this.y = new Uint16Array(buffer, IN_Y, WINDOW);
    this.outer = new Int32Array(buffer, OUTER, 40);
    this.out = CENTROID_COLUMNS.map((_, i) => new Float64Array(buffer, OUT + i * OUT_CAP * 8, OUT_CAP));
  }

  /** Forgets the window (at the start of a call: the caller may have changed its rows since). */
  reset(): void {
    this.rows = null;
  }

  /** Whether the kernel's grid holds these grids' cells. */
  fits(grids: WalkGrids): boolean {
    return grids.stride * grids.height <= GRID_CELLS;
  }

  /**
   * Clusters rows a..a+len-1 (one trigger, len <= KERNEL_MAX_HITS, finite tofs lo..hi) at walk
   * stamp `stamp`; false (nothing written) when the kernel declines the trigger.
   */
  trigger(
    rows: ClusterStreamRows,
    a: number,
    len: number,
    lo: number,
    hi: number,
    stamp: number,
    params: ClusterStreamParams,
    grids: WalkGrids,
    sink: CentroidSink,
  ): boolean {
    if (grids.stride !== this.stride) {
      this.outer.set(grids.outer);
      this.stride = grids.stride;
    }
    if (rows !== this.rows || a + len > this.to) {
      const to = Math.min(rows.n, a + WINDOW);
      this.tof.set(rows.tof.subarray(a, to));
      this.tot.set(rows.tot.subarray(a, to));
      this.x.set(rows.x.subarray(a, to));
      this.y.set(rows.y.subarray(a, to));
      this.rows = rows;
      this.from = a;
      this.to = to;
    }
    const e = this.exports;
    if (e.nOut.value + len > OUT_CAP) this.flush(sink);
    const { maxDistTof, totOffset, minClusterSize } = params;
    const trig = rows.triggerNr[a];
    return (
      e.trigger(
        a - this.from,
        len,
        lo,
        hi - lo,
        trig,
        stamp,
        maxDistTof,
        totOffset,
        minClusterSize,
        grids.stride,
        grids.shift,
      ) >= 0
    );
  }

  /** Moves the centroids written so far to the sink (applying its time-walk table). */
  flush(sink: CentroidSink): void {
    const n = this.exports.nOut.value;
    if (n === 0) return;
    const out = reserveCentroids(sink, n);
    const at = out.n;
    CENTROID_COLUMNS.forEach((c, i) => out[c].set(this.out[i].subarray(0, n), at));
    const lut = sink.lut;
    if (lut !== null) {
      const { tof, totMax } = out;
      for (let j = at; j < at + n; j++) tof[j] -= lut[lutIndex(totMax[j], lut.length)];
    }
    out.n = at + n;
    this.exports.nOut.value = 0;
  }
}
