// Instances of the engine's WebAssembly kernels (`*.wat`, assembled at build time). The TypeScript
// lib here has no DOM, so Node's WebAssembly API is typed by the few parts the kernels use.
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
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

const compiled = new WeakMap<Uint8Array, object>();

/** A new instance of a kernel (each has its own memory); the module is compiled once per process. */
export function instantiateKernel<T extends object>(bytes: Uint8Array): T {
  let module = compiled.get(bytes);
  if (!module) {
    module = new wasm.Module(bytes);
    compiled.set(bytes, module);
  }
  return new wasm.Instance(module, {}).exports as T;
}
