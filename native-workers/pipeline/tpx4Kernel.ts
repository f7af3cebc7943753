// The WebAssembly half of the Timepix4 decoder (tpx4Kernel.wat): pixel words to hit columns, four at
// a time with SIMD. Tpx4Decoder copies a slice of words in, lets the kernel decode each run of pixels
// (handling every other packet itself, between runs) and copies the hits out. Its memory never
// grows, so the views below stay valid.
import { bytes } from './tpx4Kernel.wat';
import { type WasmGlobal, type WasmMemory, instantiateKernel } from './wasmModule';

/** Words per slice: input and hit columns together stay under 1 MB (in L2). */
export const KERNEL_SLICE = 16_384;

/** Each column holds three hits past the slice: a single word writes all four SIMD lanes. */
const ROOM = KERNEL_SLICE + 4;
const WORDS = 0;
const X = WORDS + KERNEL_SLICE * 8;
const Y = X + ROOM * 2;
const TOA = Y + ROOM * 2;
const TOT = TOA + ROOM * 8;
const TOT_NS = TOT + ROOM * 4;
const END = TOT_NS + ROOM * 8;

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
  readonly words: Uint8Array;
  readonly x: Uint16Array;
  readonly y: Uint16Array;
  readonly toa: Float64Array;
  readonly tot: Uint32Array;
  readonly totNs: Float64Array;
  private readonly exports: KernelExports;

  constructor() {
    this.exports = instantiateKernel<KernelExports>(bytes);
    const buffer = this.exports.memory.buffer;
    if (END > buffer.byteLength) throw new Error('Tpx4Kernel: slice larger than its memory');
    this.words = new Uint8Array(buffer, WORDS, KERNEL_SLICE * 8);
    this.x = new Uint16Array(buffer, X, ROOM);
    this.y = new Uint16Array(buffer, Y, ROOM);
    this.toa = new Float64Array(buffer, TOA, ROOM);
    this.tot = new Uint32Array(buffer, TOT, ROOM);
    this.totNs = new Float64Array(buffer, TOT_NS, ROOM);
  }

  /**
   * Decodes slice words j, j+1, ... while they are pixel hits, writing hits from column index k on,
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
      X,
      Y,
      TOA,
      TOT,
      TOT_NS,
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
