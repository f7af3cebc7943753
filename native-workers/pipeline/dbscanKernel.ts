// DBSCAN's pixel path in WebAssembly (dbscanKernel.wat): dbscanPixel.ts's pixelTrigger for one
// trigger, the same operations in the same order (so the same labels), without V8's bounds checks
// and map checks. dbscan.ts tries it first. It declines a trigger it cannot take whole, with -1
// (the caller then runs pixelTrigger, which decides as before) for
// - eps >= sqrt(5) (more than the 6 forward offsets the kernel writes out: PixelWork.fDelta null);
// - 16384 hits or more, or a grid wider than its 2^21 cells (a sensor side above 1024 px);
// - a coordinate not below the grid's side (pixelTrigger grows the side; later triggers then fit);
// or with FLOOD (-2) for duplicates' walks past the visit budget or 2^18 pairs: pixelTrigger would
// walk them again under the same budget, so the caller goes straight to the tof-ordered path.
// Cluster first rows (dbscan.ts's regrouping) are not produced: callers that need them do not call.
// Rows go into the kernel in blocks of 16383 from a trigger's first row (one native copy per column,
// not one per trigger: triggers hold a few hundred rows); kernelRows starts a new set of rows (and
// keeps a reference to its columns until the next set).
import type { PixelWork } from './dbscanPixelWork';
import { bytes } from './dbscanKernel.wat';
import { instantiateKernel, type WasmMemory } from './wasmModule';

/** kernelTrigger's result for a flood (see the module comment). */
export const FLOOD = -2;

/** Hits per trigger (1..HIT_CAP - 1), rows per input block, grid cells (dbscanKernel.wat's layout). */
const HIT_CAP = 16384;
const BLOCK = HIT_CAP - 1;
const GRID_CELLS = 1 << 21;

interface KernelExports {
  memory: WasmMemory;
  trigger(
    base: number,
    len: number,
    side: number,
    stride: number,
    pad: number,
    nOff: number,
    eps2: number,
    minS: number,
    scale: number,
    nClusters: number,
  ): number;
}

interface Kernel {
  e: KernelExports;
  /** Inputs (block row i at i + 1) and labels (by hit: row a + l - 1 is hit l). */
  x: Uint16Array;
  y: Uint16Array;
  tof: Float64Array;
  lab: Int32Array;
  /** Offsets: forward deltas and d2, and the same padded to 6. */
  delta: Int32Array;
  d2: Float64Array;
  fDelta: Int32Array;
  fD2: Float64Array;
  /** The parameters whose offsets are loaded, and at which grid stride. */
  work: PixelWork | null;
  stride: number;
  /** The rows, and the block of them in the inputs (rows start..end-1). */
  rows: { n: number; x: Uint16Array; y: Uint16Array; tof: Float64Array } | null;
  start: number;
  end: number;
}

let kernel: Kernel | null = null;

function getKernel(): Kernel {
  if (kernel !== null) return kernel;
  const e = instantiateKernel<KernelExports>(bytes);
  const b = e.memory.buffer;
  kernel = {
    e,
    x: new Uint16Array(b, 0, HIT_CAP),
    y: new Uint16Array(b, 32768, HIT_CAP),
    tof: new Float64Array(b, 65536, HIT_CAP),
    lab: new Int32Array(b, 655360, HIT_CAP),
    delta: new Int32Array(b, 720896, 32),
    d2: new Float64Array(b, 721024, 32),
    fDelta: new Int32Array(b, 721408, 6),
    fD2: new Float64Array(b, 721472, 6),
    work: null,
    stride: 0,
    rows: null,
    start: 0,
    end: 0,
  };
  return kernel;
}

/** The rows of the next kernelTrigger calls (their columns are read from now on, in blocks). */
export function kernelRows(n: number, x: Uint16Array, y: Uint16Array, tof: Float64Array): void {
  const k = getKernel();
  k.rows = { n, x, y, tof };
  k.start = k.end = 0;
}

/**
 * pixelTrigger(w, x, y, tof, scale, a, b, labels, null, nClusters) for rows a..b-1 (one trigger) of
 * the kernelRows, or -1 or FLOOD (labels untouched) when the kernel declines the trigger (module
 * comment).
 */
export function kernelTrigger(
  w: PixelWork,
  scale: number,
  a: number,
  b: number,
  labels: Int32Array,
  nClusters: number,
): number {
  const len = b - a;
  if (len >= HIT_CAP || w.fDelta === null || w.fD2 === null || w.stride * w.stride > GRID_CELLS) return -1;
  const k = getKernel();
  if (k.work !== w || k.stride !== w.stride) {
    k.delta.set(w.delta);
    k.d2.set(w.d2);
    k.fDelta.set(w.fDelta);
    k.fD2.set(w.fD2);
    k.work = w;
    k.stride = w.stride;
  }
  if (a < k.start || b > k.end) {
    const { n, x, y, tof } = k.rows as NonNullable<Kernel['rows']>;
    k.start = a;
    k.end = Math.min(n, a + BLOCK);
    k.x.set(x.subarray(a, k.end), 1);
    k.y.set(y.subarray(a, k.end), 1);
    k.tof.set(tof.subarray(a, k.end), 1);
  }
  const nc = k.e.trigger(
    a - k.start,
    len,
    w.side,
    w.stride,
    w.pad,
    w.delta.length,
    w.eps2,
    w.minS,
    scale,
    nClusters,
  );
  if (nc >= 0) labels.set(k.lab.subarray(1, len + 1), a);
  return nc;
}
