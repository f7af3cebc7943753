// `npm run demo`: the first thing a new user runs. Generates a short seeded ion-imaging run with
// `chronopix generate` and converts it with `chronopix convert`, so a real result (demo-output/
// demo.h5) appears within seconds of `npm ci`.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../bin/chronopix.mjs', import.meta.url));
const out = fileURLToPath(new URL('../demo-output/', import.meta.url));
mkdirSync(out, { recursive: true });

function run(args) {
  console.log(`\n$ chronopix ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

run([
  'generate',
  `${out}demo.raw`,
  '--seconds',
  '3',
  '--seed',
  '1',
  '--truth',
  `${out}demo.truth.h5`,
  '--force',
]);
run(['convert', `${out}demo.raw`, '-o', `${out}demo.h5`, '--force']);
console.log(`\nDone: ${out}demo.h5 holds the converted run (read it with h5py or HDFView).`);
