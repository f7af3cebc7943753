// The WebAssembly half of clusterStreamCentroids (streamKernel.wat): one trigger of at most 512
// hits from its rows to its centroids in one call (sort, walk, sums), with no bounds checks and no
// calls in the hot loops. clusterStream.ts copies a trigger's rows in, calls `trigger`, and
// moves the centroids out to the sink in batches (before any trigger it clusters itself, so the
// order stays). Its memory never grows, so the views below stay valid.
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

// Byte addresses, as in streamKernel.wat.
const OUTER = 7168;
const IN_TOF = 8192;
const IN_TOT = 12288;
const IN_X = 14336;
const IN_Y = 15360;
const OUT = 49152;

interface KernelExports {
  memory: WasmMemory;
  nOut: WasmGlobal;
  trigger(
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

  constructor() {
    this.exports = instantiateKernel<KernelExports>(bytes);
    const buffer = this.exports.memory.buffer;
    this.tof = new Float64Array(buffer, IN_TOF, KERNEL_MAX_HITS);
    this.tot = new Uint32Array(buffer, IN_TOT, KERNEL_MAX_HITS);
    this.x = new Uint16Array(buffer, IN_X, KERNEL_MAX_HITS);
    this.y = new Uint16Array(buffer, IN_Y, KERNEL_MAX_HITS);
    this.outer = new Int32Array(buffer, OUTER, 40);
    this.out = CENTROID_COLUMNS.map((_, i) => new Float64Array(buffer, OUT + i * OUT_CAP * 8, OUT_CAP));
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
    const { tof, tot, x, y } = this;
    for (let k = 0, r = a; k < len; k++, r++) {
      tof[k] = rows.tof[r];
      tot[k] = rows.tot[r];
      x[k] = rows.x[r];
      y[k] = rows.y[r];
    }
    const e = this.exports;
    if (e.nOut.value + len > OUT_CAP) this.flush(sink);
    const { maxDistTof, totOffset, minClusterSize } = params;
    const trig = rows.triggerNr[a];
    return (
      e.trigger(
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
