// Timepix4 conversion end to end: a small big-endian file built with the encoder (heartbeats, signal
// triggers, 3x3 clusters, noise, hits before the first heartbeat) through convertRawFile and the CLI.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CLUSTERING, type ClusteringAlgorithm } from '../shared/processingSettings';
import { convertRawFile } from '../native-workers/io/convertRaw';
import { writeGeneratedRun } from '../native-workers/io/generateRun';
import {
  type Tpx4PixelFields,
  tpx4PixelUnits,
  writeTpx4Heartbeat,
  writeTpx4Pixel,
  writeTpx4Signal,
} from '../native-workers/pipeline/tpx4Encoder';
import { TPX4_UNITS_PER_SECOND } from '../native-workers/pipeline/tpx4Decoder';
import { chronopix } from './cli';
import { browseRawFile } from '../native-workers/offline/fileJobs';
import { readH5 } from './readH5';
import { useTmpDir } from './tmpDir';

const dir = useTmpDir();
const input = join(dir, 'tpx4.raw');

// Camera time starts 30000 ticks (0.75 ms) before a 16-bit ToA roll-over, so hits cross it.
const T0 = 3 * 65536 - 30000;
const HEARTBEAT_TICKS = 4000; // 0.1 ms
const TRIGGER_TICKS = 2000; // 50 us
const FALL_AFTER = 400; // 10 us
const N_TRIGGERS = 30;
const CLUSTERS = 3;

interface Row {
  nr: number;
  x: number;
  y: number;
  tof: number;
  tot: number;
}

interface Built {
  bytes: Uint8Array;
  rows: Row[];
  centres: { nr: number; x: number; y: number; tof: number }[];
  trigger1: number[];
  triggerTimes: number[];
  beforeHeartbeat: number;
  beforeTrigger: number;
}

function pixel(x: number, y: number, tick: number, extra: Partial<Tpx4PixelFields> = {}): Tpx4PixelFields {
  return {
    x,
    y,
    tick,
    ftoaRise: 3,
    ftoaFall: 1,
    uftStart: 0x0f,
    uftStop: 0x0f,
    totRaw: 20,
    pileup: 0,
    ...extra,
  };
}

const totNsOf = (f: Tpx4PixelFields): number => f.totRaw * 25 + (f.ftoaRise - f.ftoaFall) * 1.5625;

function build(): Built {
  type Item = { key: number; order: number; write: (b: Uint8Array, i: number) => void };
  const items: Item[] = [];
  const rows: Row[] = [];
  const centres: Built['centres'] = [];
  const trigger1: number[] = [];
  const triggerTimes: number[] = [];
  const addPixel = (f: Tpx4PixelFields, nr: number | null): void => {
    items.push({ key: f.tick, order: 2, write: (b, i) => writeTpx4Pixel(b, i, f) });
    if (nr !== null) {
      const trig = T0 + 1000 + TRIGGER_TICKS * nr;
      rows.push({
        nr,
        x: f.x,
        y: f.y,
        tof: (tpx4PixelUnits(f) - trig * 128) / TPX4_UNITS_PER_SECOND,
        tot: totNsOf(f),
      });
    }
  };
  const last = T0 + 1000 + TRIGGER_TICKS * N_TRIGGERS;
  for (let t = T0; t <= last; t += HEARTBEAT_TICKS)
    items.push({ key: t, order: 0, write: (b, i) => writeTpx4Heartbeat(b, i, t, (t / HEARTBEAT_TICKS) & 1) });
  // Noise after the first heartbeat but before the first trigger.
  const beforeTrigger = 3;
  for (let k = 0; k < beforeTrigger; k++) addPixel(pixel(430, 10 + 40 * k, T0 + 500 + k), null);
  for (let i = 0; i < N_TRIGGERS; i++) {
    const trig = T0 + 1000 + TRIGGER_TICKS * i;
    items.push({ key: trig, order: 1, write: (b, j) => writeTpx4Signal(b, j, true, trig) });
    items.push({
      key: trig + FALL_AFTER,
      order: 1,
      write: (b, j) => writeTpx4Signal(b, j, false, trig + FALL_AFTER),
    });
    trigger1.push(trig / 4e7, -(trig + FALL_AFTER) / 4e7);
    triggerTimes.push(trig / 4e7);
    for (let c = 0; c < CLUSTERS; c++) {
      const cx = 20 + ((i * 37 + c * 131) % 380);
      const cy = 20 + ((i * 53 + c * 171) % 470);
      const tick = trig + 100 + 300 * c;
      let centreTof = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const centre = dx === 0 && dy === 0;
          const f = pixel(cx + dx, cy + dy, tick, centre ? { totRaw: 40, uftStart: 0x0e } : {});
          if (centre) centreTof = (tpx4PixelUnits(f) - trig * 128) / TPX4_UNITS_PER_SECOND;
          addPixel(f, i);
        }
      }
      centres.push({ nr: i, x: cx, y: cy, tof: centreTof });
    }
    // Two isolated noise hits per trigger, with assorted fine-time fields.
    for (let k = 0; k < 2; k++) {
      const f = pixel(420 + ((i + k) % 20), (i * 17 + 250 * k) % 512, trig + 1500 + 37 * k, {
        ftoaRise: (i * 7 + k) % 32,
        ftoaFall: (i * 3) % 32,
        uftStart: [0x0f, 0x0e, 0x0c, 0x08, 0x00, 0x01, 0x03, 0x07][(i + k) % 8],
        uftStop: [0x0f, 0x0e, 0x0c, 0x08, 0x00][i % 5],
        totRaw: 5 + i,
      });
      addPixel(f, i);
    }
  }
  items.sort((a, b) => a.key - b.key || a.order - b.order);
  const beforeHeartbeat = 4;
  const bytes = new Uint8Array(8 * (items.length + beforeHeartbeat));
  for (let k = 0; k < beforeHeartbeat; k++) writeTpx4Pixel(bytes, k, pixel(5 + k, 300, T0 - 100));
  items.forEach((it, k) => it.write(bytes, beforeHeartbeat + k));
  return { bytes, rows, centres, trigger1, triggerTimes, beforeHeartbeat, beforeTrigger };
}

const built = build();

beforeAll(() => {
  writeFileSync(input, built.bytes);
});

function byRow(a: Row, b: Row): number {
  return a.nr - b.nr || a.x - b.x || a.y - b.y || a.tof - b.tof;
}

async function checkOutput(output: string, algorithm: ClusteringAlgorithm): Promise<void> {
  const { datasets, groups } = await readH5(output);
  const ds = (name: string): number[] => datasets.get(name)!.values.map(Number);
  expect(datasets.get('raw/x')!.dtype).toBe('uint16');
  expect(datasets.get('raw/y')!.dtype).toBe('uint16');
  expect(datasets.get('raw/tot')!.dtype).toBe('float64');
  expect(datasets.get('raw/tot')!.attrs.unit).toBe('ns');
  const [nr, x, y, tof, tot] = ['raw/trigger nr', 'raw/x', 'raw/y', 'raw/tof', 'raw/tot'].map(ds);
  const got: Row[] = nr.map((n, i) => ({ nr: n, x: x[i], y: y[i], tof: tof[i], tot: tot[i] }));
  expect(got).toHaveLength(built.rows.length);
  for (const t of tot) expect(Number.isInteger(t / 1.5625)).toBe(true);
  expect(tot.some((t) => !Number.isInteger(t))).toBe(true);
  const want = [...built.rows].sort(byRow);
  got.sort(byRow);
  for (let i = 0; i < want.length; i++) {
    const { tof: gt, ...g } = got[i];
    const { tof: wt, ...w } = want[i];
    expect(g).toEqual(w);
    expect(Math.abs(gt - wt)).toBeLessThanOrEqual(0.05e-9);
  }
  // The hits before the first heartbeat (y = 300, x 5..8) are absent.
  expect(got.some((r) => r.y === 300 && r.x >= 5 && r.x < 5 + built.beforeHeartbeat)).toBe(false);
  expect(ds('timing/timepix/trigger nr')).toEqual(built.triggerTimes.map((_, i) => i));
  expect(ds('timing/timepix/event trigger')).toEqual(built.triggerTimes);
  expect(ds('timing/timepix/timestamp')).toEqual(built.triggerTimes.map((t) => Math.trunc(t * 1e9)));
  expect(ds('triggers/trigger1/time')).toEqual(built.trigger1);
  expect(ds('triggers/trigger2/time')).toEqual([]);
  // Centroids: one per constructed cluster, at its centre (the cluster is symmetric around it).
  const [cn, cx, cy, ctof, cmax, csize] = [
    'centroided/trigger nr',
    'centroided/x',
    'centroided/y',
    'centroided/tof',
    'centroided/tot max',
    'centroided/clustersize',
  ].map(ds);
  expect(cn, algorithm).toHaveLength(built.centres.length);
  const found = cn.map((n, i) => ({ nr: n, x: cx[i], y: cy[i], tof: ctof[i], max: cmax[i], size: csize[i] }));
  found.sort((a, b) => a.nr - b.nr || a.tof - b.tof);
  const centres = [...built.centres].sort((a, b) => a.nr - b.nr || a.tof - b.tof);
  centres.forEach((c, i) => {
    const f = found[i];
    expect(f.nr).toBe(c.nr);
    expect(f.x).toBeCloseTo(c.x, 9);
    expect(f.y).toBeCloseTo(c.y, 9);
    expect(Math.abs(f.tof - c.tof)).toBeLessThan(1e-9);
    expect(f.size).toBe(9);
    expect(f.max).toBeGreaterThanOrEqual(1000);
  });
  const settings = groups.get('/metadata/settings')!;
  expect(Number(settings['camera generation'])).toBe(4);
  expect(settings['trigger source']).toBe('signal packets');
  expect(settings['coordinate dtype']).toBe('uint16');
  const counts = JSON.parse(groups.get('/metadata/counts')!.packets as string) as Record<string, number>;
  expect(counts.droppedBeforeHeartbeat).toBe(built.beforeHeartbeat);
  expect(counts.signalRise).toBe(N_TRIGGERS);
  expect(counts.signalFall).toBe(N_TRIGGERS);
}

describe('convert Timepix4', () => {
  it.each(['dbscan', 'stream'] as const)(
    '%s: rows, timing, triggers and centroids as built',
    async (algorithm) => {
      const output = join(dir, `api-${algorithm}.h5`);
      const summary = await convertRawFile({
        input,
        output,
        clustering: { ...DEFAULT_CLUSTERING, algorithm },
        version: 'test',
        workers: 2,
      });
      expect(summary.generation).toBe(4);
      expect(summary.tpx4Packets!.droppedBeforeHeartbeat).toBe(built.beforeHeartbeat);
      expect(summary.events.beforeFirstTrigger).toBe(built.beforeTrigger);
      expect(summary.triggers).toEqual({ trigger1: 2 * N_TRIGGERS, trigger2: 0 });
      await checkOutput(output, algorithm);
    },
  );

  it('applies the position offset', async () => {
    const output = join(dir, 'offset.h5');
    await convertRawFile({
      input,
      output,
      offset: [100, 7],
      clustering: { ...DEFAULT_CLUSTERING, algorithm: 'none' },
      version: 'test',
    });
    const { datasets } = await readH5(output);
    const x = datasets.get('raw/x')!.values.map(Number);
    expect(Math.max(...x)).toBe(Math.max(...built.rows.map((r) => r.x)) + 100);
  });

  it('applies orientation (the turned 512 x 448 sensor) and the hit time-walk table', async () => {
    const output = join(dir, 'right-walk.h5');
    const lut = Float64Array.from({ length: 100 }, (_, i) => (i + 1) * 1e-9);
    await convertRawFile({
      input,
      output,
      orientation: 'Right',
      hitTimewalk: { path: 'walk.npy', values: lut },
      clustering: { ...DEFAULT_CLUSTERING, algorithm: 'none' },
      version: 'test',
    });
    const { datasets, groups } = await readH5(output);
    const ds = (name: string): number[] => datasets.get(name)!.values.map(Number);
    const [nr, x, y, tof, tot] = ['raw/trigger nr', 'raw/x', 'raw/y', 'raw/tof', 'raw/tot'].map(ds);
    const got: Row[] = nr.map((n, i) => ({ nr: n, x: x[i], y: y[i], tof: tof[i], tot: tot[i] }));
    const want = built.rows.map((r) => {
      const k = Math.min(lut.length - 1, Math.max(0, Math.floor(r.tot / 25) - 1));
      return { nr: r.nr, x: 511 - r.y, y: r.x, tof: r.tof - lut[k], tot: r.tot };
    });
    expect(got).toHaveLength(want.length);
    got.sort(byRow);
    want.sort(byRow);
    for (let i = 0; i < want.length; i++) {
      const { tof: gt, ...g } = got[i];
      const { tof: wt, ...w } = want[i];
      expect(g).toEqual(w);
      expect(Math.abs(gt - wt)).toBeLessThanOrEqual(0.05e-9);
    }
    const settings = groups.get('/metadata/settings')!;
    expect(settings.orientation).toBe('Right');
    expect(JSON.parse(String(settings['sensor size']))).toEqual([512, 448]);
  });

  it('takes triggers from trigger pixels when they are set', async () => {
    const file = join(dir, 'trigger-pixels.raw');
    const hb = 5 * 65536;
    const words = new Uint8Array(8 * 64);
    let w = 0;
    writeTpx4Heartbeat(words, w++, hb);
    writeTpx4Signal(words, w++, true, hb + 10); // counted, not a trigger here
    const trig = (tick: number): number => tpx4PixelUnits(pixel(0, 0, tick)) / TPX4_UNITS_PER_SECOND;
    const hits: [number, number][] = [];
    for (let k = 0; k < 5; k++) {
      const t = hb + 100 + 1000 * k;
      writeTpx4Pixel(words, w++, pixel(0, 0, t)); // trigger 1 pixel
      writeTpx4Pixel(words, w++, pixel(447, 511, t + 3)); // trigger 2 pixel
      writeTpx4Pixel(words, w++, pixel(200, 200, t + 40)); // an ion
      hits.push([k, tpx4PixelUnits(pixel(200, 200, t + 40)) / TPX4_UNITS_PER_SECOND - trig(t)]);
      if (k % 2 === 1) writeTpx4Heartbeat(words, w++, t + 500);
    }
    writeFileSync(file, words.subarray(0, 8 * w));
    const output = join(dir, 'trigger-pixels.h5');
    const summary = await convertRawFile({
      input: file,
      output,
      triggerPixels: [0, 447 + 448 * 511],
      clustering: { ...DEFAULT_CLUSTERING, algorithm: 'none' },
      version: 'test',
    });
    expect(summary.triggers).toEqual({ trigger1: 10, trigger2: 10 });
    expect(summary.tpx4Triggers).toEqual({ source: 'trigger pixels', pixelHits: [5, 5] });
    const { datasets, groups } = await readH5(output);
    const ds = (name: string): number[] => datasets.get(name)!.values.map(Number);
    expect(ds('raw/x')).toEqual([200, 200, 200, 200, 200]);
    expect(ds('raw/trigger nr')).toEqual(hits.map((h) => h[0]));
    ds('raw/tof').forEach((t, i) => expect(Math.abs(t - hits[i][1])).toBeLessThanOrEqual(0.05e-9));
    const t1 = ds('triggers/trigger1/time');
    expect(t1).toHaveLength(10);
    expect(t1[0]).toBe(trig(hb + 100));
    expect(t1[1]).toBeCloseTo(
      -(trig(hb + 100) + pixel(0, 0, 0).totRaw * 25e-9 + 3 * 1.5625e-9 - 1.5625e-9),
      15,
    );
    expect(ds('triggers/trigger2/time')).toHaveLength(10);
    const settings = groups.get('/metadata/settings')!;
    expect(settings['trigger source']).toBe('trigger pixels');
    // The file browser takes the same triggers (one FileDecoder): 5 events of 5 triggers.
    const browsed = await browseRawFile(
      { path: file, processing: { triggerPixels: [0, 447 + 448 * 511], pipeline: 'pixel' } },
      { transport: 'inline' },
    );
    expect(browsed.snapshot.totals.triggers).toBe(5);
    expect(browsed.snapshot.totals.events).toBe(5);
    await expect(
      convertRawFile({
        input: file,
        output: join(dir, 'tp-bad.h5'),
        triggerPixels: [448 * 512],
        version: 'test',
      }),
    ).rejects.toThrow(/not a pixel index/);
    const cli = chronopix([
      'convert',
      file,
      '-o',
      join(dir, 'tp-cli.h5'),
      '--trigger-pixels',
      `0,${447 + 448 * 511}`,
    ]);
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/trigger 1 edges\s+5 rising, 5 falling \(trigger pixel hits\)/);
    expect(cli.stdout).toMatch(/trigger 2 edges\s+5 rising, 5 falling \(trigger pixel hits\)/);
    const bad = chronopix(['convert', file, '-o', join(dir, 'tp-cli2.h5'), '--trigger-pixels', 'x']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr.trim()).toMatch(/^chronopix: --trigger-pixels x: expected pixel indices/);
  });

  it('CLI: detects Timepix4 and says so; --camera 4 converts the same without the notice', async () => {
    const auto = join(dir, 'cli-auto.h5');
    const r = chronopix(['convert', input, '-o', auto]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.trim().split('\n')[0]).toBe(`chronopix: ${input}: detected Timepix4 (big-endian)`);
    expect(r.stdout).toMatch(/camera\s+Timepix4/);
    expect(r.stdout).toMatch(new RegExp(`${built.beforeHeartbeat} before the first heartbeat`));
    expect(r.stdout).toMatch(new RegExp(`trigger 1 edges\\s+${N_TRIGGERS} rising, ${N_TRIGGERS} falling`));
    await checkOutput(auto, 'dbscan');
    const given = join(dir, 'cli-given.h5');
    const g = chronopix(['convert', input, '-o', given, '--camera', '4', '--clustering', 'stream']);
    expect(g.status, g.stderr).toBe(0);
    expect(g.stderr).not.toMatch(/detected/);
    await checkOutput(given, 'stream');
  });

  it('CLI: a file with no heartbeat, and the wrong --camera, give one-line errors', async () => {
    const noHb = join(dir, 'nohb.raw');
    const words = new Uint8Array(8 * 64);
    for (let k = 0; k < 64; k++) writeTpx4Pixel(words, k, pixel(k, k, 1000 + k));
    writeFileSync(noHb, words);
    const tpx3 = join(dir, 'tpx3.raw');
    await writeGeneratedRun(tpx3, { seconds: 0.01, triggerRate: 1000, ionsPerTrigger: 2, seed: 3 }, {});
    const cases: [string[], RegExp][] = [
      [['convert', noHb, '--camera', '4', '-o', join(dir, 'nohb.h5')], /no Timepix4 heartbeat packet/],
      [['convert', tpx3, '--camera', '4', '-o', join(dir, 'x3.h5')], /does not look like a Timepix4 file/],
      [
        ['convert', input, '--camera', '3', '-o', join(dir, 'x4.h5')],
        /does not look like a Timepix3 file.*--camera 4/,
      ],
    ];
    for (const [args, pattern] of cases) {
      const r = chronopix(args);
      expect(r.status).not.toBe(0);
      expect(r.status).not.toBeNull();
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^chronopix: /);
      expect(lines[0]).toMatch(pattern);
    }
  });
});
