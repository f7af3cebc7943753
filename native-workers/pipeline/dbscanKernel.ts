// DBSCAN's pixel path in WebAssembly (dbscanKernel.wat): dbscanPixel.ts's pixelTrigger for one
// trigger, the same pairs in the same order (so the same labels), without V8's bounds checks
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
// kernelRun (for dbscanCentroids.ts) goes further: one call of dbscanRun.wat's run() clusters a
// whole block of triggers (it finds their boundaries and checks grouping and the ToT filter, and
// calls the kernel per trigger, in the same memory) and sums each trigger's
// centroids from its labels in the kernel, so no labels and no per-trigger call cross into
// TypeScript (for ~280-hit triggers those cost about as much as the clustering). It stops at a
// trigger it declines, as above, which the caller clusters; the centroids come out by flushKernel.
import type { EventBatch } from '../../shared/batches';
import { CENTROID_COLUMNS, lutIndex, reserveCentroids, type CentroidSink } from './centroids';
import type { PixelWork } from './dbscanPixelWork';
import { bytes } from './dbscanKernel.wat';
import { bytes as runBytes } from './dbscanRun.wat';
import { instantiateKernel, type WasmGlobal, type WasmMemory } from './wasmModule';

/** kernelTrigger's result for a flood (see the module comment). */
export const FLOOD = -2;

/** Hits per trigger (1..HIT_CAP - 1), rows per input block, grid cells (dbscanKernel.wat's layout). */
const HIT_CAP = 16384;
const BLOCK = HIT_CAP - 1;
const GRID_CELLS = 1 << 21;
/** Centroids run() writes before a flush (dbscanRun.wat's OUT: a trigger's clusters fit). */
const OUT_CAP = 16384;
// Byte addresses of run()'s inputs and output, as in dbscanRun.wat.
const IN_TOT = 10485760;
const IN_TRIG = 10551296;
const OUT = 10682368;

/** run()'s status (dbscanRun.wat). */
const DONE = 0;
const MORE = 1;
const FULL = 2;
const UNGROUPED = 3;
const FILTERED = 4;

/** dbscanRun.wat's exports (it imports the kernel's memory and trigger()). */
interface RunExports {
  nOut: WasmGlobal;
  next: WasmGlobal;
  run(
    a: number,
    end: number,
    last: number,
    minTot: number,
    side: number,
    stride: number,
    pad: number,
    nOff: number,
    eps2: number,
    minS: number,
    scale: number,
  ): number;
}

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
  r: RunExports;
  /** Inputs (block row i at i + 1) and labels (by hit: row a + l - 1 is hit l). */
  x: Uint16Array;
  y: Uint16Array;
  tof: Float64Array;
  lab: Int32Array;
  tot: Uint32Array;
  trig: Float64Array;
  /** run()'s centroid columns, in CENTROID_COLUMNS' order. */
  out: Float64Array[];
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
  /** The rows of run() in the inputs (with tot and trigger columns; rows start..end-1). */
  runRows: EventBatch | null;
}

let kernel: Kernel | null = null;

function getKernel(): Kernel {
  if (kernel !== null) return kernel;
  const e = instantiateKernel<KernelExports>(bytes);
  const r = instantiateKernel<RunExports>(runBytes, { kernel: { memory: e.memory, trigger: e.trigger } });
  const b = e.memory.buffer;
  kernel = {
    e,
    r,
    x: new Uint16Array(b, 0, HIT_CAP),
    y: new Uint16Array(b, 32768, HIT_CAP),
    tof: new Float64Array(b, 65536, HIT_CAP),
    lab: new Int32Array(b, 655360, HIT_CAP),
    tot: new Uint32Array(b, IN_TOT, HIT_CAP),
    trig: new Float64Array(b, IN_TRIG, HIT_CAP),
    out: CENTROID_COLUMNS.map((_, i) => new Float64Array(b, OUT + i * OUT_CAP * 8, OUT_CAP)),
    delta: new Int32Array(b, 720896, 32),
    d2: new Float64Array(b, 721024, 32),
    fDelta: new Int32Array(b, 721408, 6),
    fD2: new Float64Array(b, 721472, 6),
    work: null,
    stride: 0,
    rows: null,
    start: 0,
    end: 0,
    runRows: null,
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
  loadOffsets(k, w);
  if (k.runRows !== null || a < k.start || b > k.end) {
    k.runRows = null;
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

/** The kernel's offsets for w at its current stride. */
function loadOffsets(k: Kernel, w: PixelWork): void {
  if (k.work === w && k.stride === w.stride) return;
  k.delta.set(w.delta);
  k.d2.set(w.d2);
  k.fDelta.set(w.fDelta as Int32Array);
  k.fD2.set(w.fD2 as Float64Array);
  k.work = w;
  k.stride = w.stride;
}

/** Whether kernelRun takes triggers with these parameters (else every trigger is the caller's). */
export function kernelRuns(w: PixelWork): boolean {
  return w.fDelta !== null && w.fD2 !== null && w.stride * w.stride <= GRID_CELLS;
}

/** Why kernelRun stopped before the end (module comment; -1 and FLOOD as kernelTrigger's). */
export type KernelStop = -1 | typeof FLOOD | 'ungrouped' | 'filtered';

/**
 * Clusters the triggers of rows (grouped by trigger) from row a on and writes their centroids to
 * the sink's columns (flushKernel), until a trigger it declines or the end; returns that trigger's
 * first row (rows.n at the end) and its reason in kernelState.stop. Rows with tot < minTot stop it too
 * ('filtered'), and so does a trigger followed by a lower trigger number ('ungrouped'). Requires
 * kernelRuns(w).
 */
export function kernelRun(
  rows: EventBatch,
  a: number,
  w: PixelWork,
  scale: number,
  minTot: number,
  sink: CentroidSink,
): number {
  const k = getKernel();
  loadOffsets(k, w);
  const e = k.r;
  const n = rows.n;
  for (;;) {
    // The window starts at a trigger and reaches past it, or to the end of the rows.
    if (rows !== k.runRows || a < k.start || a >= k.end) fillRun(k, rows, a);
    const from = k.start;
    const status = e.run(
      a - from,
      k.end - from,
      +(k.end === n),
      minTot,
      w.side,
      w.stride,
      w.pad,
      w.delta.length,
      w.eps2,
      w.minS,
      scale,
    );
    a = from + e.next.value;
    if (status === DONE) return n;
    if (status === FULL) flushKernel(sink);
    else if (status === MORE) {
      // A trigger longer than the window is the caller's (as kernelTrigger declines it).
      if (a === from) {
        kernelState.stop = -1;
        return a;
      }
      fillRun(k, rows, a);
    } else {
      kernelState.stop =
        status === UNGROUPED ? 'ungrouped' : status === FILTERED ? 'filtered' : (status as -1 | -2);
      return a;
    }
  }
}

/** Why the last kernelRun stopped before the end. */
export const kernelState: { stop: KernelStop } = { stop: -1 };

/** Copies rows a.. (up to BLOCK of them) into the inputs, row i at i + 1. */
function fillRun(k: Kernel, rows: EventBatch, a: number): void {
  const to = Math.min(rows.n, a + BLOCK);
  k.x.set(rows.x.subarray(a, to), 1);
  k.y.set(rows.y.subarray(a, to), 1);
  k.tof.set(rows.tof.subarray(a, to), 1);
  k.tot.set(rows.tot.subarray(a, to), 1);
  k.trig.set(rows.triggerNr.subarray(a, to), 1);
  k.runRows = rows;
  k.start = a;
  k.end = to;
}

/** Forgets the rows in the inputs (at the start of a call: the caller may have changed them). */
export function resetKernelRun(): void {
  const k = getKernel();
  k.runRows = null;
  k.r.nOut.value = 0;
}

/** Moves the centroids kernelRun wrote so far to the sink (applying its time-walk table). */
export function flushKernel(sink: CentroidSink): void {
  const k = getKernel();
  const n = k.r.nOut.value;
  if (n === 0) return;
  const out = reserveCentroids(sink, n);
  const at = out.n;
  CENTROID_COLUMNS.forEach((c, i) => out[c].set(k.out[i].subarray(0, n), at));
  const lut = sink.lut;
  if (lut !== null) {
    const { tof, totMax } = out;
    for (let j = at; j < at + n; j++) tof[j] -= lut[lutIndex(totMax[j], lut.length)];
  }
  out.n = at + n;
  k.r.nOut.value = 0;
}
