// h5Append: files written by our own HDF5 writer, read back through h5wasm (the HDF5 library, an
// independent reader): appends equal what was written (across chunk and block boundaries, written
// straight from the caller's array or through the staging block, uint64 beyond 2^32 and 2^53
// exactly, chunk indexes of one to three B-tree levels). Attributes, the .partial/commit/abort life
// cycle and the errors for folders that cannot be written: h5AppendFile.test.ts.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectDescriptor } from './directWrite';
import { BLOCK_ROWS, CHUNK_ROWS, createH5File } from './h5Append';
import { readDataset, useH5Dir } from './h5AppendTestKit';

const dir = useH5Dir();

/** h5wasm reports an unlimited dimension (h5py's None) as H5S_UNLIMITED, 2^64 - 1, as a number. */
const UNLIMITED = 2 ** 64;

describe('appends', () => {
  it('reads back what several appends wrote, across chunk and block boundaries', async () => {
    const path = join(dir, 'appends.h5');
    const f = await createH5File(path, { chunkRows: 4, blockRows: 8 });
    const tof = f.column('raw/tof', 'float64', { unit: 's' });
    const x = f.column('raw/x', 'uint8');
    const tot = f.column('raw/tot', 'uint32');
    const expectTof: number[] = [];
    const expectX: number[] = [];
    for (const n of [3, 0, 5, 13, 1, 7]) {
      const t = Float64Array.from({ length: n + 2 }, (_, i) => expectTof.length + i + 0.25);
      const xs = Uint16Array.from({ length: n + 2 }, (_, i) => (expectX.length + i) % 256);
      tof.append(t, n);
      x.append(xs, n);
      tot.append(
        Uint32Array.from(xs, (v) => v * 25),
        n,
      );
      expectTof.push(...t.subarray(0, n));
      expectX.push(...xs.subarray(0, n));
    }
    expect(tof.length).toBe(29);
    await f.commit();
    const t = readDataset(path, 'raw/tof');
    expect(Array.from(t.value as Float64Array)).toEqual(expectTof);
    expect(t).toMatchObject({ shape: [29], maxshape: [UNLIMITED], chunks: [4], attrs: { unit: 's' } });
    expect(Array.from(readDataset(path, 'raw/x').value as Uint8Array)).toEqual(expectX);
    expect(readDataset(path, 'raw/x').dtype).toBe('<B');
    expect(Array.from(readDataset(path, 'raw/tot').value as Uint32Array)).toEqual(expectX.map((v) => v * 25));
  });

  it('writes several full blocks with the default chunking (the staging block grows meanwhile)', async () => {
    const path = join(dir, 'blocks.h5');
    const n = 2 * BLOCK_ROWS + 12_345;
    const t = Float64Array.from({ length: n }, (_, i) => i * 0.5);
    const u = Float64Array.from({ length: n }, (_, i) => i + 2 ** 33);
    const f = await createH5File(path);
    const [ct, cu] = [f.column('t', 'float64'), f.column('u', 'uint64')];
    for (let off = 0; off < n; off += 400_000) {
      const k = Math.min(400_000, n - off);
      ct.append(t.subarray(off, off + k), k);
      cu.append(u.subarray(off, off + k), k);
    }
    await f.commit();
    const rt = readDataset(path, 't');
    const ru = readDataset(path, 'u');
    expect(rt).toMatchObject({ shape: [n], chunks: [CHUNK_ROWS] });
    const [vt, vu] = [rt.value as Float64Array, ru.value as BigUint64Array];
    let bad = 0;
    for (let i = 0; i < n; i++) if (vt[i] !== t[i] || vu[i] !== BigInt(u[i])) bad++;
    expect(bad).toBe(0);
  });

  it('writes 64-bit integers exactly, beyond 2^32 and 2^53', async () => {
    const path = join(dir, 'u64.h5');
    const f = await createH5File(path);
    const u = [
      0,
      1,
      2 ** 32 - 1,
      2 ** 32,
      2 ** 32 + 5,
      2 ** 53 - 1,
      2 ** 60,
      1735689600001500000,
      2 ** 64 - 2048,
    ];
    const i = [-1, -(2 ** 32) - 7, -(2 ** 53) + 1, 2 ** 62, -(2 ** 63)];
    f.column('u', 'uint64').append(Float64Array.from(u), u.length);
    f.column('i', 'int64').append(Float64Array.from(i), i.length);
    f.column('b', 'uint64').append(BigUint64Array.of(2n ** 64n - 1n, 3n), 2);
    await f.commit();
    expect(Array.from(readDataset(path, 'u').value as BigUint64Array)).toEqual(u.map((v) => BigInt(v)));
    expect(Array.from(readDataset(path, 'i').value as BigInt64Array)).toEqual(i.map((v) => BigInt(v)));
    expect(Array.from(readDataset(path, 'b').value as BigUint64Array)).toEqual([2n ** 64n - 1n, 3n]);
    expect(readDataset(path, 'u').dtype).toBe('<Q');
    expect(readDataset(path, 'i').dtype).toBe('<q');
  });

  it('writes whole chunks straight from the caller, buffers the rest, and keeps no reference', async () => {
    const path = join(dir, 'direct.h5');
    const f = await createH5File(path, { chunkRows: 4, blockRows: 8 });
    const [u, d, c] = [f.column('u', 'uint32'), f.column('d', 'float64'), f.column('c', 'uint16')];
    const expected: number[] = [];
    for (const n of [8, 3, 9, 1, 12, 4, 4, 2, 17, 0, 6]) {
      const vals = Uint32Array.from({ length: n }, (_, i) => expected.length + i);
      u.append(vals, n);
      d.append(
        Float64Array.from(vals, (v) => v / 4),
        n,
      );
      c.append(Float64Array.from(vals), n); // converted: always through the staging block
      expected.push(...vals);
      vals.fill(0); // the caller reuses its buffer: what was appended must not change
    }
    await f.commit();
    expect(Array.from(readDataset(path, 'u').value as Uint32Array)).toEqual(expected);
    expect(Array.from(readDataset(path, 'd').value as Float64Array)).toEqual(expected.map((v) => v / 4));
    expect(Array.from(readDataset(path, 'c').value as Uint16Array)).toEqual(expected);
    expect(readDataset(path, 'u')).toMatchObject({ shape: [expected.length], chunks: [4] });
  });

  it('with write-behind, writes the same file from its own blocks while the caller reuses its arrays', async () => {
    // 48 bytes in flight at most: some blocks go in the background, others (past the bound) in
    // this thread; the caller scribbles over each array right after appending it.
    const sizes = [8, 3, 9, 1, 12, 4, 4, 2, 17, 0, 6, 33];
    const write = async (name: string, writeBehindBytes: number): Promise<string> => {
      const path = join(dir, name);
      const f = await createH5File(path, { chunkRows: 4, blockRows: 8, writeBehindBytes });
      const [u, d, x] = [f.column('u', 'uint32'), f.column('d', 'float64'), f.column('x', 'uint8')];
      let next = 0;
      for (const n of sizes) {
        const vals = Uint32Array.from({ length: n }, (_, i) => next + i);
        const dv = Float64Array.from(vals, (v) => v / 4);
        const xv = Uint16Array.from(vals, (v) => v % 256);
        u.append(vals, n);
        d.append(dv, n);
        x.append(xv, n);
        next += n;
        vals.fill(0);
        dv.fill(-1);
        xv.fill(7);
      }
      await f.commit();
      return path;
    };
    const sync = await write('behind-sync.h5', 0);
    const behind = await write('behind.h5', 48);
    const total = sizes.reduce((a, b) => a + b, 0);
    const expected = Array.from({ length: total }, (_, i) => i);
    expect(Array.from(readDataset(behind, 'u').value as Uint32Array)).toEqual(expected);
    expect(Array.from(readDataset(behind, 'd').value as Float64Array)).toEqual(expected.map((v) => v / 4));
    expect(Array.from(readDataset(behind, 'x').value as Uint8Array)).toEqual(expected.map((v) => v % 256));
    expect(readDataset(behind, 'u')).toMatchObject({ shape: [total], chunks: [4] });
    // The same rows as without write-behind (the chunks may lie elsewhere in the file).
    for (const col of ['u', 'd', 'x'])
      expect(Array.from(readDataset(behind, col).value as Uint8Array)).toEqual(
        Array.from(readDataset(sync, col).value as Uint8Array),
      );
  });

  it('with write-behind, stages a column of small appends a chunk at a time, of large ones a block at a time', async () => {
    // 1024-row chunks, 8192-row blocks (64 KB of float64). Timing rows and trigger edges arrive a
    // few at a time all through a file: a whole block each would be touched slowly over the file,
    // and the conversion's peak memory would grow with the file.
    const write = async (name: string, writeBehindBytes: number): Promise<[string, number]> => {
      const path = join(dir, name);
      const f = await createH5File(path, { chunkRows: 1024, blockRows: 8192, writeBehindBytes });
      const small = f.column('small', 'float64');
      for (let i = 0; i < 2500; i++) small.append(Float64Array.of(2 * i, 2 * i + 1), 2);
      const pool = f.blockPoolBytes;
      // Then large appends: from the next chunk boundary on, whole blocks.
      small.append(
        Float64Array.from({ length: 20_000 }, (_, i) => 5000 + i),
        20_000,
      );
      await f.commit();
      return [path, pool];
    };
    const [sync] = await write('stage-sync.h5', 0);
    const [behind, pool] = await write('stage-behind.h5', 64 << 10);
    // 5000 rows in 2-row appends: chunk-sized blocks (8 KB), a few at most in flight at once.
    expect(pool).toBeGreaterThan(0);
    expect(pool).toBeLessThanOrEqual(5 * 8192);
    const expected = Array.from({ length: 25_000 }, (_, i) => i);
    expect(Array.from(readDataset(behind, 'small').value as Float64Array)).toEqual(expected);
    expect(Array.from(readDataset(sync, 'small').value as Float64Array)).toEqual(expected);
    expect(readDataset(behind, 'small')).toMatchObject({ shape: [25_000], chunks: [1024] });
  });

  it('with write-behind, writes whole aligned blocks past the page cache, the same rows as without', async (ctx) => {
    // 1024-row chunks, written in blocks of 4096 rows: 16 KB, 32 KB and 4 KB blocks of uint32,
    // float64 and uint8, all direct but the last of x, whose 1808 rows fill two 1 KB chunks.
    const n = 10_000; // the last chunk of each column is part-full: filled up with zeros
    const write = async (name: string, direct: boolean): Promise<[string, number]> => {
      const path = join(dir, name);
      const f = await createH5File(path, {
        chunkRows: 1024,
        blockRows: 4096,
        writeBehindBytes: 1 << 20,
        direct,
      });
      const vals = Uint32Array.from({ length: n }, (_, i) => i * 7);
      f.column('u', 'uint32').append(vals, n);
      f.column('d', 'float64').append(
        Float64Array.from(vals, (v) => v / 8),
        n,
      );
      f.column('x', 'uint8').append(
        Uint16Array.from(vals, (v) => v % 251),
        n,
      );
      await f.commit();
      return [path, f.directBytes];
    };
    // Whether this folder's file system takes direct writes is asked of it, not read from the
    // result: a writer that silently stopped writing directly must fail here, not skip.
    const probe = join(dir, 'direct-probe');
    writeFileSync(probe, '');
    const probed = await DirectDescriptor.open(probe);
    const supported = probed.on;
    await probed.close();
    if (!supported) ctx.skip(`${dir}: this file system refuses O_DIRECT`);
    const [direct, directBytes] = await write('aligned-direct.h5', true);
    const [buffered, none] = await write('aligned-buffered.h5', false);
    expect(none).toBe(0);
    // u (40,000 B) and d (80,000 B) in whole 4 KB pages, their last chunks filled up; x's 8 KB.
    expect(directBytes).toBe(40_960 + 81_920 + 8192);
    for (const col of ['u', 'd', 'x'])
      expect(Array.from(readDataset(direct, col).value as Uint8Array)).toEqual(
        Array.from(readDataset(buffered, col).value as Uint8Array),
      );
    expect(Array.from((readDataset(direct, 'u').value as Uint32Array).slice(-2))).toEqual([
      9998 * 7,
      9999 * 7,
    ]);
  });

  it('indexes more chunks than one B-tree node holds (2 and 3 levels)', async () => {
    const path = join(dir, 'btree.h5');
    const f = await createH5File(path, { chunkRows: 2, blockRows: 8 });
    const rows = { two: 2 * 65 - 1, three: 2 * (64 * 64 + 7) + 1 };
    const i64 = Float64Array.from({ length: rows.three }, (_, i) => (i % 2 ? -i : i * 2 ** 20));
    const f32 = Float32Array.from({ length: rows.two }, (_, i) => i + 0.5);
    const three = f.column('g/three', 'int64');
    const two = f.column('g/two', 'float32');
    for (let off = 0; off < rows.three; off += 999) {
      const n = Math.min(999, rows.three - off);
      three.append(i64.subarray(off), n);
    }
    two.append(f32, rows.two);
    await f.commit();
    const r3 = readDataset(path, 'g/three');
    expect(r3).toMatchObject({ shape: [rows.three], chunks: [2], dtype: '<q' });
    expect(Array.from(r3.value as BigInt64Array)).toEqual(Array.from(i64, (v) => BigInt(v)));
    expect(Array.from(readDataset(path, 'g/two').value as Float32Array)).toEqual(Array.from(f32));
  });

  it('rejects values that do not fit, and refuses to commit after that', async () => {
    const path = join(dir, 'range.h5');
    const f = await createH5File(path);
    const x = f.column('x', 'uint8');
    expect(() => x.append(Uint16Array.of(3, 256), 2)).toThrow(/x: value 256 does not fit/);
    expect(() => x.append(Uint16Array.of(1), 1)).toThrow(/value 256/); // the file stays failed
    await expect(f.commit()).rejects.toThrow(/value 256/);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(`${path}.partial`)).toBe(false);
    for (const [dtype, v] of [
      ['uint64', 1.5],
      ['uint64', -1],
      ['int64', 2 ** 63],
      ['uint32', NaN],
    ] as const) {
      const g = await createH5File(join(dir, 'range2.h5'));
      expect(() => g.column('c', dtype).append(Float64Array.of(v), 1)).toThrow(`c: value ${v} does not fit`);
      g.abort();
    }
  });

  it('creates empty columns as zero-length, chunked, extendable datasets', async () => {
    const path = join(dir, 'empty.h5');
    const f = await createH5File(path);
    f.column('g/empty', 'float64', { unit: 's' });
    await f.commit();
    expect(readDataset(path, 'g/empty')).toMatchObject({ shape: [0], maxshape: [UNLIMITED], chunks: [1] });
  });
});
