// Message encoders against bytes the HDF5 library itself wrote (h5py 3.7 / HDF5 1.10: a float64 and
// an int32 dataset, a string attribute) and against the field layout of the format specification.
import { describe, expect, it } from 'vitest';
import { UNDEF_ADDR } from './byteWriter';
import * as msg from './messages';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const u64 = (v: bigint): string => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(v);
  return b.toString('hex');
};

describe('datatypes', () => {
  it('match the library: float64, int32, UTF-8 variable-length string', () => {
    expect(hex(msg.datatype({ kind: 'float', size: 8 }))).toBe('11203f000800000000004000340b0034ff030000');
    expect(hex(msg.datatype({ kind: 'int', size: 4, signed: true }))).toBe('100800000400000000002000');
    expect(hex(msg.datatype({ kind: 'vlen-utf8' }))).toBe('1901010010000000100000000100000000000800');
  });

  it('encodes float32 with its IEEE fields and unsigned integers without the sign bit', () => {
    // sign bit 31, exponent at 23 (8 bits), mantissa at 0 (23 bits), bias 127
    expect(hex(msg.datatype({ kind: 'float', size: 4 }))).toBe(
      '11201f00040000000000200017080017' + '7f000000',
    );
    expect(hex(msg.datatype({ kind: 'int', size: 8, signed: false }))).toBe('100000000800000000004000');
  });
});

describe('dataset messages', () => {
  it('layout v3 chunked matches the library for an unwritten dataset (no B-tree yet)', () => {
    expect(hex(msg.chunkedLayout(UNDEF_ADDR, 4, 8))).toBe(`030202${u64(UNDEF_ADDR)}0400000008000000`);
    expect(hex(msg.chunkedLayout(4096, 262144, 1))).toBe(`030202${u64(4096n)}0000040001000000`);
  });

  it('dataspace v2: one unlimited axis, or a scalar', () => {
    expect(hex(msg.dataspace(29))).toBe(`02010101${u64(29n)}${u64(UNDEF_ADDR)}`);
    expect(hex(msg.dataspace(null))).toBe('02000000');
  });

  it('fill value v3: incremental allocation, write if set, none defined', () => {
    expect(hex(msg.fillValue())).toBe('030b');
  });
});

describe('group messages', () => {
  it('link info and group info of a compact group', () => {
    expect(hex(msg.linkInfo())).toBe(`0000${u64(UNDEF_ADDR)}${u64(UNDEF_ADDR)}`);
    expect(hex(msg.groupInfo())).toBe('0000');
  });

  it('hard links: UTF-8 name, 1-byte length up to 255 bytes, then 2 bytes', () => {
    expect(hex(msg.hardLink('x', 0x1234))).toBe(`011001` + `01` + `78` + u64(0x1234n));
    const long = msg.hardLink('a'.repeat(300), 8);
    expect(hex(long.subarray(0, 5))).toBe('0111012c01');
    expect(long.length).toBe(5 + 300 + 8);
    expect(() => msg.hardLink('', 8)).toThrow(/name/);
  });
});

describe('attributes', () => {
  it('v3 with a NUL-terminated UTF-8 name, datatype, scalar dataspace, data', () => {
    const data = Uint8Array.of(1);
    const a = msg.attribute('ok', { kind: 'int', size: 1, signed: false }, data);
    // version 3, flags 0, name size 3, datatype size 12, dataspace size 4, charset UTF-8
    expect(hex(a)).toBe(
      '0300' + '0300' + '0c00' + '0400' + '01' + '6f6b00' + '100000000100000000000800' + '02000000' + '01',
    );
    const u = msg.attribute('ü', { kind: 'vlen-utf8' }, new Uint8Array(16));
    expect(u[2]).toBe(3); // two UTF-8 bytes and the NUL
  });

  it('rejects a name with NUL and data of the wrong size', () => {
    expect(() => msg.attribute('a\0b', { kind: 'float', size: 8 }, new Uint8Array(8))).toThrow(/NUL/);
    expect(() => msg.attribute('a', { kind: 'float', size: 8 }, new Uint8Array(4))).toThrow(/4 bytes/);
  });
});
