// Encoders for the HDF5 object header messages this writer needs (HDF5 File Format Specification
// 3.0, section IV.A.2), each returning the message body: the dataspace, datatype, fill value and
// chunked data layout of a 1-D dataset; link info, group info and hard links of a compact
// ("new-style") group; and scalar attributes. objectHeader.ts wraps bodies into an object header.
//
// Versions: the lowest that carries what is needed and that HDF5 1.8 and later read (dataspace 2,
// datatype 1, fill value 3, layout 3 with a version-1 B-tree chunk index, attribute 3 for UTF-8
// names). Addresses and lengths are 8 bytes (the superblock says so).
import { assertNever } from '../../../shared/assertNever';
import { ByteWriter, UNDEF_ADDR } from './byteWriter';

/** Message type numbers. */
export const MSG = {
  dataspace: 0x01,
  linkInfo: 0x02,
  datatype: 0x03,
  fillValue: 0x05,
  link: 0x06,
  layout: 0x08,
  groupInfo: 0x0a,
  attribute: 0x0c,
} as const;

/** H5S_UNLIMITED: the max dimension of an extendable axis (h5py's maxshape None). */
const UNLIMITED = UNDEF_ADDR;

/** A datatype this writer stores: little-endian integers and IEEE floats, or a UTF-8 string. */
export type H5Type =
  | { kind: 'int'; size: 1 | 2 | 4 | 8; signed: boolean }
  | { kind: 'float'; size: 4 | 8 }
  | { kind: 'vlen-utf8' };

/** Size of one element in a dataset or attribute: vlen strings store (length, heap address, index). */
export function typeSize(t: H5Type): number {
  return t.kind === 'vlen-utf8' ? 16 : t.size;
}

function datatypeInto(w: ByteWriter, t: H5Type): void {
  switch (t.kind) {
    case 'int':
      // class 0 (fixed point), version 1; bit 3 = signed; byte order little-endian (bit 0 clear)
      w.u8(0x10)
        .u8(t.signed ? 0x08 : 0)
        .u8(0)
        .u8(0)
        .u32(t.size);
      w.u16(0).u16(8 * t.size); // bit offset, precision
      return;
    case 'float': {
      // class 1, version 1; mantissa normalisation 2 (msb implied); sign bit position in byte 1
      const [sign, expLoc, expSize, mantSize, bias] =
        t.size === 8 ? [63, 52, 11, 52, 1023] : [31, 23, 8, 23, 127];
      w.u8(0x11).u8(0x20).u8(sign).u8(0).u32(t.size);
      w.u16(0)
        .u16(8 * t.size)
        .u8(expLoc)
        .u8(expSize)
        .u8(0)
        .u8(mantSize)
        .u32(bias);
      return;
    }
    case 'vlen-utf8':
      // class 9 (variable length), version 1; type 1 = string, padding 0 = null terminate, charset
      // 1 = UTF-8; the base type is an unsigned byte, as the HDF5 library stores it for strings.
      w.u8(0x19).u8(0x01).u8(0x01).u8(0).u32(16);
      datatypeInto(w, { kind: 'int', size: 1, signed: false });
      return;
    default:
      assertNever(t, 'datatype');
  }
}

export function datatype(t: H5Type): Uint8Array {
  const w = new ByteWriter(32);
  datatypeInto(w, t);
  return w.view8();
}

/** Dataspace v2: a scalar, or one extendable axis (max dimension unlimited). */
export function dataspace(rows: number | null): Uint8Array {
  const w = new ByteWriter(32);
  if (rows === null) return w.u8(2).u8(0).u8(0).u8(0).view8(); // rank 0, type 0 = scalar
  return w.u8(2).u8(1).u8(1).u8(1).u64(rows).u64(UNLIMITED).view8(); // rank 1, max dims, simple
}

/** Fill value v3 as the library writes it for a chunked dataset by default: space allocated
 * incrementally, fill written "if set", no fill value defined (readers see zeros). */
export function fillValue(): Uint8Array {
  return Uint8Array.of(3, 0x03 | (0x02 << 2));
}

/** Data layout v3, chunked: chunk dimensions are [rows, element size], the index a v1 B-tree
 * (UNDEF_ADDR when no chunk is written). */
export function chunkedLayout(btree: number | bigint, chunkRows: number, elementSize: number): Uint8Array {
  const w = new ByteWriter(32);
  return w.u8(3).u8(2).u8(2).u64(btree).u32(chunkRows).u32(elementSize).view8();
}

/** Link info v0 of a compact group: no creation order, no fractal heap, no name index. */
export function linkInfo(): Uint8Array {
  return new ByteWriter(32).u8(0).u8(0).u64(UNDEF_ADDR).u64(UNDEF_ADDR).view8();
}

/** Group info v0 with the library's default limits (not stored). */
export function groupInfo(): Uint8Array {
  return Uint8Array.of(0, 0);
}

const utf8 = new TextEncoder();

/** A hard link v1 to the object header at `address`, named in UTF-8. */
export function hardLink(name: string, address: number): Uint8Array {
  const bytes = utf8.encode(name);
  if (bytes.length === 0) throw new Error('a link needs a name');
  const wide = bytes.length > 0xff;
  const w = new ByteWriter(bytes.length + 16);
  // flags: bits 0-1 size of the name length field (1 or 2 bytes); bit 4 = charset field present
  w.u8(1)
    .u8((wide ? 1 : 0) | 0x10)
    .u8(1);
  if (wide) w.u16(bytes.length);
  else w.u8(bytes.length);
  return w.bytes(bytes).u64(address).view8();
}

/** Attribute v3 with a UTF-8 name and a scalar value; `data` is its encoded element. */
export function attribute(name: string, type: H5Type, data: Uint8Array): Uint8Array {
  const nameBytes = utf8.encode(name);
  if (nameBytes.includes(0)) throw new Error(`attribute name ${JSON.stringify(name)} contains NUL`);
  if (data.length !== typeSize(type)) throw new Error(`attribute ${name}: ${data.length} bytes of data`);
  const dt = datatype(type);
  const ds = dataspace(null);
  const w = new ByteWriter(nameBytes.length + dt.length + ds.length + data.length + 16);
  w.u8(3)
    .u8(0)
    .u16(nameBytes.length + 1)
    .u16(dt.length)
    .u16(ds.length)
    .u8(1); // charset UTF-8
  return w.bytes(nameBytes).u8(0).bytes(dt).bytes(ds).bytes(data).view8();
}
