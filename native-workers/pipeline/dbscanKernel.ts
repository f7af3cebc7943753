// DBSCAN's pixel path in WebAssembly (dbscanKernel.wat): dbscanPixel.ts's pixelTrigger for one
// trigger, the same operations in the same order (so the same labels), without V8's bounds checks
// and map checks. dbscan.ts tries it first. It declines (-1; the caller then runs pixelTrigger,
// which decides as before) a trigger it cannot take whole:
// - eps >= sqrt(5) (more than the 6 forward offsets the kernel writes out: PixelWork.fDelta null);
// - 16384 hits or more, or a grid wider than its 2^21 cells (a sensor side above 1024 px);
// - a coordinate not below the grid's side (pixelTrigger grows the side; later triggers then fit);
// - duplicates' walks past the visit budget or 2^18 pairs (floods).
// Cluster first rows (dbscan.ts's regrouping) are not produced: callers that need them do not call.
import type { PixelWork } from './dbscanPixelWork';
import { bytes } from './dbscanKernel.wat';
import { instantiateKernel, type WasmMemory } from './wasmModule';

/** Hits per trigger (1..HIT_CAP - 1) and grid cells (dbscanKernel.wat's layout). */
const HIT_CAP = 16384;
const GRID_CELLS = 1 << 21;

interface KernelExports {
  memory: WasmMemory;
  trigger(
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
  /** Inputs and labels, indexed by hit (row a + l - 1 is hit l). */
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
  };
  return kernel;
}

/**
 * pixelTrigger(w, x, y, tof, scale, a, b, labels, null, nClusters) for rows a..b-1 (one trigger),
 * or -1 (labels untouched) when the kernel declines the trigger (see the module comment).
 */
export function kernelTrigger(
  w: PixelWork,
  x: Uint16Array,
  y: Uint16Array,
  tof: Float64Array,
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
  k.x.set(x.subarray(a, b), 1);
  k.y.set(y.subarray(a, b), 1);
  k.tof.set(tof.subarray(a, b), 1);
  const nc = k.e.trigger(len, w.side, w.stride, w.pad, w.delta.length, w.eps2, w.minS, scale, nClusters);
  if (nc >= 0) labels.set(k.lab.subarray(1, len + 1), a);
  return nc;
}
