// The two checksummed top-level structures: the version 2 object header ("OHDR": one chunk holding
// every message of a group or dataset) and the version 2 superblock (48 bytes at offset 0, pointing
// at the root group's object header and saying where the file ends). Both end in lookup3.
import { ByteWriter, UNDEF_ADDR } from './byteWriter';
import { lookup3 } from './checksum';

export interface Message {
  type: number;
  body: Uint8Array;
  /** The message never changes (the library marks datatypes and fill values so). */
  constant?: boolean;
}

const SIGNATURE_OHDR = [0x4f, 0x48, 0x44, 0x52]; // "OHDR"

/** Appends an object header v2 holding `messages` to `w`; returns its offset in `w`. */
export function objectHeaderInto(w: ByteWriter, messages: Message[]): number {
  const start = w.length;
  let size = 0;
  for (const m of messages) {
    if (m.body.length > 0xffff) throw new Error(`an HDF5 message of ${m.body.length} bytes (> 64 KiB)`);
    size += 4 + m.body.length;
  }
  for (const b of SIGNATURE_OHDR) w.u8(b);
  // version 2; flags: bits 0-1 = 2, a 4-byte size of chunk 0; no times, no attribute limits
  w.u8(2).u8(0x02).u32(size);
  for (const m of messages)
    w.u8(m.type)
      .u16(m.body.length)
      .u8(m.constant ? 1 : 0)
      .bytes(m.body);
  w.u32(lookup3(w.view8(start)));
  return start;
}

export const SUPERBLOCK_SIZE = 48;

/** The superblock v2: offsets and lengths of 8 bytes, base address 0, no extension. */
export function superblock(eof: number, rootAddress: number): Uint8Array {
  const w = new ByteWriter(SUPERBLOCK_SIZE);
  for (const b of [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]) w.u8(b);
  w.u8(2).u8(8).u8(8).u8(0); // version, size of offsets, size of lengths, consistency flags
  w.u64(0).u64(UNDEF_ADDR).u64(eof).u64(rootAddress);
  w.u32(lookup3(w.view8()));
  return w.view8();
}
