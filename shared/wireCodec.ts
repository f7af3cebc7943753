// The WebSocket wire format of the engine API (web mode): one binary frame per message, a JSON part
// plus the bytes of every typed array in it, so view snapshots (maps, histograms) travel without
// JSON number lists. Layout: uint32 LE length of the JSON text, the UTF-8 JSON, zero padding to a
// multiple of 8, then the array bytes, each at an 8-byte-aligned offset. In the JSON a typed array
// is {"$ta": "Float64Array", "o": offset, "n": length}. Pure: runs in Node and in the browser.

type TypedArray =
  | Float64Array
  | Float32Array
  | Uint32Array
  | Int32Array
  | Uint16Array
  | Int16Array
  | Uint8Array
  | Int8Array
  | BigUint64Array
  | BigInt64Array;

const CONSTRUCTORS = {
  Float64Array,
  Float32Array,
  Uint32Array,
  Int32Array,
  Uint16Array,
  Int16Array,
  Uint8Array,
  Int8Array,
  BigUint64Array,
  BigInt64Array,
} as const;
type TypeName = keyof typeof CONSTRUCTORS;

interface ArrayRef {
  $ta: TypeName;
  o: number;
  n: number;
}

const align8 = (n: number): number => (n + 7) & ~7;

export function encodeMessage(message: unknown): Uint8Array {
  const arrays: TypedArray[] = [];
  const offsets: number[] = [];
  let blob = 0;
  const json = JSON.stringify(message, (_key, value: unknown) => {
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      const ta = value as TypedArray;
      const name = ta.constructor.name as TypeName;
      if (!(name in CONSTRUCTORS)) throw new Error(`cannot encode ${name}`);
      arrays.push(ta);
      offsets.push(blob);
      const ref: ArrayRef = { $ta: name, o: blob, n: ta.length };
      blob = align8(blob + ta.byteLength);
      return ref;
    }
    if (typeof value === 'number' && !Number.isFinite(value)) return { $num: String(value) };
    return value;
  });
  const text = new TextEncoder().encode(json);
  const head = align8(4 + text.length);
  const out = new Uint8Array(head + blob);
  new DataView(out.buffer).setUint32(0, text.length, true);
  out.set(text, 4);
  arrays.forEach((ta, i) =>
    out.set(new Uint8Array(ta.buffer, ta.byteOffset, ta.byteLength), head + offsets[i]),
  );
  return out;
}

/** Decodes a frame; the typed arrays are views on `frame` (copy them to keep them past its life). */
export function decodeMessage(frame: Uint8Array): unknown {
  if (frame.byteLength < 4) throw new Error('frame too short');
  const len = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(0, true);
  if (4 + len > frame.byteLength) throw new Error('frame truncated');
  const head = align8(4 + len);
  // Typed-array views need aligned offsets: realign the frame if its buffer offset is not.
  const data = frame.byteOffset % 8 === 0 ? frame : frame.slice();
  const text = new TextDecoder().decode(data.subarray(4, 4 + len));
  return JSON.parse(text, (_key, value: unknown) => {
    if (value && typeof value === 'object' && '$ta' in value) {
      const ref = value as ArrayRef;
      const C = CONSTRUCTORS[ref.$ta];
      if (!C) throw new Error(`unknown array type ${String(ref.$ta)}`);
      const start = data.byteOffset + head + ref.o;
      if (head + ref.o + ref.n * C.BYTES_PER_ELEMENT > data.byteLength)
        throw new Error('array outside the frame');
      return new C(data.buffer as ArrayBuffer, start, ref.n);
    }
    if (value && typeof value === 'object' && '$num' in value)
      return Number((value as { $num: string }).$num);
    return value;
  });
}
