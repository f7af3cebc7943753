// ByteWriter: little-endian fields, growth past its first allocation (fields keep their values),
// zero fill, and refusal of values that do not fit their field.
import { describe, expect, it } from 'vitest';
import { ByteWriter, UNDEF_ADDR } from './byteWriter';

describe('ByteWriter', () => {
  it('writes little-endian fields and keeps them while growing', () => {
    const w = new ByteWriter(16);
    for (let i = 0; i < 1000; i++)
      w.u8(i & 0xff)
        .u16(i)
        .u32(i * 65537)
        .u64(i * 2 ** 40)
        .u64(UNDEF_ADDR);
    expect(w.length).toBe(1000 * 23);
    const v = new DataView(w.view8().slice().buffer);
    for (const i of [0, 1, 500, 999]) {
      const at = i * 23;
      expect([v.getUint8(at), v.getUint16(at + 1, true), v.getUint32(at + 3, true)]).toEqual([
        i & 0xff,
        i,
        (i * 65537) >>> 0,
      ]);
      expect(v.getBigUint64(at + 7, true)).toBe(BigInt(i) * 2n ** 40n);
      expect(v.getBigUint64(at + 15, true)).toBe(2n ** 64n - 1n);
    }
  });

  it('zero-fills and appends bytes', () => {
    const w = new ByteWriter(16);
    w.u32(0xdeadbeef).zeros(40).bytes(Uint8Array.of(7, 8));
    expect(Buffer.from(w.view8(0, 4)).toString('hex')).toBe('efbeadde');
    expect(Array.from(w.view8(4, 44)).every((b) => b === 0)).toBe(true);
    expect(Array.from(w.view8(44))).toEqual([7, 8]);
  });

  it('refuses values that do not fit', () => {
    const w = new ByteWriter();
    expect(() => w.u16(65536)).toThrow(/16 bits/);
    expect(() => w.u32(-1)).toThrow(/32 bits/);
    expect(() => w.u64(2 ** 53)).toThrow(/64-bit/);
    expect(() => w.u64(1.5)).toThrow(/64-bit/);
  });
});
