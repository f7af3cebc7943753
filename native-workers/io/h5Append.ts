// Streaming HDF5 writer over h5wasm: groups, attributes and 1-D chunked, extendable (maxshape
// [None]) columns that grow by appends. Data flow: `H5Column.append` copies (and converts) the
// caller's typed array straight into a buffer on the wasm heap; a full block (BLOCK_ROWS rows,
// a whole number of chunks) is written with one resize + one H5Dwrite, no further copy. Everything
// goes to `<final>.partial`; `commit` writes the rest, closes, fsyncs the file, renames it to the
// final name and fsyncs the folder, so a crash never leaves a half-written file under the final name.
//
// h5wasm's default HDF5 error handler only prints to stderr and its wrappers return the status of
// their last clean-up call, so failures (ENOSPC, EACCES, ...) would pass silently. Every HDF5 call
// here runs with h5wasm's throwing handler switched on for just that call, and the HDF5 error
// stack is reduced to one line naming the file. A failed write poisons the file: later calls throw
// the first error, and the caller must `abort` (which deletes the partial).
import { constants as FS, rmSync, truncateSync, unlinkSync } from 'node:fs';
import { access, lstat, open, rename, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type h5wasm from 'h5wasm/node';
import { UserError } from '../../shared/userError';
import type { NumericArray } from '../pipeline/columns';
import { BackgroundSync } from './backgroundSync';
import { narrow16, split64 } from './columnsKernel';

type H5Lib = typeof h5wasm;
type H5Module = Awaited<H5Lib['ready']>;

let loading: Promise<H5Lib> | null = null;
/** h5wasm, loaded on first use: importing it decodes, compiles and starts HDF5 (~0.1 s on the
 * importing thread), which commands that write no HDF5 never pay. */
function loadH5(): Promise<H5Lib> {
  return (loading ??= import('h5wasm/node').then((m) => m.default));
}

export type ColumnDtype =
  'uint8' | 'uint16' | 'uint32' | 'uint64' | 'int32' | 'int64' | 'float32' | 'float64';
/** Attribute values: strings as variable-length UTF-8; safe integers and bigints as int64 (uint64
 * beyond int64), other numbers as float64, booleans as uint8 0/1. All scalars. */
export type AttrValue = string | number | bigint | boolean;
export type Attrs = Record<string, AttrValue>;
export type ColumnValues = NumericArray | BigUint64Array | BigInt64Array;

/** Rows per HDF5 chunk. 64 Ki..1 Mi rows measured the same within noise (~0.9 GB/s for the raw/
 * columns, fsync included; h5wasm alone 1.6-1.8 GB/s); 256 Ki keeps a float64 chunk at 2 MB. */
export const CHUNK_ROWS = 262_144;
/** Rows buffered per column before one write: 4 chunks (8 MB for float64). */
export const BLOCK_ROWS = 4 * CHUNK_ROWS;

export interface H5AppendOptions {
  /** Replace an existing file at the final path (at commit; until then the old file stays). */
  force?: boolean;
  /** Tuning and tests only: rows per chunk, and rows per write (a multiple of chunkRows). */
  chunkRows?: number;
  blockRows?: number;
}

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

export interface H5AppendFile {
  readonly finalPath: string;
  readonly partialPath: string;
  /** Creates the group (and missing parents) if needed, then sets `attrs` on it. */
  group(path: string, attrs?: Attrs): void;
  /** A new column; its dataset is created at its first write, sized so a small one wastes no chunk. */
  column(path: string, dtype: ColumnDtype, attrs?: Attrs): H5Column;
  /** Sets attributes on a group or column, overwriting values already set. */
  setAttrs(path: string, attrs: Attrs): void;
  commit(): Promise<void>;
  /** Closes and deletes the partial file. Safe to call twice, and after a failed commit. */
  abort(): void;
}

type ArrayType = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ColumnValues;

interface DtypeInfo {
  h5: string;
  size: number;
  array: ArrayType;
  /** Integer range [lo, hi); null for floats. */
  range: [number, number] | null;
}

const TWO32 = 2 ** 32;
const DTYPES: Record<ColumnDtype, DtypeInfo> = {
  uint8: { h5: '<B', size: 1, array: Uint8Array, range: [0, 256] },
  uint16: { h5: '<H', size: 2, array: Uint16Array, range: [0, 65536] },
  uint32: { h5: '<I', size: 4, array: Uint32Array, range: [0, TWO32] },
  int32: { h5: '<i', size: 4, array: Int32Array, range: [-(2 ** 31), 2 ** 31] },
  uint64: { h5: '<Q', size: 8, array: BigUint64Array, range: [0, 2 ** 64] },
  int64: { h5: '<q', size: 8, array: BigInt64Array, range: [-(2 ** 63), 2 ** 63] },
  float32: { h5: '<f', size: 4, array: Float32Array, range: null },
  float64: { h5: '<d', size: 8, array: Float64Array, range: null },
};

function normPath(path: string): string {
  return path.split('/').filter(Boolean).join('/');
}

/** The most useful line of an HDF5 error stack: the OS error text if any, else the innermost frame's. */
export function describeH5Error(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const os = /error message = '([^']*)'/.exec(text);
  if (os) return os[1];
  const frames = [...text.matchAll(/#\d+: .* in \w+\(\): (.*)$/gm)];
  const last = frames.at(-1);
  return last ? last[1].trim() : (text.split('\n').find((l) => l.trim()) ?? 'unknown HDF5 error');
}

function fsReason(err: unknown, writing = false): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'ENOTDIR') return 'is not a folder';
  if (code === 'EACCES' || code === 'EPERM')
    return `is not ${writing ? 'writable' : 'accessible'} (permission denied)`;
  if (code === 'EROFS') return 'is on a read-only file system';
  return err instanceof Error ? err.message : String(err);
}

export async function createH5File(finalPath: string, options: H5AppendOptions = {}): Promise<H5AppendFile> {
  const final = resolve(finalPath);
  const dir = dirname(final);
  const chunkRows = options.chunkRows ?? CHUNK_ROWS;
  const blockRows = options.blockRows ?? BLOCK_ROWS;
  if (!(chunkRows >= 1 && blockRows >= chunkRows && blockRows % chunkRows === 0)) {
    throw new RangeError(`blockRows (${blockRows}) must be a positive multiple of chunkRows (${chunkRows})`);
  }
  const dirStat = await stat(dir).catch((e: unknown) => {
    throw new UserError(`cannot create ${final}: folder ${dir} ${fsReason(e)}`);
  });
  if (!dirStat.isDirectory()) throw new UserError(`cannot create ${final}: ${dir} is not a folder`);
  await access(dir, FS.W_OK | FS.X_OK).catch((e: unknown) => {
    throw new UserError(`cannot create ${final}: folder ${dir} ${fsReason(e, true)}`);
  });
  const existing = await lstat(final).catch(() => null);
  if (existing?.isDirectory()) throw new UserError(`cannot create ${final}: it is a folder`);
  if (existing && !options.force) throw new UserError(`${final} already exists; pass --force to overwrite`);
  const partial = `${final}.partial`;
  try {
    rmSync(partial, { force: true }); // left by a crashed run
  } catch (e) {
    throw new UserError(`cannot replace stale ${partial}: ${fsReason(e, true)}`);
  }
  const lib = await loadH5();
  const M = await lib.ready;
  const file = new AppendFile(lib, M, final, partial, !!options.force, chunkRows, blockRows);
  file.h5('cannot create', () => {
    file.file = new lib.File(partial, 'x');
  });
  return file;
}

class AppendFile implements H5AppendFile {
  file: InstanceType<H5Lib['File']> | null = null;
  private state: 'open' | 'committing' | 'committed' | 'aborted' = 'open';
  private failure: Error | null = null;
  private readonly groups = new Set<string>(['']);
  private readonly columns = new Map<string, Column>();
  private readonly attrNames = new Map<string, Set<string>>();
  readonly sync: BackgroundSync;

  constructor(
    readonly lib: H5Lib,
    readonly M: H5Module,
    readonly finalPath: string,
    readonly partialPath: string,
    private readonly force: boolean,
    readonly chunkRows: number,
    readonly blockRows: number,
  ) {
    this.sync = new BackgroundSync(partialPath);
  }

  /** Runs HDF5 calls with the throwing error handler; a failure poisons the file. */
  h5<T>(action: string, fn: () => T): T {
    this.M.activate_throwing_error_handler();
    try {
      return fn();
    } catch (e) {
      throw this.poison(new UserError(`${action} ${this.partialPath}: ${describeH5Error(e)}`));
    } finally {
      this.M.deactivate_throwing_error_handler();
    }
  }

  poison(err: Error): Error {
    this.failure ??= err;
    return err;
  }

  checkUsable(): bigint {
    if (this.failure) throw this.failure;
    const ok = this.state === 'open' || this.state === 'committing';
    if (!ok) throw new Error(`${this.finalPath}: file is ${this.state}`);
    if (!this.file) throw new Error(`${this.finalPath}: file is not open`);
    return this.file.file_id;
  }

  group(path: string, attrs?: Attrs): void {
    const norm = normPath(path);
    const fid = this.checkUsable();
    if (this.columns.has(norm)) throw new Error(`${norm} is a column, not a group`);
    if (!this.groups.has(norm)) {
      const slash = norm.lastIndexOf('/');
      if (slash > 0) this.group(norm.slice(0, slash));
      this.h5(`cannot create group ${norm} in`, () => this.M.create_group(fid, `/${norm}`, false));
      this.groups.add(norm);
    }
    if (attrs) this.setAttrs(norm, attrs);
  }

  column(path: string, dtype: ColumnDtype, attrs?: Attrs): H5Column {
    const norm = normPath(path);
    this.checkUsable();
    if (this.columns.has(norm) || this.groups.has(norm)) throw new Error(`${norm} already exists`);
    const slash = norm.lastIndexOf('/');
    if (slash > 0) this.group(norm.slice(0, slash));
    const col = new Column(this, norm, dtype, { ...attrs });
    this.columns.set(norm, col);
    return col;
  }

  setAttrs(path: string, attrs: Attrs): void {
    const norm = normPath(path);
    this.checkUsable();
    const col = this.columns.get(norm);
    if (col && !col.created) {
      Object.assign(col.pendingAttrs, attrs);
      return;
    }
    if (!col && !this.groups.has(norm)) throw new Error(`no group or column ${norm} in ${this.finalPath}`);
    for (const [name, value] of Object.entries(attrs)) this.writeAttr(norm, !!col, name, value);
  }

  writeAttr(path: string, isDataset: boolean, name: string, value: AttrValue): void {
    const fid = this.checkUsable();
    const abs = `/${path}`;
    let names = this.attrNames.get(path);
    if (!names) this.attrNames.set(path, (names = new Set()));
    const obj = isDataset ? new this.lib.Dataset(fid, abs) : new this.lib.Group(fid, abs);
    const had = names.has(name);
    this.h5(`cannot write attribute '${name}' of ${abs} in`, () => {
      if (had) obj.delete_attribute(name);
      if (typeof value === 'string') obj.create_attribute(name, value);
      else obj.create_attribute(name, ...encodeScalar(value));
    });
    names.add(name);
  }

  async commit(): Promise<void> {
    if (this.state === 'committing' || this.state === 'committed') {
      throw new Error(`${this.finalPath}: commit called twice`);
    }
    try {
      this.checkUsable();
      this.state = 'committing';
      for (const col of this.columns.values()) col.flush();
      const file = this.file;
      this.file = null;
      const status = this.h5('cannot close', () => file?.close() ?? 0);
      if (status < 0)
        throw this.poison(new UserError(`cannot close ${this.partialPath}: HDF5 status ${status}`));
      this.freeBuffers();
      await this.sync.close();
      await syncPath(this.partialPath, 'r+');
      if (!this.force && (await lstat(this.finalPath).catch(() => null))) {
        throw new UserError(`${this.finalPath} already exists; pass --force to overwrite`);
      }
      if (this.state !== 'committing') throw new Error(`${this.finalPath}: aborted during commit`);
      await rename(this.partialPath, this.finalPath);
      this.state = 'committed';
    } catch (e) {
      this.abort();
      throw e instanceof Error && e.message.includes(this.finalPath)
        ? e
        : new Error(`cannot finish ${this.finalPath}: ${e instanceof Error ? e.message : String(e)}`);
    }
    // The rename is durable once the folder is synced; some platforms cannot open a folder for that.
    await syncPath(dirname(this.finalPath), 'r').catch((e: unknown) => {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'ENOTSUP') throw e;
    });
  }

  abort(): void {
    if (this.state === 'committed' || this.state === 'aborted') return;
    this.state = 'aborted';
    const file = this.file;
    this.file = null;
    // Already failing: close errors do not matter, the partial goes either way.
    if (file) ignoreErrors(() => this.h5('cannot close', () => file.close()));
    this.freeBuffers();
    this.sync.close().catch(() => {}); // failing already: a sync error adds nothing
    // After an HDF5 failure h5wasm may leave its descriptor open (it skips its clean-up when it
    // throws): truncating first frees the disk space even then.
    ignoreErrors(() => truncateSync(this.partialPath, 0));
    ignoreErrors(() => unlinkSync(this.partialPath));
  }

  private freeBuffers(): void {
    for (const col of this.columns.values()) col.free();
  }
}

function ignoreErrors(fn: () => void): void {
  try {
    fn();
  } catch {
    // deliberately ignored
  }
}

async function syncPath(path: string, flags: 'r' | 'r+'): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

class Column implements H5Column {
  created = false;
  private ptr = 0;
  private capacity = 0;
  private buffered = 0;
  private written = 0;
  private readonly info: DtypeInfo;

  constructor(
    private readonly owner: AppendFile,
    readonly path: string,
    readonly dtype: ColumnDtype,
    readonly pendingAttrs: Attrs,
  ) {
    this.info = DTYPES[dtype];
    if (!this.info) throw new Error(`${path}: unknown dtype ${String(dtype)}`);
  }

  get length(): number {
    return this.written + this.buffered;
  }

  append(values: ColumnValues, n: number): void {
    this.owner.checkUsable();
    try {
      if (!Number.isInteger(n) || n < 0 || n > values.length) {
        throw new RangeError(`${this.path}: n = ${n} is outside 0..${values.length}`);
      }
      const block = this.owner.blockRows;
      for (let off = 0; off < n;) {
        const take = Math.min(n - off, block - this.buffered);
        this.reserve(this.buffered + take);
        this.copyIn(values, off, take);
        this.buffered += take;
        off += take;
        if (this.buffered === block) this.flush();
      }
    } catch (e) {
      // A partial append leaves the columns misaligned: the file must not be committed.
      throw this.owner.poison(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** Grows the wasm-heap buffer by doubling, up to one block. */
  private reserve(rows: number): void {
    if (rows <= this.capacity) return;
    const M = this.owner.M;
    let cap = Math.max(this.capacity * 2, Math.min(65_536, this.owner.blockRows));
    while (cap < rows) cap *= 2;
    cap = Math.min(cap, this.owner.blockRows);
    const ptr = M._malloc(cap * this.info.size);
    if (!ptr) throw new Error(`${this.path}: cannot allocate ${cap * this.info.size} bytes on the wasm heap`);
    if (this.ptr) {
      M.HEAPU8.copyWithin(ptr, this.ptr, this.ptr + this.buffered * this.info.size);
      M._free(this.ptr);
    }
    this.ptr = ptr;
    this.capacity = cap;
  }

  private copyIn(values: ColumnValues, off: number, n: number): void {
    // Views are made after reserve(): a heap growth replaces the wasm memory buffer.
    const buf = this.owner.M.HEAPU8.buffer;
    const at = this.ptr + this.buffered * this.info.size;
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

  /** Writes the buffered rows (creating the dataset on the first write). */
  flush(): void {
    const fid = this.owner.checkUsable();
    const M = this.owner.M;
    if (!this.created) this.create(fid);
    if (this.buffered === 0) return;
    const abs = `/${this.path}`;
    const total = this.written + this.buffered;
    const [count, offset] = [[BigInt(this.buffered)], [BigInt(this.written)]];
    this.owner.h5(`cannot write ${this.path} to`, () => {
      if (M.resize_dataset(fid, abs, [BigInt(total)]) < 0) throw new Error(`resizing ${abs} failed`);
      if (M.set_dataset_data(fid, abs, count, offset, [1n], BigInt(this.ptr)) < 0)
        throw new Error(`writing ${abs} failed`);
    });
    this.owner.sync.wrote(this.buffered * this.info.size);
    this.written = total;
    this.buffered = 0;
  }

  private create(fid: bigint): void {
    const slash = this.path.lastIndexOf('/');
    const parent = slash > 0 ? `/${this.path.slice(0, slash)}` : '/';
    const name = this.path.slice(slash + 1);
    // A column first written at commit holds all its rows: one chunk of exactly that size.
    const chunk = this.buffered >= this.owner.blockRows ? this.owner.chunkRows : Math.max(1, this.buffered);
    this.owner.h5(`cannot create ${this.path} in`, () =>
      new this.owner.lib.Group(fid, parent).create_dataset({
        name,
        data: new this.info.array(new ArrayBuffer(0), 0, 0),
        shape: [0],
        maxshape: [null],
        chunks: [Math.min(chunk, this.owner.chunkRows)],
        dtype: this.info.h5,
      }),
    );
    this.created = true;
    for (const [key, value] of Object.entries(this.pendingAttrs))
      this.owner.writeAttr(this.path, true, key, value);
  }

  free(): void {
    if (this.ptr) this.owner.M._free(this.ptr);
    this.ptr = 0;
    this.capacity = 0;
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

/** A scalar attribute's data, shape and HDF5 type (see AttrValue). */
function encodeScalar(value: number | bigint | boolean): [ColumnValues, number[], string] {
  if (typeof value === 'boolean') return [Uint8Array.of(value ? 1 : 0), [], '<B'];
  if (typeof value === 'bigint') {
    return value < 2n ** 63n ? [BigInt64Array.of(value), [], '<q'] : [BigUint64Array.of(value), [], '<Q'];
  }
  if (Number.isSafeInteger(value)) return [BigInt64Array.of(BigInt(value)), [], '<q'];
  return [Float64Array.of(value), [], '<d'];
}
