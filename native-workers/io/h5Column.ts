// One column of an HDF5 file being written (h5Append.ts): rows arrive by `append`, are checked and
// converted to the column's dtype, and go to the file as whole chunks at addresses the file hands
// out. Data flow: values of the column's own type are written straight from the caller's array
// when they start on a chunk boundary (no copy); anything else (a dtype conversion, or rows that
// do not fill a chunk yet) is copied into the column's staging block (BLOCK_ROWS rows at most,
// reused), which is written when full. The chunk addresses are kept for the B-tree built at commit.
import type { NumericArray } from '../pipeline/columns';
import { narrow16, split64 } from './columnsKernel';
import type { DatasetNode } from './hdf5/metadata';
import type { H5Type } from './hdf5/messages';

export type ColumnDtype =
  'uint8' | 'uint16' | 'uint32' | 'uint64' | 'int32' | 'int64' | 'float32' | 'float64';
export type ColumnValues = NumericArray | BigUint64Array | BigInt64Array;

export interface H5Column {
  readonly path: string;
  readonly dtype: ColumnDtype;
  /** Rows appended so far (written or buffered). */
  readonly length: number;
  /** Appends values[0..n). 64-bit integer columns take integral float64 values (exact up to 2^64,
   * as float64 holds them) or a BigInt array of the same signedness; integer columns reject values
   * out of range or not integral instead of wrapping them. */
  append(values: ColumnValues, n: number): void;
}

/** What a column needs from its file. */
export interface ColumnFile {
  readonly chunkRows: number;
  readonly blockRows: number;
  /** Throws if the file cannot take writes (failed, aborted, committed). */
  checkUsable(): void;
  /** Records the file's first failure; returns `err`. */
  poison(err: Error): Error;
  /** Reserves `bytes` at the end of the file; returns their address. */
  allocate(bytes: number): number;
  /** Writes `bytes` at `position`; a failure poisons the file and throws a one-line error. */
  writeAt(what: string, bytes: Uint8Array, position: number): void;
  /** Write-behind (h5Append.ts): rows always go through blocks of the file's, never straight from
   * the caller's arrays. */
  readonly ownsRows: boolean;
  /** A block of at least `bytes` from the file's pool. */
  takeBlock(bytes: number): Uint8Array;
  /** Writes length bytes of `block` at `position`, in the background when it can; the block goes
   * back to the pool once written. `room`: the bytes allocated there (the write may fill them up,
   * with zeros). Failures poison the file (thrown by a later call). */
  writeBlock(what: string, block: Uint8Array, length: number, position: number, room: number): void;
}

type ArrayType = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ColumnValues;

interface DtypeInfo {
  type: DatasetNode['type'];
  size: number;
  array: ArrayType;
  /** Integer range [lo, hi); null for floats. */
  range: [number, number] | null;
}

const TWO32 = 2 ** 32;
const int = (size: 1 | 2 | 4 | 8, signed: boolean): H5Type & { kind: 'int' } => ({
  kind: 'int',
  size,
  signed,
});
const DTYPES: Record<ColumnDtype, DtypeInfo> = {
  uint8: { type: int(1, false), size: 1, array: Uint8Array, range: [0, 256] },
  uint16: { type: int(2, false), size: 2, array: Uint16Array, range: [0, 65536] },
  uint32: { type: int(4, false), size: 4, array: Uint32Array, range: [0, TWO32] },
  int32: { type: int(4, true), size: 4, array: Int32Array, range: [-(2 ** 31), 2 ** 31] },
  uint64: { type: int(8, false), size: 8, array: BigUint64Array, range: [0, 2 ** 64] },
  int64: { type: int(8, true), size: 8, array: BigInt64Array, range: [-(2 ** 63), 2 ** 63] },
  float32: { type: { kind: 'float', size: 4 }, size: 4, array: Float32Array, range: null },
  float64: { type: { kind: 'float', size: 8 }, size: 8, array: Float64Array, range: null },
};

export class Column implements H5Column {
  readonly node: DatasetNode;
  private readonly info: DtypeInfo;
  private staging: Uint8Array | null = null;
  private capacity = 0;
  private buffered = 0;
  private written = 0;
  /** Rows per chunk, fixed by the first write (0 until then). */
  private chunk = 0;
  private readonly chunks: number[] = [];

  constructor(
    private readonly file: ColumnFile,
    readonly path: string,
    readonly dtype: ColumnDtype,
    attrs: DatasetNode['attrs'],
  ) {
    const info = DTYPES[dtype];
    if (!info) throw new Error(`${path}: unknown dtype ${String(dtype)}`);
    this.info = info;
    this.node = { kind: 'dataset', type: info.type, rows: 0, chunkRows: 1, chunks: this.chunks, attrs };
  }

  /** An append of a quarter chunk or more has come: whole blocks (see blockRows). */
  private bulk = false;

  get length(): number {
    return this.written + this.buffered;
  }

  append(values: ColumnValues, n: number): void {
    this.file.checkUsable();
    try {
      if (!Number.isInteger(n) || n < 0 || n > values.length) {
        throw new RangeError(`${this.path}: n = ${n} is outside 0..${values.length}`);
      }
      const { chunkRows } = this.file;
      const direct = values.constructor === this.info.array && !this.file.ownsRows;
      for (let off = 0; off < n;) {
        const left = n - off;
        // Blocks change size only between blocks (a flush is whole chunks but at the end).
        if (this.buffered === 0 && left >= chunkRows / 4) this.bulk = true;
        const blockRows = this.blockRows();
        if (direct && this.buffered === 0 && left >= chunkRows) {
          const rows = left - (left % chunkRows);
          const { size } = this.info;
          this.write(new Uint8Array(values.buffer, values.byteOffset + off * size, rows * size), rows);
          off += rows;
          continue;
        }
        let take = Math.min(left, blockRows - this.buffered);
        // Fill only up to the chunk boundary when whole chunks follow: those can go out uncopied.
        const toBoundary = chunkRows - (this.buffered % chunkRows);
        if (direct && left - toBoundary >= chunkRows) take = Math.min(take, toBoundary);
        this.reserve(this.buffered + take);
        this.copyIn(values, off, take);
        this.buffered += take;
        off += take;
        const early = direct && this.buffered % chunkRows === 0 && n - off >= chunkRows;
        if (this.buffered === blockRows || early) this.flush(false);
      }
    } catch (e) {
      // A partial append leaves the columns misaligned: the file must not be committed.
      throw this.file.poison(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** Writes what is buffered and fills in the dataset's node for the metadata. */
  finish(): void {
    this.flush(true);
    this.node.rows = this.written;
    this.node.chunkRows = this.chunk || 1;
    this.staging = null;
    this.capacity = 0;
  }

  /**
   * Rows per write. With write-behind, a column that has only had small appends (timing rows,
   * trigger edges: a few thousand a chunk) stages one chunk at a time, not a whole block: it fills
   * slowly, and a block's pages, touched one append at a time, made the peak memory of a
   * conversion keep growing over the whole file (5 such columns x 8 MB, reached only after GBs).
   */
  private blockRows(): number {
    return this.file.ownsRows && !this.bulk ? this.file.chunkRows : this.file.blockRows;
  }

  /** Grows the staging block by doubling, up to one block (a whole block from the file's pool
   * with write-behind). */
  private reserve(rows: number): void {
    if (rows <= this.capacity) return;
    const block = this.blockRows();
    if (this.file.ownsRows) {
      this.staging = this.file.takeBlock(block * this.info.size);
      this.capacity = block;
      return;
    }
    let cap = Math.max(this.capacity * 2, Math.min(65_536, block));
    while (cap < rows) cap *= 2;
    cap = Math.min(cap, block);
    const next = new Uint8Array(cap * this.info.size);
    if (this.staging) next.set(this.staging.subarray(0, this.buffered * this.info.size));
    this.staging = next;
    this.capacity = cap;
  }

  private copyIn(values: ColumnValues, off: number, n: number): void {
    const buf = this.staging!.buffer;
    const at = this.staging!.byteOffset + this.buffered * this.info.size;
    const src = values.subarray(off, off + n);
    const { array, range, size } = this.info;
    if (src.constructor === array) {
      new Uint8Array(buf, at, n * size).set(new Uint8Array(src.buffer, src.byteOffset, n * size));
    } else if (src instanceof BigUint64Array || src instanceof BigInt64Array) {
      throw new TypeError(`${this.path}: a ${this.dtype} column cannot take ${src.constructor.name}`);
    } else if (!range) {
      (new array(buf, at, n) as Float64Array | Float32Array).set(src);
    } else if (size === 8) {
      const f64 = src instanceof Float64Array ? src : Float64Array.from(src);
      const dst = new Uint32Array(buf, at, 2 * n);
      // The kernel's fast path (integers in [0, 2^32)) fits both 64-bit columns, uint64 and int64.
      split64(f64, dst, (i) => write64(f64[i], dst, i, range, this.path));
    } else if (src instanceof Uint16Array && size === 1) {
      // x, y into uint8: narrowed in the kernel, which also gives the maximum to check
      const max = narrow16(src, new Uint8Array(buf, at, n));
      if (max >= range[1]) throw badValue(this.path, max);
    } else {
      checkRange(src, range, this.path);
      (new array(buf, at, n) as NumericArray).set(src);
    }
  }

  /** Writes the staging block; `final` at commit, when the rows need not fill a chunk. */
  private flush(final: boolean): void {
    if (this.buffered === 0) return;
    // A column first written at commit holds all its rows: one chunk of exactly that size.
    if (!this.chunk && final) this.chunk = Math.min(this.buffered, this.file.chunkRows);
    const rows = this.buffered;
    if (this.file.ownsRows) {
      // The block goes to the file's write; the next rows take another one.
      const [address, room] = this.place(rows);
      this.file.writeBlock(this.path, this.staging!, rows * this.info.size, address, room);
      this.staging = null;
      this.capacity = 0;
    } else this.write(this.staging!.subarray(0, rows * this.info.size), rows);
    this.buffered = 0;
  }

  /** Writes rows (whole chunks, or the column's last rows) at newly allocated chunks. The last
   * chunk's padding is allocated but not written: a hole in the file, which reads as zeros. */
  private write(bytes: Uint8Array, rows: number): void {
    this.file.writeAt(this.path, bytes, this.place(rows)[0]);
  }

  /** Allocates the chunks of `rows` rows (whole chunks, or the column's last rows), records them
   * and counts the rows as written; returns their address and size. */
  private place(rows: number): [number, number] {
    this.chunk ||= this.file.chunkRows;
    const chunkBytes = this.chunk * this.info.size;
    const count = Math.ceil(rows / this.chunk);
    const address = this.file.allocate(count * chunkBytes);
    for (let i = 0; i < count; i++) this.chunks.push(address + i * chunkBytes);
    this.written += rows;
    return [address, count * chunkBytes];
  }
}

/** One integral float64 value as a little-endian 64-bit word (two uint32 halves), exact for every
 * integral double in [lo, hi). */
function write64(v: number, dst: Uint32Array, i: number, [lo, hi]: [number, number], path: string): void {
  if (!(v >= lo && v < hi && Math.floor(v) === v)) throw badValue(path, v);
  dst[2 * i] = v >>> 0; // ToUint32 is v modulo 2^32, exact for any integral double
  dst[2 * i + 1] = Math.floor(v / TWO32); // negative -> two's complement high word via ToUint32
}

/** Throws unless every value is an integer in [lo, hi). */
function checkRange(src: NumericArray, [lo, hi]: [number, number], path: string): void {
  // An unsigned source whose whole type range fits needs no look at its values.
  const bits =
    src instanceof Uint8Array ? 8 : src instanceof Uint16Array ? 16 : src instanceof Uint32Array ? 32 : 0;
  if (bits > 0 && lo <= 0 && 2 ** bits <= hi) return;
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    if (!(v >= lo && v < hi && Math.floor(v) === v)) throw badValue(path, v);
  }
}

function badValue(path: string, v: number): RangeError {
  return new RangeError(`${path}: value ${v} does not fit the column's dtype`);
}
