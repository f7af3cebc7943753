// Bundles the Node entry points (CLI, benchmark) with esbuild into dist/. Runs on `npm ci` (prepare)
// so `npx chronopix` works right after install; dependencies stay external (h5wasm loads its wasm).
import { build } from 'esbuild';

const entries = {
  cli: 'electron/cli/main.ts',
  stageWorker: 'native-workers/stageWorker.ts',
  emulatorMain: 'native-workers/live/emulatorMain.ts',
  bench: 'bench/bench.ts',
};

await build({
  entryPoints: entries,
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // Shared code in chunks, so the CLI loads each command (and HDF5) only when it runs.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
