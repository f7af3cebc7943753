// Reads an HDF5 file back with h5wasm for tests: dataset values (64-bit integers as BigInt), dtypes
// and attributes.
import h5wasm from 'h5wasm/node';

export interface H5Dataset {
  dtype: string;
  values: (number | bigint)[];
  attrs: Record<string, unknown>;
}

export async function readH5(
  path: string,
): Promise<{ datasets: Map<string, H5Dataset>; groups: Map<string, Record<string, unknown>> }> {
  await h5wasm.ready;
  const f = new h5wasm.File(path, 'r');
  const datasets = new Map<string, H5Dataset>();
  const groups = new Map<string, Record<string, unknown>>();
  const attrsOf = (node: { attrs: Record<string, { value: unknown }> }): Record<string, unknown> =>
    Object.fromEntries(Object.entries(node.attrs).map(([k, a]) => [k, a.value]));
  try {
    const walk = (path: string): void => {
      const node = f.get(path);
      if (node instanceof h5wasm.Dataset) {
        const v = node.value as ArrayLike<number | bigint>;
        const m = node.metadata;
        const dtype = m.type === 0 ? `${m.signed ? 'int' : 'uint'}${m.size * 8}` : `float${m.size * 8}`;
        datasets.set(path.replace(/^\//, ''), {
          dtype,
          values: Array.from(v),
          attrs: attrsOf(node as never),
        });
      } else if (node instanceof h5wasm.Group) {
        groups.set(path, attrsOf(node as never));
        for (const key of node.keys()) walk(path === '/' ? `/${key}` : `${path}/${key}`);
      }
    };
    walk('/');
  } finally {
    f.close();
  }
  return { datasets, groups };
}
