// `npm run bench`: throughput and memory of the processing engine on this machine, printed as a
// table with the reference's numbers where the issues name them. Data: a generated ion-imaging run
// of >= 200 MB (cached in bench-results/) and the real out_5sec.raw from ../shared/fixtures.
// Options: --quick (skip the 0.5 GB / 2 GB memory runs), --runs N (best of N, default 3), --live,
// --soak, --ui (the live page in Chromium at 30 Hz; also part of a full run).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CLUSTERING } from '../shared/processingSettings';
import { convertRawFile } from '../native-workers/io/convertRaw';
import { writeGeneratedRun } from '../native-workers/io/generateRun';
import { createH5File } from '../native-workers/io/h5Append';
import { inspectRawFile } from '../native-workers/io/rawReader';
import { type EventBatch, emptyEventBatch } from '../shared/batches';
import { clusterEvents } from '../native-workers/pipeline/clustering';
import { EventBuilder, newEventOutput } from '../native-workers/pipeline/eventBuilder';
import { WholeTriggerBuffer } from '../native-workers/pipeline/wholeTriggers';
import { SeededRandom } from '../native-workers/pipeline/seededRandom';
import { measureClusterQuality } from './clusterQuality';
import { LIVE_RECORD_DIR, formatLiveRun, liveRun } from './liveBench';
import { uiRun } from './uiBench';
import { DECODE_SLICE, DecodeEventsStage } from '../native-workers/stages/stages';
import { FILE_DECODE_CONFIG } from '../test/stageConfigs';
import { type DecodedBatch, Tpx3Decoder, newDecodedBatch } from '../native-workers/pipeline/tpx3Decoder';
import { Tpx4Decoder, newTpx4Batch } from '../native-workers/pipeline/tpx4Decoder';
import { writeTpx4Heartbeat, writeTpx4Pixel } from '../native-workers/pipeline/tpx4Encoder';

const ROOT = process.cwd();
const OUT = resolve(ROOT, 'bench-results');
const CLI = resolve(ROOT, 'dist', 'cli.mjs');
const OUT_5SEC = resolve(ROOT, '..', 'shared', 'fixtures', 'pymepix', 'out_5sec.raw');

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    runs: { type: 'string' },
    live: { type: 'boolean' },
    soak: { type: 'boolean' },
    ui: { type: 'boolean' },
    only: { type: 'string' },
  },
});
/** `--only decode,cluster`: just those parts (decode, convert, tpx4, cluster, quality, io, out5sec). */
const ONLY = args.only ? new Set(args.only.split(',')) : null;
const part = (name: string): boolean => !ONLY || ONLY.has(name);
const RUNS = Number(args.runs ?? 3);

interface Row {
  stage: string;
  value: string;
  target: string;
  reference: string;
  ratio: string;
  memory: string;
}
const rows: Row[] = [];
function add(row: Partial<Row> & { stage: string; value: string }): void {
  rows.push({ target: '', reference: '', ratio: '', memory: '', ...row });
  console.error(`  ${row.stage}: ${row.value}`);
}

function best<T>(n: number, f: () => T): { seconds: number; result: T } {
  let seconds = Infinity;
  let result!: T;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    result = f();
    seconds = Math.min(seconds, (performance.now() - t0) / 1000);
  }
  return { seconds, result };
}

async function bestAsync<T>(n: number, f: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  let seconds = Infinity;
  let result!: T;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    result = await f();
    seconds = Math.min(seconds, (performance.now() - t0) / 1000);
  }
  return { seconds, result };
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;

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

/** Whole words of a raw file, in 4 MB chunks, loaded into memory (so decoding is measured, not disk). */
function loadChunks(path: string): { chunks: Uint32Array[]; words: number } {
  const bytes = readFileSync(path);
  const offset = bytes.readBigUInt64LE(0) >> 60n === 1n ? 8 : 0;
  const whole = bytes.byteLength - offset - ((bytes.byteLength - offset) % 8);
  const copy = new Uint8Array(whole);
  copy.set(bytes.subarray(offset, offset + whole));
  const chunks: Uint32Array[] = [];
  const step = 4 << 20;
  for (let at = 0; at < whole; at += step)
    chunks.push(new Uint32Array(copy.buffer, at, Math.min(step, whole - at) / 4));
  return { chunks, words: whole / 8 };
}

const newFileDecoder = (): Tpx3Decoder =>
  new Tpx3Decoder({ orientation: 'Up', offsetX: 0, offsetY: 0, timeMode: 'file' });

/** One pass of `d` over the chunks as the pipeline decodes (DecodeEventsStage): 4 MB chunks in
 * slices of DECODE_SLICE packets, whose hit columns stay in the core's cache for the next step.
 * Returns the decoder's pixel count. */
function decodePass(d: Tpx3Decoder, out: DecodedBatch, chunks: Uint32Array[]): number {
  for (const c of chunks)
    for (let at = 0; at < c.length; at += 2 * DECODE_SLICE)
      d.decode(c.subarray(at, at + 2 * DECODE_SLICE), out);
  return d.counts.pixels;
}

/** One pass of `stage` over the chunks with the rows used in place (DecodeEventsStage.buildInPlace,
 * as the live pipeline and the file browser use them), then the end of stream. Returns the rows. */
function buildPass(stage: DecodeEventsStage, chunks: Uint32Array[]): number {
  let rowsOut = 0;
  for (const c of chunks) stage.buildInPlace(c, (out) => (rowsOut += out.events.n));
  return rowsOut + stage.handle({ finish: true }).events.n;
}

function benchDecode(label: string, path: string, warmToo = false): void {
  const { chunks, words } = loadChunks(path);
  const decode = best(RUNS, () => decodePass(newFileDecoder(), newDecodedBatch(), chunks));
  const rate = words / decode.seconds / 1e6;
  // A small file's first pass is mostly its fresh decoder's and event kernel's one-off costs
  // (benchDecodeWarm): its rates are shown, and the targets, which are rates, go to the warm rows.
  const fresh = warmToo ? ', a fresh decoder' : '';
  add({
    stage: `decode (${label}, ${(words / 1e6).toFixed(1)} M packets, in slices of ${DECODE_SLICE}${fresh})`,
    value: `${rate.toFixed(0)} M packets/s`,
    target: warmToo ? '' : '>= 300 M/s',
    reference: '8.6 M/s',
    ratio: `${(rate / 8.6).toFixed(0)}x`,
  });
  // Decode + events as the engine runs them in one thread (rows assigned every ASSIGN_SLICES slices
  // and used in the kernel's memory), trigger edges included.
  const inPlace = best(RUNS, () => buildPass(new DecodeEventsStage(FILE_DECODE_CONFIG), chunks));
  const irate = words / inPlace.seconds / 1e6;
  add({
    stage: `decode + events (${label}, ${(inPlace.result / 1e6).toFixed(2)} M rows, used in place${fresh && ', a fresh stage'})`,
    value: `${irate.toFixed(0)} M packets/s`,
    target: warmToo ? '' : '>= 150 M/s',
  });
  if (warmToo) benchDecodeWarm(label, chunks, words);
  // The converter's stage: the same, plus the rows copied out into columns that can be transferred
  // to the writer thread (recycled, as the converter hands them back).
  const events = best(RUNS, () => {
    const stage = new DecodeEventsStage(FILE_DECODE_CONFIG);
    let rowsOut = 0;
    let recycle: EventBatch | undefined;
    for (const c of chunks) {
      recycle = stage.handle({ words: c, recycle }).events;
      rowsOut += recycle.n;
    }
    return rowsOut + stage.handle({ finish: true }).events.n;
  });
  const erate = words / events.seconds / 1e6;
  add({
    stage: `decode + events, rows copied out for the writer (${label}, converter stage)`,
    value: `${erate.toFixed(0)} M packets/s`,
  });
}

/**
 * A small file's rates above include one-off costs of a fresh decoder and event stage: the first
 * touch of their kernels' memory (page faults: about 0.5 ms and 3 ms for out_5sec.raw's 0.5 M
 * packets, most of the event stage's time). Here the same decoder and stage go over the file a
 * second time (the same packets: it decodes to the same hits and rows), as they go over every
 * chunk after the first of a longer run or stream: the rate per packet, which the targets name.
 * The one-off costs count in the whole conversion's time (benchOut5sec).
 */
function benchDecodeWarm(label: string, chunks: Uint32Array[], words: number): void {
  const d = newFileDecoder();
  const out = newDecodedBatch();
  const pass = (): number => decodePass(d, out, chunks);
  pass();
  // Passes of a few ms: best of more runs, or one collection decides the row.
  const runs = Math.max(RUNS, 10);
  const decode = best(runs, pass);
  add({
    stage: `decode (${label}), its decoder warm (a second pass)`,
    value: `${(words / decode.seconds / 1e6).toFixed(0)} M packets/s`,
    target: '>= 300 M/s',
  });
  const stage = new DecodeEventsStage(FILE_DECODE_CONFIG);
  const build = (): number => buildPass(stage, chunks);
  const rows = build();
  const inPlace = best(runs, build);
  if (inPlace.result !== rows) throw new Error(`a second pass gave ${inPlace.result} rows, not ${rows}`);
  add({
    stage: `decode + events (${label}), the stage warm (a second pass, same ${(rows / 1e6).toFixed(2)} M rows)`,
    value: `${(words / inPlace.seconds / 1e6).toFixed(0)} M packets/s`,
    target: '>= 150 M/s',
  });
}

/** Event rows of the first `maxRows` hits of a run, cut into whole-trigger chunks of ~64k rows. */
function eventChunks(path: string, maxRows: number): { chunks: EventBatch[]; rows: number } {
  const { chunks } = loadChunks(path);
  const d = newFileDecoder();
  const b = new EventBuilder({ windowMin: 0, windowMax: 10000, horizon: 1e-3, startTimeNs: 0 });
  const out = newDecodedBatch();
  const whole = new WholeTriggerBuffer(1 << 16);
  const result: EventBatch[] = [];
  let rows = 0;
  for (const c of chunks) {
    if (rows >= maxRows) break;
    const ev = newEventOutput();
    d.decode(c, out);
    b.push(out.hits, out.triggers, ev);
    whole.add(ev.events);
    for (let e = whole.take(); e; e = whole.take()) {
      result.push(e);
      rows += e.n;
    }
  }
  return { chunks: result, rows };
}

function benchClustering(path: string): void {
  const { chunks, rows } = eventChunks(path, 10_500_000);
  for (const [algorithm, target, reference] of [
    ['dbscan', '>= 20 M hits/s', 0.54],
    ['stream', '>= 30 M hits/s', 0.22],
  ] as const) {
    const settings = { ...DEFAULT_CLUSTERING, algorithm };
    const { seconds, result } = best(RUNS, () =>
      chunks.reduce((n, c) => n + clusterEvents(c, settings).n, 0),
    );
    const rate = rows / seconds / 1e6;
    add({
      stage: `${algorithm} + centroid properties, one worker (${(rows / 1e6).toFixed(1)} M hits, ${(result / 1e6).toFixed(2)} M centroids)`,
      value: `${rate.toFixed(1)} M hits/s`,
      target,
      reference: `${reference} M hits/s`,
      ratio: `${(rate / reference).toFixed(0)}x`,
    });
  }
}

/**
 * Issue 3: "a single trigger with a pathological 1 M hits must not blow up time or memory". One
 * trigger of blobs (the 200k unit test's layout) at 250k and 1 M hits, to see how the time grows,
 * and a flood of 1 M hits on one pixel at one time.
 */
function benchPathologicalTrigger(): void {
  const cases: [string, EventBatch][] = [
    ['250k hits, 12.5k blobs of 20, rows shuffled', blobTrigger(250_000)],
    ['1 M hits, 50k blobs of 20, rows shuffled', blobTrigger(1_000_000)],
    ['1 M hits, a flood on one pixel at one time', floodTrigger(1_000_000)],
  ];
  for (const [what, ev] of cases) {
    for (const algorithm of ['dbscan', 'stream'] as const) {
      const rss0 = process.memoryUsage().rss;
      const { seconds, result } = best(1, () => clusterEvents(ev, { ...DEFAULT_CLUSTERING, algorithm }).n);
      const grew = (process.memoryUsage().rss - rss0) / 2 ** 20;
      add({
        stage: `${algorithm}: one trigger of ${what}`,
        value: `${seconds.toFixed(2)} s (${(ev.n / seconds / 1e6).toFixed(1)} M hits/s), ${result} centroids`,
        memory: `RSS +${Math.max(0, grew).toFixed(0)} MB`,
      });
    }
  }
}

/** One trigger of `n` hits: blobs of 20 hits (4 x 5 pixels, 10 ns) on a 50 x 40 lattice, layers
 * 2 us apart in tof, rows in a shuffled order. */
function blobTrigger(n: number): EventBatch {
  const ev = emptyEventBatch(n);
  ev.n = n;
  const rng = new SeededRandom(99);
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  for (let k = 0; k < n; k++) {
    const row = order[k];
    const b = Math.floor(k / 20);
    const i = k % 20;
    ev.x[row] = (b % 50) * 5 + (i % 4);
    ev.y[row] = (Math.floor(b / 50) % 40) * 6 + Math.floor(i / 4);
    ev.tof[row] = 1e-5 + Math.floor(b / 2000) * 2e-6 + (b % 7) * 1e-7 + rng.uniform() * 1e-8;
    ev.tot[row] = 100;
  }
  return ev;
}

function floodTrigger(n: number): EventBatch {
  const ev = emptyEventBatch(n);
  ev.n = n;
  ev.x.fill(100);
  ev.y.fill(100);
  ev.tof.fill(1e-4);
  ev.tot.fill(100);
  return ev;
}

async function benchQuality(): Promise<void> {
  for (const q of await measureClusterQuality()) {
    add({
      stage: `quality, ${q.algorithm}: true ions recovered within 1 px and 5 ns (generated VMI)`,
      value: `${(q.fraction * 100).toFixed(1)}% of ${q.ions}; ${q.split} split, ${q.merged} merged, ${q.spurious} spurious`,
    });
  }
}

/** Timepix4 decode on a synthetic stream: a heartbeat every 1024 words, pixel hits in between. */
function benchTpx4Decode(): void {
  const words = 16 << 20;
  const bytes = new Uint8Array(words * 8);
  let seed = 12345;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  let tick = 1000;
  for (let i = 0; i < words; i++) {
    if (i % 1024 === 0) {
      tick += 400;
      writeTpx4Heartbeat(bytes, i, tick);
      continue;
    }
    writeTpx4Pixel(bytes, i, {
      x: rnd(448),
      y: rnd(512),
      tick: tick + rnd(400),
      ftoaRise: rnd(32),
      ftoaFall: rnd(32),
      uftStart: 0x0f,
      uftStop: 0x0e,
      totRaw: rnd(2048),
      pileup: 0,
    });
  }
  const chunk = 1 << 20;
  const { seconds, result } = best(RUNS, () => {
    const d = new Tpx4Decoder({});
    const out = newTpx4Batch();
    for (let at = 0; at < bytes.length; at += chunk) d.decode(bytes.subarray(at, at + chunk), out);
    return d.counts.pixels;
  });
  const rate = words / seconds / 1e6;
  add({
    stage: `Timepix4 decode (${(words / 1e6).toFixed(1)} M words, ${(result / 1e6).toFixed(1)} M pixels)`,
    value: `${rate.toFixed(0)} M packets/s`,
    target: '>= 250 M/s',
  });
}

interface CliRun {
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
function benchConvertCli(
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
async function benchIoFloor(rowsToWrite: number): Promise<number> {
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

async function benchOut5sec(): Promise<void> {
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

function printTable(): void {
  const head: Row = {
    stage: 'stage',
    value: 'measured',
    target: 'target',
    reference: 'reference',
    ratio: 'ratio',
    memory: 'memory',
  };
  const all = [head, ...rows];
  const keys = Object.keys(head) as (keyof Row)[];
  const width = keys.map((k) => Math.max(...all.map((r) => r[k].length)));
  const line = (r: Row): string => `| ${keys.map((k, i) => r[k].padEnd(width[i])).join(' | ')} |`;
  console.log(line(head));
  console.log(`| ${width.map((w) => '-'.repeat(w)).join(' | ')} |`);
  for (const r of rows) console.log(line(r));
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
  if (!args.quick && !ONLY) {
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
