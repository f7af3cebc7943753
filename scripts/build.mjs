// Bundles the Node entry points (CLI, benchmark) with esbuild into dist/, and the page with Vite into
// dist/renderer (served by `chronopix serve`). Runs on `npm ci` (prepare) so `npx chronopix` works
// right after install; dependencies stay external. `--no-renderer` skips
// the page (the CLI alone builds in a fraction of a second).
import { readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { build as buildPage } from 'vite';
import { esbuildWat } from './watPlugin.mjs';

const entries = {
  cli: 'electron/cli/main.ts',
  stageWorker: 'native-workers/stageWorker.ts',
  emulatorMain: 'native-workers/live/emulatorMain.ts',
  bench: 'bench/bench.ts',
};

const { metafile } = await build({
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
  metafile: true,
});

// Chunk names carry their content's hash, so every change leaves the previous build's chunks
// behind: remove those this build did not write (thousands pile up otherwise).
const written = new Set(Object.keys(metafile.outputs).map((path) => relative('dist/chunks', path)));
for (const name of readdirSync('dist/chunks')) {
  if (!written.has(name)) rmSync(join('dist/chunks', name), { force: true });
}

if (!process.argv.includes('--no-renderer')) {
  // Always the production page: run from Vitest (NODE_ENV=test) Vite would otherwise bundle React's
  // development build, which is slower and prints a DevTools notice in every page.
  process.env.NODE_ENV = 'production';
  await buildPage({ configFile: 'renderer/vite.config.ts', mode: 'production', logLevel: 'warn' });
}
