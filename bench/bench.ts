// `npm run bench`: throughput and memory of the processing engine on this machine, printed as a
// table with the reference's numbers where the issues name them. Data: a generated ion-imaging run
// of >= 200 MB (cached in bench-results/) and the real out_5sec.raw from ../shared/fixtures.
// Options: --quick (skip the 0.5 GB / 2 GB memory runs), --runs N (best of N, default 3), --live,
// --soak, --ui (the live page in Chromium at 30 Hz; also part of a full run).
// Parts live in their modules (decodeBench, clusteringBench, convertBench, liveBench, uiBench), the
// options and paths in benchConfig, the table in benchTable; this file runs the parts in order.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeGeneratedRun } from '../native-workers/io/generateRun';
import { inspectRawFile } from '../native-workers/io/rawReader';
import { LIVE_RECORD_DIR, formatLiveRun, liveRun } from './liveBench';
import { uiRun } from './uiBench';
import { CLI, ONLY, OUT, OUT_5SEC, RUNS, args, part } from './benchConfig';
import { add, printTable } from './benchTable';
import { benchDecode, benchTpx4Decode } from './decodeBench';
import { benchClustering, benchPathologicalTrigger, benchQuality } from './clusteringBench';
import { benchConvertCli, benchIoFloor, benchOut5sec } from './convertBench';

async function generated(
  name: string,
  seconds: number,
  triggerRate: number,
  ionsPerTrigger: number,
): Promise<string> {
  const path = join(OUT, name);
  if (!existsSync(path)) {
    console.error(`generating ${path} ...`);
    await writeGeneratedRun(path, { seconds, triggerRate, ionsPerTrigger, seed: 42 }, { force: true });
  }
  return path;
}

async function benchLive(replay: string): Promise<void> {
  const recordDir = LIVE_RECORD_DIR(OUT);
  // The kernel caps the receive buffer at net.core.rmem_max: raise it (as root) for the 256 MB runs.
  const rmemMax = Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));
  const pixel = { label: 'pixel pipeline + recording', pipeline: 'pixel' as const, recordDir };
  const runs = [
    { ...pixel, rateMBps: 300, seconds: 30, receiveBufferMB: 256, target: 'zero loss' },
    { ...pixel, rateMBps: 300, seconds: 30, receiveBufferMB: 64, target: '' },
    { ...pixel, rateMBps: 640, seconds: 10, receiveBufferMB: 256, target: '' },
    ...[100, 50].map((rateMBps) => ({
      label: 'centroid pipeline',
      rateMBps,
      seconds: 10,
      receiveBufferMB: 256,
      pipeline: 'centroid' as const,
      recordDir: null,
      target: '',
    })),
  ];
  for (const { target, ...r } of runs) {
    const buffer = r.receiveBufferMB;
    const capped = rmemMax < buffer * 2 ** 20 ? `, capped by rmem_max ${rmemMax >> 20} MB` : '';
    const result = await liveRun({ ...r, label: `${r.label}, receive buffer ${buffer} MB${capped}`, replay });
    add({ ...formatLiveRun(result), target });
    rmSync(recordDir, { recursive: true, force: true });
  }
  if (args.soak) {
    const soak = await liveRun({
      label: 'soak, pipeline + views, no recording',
      replay,
      rateMBps: 100,
      seconds: 600,
      pipeline: 'centroid',
      recordDir: null,
    });
    add({ ...formatLiveRun(soak), target: 'flat memory' });
    const rec = await liveRun({
      label: 'soak, recording',
      replay,
      rateMBps: 100,
      seconds: 60,
      pipeline: 'pixel',
      recordDir,
    });
    add({ ...formatLiveRun(rec), target: 'flat memory' });
    rmSync(recordDir, { recursive: true, force: true });
  }
}

async function benchUi(): Promise<void> {
  for (const [rate, hz] of [
    [20, 10],
    [20, 30],
    [100, 30],
  ]) {
    const r = await uiRun(rate, 20, hz);
    if (!r) {
      add({ stage: 'live page', value: 'skipped: no /usr/bin/chromium' });
      return;
    }
    add({
      stage: `live page asked for ${hz} Hz, emulator ${rate} MB/s, centroid pipeline, all plots`,
      value: `${r.snapshotsPerS.toFixed(1)} snapshots/s received, ToF histogram redrawn ${r.tofDrawsPerS.toFixed(1)}/s (maps 5/s, trends 2/s at most), ${r.framesPerS.toFixed(0)} frames/s`,
      target: '10-30 Hz, flat memory',
      memory: `heap ${r.heapStartMb.toFixed(1)} -> ${r.heapEndMb.toFixed(1)} MB`,
    });
  }
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  if (!existsSync(CLI)) throw new Error(`${CLI} missing: run npm run build`);
  console.error(`chronopix bench on ${process.version}, best of ${RUNS}`);
  const vmi = await generated('vmi-200mb.raw', 6, 20000, 20);
  const info = await inspectRawFile(vmi);
  if (part('decode')) {
    benchDecode('generated VMI', vmi);
    if (existsSync(OUT_5SEC)) benchDecode('out_5sec.raw', OUT_5SEC, true);
  }
  if (part('convert')) {
    benchConvertCli('generated VMI', vmi);
    // The same into RAM: what the engine does when the disk is not the limit (durable writes of
    // 22 bytes per hit, 2.8x the input, are more than this VM's disk sustains at times).
    if (existsSync('/dev/shm'))
      benchConvertCli('generated VMI, into /dev/shm', vmi, RUNS, [], '', '/dev/shm');
  }
  if (part('tpx4')) benchTpx4Decode();
  if (part('cluster')) {
    benchClustering(vmi);
    benchPathologicalTrigger();
  }
  if (part('convert'))
    benchConvertCli(
      'generated VMI, DBSCAN, 2 workers',
      vmi,
      RUNS,
      ['--clustering', 'dbscan', '--workers', '2'],
      '>= 100 MB/s (issue: 150)', // Decision 12; issue 3 named 150
    );
  if (part('quality')) await benchQuality();
  if (part('io')) await benchIoFloor(Math.round(info.words * 0.98));
  if (part('out5sec')) await benchOut5sec();
  if (args.live || (!args.quick && !ONLY)) await benchLive(vmi);
  if (args.ui || (!args.quick && !ONLY)) await benchUi();
  if ((!args.quick && !ONLY) || ONLY?.has('memory')) {
    const half = await generated('vmi-0.5gb.raw', 15, 20000, 20);
    const two = await generated('vmi-2gb.raw', 60, 20000, 20);
    const a = benchConvertCli('0.5 GB', half, 1);
    const b = benchConvertCli('2 GB', two, 1);
    add({
      stage: 'constant memory: peak RSS 2 GB vs 0.5 GB input',
      value: `${((b.maxRssMb / a.maxRssMb - 1) * 100).toFixed(1)}% difference`,
      target: 'within 10%, < 500 MB',
      memory: `${a.maxRssMb.toFixed(0)} / ${b.maxRssMb.toFixed(0)} MB`,
    });
  }
  printTable();
}

await main();
