// The WebAssembly half of the Timepix3 decoder (tpx3Kernel.wat): pixel packets to hit columns, four
// at a time with SIMD, about 3x the same loop in TypeScript. Tpx3Decoder copies a slice of words in,
// lets the kernel decode each run of pixels (handling every other packet itself, between runs) and
// copies the hits out. Its memory never grows, so the views below stay valid.
import { QUARTER, fillExtendTable } from './globalTime';
import { bytes } from './tpx3Kernel.wat';
import { type WasmGlobal, type WasmMemory, instantiateKernel } from './wasmModule';

/** Packets per slice: input, hit columns and table together stay under 1 MB (in L2). */
export const KERNEL_SLICE = 32_768;

const TABLE = 0;
const WORDS = 64;
const X = WORDS + KERNEL_SLICE * 8;
const Y = X + KERNEL_SLICE * 2;
const TOA = Y + KERNEL_SLICE * 2;
const TOT = TOA + KERNEL_SLICE * 8;

interface KernelExports {
  memory: WasmMemory;
  count: WasmGlobal;
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
  ): number;
}

export class Tpx3Kernel {
  /** Extension table of the current longtime (setTable fills it). */
  readonly table: Float64Array;
  /** The current quarter's entry, and each entry minus it: the SIMD path's form of the table. */
  private readonly base: Float64Array;
  private readonly offsets: Int32Array;
  /** The quarter whose entry is across the 48-bit wrap (its hits take the scalar path), or -1. */
  private bad = -1;
  /** The slice's words, as the decoder copies them in. */
  readonly words: Uint32Array;
  readonly x: Uint16Array;
  readonly y: Uint16Array;
  readonly toa: Float64Array;
  readonly tot: Uint32Array;
  private readonly exports: KernelExports;

  constructor() {
    this.exports = instantiateKernel<KernelExports>(bytes);
    const buffer = this.exports.memory.buffer;
    if (TOT + KERNEL_SLICE * 4 > buffer.byteLength)
      throw new Error('Tpx3Kernel: slice larger than its memory');
    this.table = new Float64Array(buffer, TABLE, 4);
    this.base = new Float64Array(buffer, TABLE + 32, 1);
    this.offsets = new Int32Array(buffer, TABLE + 48, 4);
    this.words = new Uint32Array(buffer, WORDS, KERNEL_SLICE * 2);
    this.x = new Uint16Array(buffer, X, KERNEL_SLICE);
    this.y = new Uint16Array(buffer, Y, KERNEL_SLICE);
    this.toa = new Float64Array(buffer, TOA, KERNEL_SLICE);
    this.tot = new Uint32Array(buffer, TOT, KERNEL_SLICE);
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
   * Decodes slice packets j, j+1, ... while they are pixels, writing hits from column index k on.
   * Returns the index of the first packet that is not a pixel (or `end`); `count` is then the
   * column index after the last hit.
   */
  pixels(j: number, end: number, k: number): number {
    return this.exports.pixels(WORDS, j, end, k, X, Y, TOA, TOT, TABLE, this.bad);
  }

  get count(): number {
    return this.exports.count.value;
  }
}
