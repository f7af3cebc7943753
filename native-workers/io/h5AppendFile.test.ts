// h5Append's file around its columns, read back through h5wasm (the HDF5 library, an independent
// reader): attributes, the .partial/commit/abort life cycle, and the one-line errors for folders
// that cannot be written. What appends write: h5Append.test.ts.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { describe, expect, it } from 'vitest';
import { describeIoError } from './fsErrors';
import { createH5File } from './h5Append';
import { readDataset, useH5Dir } from './h5AppendTestKit';

const dir = useH5Dir();

function groupAttrs(path: string, name: string): Record<string, unknown> {
  const f = new h5wasm.File(path, 'r');
  try {
    const out: Record<string, unknown> = {};
    for (const [k, a] of Object.entries((f.get(name) as InstanceType<typeof h5wasm.Group>).attrs))
      out[k] = a.value;
    return out;
  } finally {
    f.close();
  }
}

describe('attributes', () => {
  it('overwrites values and keeps types: int64, float64, string, bool', async () => {
    const path = join(dir, 'attrs.h5');
    const f = await createH5File(path);
    f.group('raw', { description: 'timewalk corrected raw events', 'nr events': 0 });
    const c = f.column('raw/x', 'uint8', { unit: 'px' });
    f.setAttrs('raw/x', { unit: 'pixel' }); // before the dataset exists
    c.append(Uint8Array.of(1, 2), 2);
    f.setAttrs('raw', { 'nr events': 2 ** 40 + 1, ratio: 0.5, ok: true });
    f.setAttrs('raw', { ratio: 0.25 });
    f.group('a/b/c', { big: 2n ** 63n });
    await f.commit();
    expect(groupAttrs(path, 'raw')).toEqual({
      description: 'timewalk corrected raw events',
      'nr events': 2n ** 40n + 1n,
      ratio: 0.25,
      ok: 1,
    });
    expect(groupAttrs(path, 'a/b/c')).toEqual({ big: 2n ** 63n });
    expect(readDataset(path, 'raw/x').attrs).toEqual({ unit: 'pixel' });
  });
  it('stores strings as UTF-8 of any length, empty ones too, on the root, groups and columns', async () => {
    const path = join(dir, 'strings.h5');
    const f = await createH5File(path);
    const long = 'long '.repeat(2000);
    f.setAttrs('/', { title: 'run 7', empty: '' });
    f.group('ünï', { 'naïve ✓': 'ßtraße', long });
    const c = f.column('ünï/v', 'float64');
    c.append(Float64Array.of(1), 1);
    f.setAttrs('ünï/v', { unit: 'µs' }); // after the column's first rows
    await f.commit();
    expect(groupAttrs(path, '/')).toEqual({ title: 'run 7', empty: '' });
    expect(groupAttrs(path, 'ünï')).toEqual({ 'naïve ✓': 'ßtraße', long });
    expect(readDataset(path, 'ünï/v').attrs).toEqual({ unit: 'µs' });
  });

  it('refuses attribute names and values HDF5 cannot hold, when they are set', async () => {
    const f = await createH5File(join(dir, 'bad-attrs.h5'));
    f.group('g');
    expect(() => f.setAttrs('g', { '': 1 })).toThrow(/bad attribute name/);
    expect(() => f.setAttrs('g', { a: 2n ** 64n })).toThrow(/does not fit 64 bits/);
    expect(() => f.setAttrs('nowhere', { a: 1 })).toThrow(/no group or column nowhere/);
    f.abort();
  });
});

describe('life cycle', () => {
  it('writes to .partial and takes the final name only at commit', async () => {
    const path = join(dir, 'cycle.h5');
    const f = await createH5File(path);
    f.column('v', 'float64').append(Float64Array.of(1, 2, 3), 3);
    expect(f.partialPath).toBe(`${path}.partial`);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(f.partialPath)).toBe(true);
    await f.commit();
    expect(existsSync(path)).toBe(true);
    expect(existsSync(f.partialPath)).toBe(false);
    f.abort(); // after commit: a no-op, the file stays
    expect(existsSync(path)).toBe(true);
  });

  it('abort removes the partial, twice is safe, and later calls fail', async () => {
    const path = join(dir, 'aborted.h5');
    const f = await createH5File(path);
    const c = f.column('v', 'float64');
    c.append(Float64Array.of(1), 1);
    f.abort();
    f.abort();
    expect(existsSync(f.partialPath)).toBe(false);
    expect(existsSync(path)).toBe(false);
    expect(() => c.append(Float64Array.of(2), 1)).toThrow(/aborted/);
    await expect(f.commit()).rejects.toThrow(/aborted/);
  });

  it('refuses to overwrite without force; with force replaces the file at commit', async () => {
    const path = join(dir, 'exists.h5');
    writeFileSync(path, 'old');
    await expect(createH5File(path)).rejects.toThrow(`${path} already exists; pass --force to overwrite`);
    const f = await createH5File(path, { force: true });
    f.column('v', 'float64').append(Float64Array.of(7), 1);
    expect(readFileSync(path, 'utf8')).toBe('old');
    await f.commit();
    expect(Array.from(readDataset(path, 'v').value as Float64Array)).toEqual([7]);
  });

  it('replaces a partial left by a crashed run', async () => {
    const path = join(dir, 'stale.h5');
    writeFileSync(`${path}.partial`, 'garbage from a crash');
    const f = await createH5File(path);
    f.column('v', 'float64').append(Float64Array.of(1), 1);
    await f.commit();
    expect(Array.from(readDataset(path, 'v').value as Float64Array)).toEqual([1]);
  });
});

describe('errors', () => {
  it('names a missing folder', async () => {
    const path = join(dir, 'no-such-folder', 'out.h5');
    await expect(createH5File(path)).rejects.toThrow(
      `cannot create ${path}: folder ${join(dir, 'no-such-folder')} does not exist`,
    );
  });

  it('names a folder that is a file', async () => {
    const notDir = join(dir, 'plain-file');
    writeFileSync(notDir, '');
    await expect(createH5File(join(notDir, 'out.h5'))).rejects.toThrow(
      /cannot create .*out\.h5: .*plain-file is not a folder$/,
    );
  });

  it.skipIf(process.getuid?.() === 0)('names a folder without write permission', async () => {
    const ro = join(dir, 'read-only');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    try {
      await expect(createH5File(join(ro, 'out.h5'))).rejects.toThrow(
        `folder ${ro} is not writable (permission denied)`,
      );
    } finally {
      chmodSync(ro, 0o755);
    }
  });

  it('says in a few words why a write failed', () => {
    const err = (code: string): NodeJS.ErrnoException =>
      Object.assign(new Error(`${code}: write failed`), { code });
    expect(describeIoError(err('ENOSPC'))).toBe('No space left on device');
    expect(describeIoError(err('EACCES'))).toBe('Permission denied');
    expect(describeIoError(err('EROFS'))).toBe('Read-only file system');
    expect(describeIoError(err('EIO'))).toBe('Input/output error');
    expect(describeIoError(err('EWEIRD'))).toBe('EWEIRD: write failed');
  });
});
