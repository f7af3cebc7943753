// The WebAssembly half of the Timepix3 decoder (tpx3Kernel.wat): pixel packets to hit columns, four
// at a time with SIMD, about 3x the same loop in TypeScript, and TDC packets to a list of edges.
// Tpx3Decoder copies a slice of words in and lets the kernel decode it, handling the packets the
// kernel stops at (time, SPIDR and others) itself. The hit columns live in the kernel's memory: the
// decoder hands out views of them. `reserve` grows the memory, which replaces every view.
import { QUARTER, fillExtendTable } from './globalTime';
import { bytes } from './tpx3Kernel.wat';
import { type KernelHits, type WasmMemory, instantiateKernel, kernelHits } from './wasmModule';

/** Packets per slice of words copied in (256 KB: in L2 with the columns it fills). */
export const KERNEL_SLICE = 32_768;

const TABLE = 0;
/** The kernel's vector constants (its data segment) fill bytes 64..319. */
const WORDS = 320;
/** TDC edges met in a slice: count (in the table region's spare bytes), times, kinds. */
const EDGE_COUNT = TABLE + 40;
const EDGE_TIMES = WORDS + KERNEL_SLICE * 8;
const EDGE_KINDS = EDGE_TIMES + KERNEL_SLICE * 8;
/** Where the hit columns start. */
const COLUMNS = EDGE_KINDS + KERNEL_SLICE;

interface KernelExports {
  memory: WasmMemory;
  pixels(
    w: number,
    j: number,
    end: number,
    k: number,
    px: number,
    py: number,
    ptoa: number,
    ptot: number,
    table: number,
    bad: number,
    edgeTimes: number,
    edgeKinds: number,
    edgeCount: number,
  ): number;
}

export class Tpx3Kernel {
  /** Extension table of the current longtime (setTable fills it). */
  table!: Float64Array;
  /** The current quarter's entry, and each entry minus it: the SIMD path's form of the table. */
  private base!: Float64Array;
  private offsets!: Int32Array;
  /** The quarter whose entry is across the 48-bit wrap (its hits take the scalar path), or -1. */
  private bad = -1;
  /** The slice's words, as the decoder copies them in. */
  words!: Uint32Array;
  /** Hit columns of `capacity` rows (totNs unused). */
  hits!: KernelHits;
  /** After `pixels`: the column index after the last hit written. */
  count = 0;
  /** TDC edges `pixels` met, in packet order (the caller empties the list: edgeCount[0] = 0):
   * times in seconds, kinds 1 tdc1 rise, 2 tdc1 fall, 3 tdc2 rise, 4 tdc2 fall. */
  edgeCount!: Int32Array;
  edgeTimes!: Float64Array;
  edgeKinds!: Uint8Array;
  private capacity = 0;
  private readonly exports: KernelExports;

  constructor() {
    this.exports = instantiateKernel<KernelExports>(bytes);
    this.reserve(KERNEL_SLICE); // makes the views
  }

  /** Room for `rows` hits in the columns; growing keeps the table, not the columns' contents. */
  reserve(rows: number): void {
    if (rows <= this.capacity) return;
    const capacity = Math.max(rows, 2 * this.capacity);
    this.hits = kernelHits(this.exports.memory, COLUMNS, capacity);
    const buffer = this.exports.memory.buffer;
    this.table = new Float64Array(buffer, TABLE, 4);
    this.base = new Float64Array(buffer, TABLE + 32, 1);
    this.offsets = new Int32Array(buffer, TABLE + 48, 4);
    this.words = new Uint32Array(buffer, WORDS, KERNEL_SLICE * 2);
    this.edgeCount = new Int32Array(buffer, EDGE_COUNT, 1);
    this.edgeTimes = new Float64Array(buffer, EDGE_TIMES, KERNEL_SLICE);
    this.edgeKinds = new Uint8Array(buffer, EDGE_KINDS, KERNEL_SLICE);
    this.capacity = capacity;
  }

  /** Fills the extension table for `longtime` (25 ns units), in both forms (see tpx3Kernel.wat). */
  setTable(longtime: number): void {
    const { table, offsets } = this;
    fillExtendTable(longtime, table);
    const base = table[Math.floor(longtime / QUARTER) % 4];
    this.base[0] = base;
    this.bad = -1;
    for (let q = 0; q < 4; q++) {
      const offset = table[q] - base;
      if (Math.abs(offset) <= 2 ** 30) offsets[q] = offset;
      else {
        offsets[q] = 0;
        this.bad = q;
      }
    }
  }

  /**
   * Decodes slice packets j, j+1, ... while they are pixels or TDC packets, writing hits from column
   * index k on (the caller reserved room for them) and appending TDC edges to the edge list.
   * Returns the index of the first packet that is neither (or `end`); `count` is then the column
   * index after the last hit.
   */
  pixels(j: number, end: number, k: number): number {
    const { x, y, toa, tot } = this.hits.at;
    // One float64 back, k * 65536 + j: reading an exported global per run cost more than the run.
    const r = this.exports.pixels(
      WORDS,
      j,
      end,
      k,
      x,
      y,
      toa,
      tot,
      TABLE,
      this.bad,
      EDGE_TIMES,
      EDGE_KINDS,
      EDGE_COUNT,
    );
    this.count = Math.floor(r / 65_536);
    return r - this.count * 65_536;
  }
}
