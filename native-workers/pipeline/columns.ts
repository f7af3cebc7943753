// Growable typed-array columns: allocate up front, grow by doubling (Arrow's BufferBuilder), hand out
// the valid prefix with subarray. Never one object per row.

export type NumericArray =
  Float64Array | Float32Array | Uint32Array | Int32Array | Uint16Array | Int16Array | Uint8Array | Int8Array;

/** Returns `arr` if it holds `capacity` elements, else a larger array of the same type with the first `keep` copied. */
export function ensureCapacity<T extends NumericArray>(arr: T, capacity: number, keep: number): T {
  if (arr.length >= capacity) return arr;
  let size = Math.max(16, arr.length);
  while (size < capacity) size *= 2;
  const grown = new (arr.constructor as new (n: number) => T)(size);
  grown.set(arr.subarray(0, keep));
  return grown;
}
