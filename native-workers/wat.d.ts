// `.wat` imports: the assembled WebAssembly module (scripts/watPlugin.mjs assembles it at build time).
declare module '*.wat' {
  export const bytes: Uint8Array;
}
