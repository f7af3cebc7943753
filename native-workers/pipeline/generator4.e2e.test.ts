// The Timepix4 generator end to end: `chronopix generate --camera 4` and writeGeneratedRun write the
// generator's bytes (no header) and its truth; convertRawFile detects the file as Timepix4 and its
// centroids recover the true ions about as well as for the same Timepix3 run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CentroidBatch } from '../../shared/batches';
import { DEFAULT_CLUSTERING } from '../../shared/processingSettings';
import { chronopix } from '../../test/cli';
import { readH5 } from '../../test/readH5';
import { useTmpDir } from '../../test/tmpDir';
import { convertRawFile } from '../io/convertRaw';
import { writeGeneratedRun } from '../io/generateRun';
import { type IonTruthColumns, clusterQuality } from './clusterQuality';
import { createVmiGenerator4 } from './generator4';
import type { VmiOptions } from './vmiModel';

const dir = useTmpDir('chronopix-generate4-');

const f64 = (v: ArrayLike<number | bigint>): Float64Array => Float64Array.from(v, Number);

async function truthOf(path: string): Promise<IonTruthColumns & { hitIon: number[]; camera: number }> {
  const { datasets, groups } = await readH5(path);
  const ds = (name: string): Float64Array => f64(datasets.get(name)!.values as ArrayLike<number | bigint>);
  const triggerNr = ds('ions/trigger nr');
  return {
    n: triggerNr.length,
    triggerNr,
    x: ds('ions/x'),
    y: ds('ions/y'),
    tof: ds('ions/tof'),
    hitIon: Array.from(ds('hits/ion')),
    camera: Number(groups.get('/')?.['camera generation']),
  };
}

async function centroidsOf(path: string): Promise<CentroidBatch> {
  const { datasets } = await readH5(path);
  const ds = (name: string): Float64Array =>
    f64(datasets.get(`centroided/${name}`)!.values as ArrayLike<number | bigint>);
  const triggerNr = ds('trigger nr');
  return {
    n: triggerNr.length,
    triggerNr,
    x: ds('x'),
    y: ds('y'),
    tof: ds('tof'),
    totAvg: ds('tot avg'),
    totMax: ds('tot max'),
    size: ds('clustersize'),
  };
}

async function convert(input: string, output: string, camera?: 3 | 4) {
  return convertRawFile({
    input,
    output,
    camera,
    clustering: { ...DEFAULT_CLUSTERING },
    version: 'test',
    workers: 2,
  });
}

describe('generate Timepix4 end to end', () => {
  it('converts a generated run back to its ions about as well as Timepix3', async () => {
    const options: VmiOptions = { seconds: 0.2, triggerRate: 1000, ionsPerTrigger: 5, seed: 21 };
    const fractions: Record<number, number> = {};
    for (const camera of [3, 4] as const) {
      const raw = join(dir, `run${camera}.raw`);
      const truthPath = join(dir, `truth${camera}.h5`);
      const out = join(dir, `run${camera}.h5`);
      const summary = await writeGeneratedRun(raw, options, { truthPath, camera });
      expect(summary.camera).toBe(camera);
      const conv = await convert(raw, out);
      expect(conv.generation).toBe(camera);
      expect(conv.triggers.trigger1).toBe(2 * summary.triggers);
      const truth = await truthOf(truthPath);
      expect(truth.camera).toBe(camera);
      expect(truth.n).toBe(summary.ions);
      expect(truth.hitIon).toHaveLength(summary.pixels);
      if (camera === 4) {
        expect(conv.tpx4Packets!.pixels).toBe(summary.pixels);
        expect(conv.tpx4Packets!.droppedBeforeHeartbeat).toBe(0);
        expect(conv.tpx4Packets!.signalRise).toBe(summary.triggers);
      }
      const q = clusterQuality(truth, await centroidsOf(out), { centroidOffsetPx: 0.5 });
      fractions[camera] = q.fraction;
      expect(q.fraction, JSON.stringify(q)).toBeGreaterThan(0.9);
      expect(Math.abs(q.meanDx)).toBeLessThan(0.1);
      expect(Math.abs(q.meanDy)).toBeLessThan(0.1);
    }
    expect(Math.abs(fractions[4] - fractions[3])).toBeLessThan(0.03);
  });

  it('chronopix generate --camera 4 writes the generator bytes and converts as Timepix4', async () => {
    const out = join(dir, 'cli4.raw');
    const truth = join(dir, 'cli4-truth.h5');
    const args = ['generate', out, '--camera', '4', '--seconds', '0.05', '--seed', '4', '--truth', truth];
    const r = chronopix(args);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/cli4\.raw: [\d,]+ bytes, 0\.05 s, 50 triggers, [\d,]+ ions/);
    const gen = createVmiGenerator4({ seconds: 0.05, seed: 4 });
    const parts: Buffer[] = [];
    for (let c = gen.next(); c; c = gen.next()) {
      parts.push(Buffer.from(new Uint8Array(c.words.buffer, c.words.byteOffset, c.words.byteLength)));
    }
    expect(readFileSync(out).equals(Buffer.concat(parts))).toBe(true);
    expect((await truthOf(truth)).n).toBe(gen.counts.ions);
    const c = chronopix(['convert', out, '-o', join(dir, 'cli4.h5')]);
    expect(c.status, c.stderr).toBe(0);
    expect(c.stderr).toMatch(/detected Timepix4/);
    expect(c.stdout).toMatch(/trigger 1 edges\s+50 rising, 50 falling/);
    const bad = chronopix(['generate', join(dir, 'x.raw'), '--camera', '5']);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toMatch(/^chronopix: --camera 5: must be 3 \(Timepix3\) or 4 \(Timepix4\)$/);
  });
});
