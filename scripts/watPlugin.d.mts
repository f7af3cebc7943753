// Types of watPlugin.mjs for the TypeScript configs that import it.
import type { Plugin as EsbuildPlugin } from 'esbuild';
import type { Plugin as VitePlugin } from 'vite';

export function assembleWat(path: string): Promise<Uint8Array>;
export function watModuleSource(path: string): Promise<string>;
export function esbuildWat(): EsbuildPlugin;
export function viteWat(): VitePlugin;
