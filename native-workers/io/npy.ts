// A small reader for NumPy `.npy` files holding a 1-D float32/float64 array: the format of the
// reference's time-walk look-up tables. Parses the magic, version and header dict; anything else
// (other dtypes, 2-D, Fortran order, truncated data) is rejected with a message naming the file.
import { readFileSync } from 'node:fs';
import { UserError } from '../../shared/userError';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function parseNpy(bytes: Uint8Array, name = 'array'): Float64Array {
  const fail = (why: string): never => {
    throw new UserError(
      `${name}: not a usable .npy time-walk table (${why}); expected a 1-D float32 or float64 array`,
    );
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('no NUMPY magic');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail('truncated header');
    headerLen = view.getUint32(8, true);
    start = 12;
  } else return fail(`unsupported version ${major}`);
  if (start + headerLen > bytes.length) fail('truncated header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(start, start + headerLen),
  );
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shape === undefined) return fail('malformed header');
  const dims = shape
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (dims.length !== 1 || !Number.isInteger(dims[0])) fail(`shape (${shape}) is not 1-D`);
  const count = dims[0];
  if (count === 0) fail('the array is empty');
  const kind = descr.slice(1);
  const little = descr[0] === '<' || descr[0] === '|' || descr[0] === '=';
  const size = kind === 'f8' ? 8 : kind === 'f4' ? 4 : fail(`dtype ${descr}`);
  const dataStart = start + headerLen;
  if (bytes.length - dataStart < count * size) fail(`data truncated: ${count} values announced`);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const at = dataStart + i * size;
    out[i] = size === 8 ? view.getFloat64(at, little) : view.getFloat32(at, little);
  }
  if (out.some((v) => !Number.isFinite(v))) fail('it holds NaN or infinite values');
  return out;
}

export function readNpyFile(path: string): Float64Array {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new UserError(`cannot read time-walk table ${path}: ${(err as Error).message}`);
  }
  return parseNpy(bytes, path);
}

/** Writes a 1-D float64 `.npy` (version 1.0); used by tests and the generator's calibration output. */
export function encodeNpy(values: Float64Array): Uint8Array {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${values.length},), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + values.length * 8);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  new Uint8Array(out.buffer, 10 + header.length).set(
    new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  );
  return out;
}
