// The global heap, decoded back: collection header and size (at least 4 KiB), objects with their
// indices, sizes and 8-byte padding, the free-space object at the end, and the vlen references.
import { describe, expect, it } from 'vitest';
import { ByteWriter } from './byteWriter';
import { globalHeapInto } from './globalHeap';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Objects of the collection at `at`, by index (0 = free space). */
function readCollection(bytes: Uint8Array, at: number): { size: number; objects: Map<number, Uint8Array> } {
  const v = new DataView(bytes.buffer, bytes.byteOffset);
  expect(new TextDecoder().decode(bytes.subarray(at, at + 4))).toBe('GCOL');
  expect(v.getUint8(at + 4)).toBe(1);
  const size = Number(v.getBigUint64(at + 8, true));
  const objects = new Map<number, Uint8Array>();
  let p = at + 16;
  while (p < at + size) {
    const index = v.getUint16(p, true);
    const length = Number(v.getBigUint64(p + 8, true));
    if (index === 0) {
      expect(p + length).toBe(at + size); // free space runs to the end, its header included
      objects.set(0, new Uint8Array(0));
      break;
    }
    expect(v.getUint16(p + 2, true)).toBe(1); // one reference
    objects.set(index, bytes.subarray(p + 16, p + 16 + length));
    p += 16 + Math.ceil(length / 8) * 8;
  }
  return { size, objects };
}

function ref(r: Uint8Array): { length: number; address: number; index: number } {
  const v = new DataView(r.buffer, r.byteOffset, 16);
  return {
    length: v.getUint32(0, true),
    address: Number(v.getBigUint64(4, true)),
    index: v.getUint32(12, true),
  };
}

describe('global heap', () => {
  it('stores strings (empty, multi-byte, longer than a minimum collection) and refers to them', () => {
    const strings = ['', 'pixel', 'ünïcode ✓', 'x'.repeat(5000)].map(utf8);
    const w = new ByteWriter();
    w.zeros(8);
    const refs = globalHeapInto(w, 100, strings);
    const { size, objects } = readCollection(w.view8(), 8);
    expect(size).toBe(w.length - 8);
    expect(size).toBeGreaterThan(5000);
    refs.forEach((r, i) => {
      expect(ref(r)).toEqual({ length: strings[i].length, address: 108, index: i + 1 });
      expect(objects.get(i + 1)).toEqual(strings[i]);
    });
    expect(objects.has(0)).toBe(true);
  });

  it('pads a small collection to 4 KiB', () => {
    const w = new ByteWriter();
    globalHeapInto(w, 0, [utf8('s')]);
    expect(readCollection(w.view8(), 0).size).toBe(4096);
    expect(w.length).toBe(4096);
  });

  it('starts a new collection every 65535 strings (16-bit object indices)', () => {
    const strings = Array.from({ length: 65_537 }, (_, i) => utf8(String(i)));
    const w = new ByteWriter();
    const refs = globalHeapInto(w, 0, strings);
    const second = ref(refs[65_535]);
    expect(ref(refs[65_534])).toMatchObject({ address: 0, index: 65_535 });
    expect(second.index).toBe(1);
    expect(readCollection(w.view8(), second.address).objects.get(2)).toEqual(utf8('65536'));
  });
});
