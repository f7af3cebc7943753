// A growable little-endian byte buffer for HDF5 metadata (object headers, B-tree nodes, the global
// heap, the superblock). Encoders append fields in file order, sizing what they can beforehand so
// nothing needs patching. The buffer doubles as it grows, so encoding a whole file's metadata
// costs a few copies at most; `view8()` is a view, not a copy.

/** HDF5's "undefined address": all bits set. */
export const UNDEF_ADDR = 0xffff_ffff_ffff_ffffn;

export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;

  constructor(initial = 4096) {
    this.buf = new Uint8Array(Math.max(16, initial));
    this.view = new DataView(this.buf.buffer);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos;
  }

  private reserve(n: number): number {
    const at = this.pos;
    if (at + n > this.buf.length) {
      let cap = this.buf.length * 2;
      while (cap < at + n) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.buf.subarray(0, at));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    this.pos += n;
    return at;
  }

  u8(v: number): this {
    const at = this.reserve(1); // before reading this.view: reserve may replace it
    this.view.setUint8(at, v);
    return this;
  }

  u16(v: number): this {
    if (!(v >= 0 && v <= 0xffff && Number.isInteger(v))) throw new RangeError(`${v} does not fit 16 bits`);
    const at = this.reserve(2);
    this.view.setUint16(at, v, true);
    return this;
  }

  u32(v: number): this {
    if (!(v >= 0 && v <= 0xffff_ffff && Number.isInteger(v)))
      throw new RangeError(`${v} does not fit 32 bits`);
    const at = this.reserve(4);
    this.view.setUint32(at, v, true);
    return this;
  }

  /** An unsigned 64-bit field (an address or a length); numbers must be safe integers. */
  u64(v: number | bigint): this {
    if (typeof v === 'number' && !(Number.isSafeInteger(v) && v >= 0)) {
      throw new RangeError(`${v} is not a 64-bit length`);
    }
    const at = this.reserve(8);
    this.view.setBigUint64(at, BigInt(v), true);
    return this;
  }

  bytes(src: Uint8Array): this {
    const at = this.reserve(src.length);
    this.buf.set(src, at);
    return this;
  }

  /** n zero bytes (the buffer is zeroed when allocated and never reused). */
  zeros(n: number): this {
    this.reserve(n);
    return this;
  }

  /** A view of bytes [from, to) (default: all written); valid until the next append. */
  view8(from = 0, to = this.pos): Uint8Array {
    return this.buf.subarray(from, to);
  }
}
