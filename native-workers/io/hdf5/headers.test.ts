// Object header v2 and superblock v2, decoded back: signatures, versions, sizes, message framing,
// and the lookup3 checksum over everything before it.
import { describe, expect, it } from 'vitest';
import { ByteWriter } from './byteWriter';
import { lookup3 } from './checksum';
import { SUPERBLOCK_SIZE, objectHeaderInto, superblock } from './headers';

describe('object header v2', () => {
  it('frames messages after a 4-byte chunk size and ends in their checksum', () => {
    const w = new ByteWriter();
    w.zeros(5);
    const at = objectHeaderInto(w, [
      { type: 0x02, body: Uint8Array.of(1, 2, 3) },
      { type: 0x0a, body: Uint8Array.of(0, 0), constant: true },
    ]);
    expect(at).toBe(5);
    const h = w.view8(at);
    const v = new DataView(h.buffer, h.byteOffset, h.length);
    expect(new TextDecoder().decode(h.subarray(0, 4))).toBe('OHDR');
    expect([h[4], h[5]]).toEqual([2, 0x02]);
    expect(v.getUint32(6, true)).toBe(4 + 3 + 4 + 2);
    expect(Array.from(h.subarray(10, 23))).toEqual([0x02, 3, 0, 0, 1, 2, 3, 0x0a, 2, 0, 1, 0, 0]);
    expect(h.length).toBe(27);
    expect(v.getUint32(23, true)).toBe(lookup3(h.subarray(0, 23)));
  });

  it('refuses a message longer than its 16-bit size field', () => {
    expect(() => objectHeaderInto(new ByteWriter(), [{ type: 0x0c, body: new Uint8Array(70_000) }])).toThrow(
      /64 KiB/,
    );
  });
});

describe('superblock v2', () => {
  it('holds the end of file and the root address, checksummed', () => {
    const s = superblock(123_456, 4096);
    expect(s.length).toBe(SUPERBLOCK_SIZE);
    const v = new DataView(s.buffer, s.byteOffset, s.length);
    expect(Buffer.from(s.subarray(0, 12)).toString('hex')).toBe('894844460d0a1a0a02080800');
    expect(v.getBigUint64(12, true)).toBe(0n); // base address
    expect(v.getBigUint64(20, true)).toBe(2n ** 64n - 1n); // no superblock extension
    expect(v.getBigUint64(28, true)).toBe(123_456n);
    expect(v.getBigUint64(36, true)).toBe(4096n);
    expect(v.getUint32(44, true)).toBe(lookup3(s.subarray(0, 44)));
  });
});
