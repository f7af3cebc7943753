// What a failing disk does to an h5Append file: `fs.writeSync` is made to fail with ENOSPC (a full
// disk cannot be had on demand in a test) at a data write and at the metadata write at commit. The
// error is one line naming the partial file, the file is poisoned (later appends and the commit
// throw the same error) and the partial is deleted.
import * as fs from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createH5File } from './h5Append';

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return { ...real, writeSync: vi.fn(real.writeSync), write: vi.fn(real.write) };
});
const realWriteSync = (await vi.importActual<typeof import('node:fs')>('node:fs')).writeSync;

const dir = mkdtempSync(join(tmpdir(), 'h5append-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.mocked(fs.writeSync).mockClear();
  vi.mocked(fs.write).mockClear();
});

function failNextWrite(code: string, text: string): void {
  vi.mocked(fs.writeSync).mockImplementationOnce(() => {
    throw Object.assign(new Error(`${code}: ${text}, write`), { code });
  });
}

describe('write failures', () => {
  it('a failed data write poisons the file; abort at commit deletes the partial', async () => {
    const path = join(dir, 'full.h5');
    const f = await createH5File(path, { chunkRows: 4, blockRows: 8 });
    const v = f.column('raw/v', 'uint16');
    v.append(new Float64Array(7), 7); // converted into the staging block, nothing written yet
    failNextWrite('ENOSPC', 'no space left on device');
    const message = `cannot write raw/v to ${path}.partial: No space left on device`;
    expect(() => v.append(new Float64Array(1), 1)).toThrow(message);
    expect(() => v.append(new Float64Array(1), 1)).toThrow(message);
    expect(() => f.group('other')).toThrow(message);
    await expect(f.commit()).rejects.toThrow(message);
    expect(fs.existsSync(`${path}.partial`)).toBe(false);
    expect(fs.existsSync(path)).toBe(false);
  });

  it('a failed metadata write fails the commit with the reason and leaves no file', async () => {
    const path = join(dir, 'eio.h5');
    const f = await createH5File(path, { chunkRows: 4, blockRows: 8 });
    f.column('v', 'uint8').append(Uint8Array.of(1, 2, 3), 3);
    // The first write at commit is the column's rows, the second the metadata.
    vi.mocked(fs.writeSync).mockImplementationOnce(realWriteSync);
    failNextWrite('EIO', 'i/o error');
    await expect(f.commit()).rejects.toThrow(`cannot write metadata to ${path}.partial: Input/output error`);
    expect(fs.existsSync(`${path}.partial`)).toBe(false);
    expect(fs.existsSync(path)).toBe(false);
  });

  it('a failed background write (write-behind) poisons the file: the next append or the commit says why', async () => {
    const path = join(dir, 'behind.h5');
    const f = await createH5File(path, { chunkRows: 4, blockRows: 8, writeBehindBytes: 1 << 20 });
    const v = f.column('v', 'float64');
    vi.mocked(fs.write).mockImplementationOnce(((...args: unknown[]) => {
      const cb = args.at(-1) as (err: NodeJS.ErrnoException | null, n: number) => void;
      setImmediate(() =>
        cb(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }), 0),
      );
    }) as unknown as typeof fs.write);
    v.append(new Float64Array(8), 8); // a full block: written in the background
    expect(fs.write).toHaveBeenCalledTimes(1);
    await new Promise((r) => setImmediate(r));
    const message = `cannot write v to ${path}.partial: No space left on device`;
    expect(() => v.append(new Float64Array(1), 1)).toThrow(message);
    await expect(f.commit()).rejects.toThrow(message);
    expect(fs.existsSync(`${path}.partial`)).toBe(false);
    expect(fs.existsSync(path)).toBe(false);
  });
});
