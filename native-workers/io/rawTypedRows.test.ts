import { describe, expect, it } from 'vitest';
import { emptyEventBatch } from '../../shared/batches';
import { rawTypedRows } from './rawTypedRows';

function events(nr: number[], x: number[], y: number[]) {
  const ev = emptyEventBatch(nr.length + 3); // longer than n: only n rows count
  ev.n = nr.length;
  ev.triggerNr.set(nr);
  ev.x.set(x);
  ev.y.set(y);
  return ev;
}

describe('rawTypedRows', () => {
  it('gives uint64 trigger numbers (beyond 2^32 and 2^53 - 1 exactly) and uint8 coordinates', () => {
    const nr = [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 7, 2 ** 53 - 1];
    const r = rawTypedRows(events(nr, [0, 5, 255, 1, 2, 3], [255, 0, 7, 8, 9, 10]), 'uint8');
    expect(r.n).toBe(6);
    expect(Array.from(r.triggerNr.subarray(0, 6))).toEqual(nr.map((v) => BigInt(v)));
    expect(r.x).toBeInstanceOf(Uint8Array);
    expect(Array.from(r.x.subarray(0, 6))).toEqual([0, 5, 255, 1, 2, 3]);
    expect(Array.from(r.y.subarray(0, 6))).toEqual([255, 0, 7, 8, 9, 10]);
  });
  it('refills columns handed back when they are large enough, else makes new ones', () => {
    const first = rawTypedRows(events([1, 2, 3], [1, 2, 3], [4, 5, 6]), 'uint8');
    const again = rawTypedRows(events([9, 8], [7, 6], [5, 4]), 'uint8', first);
    expect(again).toBe(first);
    expect(Array.from(again.triggerNr.subarray(0, 2))).toEqual([9n, 8n]);
    expect(Array.from(again.x.subarray(0, 2))).toEqual([7, 6]);
    const many = Array.from({ length: 5000 }, (_, i) => i);
    const grown = rawTypedRows(
      events(
        many,
        many.map((v) => v % 256),
        many.map((v) => v % 7),
      ),
      'uint8',
      first,
    );
    expect(grown).not.toBe(first);
    expect(Number(grown.triggerNr[4999])).toBe(4999);
  });
  it('keeps uint16 coordinates as the events hold them', () => {
    const ev = events([3], [300], [511]);
    const r = rawTypedRows(ev, 'uint16');
    expect(r.x).toBe(ev.x);
    expect(r.y).toBe(ev.y);
    expect(r.triggerNr[0]).toBe(3n);
  });
  it('refuses a coordinate beyond uint8 instead of wrapping it', () => {
    expect(() => rawTypedRows(events([0, 0], [1, 256], [0, 0]), 'uint8')).toThrow(/256 does not fit uint8/);
  });
});
