// The engine's few hot loops are WebAssembly text (`*.wat` beside the TypeScript that drives them):
// SIMD and plain 32-bit integer code that V8 compiles without bounds checks or deoptimisations.
// Importing a `.wat` file gives its assembled module as `bytes` (a `Uint8Array`), embedded in the
// bundle: this file assembles it with wabt for esbuild (scripts/build.mjs), Vite and Vitest.
import { readFile } from 'node:fs/promises';
import wabtInit from 'wabt';

let wabt;

/** Assembles WebAssembly text (SIMD on) into module bytes; throws with the file's parse errors. */
export async function assembleWat(path) {
  wabt ??= await wabtInit();
  const text = await readFile(path, 'utf8');
  const module = wabt.parseWat(path, text, { simd: true });
  try {
    module.resolveNames();
    module.validate();
    return module.toBinary({ log: false }).buffer;
  } finally {
    module.destroy();
  }
}

/** The ES module that a `.wat` import becomes: the bytes, decoded once at load. */
export async function watModuleSource(path) {
  const base64 = Buffer.from(await assembleWat(path)).toString('base64');
  return `export const bytes = Uint8Array.from(atob(${JSON.stringify(base64)}), (c) => c.charCodeAt(0));\n`;
}

/** esbuild: `.wat` imports become their module bytes. */
export function esbuildWat() {
  return {
    name: 'chronopix-wat',
    setup(build) {
      build.onLoad({ filter: /\.wat$/ }, async (args) => ({
        contents: await watModuleSource(args.path),
        loader: 'js',
        watchFiles: [args.path],
      }));
    },
  };
}

/** Vite, Vitest and electron-vite: the same, as a Vite plugin. */
export function viteWat() {
  return {
    name: 'chronopix-wat',
    enforce: 'pre',
    async load(id) {
      const path = id.split('?')[0];
      if (!path.endsWith('.wat')) return null;
      this.addWatchFile(path);
      return { code: await watModuleSource(path), map: null };
    },
  };
}
