// The WebAssembly half of the Timepix4 decoder (tpx4Kernel.wat): pixel words to hit columns, four at
// a time with SIMD. Tpx4Decoder copies a slice of words in and lets the kernel decode each run of
// pixels (handling every other packet itself, between runs) straight into the hit columns, which
// live in the kernel's memory: the decoder hands out views of them. `reserve` grows the memory,
// which replaces every view.
import { bytes } from './tpx4Kernel.wat';
import {
  type KernelHits,
  type WasmGlobal,
  type WasmMemory,
  instantiateKernel,
  kernelHits,
} from './wasmModule';

/** Words per slice of words copied in. */
export const KERNEL_SLICE = 16_384;

const WORDS = 0;
/** Where the hit columns start. */
const COLUMNS = WORDS + KERNEL_SLICE * 8;

interface KernelExports {
  memory: WasmMemory;
  count: WasmGlobal;
  invalid: WasmGlobal;
  pileups: WasmGlobal;
  pixels(
    w: number,
    j: number,
    end: number,
    k: number,
    px: number,
    py: number,
    ptoa: number,
    ptot: number,
    ptotNs: number,
    base: number,
    shift: number,
    gray: number,
  ): number;
}

export class Tpx4Kernel {
  /** The slice's words, big-endian bytes as in the stream. */
  words!: Uint8Array;
  /** Hit columns of `capacity` rows, each with three more: a single word writes all four SIMD lanes. */
  hits!: KernelHits;
  private capacity = 0;
  private readonly exports: KernelExports;

  constructor() {
    this.exports = instantiateKernel<KernelExports>(bytes);
    this.reserve(KERNEL_SLICE); // makes the views
  }

  /** Room for `rows` hits in the columns; growing does not keep their contents. */
  reserve(rows: number): void {
    if (rows <= this.capacity) return;
    const capacity = Math.max(rows, 2 * this.capacity);
    this.hits = kernelHits(this.exports.memory, COLUMNS, capacity + 4);
    this.words = new Uint8Array(this.exports.memory.buffer, WORDS, KERNEL_SLICE * 8);
    this.capacity = capacity;
  }

  /**
   * Decodes slice words j, j+1, ... while they are pixel hits, writing hits from column index k on
   * (the caller reserved room for them),
   * with the ToA extended around the heartbeat at `heartbeatTick` (25 ns ticks). Returns the index
   * of the first word that is not a pixel (or `end`); `count` is then the column index after the
   * last hit.
   */
  pixels(j: number, end: number, k: number, heartbeatTick: number, gray: boolean): number {
    // hb * 128 is exact (a power-of-two scaling); 2^15 - (hb mod 2^16) starts the signed distance.
    const shift = 0x8000 - (heartbeatTick % 65536);
    return this.exports.pixels(
      WORDS,
      j,
      end,
      k,
      this.hits.at.x,
      this.hits.at.y,
      this.hits.at.toa,
      this.hits.at.tot,
      this.hits.at.totNs,
      heartbeatTick * 128,
      shift,
      gray ? 1 : 0,
    );
  }

  get count(): number {
    return this.exports.count.value;
  }

  /** Hits with an invalid ultra-fast code and hits with the pileup bit since the last call; resets. */
  takeCounts(): { invalidUltraFast: number; pileup: number } {
    const { invalid, pileups } = this.exports;
    const counts = { invalidUltraFast: invalid.value, pileup: pileups.value };
    invalid.value = 0;
    pileups.value = 0;
    return counts;
  }
}
