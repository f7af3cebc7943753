// The global heap ("GCOL" collections) that holds the bytes of variable-length strings: a string
// attribute's value is only a reference (length, collection address, object index) and the UTF-8
// bytes live here. Written at commit, before the object headers that refer to it.
//
// Layout of a collection: 16-byte header (signature, version 1, size), then objects (index u16,
// reference count u16, 4 reserved, size u64, data zero-padded to 8 bytes), then the free space as
// object 0, whose size counts its own header. Readers load at least 4096 bytes of a collection, so
// none is smaller; an object index is 16 bits, so every 65535 strings start a new collection.
import { ByteWriter } from './byteWriter';

const MIN_COLLECTION = 4096;
const HEADER = 16;
const OBJECT_HEADER = 16;
const MAX_OBJECTS = 0xffff;

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** Appends collections holding `strings` to `w` (which starts at file address `base`); returns
 * each string's 16-byte vlen element: byte length u32, collection address u64, object index u32. */
export function globalHeapInto(w: ByteWriter, base: number, strings: readonly Uint8Array[]): Uint8Array[] {
  const refs: Uint8Array[] = [];
  for (let first = 0; first < strings.length; first += MAX_OBJECTS) {
    const batch = strings.slice(first, first + MAX_OBJECTS);
    const used = HEADER + batch.reduce((sum, s) => sum + OBJECT_HEADER + align8(s.length), 0);
    const size = Math.max(MIN_COLLECTION, used + OBJECT_HEADER);
    const address = base + w.length;
    w.u8(0x47).u8(0x43).u8(0x4f).u8(0x4c).u8(1).zeros(3).u64(size); // "GCOL", version 1
    batch.forEach((s, i) => {
      w.u16(i + 1)
        .u16(1)
        .zeros(4)
        .u64(s.length)
        .bytes(s)
        .zeros(align8(s.length) - s.length);
      const ref = new ByteWriter(16)
        .u32(s.length)
        .u64(address)
        .u32(i + 1);
      refs.push(ref.view8());
    });
    w.u16(0)
      .u16(0)
      .zeros(4)
      .u64(size - used)
      .zeros(size - used - OBJECT_HEADER);
  }
  return refs;
}
