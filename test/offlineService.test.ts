// The offline browser's engine side on real files: generated runs (Timepix3 and 4) and, when present,
// the reference's recording. Every number is checked against the converter on the same file.
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JobUpdate } from '../shared/offlineApi';
import { UserError } from '../shared/userError';
import { type ConvertSummary, convertRawFile } from '../native-workers/io/convertRaw';
import { writeGeneratedRun } from '../native-workers/io/generateRun';
import { browseRawFile } from '../native-workers/offline/fileJobs';
import { packetCountsRecord } from '../native-workers/pipeline/fileDecoder';
import { OfflineService, type OfflineServiceOptions } from '../electron/engine/offlineService';
import { FIXTURES_SKIP_REASON, HAVE_FIXTURES, fixturePath } from './fixtures';
import { readH5 } from './readH5';
import { useTmpDir } from './tmpDir';

const dir = useTmpDir('chronopix-offline-');
const CHUNK = 64 << 10; // many chunks even for small files

/** A service whose job updates are all recorded; `done(first)` waits for that job's final update. */
function service(options: OfflineServiceOptions = {}): {
  svc: OfflineService;
  updates: JobUpdate[];
  done: (first: JobUpdate) => Promise<JobUpdate>;
} {
  const svc = new OfflineService({ chunkBytes: CHUNK, ...options });
  const updates: JobUpdate[] = [];
  const waiters = new Map<string, (u: JobUpdate) => void>();
  svc.onJob((u) => {
    updates.push(u);
    if (u.state !== 'running') waiters.get(u.id)?.(u);
  });
  const done = (first: JobUpdate): Promise<JobUpdate> => {
    const final = updates.find((u) => u.id === first.id && u.state !== 'running');
    if (final) return Promise.resolve(final);
    return new Promise((resolve) => waiters.set(first.id, resolve));
  };
  return { svc, updates, done };
}

interface Reference {
  summary: ConvertSummary;
  triggerNr: number[];
  tof: number[];
  /** Trigger number -> trigger time (s), for triggers with rows. */
  triggerTime: Map<number, number>;
}

async function reference(input: string, output: string): Promise<Reference> {
  const summary = await convertRawFile({ input, output, version: 'test', transport: 'inline' });
  const { datasets } = await readH5(output);
  const nr = datasets.get('timing/timepix/trigger nr')!.values.map(Number);
  const time = datasets.get('timing/timepix/event trigger')!.values.map(Number);
  return {
    summary,
    triggerNr: datasets.get('raw/trigger nr')!.values.map(Number),
    tof: datasets.get('raw/tof')!.values.map(Number),
    triggerTime: new Map(nr.map((n, i) => [n, time[i]])),
  };
}

const sum = (a: ArrayLike<number>): number => Array.from(a).reduce((s, v) => s + v, 0);
/** Entries of a views ToF histogram (default range [0, 1 ms)), under- and overflow included. */
const tofEntries = (h: { counts: Float64Array; underflow: number; overflow: number }): number =>
  sum(h.counts) + h.underflow + h.overflow;

const run3 = join(dir, 'gen3.raw');
const run4 = join(dir, 'gen4.raw');
let ref3: Reference;
let ref4: Reference;

beforeAll(async () => {
  await writeGeneratedRun(run3, { seconds: 0.4, triggerRate: 2000, ionsPerTrigger: 4, seed: 11 });
  await writeGeneratedRun(
    run4,
    { seconds: 0.05, triggerRate: 2000, ionsPerTrigger: 3, seed: 5 },
    { camera: 4 },
  );
  ref3 = await reference(run3, join(dir, 'ref3.h5'));
  ref4 = await reference(run4, join(dir, 'ref4.h5'));
});

describe('summarizeFile', () => {
  it('counts the packets, hits and triggers the converter counts, and bins the rates', async () => {
    const { svc, done } = service();
    const first = await svc.summarizeFile(run3);
    expect(first).toMatchObject({
      kind: 'summary',
      state: 'running',
      progress: 0,
      error: null,
      result: null,
    });
    const final = await done(first);
    expect(final.state).toBe('done');
    if (final.result?.kind !== 'summary') throw new Error('no summary');
    const s = final.result.summary;
    const c = ref3.summary;
    expect(s.packets).toEqual(packetCountsRecord(c.packets));
    expect(s.hits).toBe(c.packets.pixels);
    expect(s.triggers).toBe(c.packets.tdc1Rise);
    expect(s.camera).toBe(3);
    expect(s.startTime).toBe(new Date(Number(c.info.startTimeNs! / 1_000_000n)).toISOString());
    expect(s.durationS).toBeCloseTo(s.lastS - s.firstS, 12);
    expect(s.durationS).toBeGreaterThan(0.35);
    expect(s.durationS).toBeLessThan(0.45);
    const { binS, hitsPerS } = s.hitRate;
    expect(binS).toBeGreaterThanOrEqual(1e-3);
    expect(hitsPerS.length).toBeLessThanOrEqual(1000);
    expect(s.triggerRate.length).toBe(hitsPerS.length);
    expect(sum(hitsPerS) * binS).toBeCloseTo(s.hits, 6);
    expect(sum(s.triggerRate) * binS).toBeCloseTo(s.triggers, 6);
    // 2000 triggers/s over the run: the middle bins say so.
    const mid = s.triggerRate[Math.floor(s.triggerRate.length / 2)];
    expect(Math.abs(mid - 2000)).toBeLessThanOrEqual(1 / binS);
  });

  it('summarises a Timepix4 file with the converter’s Timepix4 counts', async () => {
    const { svc, done } = service();
    const final = await done(await svc.summarizeFile(run4));
    if (final.result?.kind !== 'summary') throw new Error(final.error ?? 'no summary');
    const s = final.result.summary;
    expect(s.camera).toBe(4);
    expect(s.packets).toEqual(packetCountsRecord(null, ref4.summary.tpx4Packets));
    expect(s.triggers).toBe(ref4.summary.tpx4Packets!.signalRise);
    expect(s.startTime).toBeNull();
  });
});

describe('browseFile', () => {
  it("range 'all' (pixel pipeline): the ToF histogram holds the converter's event rows in its range", async () => {
    const { svc, done } = service();
    const final = await done(await svc.browseFile({ path: run3, processing: { pipeline: 'pixel' } }));
    if (final.result?.kind !== 'browse') throw new Error(final.error ?? 'no snapshot');
    const snap = final.result.snapshot;
    const inView = ref3.tof.filter((t) => t >= 0 && t < 1e-3).length;
    expect(inView).toBeGreaterThan(1000);
    expect(sum(snap.tof.counts)).toBe(inView);
    expect(tofEntries(snap.tof)).toBe(ref3.tof.length);
    expect(snap.totals.events).toBe(ref3.summary.events.events);
    expect(snap.totals.triggers).toBe(ref3.summary.packets.tdc1Rise);
    expect(snap.totals.hits).toBe(ref3.summary.packets.pixels);
    expect(sum(snap.hitMap.values)).toBe(ref3.summary.packets.pixels);
    expect(snap.totals.centroids).toBe(0);
  });

  it('clusters like the converter by default (DBSCAN)', async () => {
    const { svc, done } = service();
    const final = await done(await svc.browseFile({ path: run4 }));
    if (final.result?.kind !== 'browse') throw new Error(final.error ?? 'no snapshot');
    const snap = final.result.snapshot;
    expect(ref4.summary.centroids).toBeGreaterThan(0);
    expect(snap.totals.centroids).toBe(ref4.summary.centroids);
    expect(sum(snap.clusterSize.counts) + snap.clusterSize.overflow).toBe(ref4.summary.centroids);
    expect(snap.sensor).toEqual({ width: 448, height: 512 });
    expect(tofEntries(snap.tof)).toBe(ref4.tof.length);
  });

  it('a trigger range [a, b) shows exactly the rows of those triggers, and stops reading after it', async () => {
    const { svc, done } = service();
    const range = { kind: 'trigger' as const, from: 100, to: 250 };
    const final = await done(await svc.browseFile({ path: run3, range, processing: { pipeline: 'pixel' } }));
    if (final.result?.kind !== 'browse') throw new Error(final.error ?? 'no snapshot');
    const snap = final.result.snapshot;
    const rows = ref3.triggerNr.filter((n) => n >= 100 && n < 250).length;
    expect(rows).toBeGreaterThan(100);
    expect(tofEntries(snap.tof)).toBe(rows);
    expect(snap.totals.events).toBe(rows);
    expect(snap.totals.triggers).toBe(150);
    const direct = await browseRawFile(
      { path: run3, range, processing: { pipeline: 'pixel' } },
      { transport: 'inline', chunkBytes: CHUNK },
    );
    expect(direct.readAll).toBe(false);
    expect(direct.counts.events).toBe(rows);
  });

  it('a time range shows the rows of the triggers in it, from the file’s first time', async () => {
    const { svc, done } = service();
    const sum0 = await done(await svc.summarizeFile(run3));
    if (sum0.result?.kind !== 'summary') throw new Error('no summary');
    const firstS = sum0.result.summary.firstS;
    const range = { kind: 'time' as const, fromS: 0.1, toS: 0.2 };
    const final = await done(await svc.browseFile({ path: run3, range, processing: { pipeline: 'pixel' } }));
    if (final.result?.kind !== 'browse') throw new Error(final.error ?? 'no snapshot');
    const inRange = (n: number): boolean => {
      const t = ref3.triggerTime.get(n)! - firstS;
      return t >= 0.1 && t < 0.2;
    };
    const rows = ref3.triggerNr.filter(inRange).length;
    expect(rows).toBeGreaterThan(100);
    expect(final.result.snapshot.totals.events).toBe(rows);
    // 2000 triggers/s for 0.1 s
    expect(Math.abs(final.result.snapshot.totals.triggers - 200)).toBeLessThanOrEqual(1);
  });

  it('refuses a bad request with a UserError naming the field', async () => {
    const { svc } = service();
    await expect(svc.browseFile({ path: run3, range: { kind: 'trigger', from: 5, to: 2 } })).rejects.toThrow(
      /range.*first trigger must be before last/,
    );
    await expect(
      svc.browseFile({ path: run3, range: { kind: 'trigger', from: 5, to: 2 } }),
    ).rejects.toBeInstanceOf(UserError);
  });
});

describe('convertFiles', () => {
  it('converts each file, never overwrites, and reports the files that failed', async () => {
    const out = join(dir, 'outs');
    mkdirSync(out);
    writeFileSync(join(out, 'gen3.h5'), 'already here');
    const { svc, updates, done } = service({ progressIntervalMs: 0 });
    const first = await svc.convertFiles({
      paths: [run3, run4],
      outputFolder: out,
      processing: { pipeline: 'pixel' },
    });
    const final = await done(first);
    expect(final.state).toBe('failed');
    expect(final.error).toMatch(/1 of 2 files failed \(1 written\): gen3\.raw: .*gen3\.h5 already exists/);
    expect(final.result).toEqual({ kind: 'convert', outputs: [join(out, 'gen4.h5')] });
    expect(readdirSync(out).sort()).toEqual(['gen3.h5', 'gen4.h5']);
    const { datasets } = await readH5(join(out, 'gen4.h5'));
    expect(datasets.get('raw/tof')!.values).toHaveLength(ref4.tof.length);
    expect(datasets.has('centroided/x')).toBe(false);
    const progress = updates.filter((u) => u.id === first.id).map((u) => u.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(updates.filter((u) => u.id === first.id && u.state !== 'running')).toHaveLength(1);
  });

  it('cancel stops the running conversion and leaves no .h5 and no .partial', async () => {
    const big = join(dir, 'big', 'big.raw');
    mkdirSync(join(dir, 'big'));
    await writeGeneratedRun(big, { seconds: 1, triggerRate: 5000, ionsPerTrigger: 10, seed: 3 });
    const { svc, updates, done } = service({ progressIntervalMs: 0 });
    const first = await svc.convertFiles({ paths: [big] });
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (updates.some((u) => u.id === first.id && u.progress > 0)) resolve();
        else setTimeout(check, 5);
      };
      check();
    });
    await svc.cancelJob(first.id);
    const final = await done(first);
    expect(final.state).toBe('cancelled');
    expect(final.progress).toBeLessThan(0.9); // stopped mid-file, not after it
    expect(readdirSync(join(dir, 'big'))).toEqual(['big.raw']);
    await expect(svc.cancelJob(first.id)).rejects.toBeInstanceOf(UserError);
  });
});

describe('jobs', () => {
  it('runs two at a time, queues the rest, and cancels a browse (its worker stops)', async () => {
    const { svc, done } = service({ maxRunningJobs: 2 });
    const a = await svc.summarizeFile(run3);
    const b = await svc.summarizeFile(run4);
    const c = await svc.browseFile({ path: run3 });
    expect(a.detail).not.toBe('queued');
    expect(c).toMatchObject({ state: 'running', progress: 0, detail: 'queued' });
    await svc.cancelJob(c.id);
    expect((await done(c)).state).toBe('cancelled');
    expect((await done(a)).state).toBe('done');
    expect((await done(b)).state).toBe('done');
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
    const d = await svc.browseFile({ path: run3 });
    await svc.cancelJob(d.id);
    const dFinal = await done(d);
    expect(dFinal.state).toBe('cancelled');
    expect(dFinal.result).toBeNull();
    await expect(svc.cancelJob('no-such-job')).rejects.toBeInstanceOf(UserError);
  });
});

describe('listRuns', () => {
  it('lists .raw and .raw.partial newest first with their sidecars, and fills packets from summaries', async () => {
    const folder = join(dir, 'runs');
    mkdirSync(join(folder, 'sub'), { recursive: true });
    await writeGeneratedRun(join(folder, 'old.raw'), { seconds: 0.01, triggerRate: 1000, seed: 1 });
    await writeGeneratedRun(join(folder, 'run_0001_20250101-1200.raw'), { seconds: 0.01, seed: 2 });
    const { renameSync } = await import('node:fs');
    renameSync(
      join(folder, 'run_0001_20250101-1200.raw'),
      join(folder, 'run_0001_20250101-1200.raw.partial'),
    );
    writeFileSync(
      join(folder, 'run_0001_20250101-1200.json'),
      JSON.stringify({ recordingStart: '2025-01-01T12:00:00.000Z', durationS: 12.5, state: 'recording' }),
    );
    writeFileSync(join(folder, 'notes.txt'), 'x');
    utimesSync(join(folder, 'old.raw'), new Date(2020, 0, 1), new Date(2020, 0, 1));
    const { svc, done } = service();
    const runs = await svc.listRuns(folder);
    expect(runs.map((r) => r.name)).toEqual(['run_0001_20250101-1200.raw.partial', 'old.raw']);
    expect(runs[0]).toMatchObject({
      partial: true,
      camera: 3,
      startTime: '2025-01-01T12:00:00.000Z',
      durationS: 12.5,
      packets: null,
    });
    expect(runs[1]).toMatchObject({ partial: false, durationS: null, packets: null });
    expect(runs[1].startTime).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(runs[1].modifiedMs).toBe(new Date(2020, 0, 1).getTime());
    const s = await done(await svc.summarizeFile(runs[1].path));
    if (s.result?.kind !== 'summary') throw new Error('no summary');
    const again = await svc.listRuns(folder);
    expect(again[1].packets).toEqual(s.result.summary.packets);
    expect(again[1].durationS).toBe(s.result.summary.durationS);
  });

  it('gives one-line UserErrors for missing folders, files and refused paths', async () => {
    const { svc } = service();
    await expect(svc.listRuns(join(dir, 'nope'))).rejects.toThrow(/does not exist: choose/);
    await expect(svc.listRuns(run3)).rejects.toThrow(/not a folder/);
    await expect(svc.listRuns(join(dir, 'nope'))).rejects.toBeInstanceOf(UserError);
    await expect(svc.summarizeFile(join(dir, 'missing.raw'))).rejects.toThrow(/no such file/);
    await expect(svc.summarizeFile(dir)).rejects.toThrow(/is a folder/);
    await expect(svc.convertFiles({ paths: [run3], outputFolder: join(dir, 'nope') })).rejects.toThrow(
      /does not exist/,
    );
    const strict = service({ allowPath: (p) => p.startsWith(join(dir, 'runs')) }).svc;
    await expect(strict.summarizeFile(run3)).rejects.toThrow(/not open to the app/);
    await expect(strict.listRuns(dir)).rejects.toBeInstanceOf(UserError);
    await expect(strict.convertFiles({ paths: [run3] })).rejects.toBeInstanceOf(UserError);
    expect(existsSync(join(dir, 'gen3.h5'))).toBe(false);
  });
});

describe.skipIf(!HAVE_FIXTURES)(`a real recording ${HAVE_FIXTURES ? '' : FIXTURES_SKIP_REASON}`, () => {
  it('summary and browse agree with the converter', async () => {
    const input = fixturePath('centroid_pipeline_test.raw');
    const ref = await reference(input, join(dir, 'fixture.h5'));
    const { svc, done } = service();
    const s = await done(await svc.summarizeFile(input));
    if (s.result?.kind !== 'summary') throw new Error(s.error ?? 'no summary');
    expect(s.result.summary.packets).toEqual(packetCountsRecord(ref.summary.packets));
    expect(s.result.summary.hits).toBe(1287);
    const b = await done(await svc.browseFile({ path: input }));
    if (b.result?.kind !== 'browse') throw new Error(b.error ?? 'no snapshot');
    expect(tofEntries(b.result.snapshot.tof)).toBe(1287);
    expect(b.result.snapshot.totals.triggers).toBe(ref.summary.packets.tdc1Rise);
    expect(b.result.snapshot.totals.centroids).toBe(ref.summary.centroids);
  });
});
