import { describe, expect, it } from 'vitest';
import { encodeNpy, parseNpy } from './npy';

function npyBytes(descr: string, shape: string, data: ArrayBufferView, version = 1): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const pre = version === 1 ? 10 : 12;
  header += ' '.repeat((64 - ((pre + header.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(pre + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, header.length, true);
  else dv.setUint32(8, header.length, true);
  out.set(new TextEncoder().encode(header), pre);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), pre + header.length);
  return out;
}

describe('parseNpy', () => {
  it('reads float64 and float32 1-D arrays, versions 1 and 2', () => {
    const f8 = new Float64Array([1e-9, 2.5e-9, -3e-10]);
    expect(Array.from(parseNpy(npyBytes('<f8', '(3,)', f8)))).toEqual([1e-9, 2.5e-9, -3e-10]);
    const f4 = new Float32Array([0.5, 0.25]);
    expect(Array.from(parseNpy(npyBytes('<f4', '(2,)', f4, 2)))).toEqual([0.5, 0.25]);
  });
  it('round-trips its own encoder', () => {
    const v = new Float64Array([3.25e-8, 1e-9, 0]);
    expect(Array.from(parseNpy(encodeNpy(v)))).toEqual(Array.from(v));
  });
  it('reads big-endian data', () => {
    const be = new Uint8Array(8);
    new DataView(be.buffer).setFloat64(0, 4.5e-9, false);
    expect(Array.from(parseNpy(npyBytes('>f8', '(1,)', be)))).toEqual([4.5e-9]);
  });
  it('rejects what is not a 1-D float table, saying why', () => {
    expect(() => parseNpy(new Uint8Array([1, 2, 3]), 'x.npy')).toThrow(/x\.npy: .*no NUMPY magic/);
    expect(() => parseNpy(npyBytes('<i8', '(1,)', new BigInt64Array([1n])))).toThrow(/dtype <i8/);
    expect(() => parseNpy(npyBytes('<f8', '(2, 2)', new Float64Array(4)))).toThrow(/not 1-D/);
    expect(() => parseNpy(npyBytes('<f8', '(4,)', new Float64Array(2)))).toThrow(/truncated/);
    expect(() => parseNpy(npyBytes('<f8', '(0,)', new Float64Array(0)))).toThrow(/empty/);
    expect(() => parseNpy(npyBytes('<f8', '(1,)', new Float64Array([NaN])))).toThrow(/NaN/);
  });
});
