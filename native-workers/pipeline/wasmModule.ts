// Instances of the engine's WebAssembly kernels (`*.wat`, assembled at build time). The TypeScript
// lib here has no DOM, so Node's WebAssembly API is typed by the few parts the kernels use.
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** An exported memory: its buffer is replaced (old views detach) only when it grows. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** An exported mutable global. */
export interface WasmGlobal {
  value: number;
}

/** Grows `memory` to hold at least `bytes` bytes and returns its buffer, new if it grew (every view
 * of the old one is then detached: make them again). */
export function memoryOf(memory: WasmMemory, bytes: number): ArrayBuffer {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / 65_536));
  return memory.buffer;
}

/** A memory of its own of at least `bytes` bytes; its buffer starts on a page boundary (what
 * directWrite.ts needs, and nothing else in JavaScript guarantees). */
export function newMemory(bytes: number): WasmMemory {
  return new wasm.Memory({ initial: Math.ceil(bytes / 65_536) });
}

const compiled = new WeakMap<Uint8Array, object>();

/**
 * A new instance of a kernel (each has its own memory, unless it imports one); the module is
 * compiled once per process.
 */
export function instantiateKernel<T extends object>(bytes: Uint8Array, imports: object = {}): T {
  let module = compiled.get(bytes);
  if (!module) {
    module = new wasm.Module(bytes);
    compiled.set(bytes, module);
  }
  return new wasm.Instance(module, imports).exports as T;
}

/** Hit columns in a decoder kernel's memory, and their byte offsets for the kernel's calls. */
export interface KernelHits {
  at: { toa: number; totNs: number; tot: number; x: number; y: number };
  toa: Float64Array;
  /** Timepix4's exact ToT (the Timepix3 kernel leaves it alone). */
  totNs: Float64Array;
  tot: Uint32Array;
  x: Uint16Array;
  y: Uint16Array;
}

/** Lays out `rows` hit columns from byte `start` (float64 first, so each stays aligned), growing the
 * memory if needed: views made before are then detached. */
export function kernelHits(memory: WasmMemory, start: number, rows: number): KernelHits {
  const at = {
    toa: start,
    totNs: start + 8 * rows,
    tot: start + 16 * rows,
    x: start + 20 * rows,
    y: start + 22 * rows,
  };
  const buffer = memoryOf(memory, start + 24 * rows);
  return {
    at,
    toa: new Float64Array(buffer, at.toa, rows),
    totNs: new Float64Array(buffer, at.totNs, rows),
    tot: new Uint32Array(buffer, at.tot, rows),
    x: new Uint16Array(buffer, at.x, rows),
    y: new Uint16Array(buffer, at.y, rows),
  };
}
