// The run's settings, parsed once from the command line when the benchmark starts, and the paths it
// reads and writes. The entry (bench.ts) and the parts import them from here, so `--runs` and
// `--only` mean the same thing in every part, and none of them parses the command line again.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = process.cwd();
export const OUT = resolve(ROOT, 'bench-results');
export const CLI = resolve(ROOT, 'dist', 'cli.mjs');
export const OUT_5SEC = resolve(ROOT, '..', 'shared', 'fixtures', 'pymepix', 'out_5sec.raw');

export const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    runs: { type: 'string' },
    live: { type: 'boolean' },
    soak: { type: 'boolean' },
    ui: { type: 'boolean' },
    only: { type: 'string' },
  },
});
/** `--only decode,cluster`: just those parts (decode, convert, tpx4, cluster, quality, io, out5sec,
 * memory: the 0.5 GB and 2 GB conversions, which a full run without `--quick` also makes). */
export const ONLY = args.only ? new Set(args.only.split(',')) : null;
export const part = (name: string): boolean => !ONLY || ONLY.has(name);
export const RUNS = Number(args.runs ?? 3);
