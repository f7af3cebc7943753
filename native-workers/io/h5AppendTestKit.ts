// Test helpers shared by h5Append.test.ts and h5AppendFile.test.ts: a temporary folder with h5wasm
// (the HDF5 library, the independent reader) ready, and a dataset read back through it.
import h5wasm from 'h5wasm/node';
import { beforeAll } from 'vitest';
import { useTmpDir } from '../../test/tmpDir';

/** A fresh folder for this test file's HDF5 files, removed afterwards; h5wasm is ready before the tests. */
export function useH5Dir(): string {
  beforeAll(async () => {
    await h5wasm.ready;
  });
  return useTmpDir('h5append-');
}

export interface ReadBack {
  value: unknown;
  shape: number[] | null;
  maxshape: (number | null)[] | null;
  chunks: number[] | null;
  dtype: unknown;
  attrs: Record<string, unknown>;
}

export function readDataset(path: string, name: string): ReadBack {
  const f = new h5wasm.File(path, 'r');
  try {
    const ds = f.get(name) as InstanceType<typeof h5wasm.Dataset>;
    const attrs: Record<string, unknown> = {};
    for (const [k, a] of Object.entries(ds.attrs)) attrs[k] = a.value;
    const { shape, maxshape, chunks } = ds.metadata;
    return { value: ds.value, shape, maxshape, chunks, dtype: ds.dtype, attrs };
  } finally {
    f.close();
  }
}
