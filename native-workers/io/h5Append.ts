// Streaming HDF5 writer in plain TypeScript: groups, attributes and 1-D chunked, extendable
// (maxshape [None]) columns that grow by appends. Data flow: `H5Column.append` (h5Column.ts) writes
// whole chunks with `fs.writeSync` at addresses handed out from the end of the file, straight from
// the caller's array when it can, else through the column's staging block. Groups, attributes and
// chunk lists stay in memory; `commit` encodes all metadata (hdf5/metadata.ts: global heap,
// B-trees, object headers) after the data, then the superblock into the 48 bytes reserved at
// offset 0, fsyncs, renames `<final>.partial` to the final name and fsyncs the folder, so a crash
// never leaves a half-written file under the final name. The partial file is not readable as HDF5
// before commit.
//
// Why not the HDF5 library (h5wasm): compiling it cost ~0.1 s per process, and copying every row
// into the wasm heap and through HDF5's own buffers ~0.25 s of CPU per 700 MB. The format written
// here is a small, fixed subset that HDF5 1.8 and later read; reading stays on h5wasm. Superblock
// v2 and object header v2, because they allow compact groups (links in the group's own header;
// older versions need a symbol table, local heap and B-tree per group); layout v3 with a v1 B-tree
// chunk index, because that is what the library itself writes for extendable datasets by default
// (layout v4's extensible arrays need HDF5 1.10).
//
// With `writeBehindBytes`, data writes run in libuv's thread pool while the caller goes on (the
// kernel's copy into the page cache was most of the converter's writing thread): rows are then
// always copied into blocks the file owns (taken from a pool, returned when written), never written
// from the caller's arrays, so a caller may reuse them at once as before; past the bound a block is
// written in the caller's thread, which holds memory without a further API. `commit` waits for the
// writes in flight. The blocks are page-aligned and chunks start on 4 KB boundaries, so whole
// blocks go to the disk with O_DIRECT where the file system allows it (directWrite.ts): without the
// page-cache copy, a 271 MB conversion took 0.4 s of system CPU instead of 0.5-1.7 s.
//
// Errors are one line naming the file; a failed write (ENOSPC, EIO, ...) or a bad append poisons
// the file: later calls throw the first error, and the caller must `abort` (which deletes the
// partial).
import {
  constants as FS,
  close,
  closeSync,
  fsync,
  openSync,
  rmSync,
  truncateSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { access, lstat, open, rename, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { promisify } from 'node:util';
import { UserError } from '../../shared/userError';
import { BackgroundSync } from './backgroundSync';
import { describeIoError, fsReason } from './fsErrors';
import { DIRECT_ALIGN, DirectDescriptor } from './directWrite';
import { WriteBehind } from './writeBehind';
import { Column, type ColumnDtype, type ColumnFile, type H5Column } from './h5Column';
import { SUPERBLOCK_SIZE, superblock } from './hdf5/headers';
import {
  type AttrValue,
  type DatasetNode,
  type GroupNode,
  encodeMetadata,
  encodeScalar,
} from './hdf5/metadata';

export type { ColumnDtype, ColumnValues, H5Column } from './h5Column';
export type { AttrValue } from './hdf5/metadata';
export type Attrs = Record<string, AttrValue>;

/** Rows per HDF5 chunk. 64 Ki..1 Mi rows measured the same within noise with h5wasm; 256 Ki keeps
 * a float64 chunk at 2 MB, and each write of whole chunks at 0.25..2 MB. */
export const CHUNK_ROWS = 262_144;
/** Rows buffered per column before one write: 4 chunks (8 MB for float64). */
export const BLOCK_ROWS = 4 * CHUNK_ROWS;

export interface H5AppendOptions {
  /** Replace an existing file at the final path (at commit; until then the old file stays). */
  force?: boolean;
  /** Tuning and tests only: rows per chunk, and rows per write (a multiple of chunkRows). */
  chunkRows?: number;
  blockRows?: number;
  /** Bytes of data writes in flight in the thread pool (see the module comment); 0 (the
   * default): every write in the caller's thread. */
  writeBehindBytes?: number;
  /** With write-behind, whole aligned blocks bypass the page cache where the file system allows
   * it (directWrite.ts; default true). */
  direct?: boolean;
}

export interface H5AppendFile {
  readonly finalPath: string;
  readonly partialPath: string;
  /** Creates the group (and missing parents) if needed, then sets `attrs` on it. */
  group(path: string, attrs?: Attrs): void;
  /** A new column; its chunk size is fixed at its first write, so a small one wastes no chunk. */
  column(path: string, dtype: ColumnDtype, attrs?: Attrs): H5Column;
  /** Sets attributes on a group or column, overwriting values already set. */
  setAttrs(path: string, attrs: Attrs): void;
  commit(): Promise<void>;
  /** Closes and deletes the partial file. Safe to call twice, and after a failed commit. */
  abort(): void;
  /** Data bytes written so far bypassing the page cache. */
  readonly directBytes: number;
  /** Bytes of write-behind blocks made so far: the writer's staging and in-flight memory. */
  readonly blockPoolBytes: number;
}

function normPath(path: string): string {
  return path.split('/').filter(Boolean).join('/');
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
  let fd: number;
  try {
    fd = openSync(partial, 'wx');
  } catch (e) {
    throw new UserError(`cannot create ${partial}: ${describeIoError(e)}`);
  }
  const writeBehindBytes = options.writeBehindBytes ?? 0;
  // Write-behind blocks are page-aligned: whole ones can bypass the page cache.
  const direct = writeBehindBytes > 0 ? await DirectDescriptor.open(partial, options.direct !== false) : null;
  return new AppendFile(
    fd,
    final,
    partial,
    !!options.force,
    chunkRows,
    blockRows,
    new WriteBehind(writeBehindBytes, direct),
  );
}

const fsyncFd = promisify(fsync);

class AppendFile implements H5AppendFile, ColumnFile {
  private state: 'open' | 'committing' | 'committed' | 'aborted' = 'open';
  private failure: Error | null = null;
  private readonly root: GroupNode = { kind: 'group', children: new Map(), attrs: new Map() };
  /** Every group and dataset by normalised path ('' is the root). */
  private readonly nodes = new Map<string, GroupNode | DatasetNode>([['', this.root]]);
  private readonly columns: Column[] = [];
  /** Next free address; the superblock's bytes are reserved from the start. */
  private eof = SUPERBLOCK_SIZE;
  private readonly sync: BackgroundSync;
  /** Chunks start on DIRECT_ALIGN boundaries, so that whole blocks can be written directly. */
  private readonly alignChunks: boolean;

  constructor(
    private fd: number | null,
    readonly finalPath: string,
    readonly partialPath: string,
    private readonly force: boolean,
    readonly chunkRows: number,
    readonly blockRows: number,
    private readonly behind: WriteBehind,
  ) {
    this.sync = new BackgroundSync(partialPath);
    this.alignChunks = behind.directOn;
  }

  get directBytes(): number {
    return this.behind.directBytes;
  }

  get blockPoolBytes(): number {
    return this.behind.poolBytes;
  }

  get ownsRows(): boolean {
    return this.behind.limitBytes > 0;
  }

  takeBlock(bytes: number): Uint8Array {
    return this.behind.take(bytes);
  }

  writeBlock(what: string, block: Uint8Array, length: number, position: number, room: number): void {
    this.checkUsable();
    // A direct write is whole 4 KB blocks: a column's last chunk is filled up with zeros to a
    // boundary (inside its allocation; readers ignore bytes past the rows).
    const padded = Math.min(room, block.length, Math.ceil(length / DIRECT_ALIGN) * DIRECT_ALIGN);
    if (padded > length && this.behind.canGoDirect(block, padded, position)) {
      block.fill(0, length, padded);
      length = padded;
    }
    const fail = (e: unknown): Error =>
      this.poison(new UserError(`cannot write ${what} to ${this.partialPath}: ${describeIoError(e)}`));
    if (!this.behind.fits(length)) {
      let direct: number;
      try {
        direct = this.behind.writeNow(this.fd as number, block, length, position);
      } catch (e) {
        throw fail(e);
      }
      this.behind.give(block);
      this.sync.wrote(length - direct);
      return;
    }
    this.behind.start(this.fd as number, block, length, position, (err, direct) => {
      if (err) fail(err);
      else this.sync.wrote(length - direct); // direct writes leave nothing in the page cache
    });
  }

  poison(err: Error): Error {
    this.failure ??= err;
    return err;
  }

  checkUsable(): void {
    if (this.failure) throw this.failure;
    const ok = this.state === 'open' || this.state === 'committing';
    if (!ok) throw new Error(`${this.finalPath}: file is ${this.state}`);
    if (this.fd === null) throw new Error(`${this.finalPath}: file is not open`);
  }

  allocate(bytes: number): number {
    if (this.alignChunks) this.eof = Math.ceil(this.eof / DIRECT_ALIGN) * DIRECT_ALIGN;
    const at = this.eof;
    this.eof += bytes;
    return at;
  }

  writeAt(what: string, bytes: Uint8Array, position: number): void {
    this.checkUsable();
    try {
      for (let done = 0; done < bytes.length;) {
        done += writeSync(this.fd as number, bytes, done, bytes.length - done, position + done);
      }
    } catch (e) {
      throw this.poison(new UserError(`cannot write ${what} to ${this.partialPath}: ${describeIoError(e)}`));
    }
    this.sync.wrote(bytes.length);
  }

  group(path: string, attrs?: Attrs): void {
    const norm = normPath(path);
    this.checkUsable();
    let node = this.nodes.get(norm);
    if (node?.kind === 'dataset') throw new Error(`${norm} is a column, not a group`);
    if (!node) {
      const slash = norm.lastIndexOf('/');
      const parent = this.parentOf(norm);
      node = { kind: 'group', children: new Map(), attrs: new Map() };
      parent.children.set(norm.slice(slash + 1), node);
      this.nodes.set(norm, node);
    }
    if (attrs) this.setAttrs(norm, attrs);
  }

  /** The group holding `norm`, created with its parents if missing. */
  private parentOf(norm: string): GroupNode {
    const slash = norm.lastIndexOf('/');
    const parentPath = slash > 0 ? norm.slice(0, slash) : '';
    this.group(parentPath);
    return this.nodes.get(parentPath) as GroupNode;
  }

  column(path: string, dtype: ColumnDtype, attrs?: Attrs): H5Column {
    const norm = normPath(path);
    this.checkUsable();
    if (this.nodes.has(norm)) throw new Error(`${norm} already exists`);
    if (!norm) throw new Error('a column needs a name');
    const parent = this.parentOf(norm);
    const col = new Column(this, norm, dtype, new Map());
    parent.children.set(norm.slice(norm.lastIndexOf('/') + 1), col.node);
    this.nodes.set(norm, col.node);
    this.columns.push(col);
    if (attrs) this.setAttrs(norm, attrs);
    return col;
  }

  setAttrs(path: string, attrs: Attrs): void {
    const norm = normPath(path);
    this.checkUsable();
    const node = this.nodes.get(norm);
    if (!node) throw new Error(`no group or column ${norm} in ${this.finalPath}`);
    for (const [name, value] of Object.entries(attrs)) {
      // Checked now, so a bad value fails where it is set rather than at commit.
      if (!name || name.includes('\0'))
        throw new Error(`${norm}: bad attribute name ${JSON.stringify(name)}`);
      if (typeof value !== 'string') encodeScalar(value);
      node.attrs.set(name, value);
    }
  }

  async commit(): Promise<void> {
    if (this.state === 'committing' || this.state === 'committed') {
      throw new Error(`${this.finalPath}: commit called twice`);
    }
    try {
      this.checkUsable();
      this.state = 'committing';
      for (const col of this.columns) col.finish();
      await this.behind.release();
      this.checkUsable();
      const base = this.eof;
      const { bytes, rootAddress } = encodeMetadata(base, this.root);
      this.writeAt('metadata', bytes, base);
      this.writeAt('superblock', superblock(base + bytes.length, rootAddress), 0);
      await this.sync.close();
      const fd = this.fd as number;
      await fsyncFd(fd).catch((e: unknown) => {
        throw this.poison(new UserError(`cannot write ${this.partialPath}: ${describeIoError(e)}`));
      });
      this.fd = null;
      closeSync(fd);
      if (!this.force && (await lstat(this.finalPath).catch(() => null))) {
        throw new UserError(`${this.finalPath} already exists; pass --force to overwrite`);
      }
      if (this.state !== 'committing') throw new Error(`${this.finalPath}: aborted during commit`);
      await rename(this.partialPath, this.finalPath);
      this.state = 'committed';
    } catch (e) {
      this.abort();
      throw e instanceof Error && (e.message.includes(this.finalPath) || e instanceof UserError)
        ? e
        : new Error(`cannot finish ${this.finalPath}: ${e instanceof Error ? e.message : String(e)}`);
    }
    // The rename is durable once the folder is synced; some platforms cannot open a folder for that.
    await syncPath(dirname(this.finalPath)).catch((e: unknown) => {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'ENOTSUP') throw e;
    });
  }

  abort(): void {
    if (this.state === 'committed' || this.state === 'aborted') return;
    this.state = 'aborted';
    const fd = this.fd;
    this.fd = null;
    // Already failing: close and sync errors do not matter, the partial goes either way. Writes
    // still in flight go to the unlinked file; the fd is closed once they are done.
    const closing = this.behind.release();
    if (fd !== null) void closing.then(() => close(fd, () => {}));
    this.sync.close().catch(() => {});
    ignoreErrors(() => truncateSync(this.partialPath, 0));
    ignoreErrors(() => unlinkSync(this.partialPath));
  }
}

function ignoreErrors(fn: () => void): void {
  try {
    fn();
  } catch {
    // deliberately ignored
  }
}

async function syncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
