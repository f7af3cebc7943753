// electron-vite build of the desktop app into out/: main process (electron/main.ts, plus the stage
// and emulator hosts it starts as processes, as .mjs siblings so stagePort/emulatorProcess find
// them beside the bundle), the sandboxed preload (one CommonJS file, only `electron` external), and
// the React page from renderer/ with the CSP written into its index.html (file:// pages get no
// response headers to carry it). Output: out/main, out/preload, out/renderer (`--outDir` moves all).
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { CSP } from './electron/api/csp';
import { viteWat } from './scripts/watPlugin.mjs';

const root = import.meta.dirname;

/** Adds the CSP <meta> to the built page (the dev server's page gets it as a header instead). */
function cspMeta(): Plugin {
  return {
    name: 'chronopix-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP },
        injectTo: 'head-prepend',
      },
    ],
  };
}

export default defineConfig({
  main: {
    plugins: [viteWat()],
    build: {
      rolldownOptions: {
        input: {
          index: resolve(root, 'electron/main.ts'),
          stageWorker: resolve(root, 'native-workers/stageWorker.ts'),
          emulatorMain: resolve(root, 'native-workers/live/emulatorMain.ts'),
        },
        output: {
          format: 'es',
          entryFileNames: '[name].mjs',
          chunkFileNames: 'chunks/[name]-[hash].mjs',
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot require anything but electron: bundle everything into it.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [react(), cspMeta()],
    build: {
      rolldownOptions: { input: { index: resolve(root, 'renderer/index.html') } },
    },
  },
});
