// The HDF5 writer's value conversions in WebAssembly (columnsKernel.wat), a block at a time through
// the kernel's own memory: one instance per thread, made on first use.
import { bytes } from './columnsKernel.wat';
import { type WasmMemory, instantiateKernel } from '../pipeline/wasmModule';

interface KernelExports {
  memory: WasmMemory;
  narrow16(src: number, dst: number, n: number): number;
  split64(p: number, n: number): number;
}

/** Values per kernel call: a block of float64 fills the first half of the kernel's 1 MB. */
const BLOCK = 65_536;
const SRC = 0;
const DST = BLOCK * 8;

/** The kernel and views of its two blocks (its memory never grows). */
interface Instance {
  exports: KernelExports;
  u16: Uint16Array;
  f64: Float64Array;
  u32: Uint32Array;
  u8: Uint8Array;
}

let kernel: Instance | null = null;

function instance(): Instance {
  if (kernel) return kernel;
  const exports = instantiateKernel<KernelExports>(bytes);
  const buffer = exports.memory.buffer;
  kernel = {
    exports,
    u16: new Uint16Array(buffer, SRC, BLOCK),
    f64: new Float64Array(buffer, SRC, BLOCK),
    u32: new Uint32Array(buffer, SRC, 2 * BLOCK),
    u8: new Uint8Array(buffer, DST, BLOCK),
  };
  return kernel;
}

/** Copies uint16 values into uint8 `dst` (same length, values over 255 saturate); returns their maximum. */
export function narrow16(src: Uint16Array, dst: Uint8Array): number {
  const k = instance();
  let max = 0;
  for (let at = 0; at < src.length; at += BLOCK) {
    const n = Math.min(BLOCK, src.length - at);
    k.u16.set(src.subarray(at, at + n));
    max = Math.max(max, k.exports.narrow16(SRC, DST, n));
    dst.set(k.u8.subarray(0, n), at);
  }
  return max;
}

/**
 * Writes float64 values as little-endian 64-bit words (two uint32 halves each) into `dst`: integers
 * in [0, 2^32) in the kernel, every other value through `general(i)`, which writes dst[2i], dst[2i+1]
 * itself (or throws).
 */
export function split64(src: Float64Array, dst: Uint32Array, general: (i: number) => void): void {
  const k = instance();
  for (let at = 0; at < src.length; at += BLOCK) {
    const n = Math.min(BLOCK, src.length - at);
    k.f64.set(src.subarray(at, at + n));
    for (let i = 0; i < n;) {
      const stop = k.exports.split64(SRC + 8 * i, n - i) + i;
      dst.set(k.u32.subarray(2 * i, 2 * stop), 2 * (at + i));
      if (stop < n) general(at + stop);
      i = stop + 1;
    }
  }
}
