// Whole conversions and the disk: the bundled CLI (dist/cli.mjs) converts a raw file to HDF5 under
// /usr/bin/time (wall time incl. start-up, peak RSS), out_5sec.raw is also converted in this process
// (processing alone), and the I/O floor writes the same datasets from memory. Each goes to the
// table as a row.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { convertRawFile } from '../native-workers/io/convertRaw';
import { createH5File } from '../native-workers/io/h5Append';
import { CLI, OUT, OUT_5SEC, RUNS } from './benchConfig';
import { add, bestAsync, mb } from './benchTable';

export interface CliRun {
  seconds: number;
  maxRssMb: number;
}

/** Runs the bundled CLI under /usr/bin/time for wall time and peak RSS. */
function runCli(argv: string[]): CliRun {
  const r = spawnSync('/usr/bin/time', ['-f', 'BENCH %e %M', process.execPath, CLI, ...argv], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`chronopix ${argv.join(' ')} failed: ${r.stderr}`);
  const m = /BENCH ([\d.]+) (\d+)/.exec(r.stderr);
  if (!m) throw new Error(`no timing from /usr/bin/time: ${r.stderr}`);
  return { seconds: Number(m[1]), maxRssMb: Number(m[2]) / 1024 };
}

/** Converts with the CLI into bench-results/ (this VM's disk), or with `outDir` elsewhere. */
export function benchConvertCli(
  label: string,
  path: string,
  runs = RUNS,
  extra: string[] = [],
  // Decision 12 of timepix3-format.md (it stands where the issues differ); issue 2 named 300.
  target = '>= 150 MB/s (issue: 300)',
  outDir = OUT,
): CliRun {
  const size = statSync(path).size;
  const out = join(outDir, 'bench-out.h5');
  let bestRun: CliRun = { seconds: Infinity, maxRssMb: 0 };
  for (let i = 0; i < runs; i++) {
    const r = runCli([
      'convert',
      path,
      '-o',
      out,
      '--force',
      '-q',
      ...(extra.length > 0 ? extra : ['--clustering', 'none']),
    ]);
    if (r.seconds < bestRun.seconds) bestRun = r;
  }
  rmSync(out, { force: true });
  const rate = size / 1e6 / bestRun.seconds;
  add({
    stage: `convert CLI (${label}, ${mb(size)}), wall incl. start-up`,
    value: `${rate.toFixed(0)} MB/s (${bestRun.seconds.toFixed(2)} s)`,
    target,
    memory: `${bestRun.maxRssMb.toFixed(0)} MB peak RSS`,
  });
  return bestRun;
}

/** The I/O floor: writing the same datasets (raw/ rows) from memory, fsync included. */
export async function benchIoFloor(rowsToWrite: number): Promise<number> {
  const out = join(OUT, 'floor.h5');
  const block = 1 << 20;
  const nr = new Float64Array(block);
  const xy = new Uint8Array(block);
  const tof = new Float64Array(block).map((_, i) => i * 1e-9);
  const tot = new Uint32Array(block).fill(250);
  const { seconds } = await bestAsync(RUNS, async () => {
    const f = await createH5File(out, { force: true });
    const cols = [
      f.column('raw/trigger nr', 'uint64'),
      f.column('raw/x', 'uint8'),
      f.column('raw/y', 'uint8'),
      f.column('raw/tof', 'float64'),
      f.column('raw/tot', 'uint32'),
    ];
    for (let done = 0; done < rowsToWrite; done += block) {
      const n = Math.min(block, rowsToWrite - done);
      cols[0].append(nr, n);
      cols[1].append(xy, n);
      cols[2].append(xy, n);
      cols[3].append(tof, n);
      cols[4].append(tot, n);
    }
    await f.commit();
  });
  rmSync(out, { force: true });
  const bytes = rowsToWrite * 22;
  add({
    stage: `I/O floor: write ${(rowsToWrite / 1e6).toFixed(1)} M raw/ rows (${mb(bytes)}) from memory`,
    value: `${(bytes / 1e6 / seconds).toFixed(0)} MB/s written (${seconds.toFixed(2)} s)`,
    target: '>= 400 MB/s written',
  });
  return seconds;
}

export async function benchOut5sec(): Promise<void> {
  if (!existsSync(OUT_5SEC)) {
    add({ stage: 'out_5sec.raw', value: `skipped: ${OUT_5SEC} not found` });
    return;
  }
  const out = join(OUT, 'out_5sec.h5');
  const { seconds } = await bestAsync(RUNS + 2, () =>
    convertRawFile({
      input: OUT_5SEC,
      output: out,
      force: true,
      version: 'bench',
    }),
  );
  add({
    stage: 'out_5sec.raw (4.1 MB): processing, no process start-up',
    value: `${(seconds * 1000).toFixed(0)} ms`,
    target: '<= 110 ms', // Decision 12
    reference: '1.1 s',
    ratio: `${(1.1 / seconds).toFixed(0)}x`,
  });
  let wall = Infinity;
  for (let i = 0; i < RUNS + 2; i++)
    wall = Math.min(wall, runCli(['convert', OUT_5SEC, '-o', out, '--force', '-q']).seconds);
  rmSync(out, { force: true });
  add({
    stage: 'out_5sec.raw: `chronopix convert` wall time incl. Node + HDF5 start-up',
    value: `${(wall * 1000).toFixed(0)} ms`,
    // Decision 12, which stands where the issues differ; issue 2 had asked for "well under a
    // tenth of [the reference's 1.1 s], start-up included"
    target: '<= 400 ms (issue: < 110)',
    reference: '1.1 s',
    ratio: `${(1.1 / wall).toFixed(1)}x`,
  });
}
