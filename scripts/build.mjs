// Bundles the Node entry points (CLI, benchmark) with esbuild into dist/, and the page with Vite into
// dist/renderer (served by `chronopix serve`). Runs on `npm ci` (prepare) so `npx chronopix` works
// right after install; dependencies stay external. `--no-renderer` skips
// the page (the CLI alone builds in a fraction of a second).
import { build } from 'esbuild';
import { build as buildPage } from 'vite';
import { esbuildWat } from './watPlugin.mjs';

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
  plugins: [esbuildWat()],
  logLevel: 'warning',
});

if (!process.argv.includes('--no-renderer')) {
  // Always the production page: run from Vitest (NODE_ENV=test) Vite would otherwise bundle React's
  // development build, which is slower and prints a DevTools notice in every page.
  process.env.NODE_ENV = 'production';
  await buildPage({ configFile: 'renderer/vite.config.ts', mode: 'production', logLevel: 'warn' });
}
