// Builds the page for the web mode (`chronopix serve` serves dist/renderer). The Electron build
// (electron.vite.config.ts) uses the same root and plugin. Relative base: the page works from any
// path and from a file:// URL.
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = resolve(import.meta.dirname);

export default defineConfig({
  root,
  base: './',
  publicDir: resolve(root, '../assets'),
  plugins: [react()],
  build: {
    outDir: resolve(root, '../dist/renderer'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 6000,
    sourcemap: true,
  },
});
