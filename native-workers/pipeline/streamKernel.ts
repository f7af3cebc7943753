// The WebAssembly half of clusterStreamCentroids (streamKernel.wat): whole triggers of at most 512
// hits from their rows to their centroids (sort, walk, sums), a window of triggers per call, with
// no bounds checks and no calls in the hot loops. The rows go in by windows of up to WINDOW rows (a
// native copy per column, not a loop per row); run() goes on until a trigger the kernel declines,
// which the caller clusters itself (after flush(), so the order stays). The centroids come out to
// the sink in batches. The memory never grows, so the views below stay valid.
import type { ClusterStreamParams, ClusterStreamRows } from './clusterStream';
import { CENTROID_COLUMNS, lutIndex, reserveCentroids, type CentroidSink } from './centroids';
import type { WalkGrids } from './clusterStreamWalk';
import { bytes } from './streamKernel.wat';
import { instantiateKernel, type WasmGlobal, type WasmMemory } from './wasmModule';

/** Largest trigger of the kernel (9 index bits in its sort keys). */
const KERNEL_MAX_HITS = 512;
/** The grid's border (clusterStreamWalk.ts). */
const PAD = 3;
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
const IN_TRIG = 5292032;
const THR = 5439488;

/** run()'s status (streamKernel.wat). */
const MORE = 0;
const FULL = 2;
const UNGROUPED = 3;
const FILTERED = 4;

interface KernelExports {
  memory: WasmMemory;
  nOut: WasmGlobal;
  next: WasmGlobal;
  run(
    from: number,
    end: number,
    last: number,
    stampBase: number,
    maxDist: number,
    minSize: number,
    minTot: number,
    stride: number,
    shift: number,
    maxX: number,
    maxY: number,
  ): number;
}

export class StreamKernel {
  private readonly exports: KernelExports;
  private readonly tof: Float64Array;
  private readonly tot: Uint32Array;
  private readonly x: Uint16Array;
  private readonly y: Uint16Array;
  private readonly trig: Float64Array;
  private readonly thr: Int32Array;
  /** The totOffset thr was written for. */
  private thrFor: number | null = null;
  private readonly outer: Int32Array;
  private readonly out: Float64Array[];
  /** The grid stride the outer ring offsets were written for. */
  private stride = 0;
  /** The rows in the window: rows from..to-1 of `rows`. */
  private rows: ClusterStreamRows | null = null;
  private from = 0;
  private to = 0;
  /**
   * Why run() stopped before the end: a trigger it declined, one whose successor has a lower
   * trigger number, or one with a row below minTot.
   */
  stop: 'declined' | 'ungrouped' | 'filtered' = 'declined';

  constructor() {
    this.exports = instantiateKernel<KernelExports>(bytes);
    const buffer = this.exports.memory.buffer;
    this.tof = new Float64Array(buffer, IN_TOF, WINDOW);
    this.tot = new Uint32Array(buffer, IN_TOT, WINDOW);
    this.x = new Uint16Array(buffer, IN_X, WINDOW);
    this.y = new Uint16Array(buffer, IN_Y, WINDOW);
    this.trig = new Float64Array(buffer, IN_TRIG, WINDOW);
    this.thr = new Int32Array(buffer, THR, 65536);
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
   * Clusters the triggers from row a on (rows grouped by trigger, walk stamps stampBase + row)
   * until one it cannot take; returns that trigger's first row (rows.n when none) and sets `stop`.
   */
  run(
    rows: ClusterStreamRows,
    a: number,
    stampBase: number,
    params: ClusterStreamParams,
    minTot: number,
    grids: WalkGrids,
    sink: CentroidSink,
  ): number {
    if (grids.stride !== this.stride) {
      this.outer.set(grids.outer);
      this.stride = grids.stride;
    }
    const e = this.exports;
    const n = rows.n;
    const { maxDistTof, totOffset, minClusterSize } = params;
    if (this.thrFor === null || !Object.is(this.thrFor, totOffset)) {
      // walkPacked's candidate threshold (clusterStreamWalk.ts) per ToT: a load per hit instead.
      for (let tt = 0; tt < 65536; tt++) {
        const limit = tt * totOffset;
        this.thr[tt] =
          limit >= 0 && limit < 65535 ? (((limit | 0) + 1) << 15) | 1 : limit < 0 ? 1 : 0x7fffffff;
      }
      this.thrFor = totOffset;
    }
    const { stride, shift } = grids;
    const maxX = stride - 1 - 2 * PAD;
    const maxY = grids.height - 1 - 2 * PAD;
    for (;;) {
      // The window must reach past a trigger of KERNEL_MAX_HITS from a, or to the end of the rows.
      if (rows !== this.rows || a < this.from || (this.to < n && a + KERNEL_MAX_HITS >= this.to)) {
        this.fill(rows, a);
      }
      const from = this.from;
      const status = e.run(
        a - from,
        this.to - from,
        +(this.to === n),
        stampBase + from,
        maxDistTof,
        minClusterSize,
        minTot,
        stride,
        shift,
        maxX,
        maxY,
      );
      a = from + e.next.value;
      if (status === FULL) this.flush(sink);
      else if (status === MORE) {
        if (a >= n) return n;
      } else {
        this.stop = status === UNGROUPED ? 'ungrouped' : status === FILTERED ? 'filtered' : 'declined';
        return a;
      }
    }
  }

  /** Copies rows a.. (up to WINDOW of them) into the window. */
  private fill(rows: ClusterStreamRows, a: number): void {
    const to = Math.min(rows.n, a + WINDOW);
    this.tof.set(rows.tof.subarray(a, to));
    this.tot.set(rows.tot.subarray(a, to));
    this.x.set(rows.x.subarray(a, to));
    this.y.set(rows.y.subarray(a, to));
    this.trig.set(rows.triggerNr.subarray(a, to));
    this.rows = rows;
    this.from = a;
    this.to = to;
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
