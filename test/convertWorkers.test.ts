// The converter's output does not depend on how it runs: worker count, thread or inline stages,
// chunk size. Every dataset and attribute is identical except /metadata/run (Decision 11).
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CLUSTERING, type ClusteringAlgorithm } from '../shared/processingSettings';
import { type ConvertOptions, convertRawFile } from '../native-workers/io/convertRaw';
import { writeGeneratedRun } from '../native-workers/io/generateRun';
import { readH5 } from './readH5';
import { useTmpDir } from './tmpDir';

const dir = useTmpDir();
const input = join(dir, 'vmi.raw');

beforeAll(async () => {
  await writeGeneratedRun(input, { seconds: 1.5, triggerRate: 2000, ionsPerTrigger: 6, seed: 9 }, {});
});

async function convert(
  name: string,
  algorithm: ClusteringAlgorithm,
  extra: Partial<ConvertOptions>,
): Promise<string> {
  const output = join(dir, `${name}.h5`);
  await convertRawFile({
    input,
    output,
    clustering: { ...DEFAULT_CLUSTERING, algorithm },
    version: 'test',
    ...extra,
  });
  return output;
}

async function contents(path: string): Promise<{ datasets: object; groups: object }> {
  const { datasets, groups } = await readH5(path);
  groups.delete('/metadata/run');
  return { datasets: Object.fromEntries(datasets), groups: Object.fromEntries(groups) };
}

describe('output independent of workers, transport and chunking', () => {
  it.each(['dbscan', 'stream'] as const)(
    '%s: --workers 1, 2, 3, inline and small chunks give identical files',
    async (algorithm) => {
      const reference = await contents(await convert(`${algorithm}-w1`, algorithm, { workers: 1 }));
      const centroids = (reference.datasets as Record<string, { values: unknown[] }>)['centroided/x'];
      expect(centroids.values.length).toBeGreaterThan(1000); // the run really has clusters
      for (const [name, extra] of [
        ['w2', { workers: 2 }],
        ['w3', { workers: 3 }],
        ['inline', { transport: 'inline', workers: 2 }],
      ] as const) {
        expect(await contents(await convert(`${algorithm}-${name}`, algorithm, extra)), name).toEqual(
          reference,
        );
      }
    },
  );

  it('small read chunks give the same rows per trigger (their order within a trigger may differ)', async () => {
    const rows = async (path: string): Promise<string[]> => {
      const { datasets } = await readH5(path);
      const cols = ['trigger nr', 'x', 'y', 'tof', 'tot'].map((c) => datasets.get(`raw/${c}`)!.values);
      return cols[0].map((_, i) => cols.map((c) => String(c[i])).join('|')).sort();
    };
    const big = await rows(await convert('rows-big', 'none', {}));
    const small = await rows(await convert('rows-small', 'none', { chunkBytes: 64 * 1024 }));
    expect(big.length).toBeGreaterThan(100000);
    expect(small).toEqual(big);
  });
});
