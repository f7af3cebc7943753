// The WebAssembly half of the event builder (eventsKernel.wat): its pending hits, triggers and
// output rows live in the kernel's memory, laid out here as columns that grow by doubling. A growth
// moves the live data (the output rows the caller keeps included) and replaces every view: callers
// take views from the kernel after reserving.
import { bytes } from './eventsKernel.wat';
import { type WasmGlobal, type WasmMemory, instantiateKernel, memoryOf } from './wasmModule';

interface KernelExports {
  memory: WasmMemory;
  outside: WasmGlobal;
  slots(
    toa: number,
    n: number,
    trig: number,
    lastFinal: number,
    watermark: number,
    first: number,
    windowMin: number,
    windowMax: number,
    slot: number,
    bucket: number,
  ): number;
  latest(toa: number, from: number, n: number, start: number): number;
  place(
    n: number,
    slot: number,
    bucket: number,
    trig: number,
    firstNr: number,
    x: number,
    y: number,
    toa: number,
    tot: number,
    outNr: number,
    outX: number,
    outY: number,
    outTof: number,
    outTot: number,
  ): number;
}

/** trig[-1] is read (and ignored) when the current slot is 0: keep it inside the memory. */
const TRIG = 64;

interface Layout {
  hitCap: number;
  trigCap: number;
  outCap: number;
  trig: number;
  bucket: number;
  toa: number;
  outNr: number;
  outTof: number;
  tot: number;
  slot: number;
  outTot: number;
  x: number;
  y: number;
  outX: number;
  outY: number;
  end: number;
}

/** Columns in order of element size, so each stays aligned (capacities are multiples of 8). */
function layout(hitCap: number, trigCap: number, outCap: number): Layout {
  let at = TRIG;
  const take = (bytesEach: number, n: number): number => {
    const start = at;
    at += bytesEach * n;
    return start;
  };
  // trig[s + 2] is read (and ignored) at the last final trigger: one spare entry past the end.
  const trig = take(8, trigCap + 8);
  const toa = take(8, hitCap);
  const outNr = take(8, outCap);
  const outTof = take(8, outCap);
  const bucket = take(4, trigCap + 8);
  const tot = take(4, hitCap);
  const slot = take(4, hitCap);
  const outTot = take(4, outCap);
  const x = take(2, hitCap);
  const y = take(2, hitCap);
  const outX = take(2, outCap);
  const outY = take(2, outCap);
  return {
    hitCap,
    trigCap,
    outCap,
    trig,
    bucket,
    toa,
    outNr,
    outTof,
    tot,
    slot,
    outTot,
    x,
    y,
    outX,
    outY,
    end: at,
  };
}

const roundUp8 = (n: number): number => Math.ceil(n / 8) * 8;

export class EventsKernel {
  trig = new Float64Array(0);
  bucket = new Int32Array(0);
  x = new Uint16Array(0);
  y = new Uint16Array(0);
  toa = new Float64Array(0);
  tot = new Uint32Array(0);
  slot = new Int32Array(0);
  outNr = new Float64Array(0);
  outX = new Uint16Array(0);
  outY = new Uint16Array(0);
  outTof = new Float64Array(0);
  outTot = new Uint32Array(0);
  private readonly exports: KernelExports;
  private at: Layout;

  /** `hits`: room for that many pending hits from the start (a caller that knows its batch sizes
   * spares the growths, each of which moves the data and touches fresh pages). */
  constructor(hits = 1024) {
    this.exports = instantiateKernel<KernelExports>(bytes);
    this.at = layout(0, 0, 0);
    this.reserve(roundUp8(hits), 0, 64, 0);
  }

  /**
   * Room for `hits` pending hits, for `triggers` triggers and for `outRows` output rows (at least
   * `hits`), keeping the first `keepHits` pending hits, `keepTriggers` triggers and `keepOut` output
   * rows (the builder's own output accumulates rows across pushes). Views change when the memory
   * grows.
   */
  reserve(
    hits: number,
    keepHits: number,
    triggers: number,
    keepTriggers: number,
    outRows = hits,
    keepOut = 0,
  ): void {
    const at = this.at;
    const out = Math.max(outRows, hits);
    if (hits <= at.hitCap && triggers <= at.trigCap && out <= at.outCap) return;
    const kept = {
      trig: this.trig.slice(0, keepTriggers),
      x: this.x.slice(0, keepHits),
      y: this.y.slice(0, keepHits),
      toa: this.toa.slice(0, keepHits),
      tot: this.tot.slice(0, keepHits),
      outNr: this.outNr.slice(0, keepOut),
      outX: this.outX.slice(0, keepOut),
      outY: this.outY.slice(0, keepOut),
      outTof: this.outTof.slice(0, keepOut),
      outTot: this.outTot.slice(0, keepOut),
    };
    const grow = (need: number, cap: number): number =>
      need <= cap ? cap : roundUp8(Math.max(need, 2 * cap));
    const next = layout(grow(hits, at.hitCap), grow(triggers, at.trigCap), grow(out, at.outCap));
    const buffer = memoryOf(this.exports.memory, next.end);
    this.at = next;
    const { hitCap, trigCap, outCap } = next;
    this.trig = new Float64Array(buffer, next.trig, trigCap);
    this.bucket = new Int32Array(buffer, next.bucket, trigCap + 1);
    this.toa = new Float64Array(buffer, next.toa, hitCap);
    this.outNr = new Float64Array(buffer, next.outNr, outCap);
    this.outTof = new Float64Array(buffer, next.outTof, outCap);
    this.tot = new Uint32Array(buffer, next.tot, hitCap);
    this.slot = new Int32Array(buffer, next.slot, hitCap);
    this.outTot = new Uint32Array(buffer, next.outTot, outCap);
    this.x = new Uint16Array(buffer, next.x, hitCap);
    this.y = new Uint16Array(buffer, next.y, hitCap);
    this.outX = new Uint16Array(buffer, next.outX, outCap);
    this.outY = new Uint16Array(buffer, next.outY, outCap);
    for (const key of Object.keys(kept) as (keyof typeof kept)[]) this[key].set(kept[key]);
  }

  /** Pass 1 (eventsKernel.wat `slots`): the hits before the first trigger, and outside the window. */
  slots(
    n: number,
    lastFinal: number,
    watermark: number,
    first: number,
    windowMin: number,
    windowMax: number,
  ): { dropped: number; outside: number } {
    const a = this.at;
    const dropped = this.exports.slots(
      a.toa,
      n,
      a.trig,
      lastFinal,
      watermark,
      first,
      windowMin,
      windowMax,
      a.slot,
      a.bucket,
    );
    return { dropped, outside: this.exports.outside.value };
  }

  /** The latest of the pending toa from index `from` on (n of them) and `start`. */
  latest(from: number, n: number, start: number): number {
    return this.exports.latest(this.at.toa, from, n, start);
  }

  /** Pass 2 (eventsKernel.wat `place`): rows to the out* columns from row `base` on (room reserved
   * by the caller); returns the hits kept pending. */
  place(n: number, firstNr: number, base: number): number {
    const a = this.at;
    return this.exports.place(
      n,
      a.slot,
      a.bucket,
      a.trig,
      firstNr,
      a.x,
      a.y,
      a.toa,
      a.tot,
      a.outNr + 8 * base,
      a.outX + 2 * base,
      a.outY + 2 * base,
      a.outTof + 8 * base,
      a.outTot + 4 * base,
    );
  }
}
