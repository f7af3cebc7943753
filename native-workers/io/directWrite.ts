// Bulk writes that bypass the page cache (O_DIRECT, Linux). A buffered write() copies every byte into
// the page cache and the kernel writes it back later: on this 2-core machine that cost 1.4-2.8 ms of
// system CPU per MB (40-80% of a core for a 300 MB/s recording), against about 0.13 ms per MB with
// O_DIRECT, which hands the caller's pages to the device. The price is alignment: the file offset,
// the length and the memory address of each direct write are multiples of DIRECT_ALIGN. Writers keep
// a second, direct descriptor for their aligned bulk blocks (in memory from AlignedBlocks) and write
// everything else (headers, metadata, a run's unaligned tail) through their ordinary one; fsync on
// either makes the whole file durable. Where O_DIRECT is missing (macOS, Windows) or refused (a file
// system without it), every write stays buffered, exactly as before.
import { close, constants, open, write } from 'node:fs';
import { newMemory } from '../pipeline/wasmModule';

/** Offset, length and address alignment of a direct write (the common logical block size of
 * 512-byte and 4 KB-sector disks both divide it). */
export const DIRECT_ALIGN = 4096;

/** Opens `path` (an existing file) a second time for direct writes; null where the platform or the
 * file system does not support them. */
function openDirect(path: string): Promise<number | null> {
  const flag = (constants as Record<string, number | undefined>).O_DIRECT;
  if (flag === undefined) return Promise.resolve(null);
  return new Promise((resolve) =>
    open(path, constants.O_WRONLY | flag, (err, fd) => resolve(err ? null : fd)),
  );
}

/**
 * A file's direct descriptor, if it has one: which writes may use it, given up at the first refusal
 * (EINVAL: the file system takes no direct writes after all; the write is then made buffered), and
 * closed once. The one piece both writers (the recorder's and the HDF5 write-behind) route by.
 */
export class DirectDescriptor {
  private usable: number | null;
  private unclosed: number | null;

  private constructor(fd: number | null) {
    this.usable = fd;
    this.unclosed = fd;
  }

  /** `path` opened for direct writes; none when `enabled` is false or where unsupported. */
  static async open(path: string, enabled = true): Promise<DirectDescriptor> {
    return new DirectDescriptor(enabled ? await openDirect(path) : null);
  }

  /** Whether aligned writes go direct (a descriptor, not refused so far). */
  get on(): boolean {
    return this.usable !== null;
  }

  /** The descriptor for writing `length` bytes of `view` from `from` at `position`: the direct one
   * when all three are aligned, else null (write through the ordinary descriptor). */
  for(view: Uint8Array, from: number, length: number, position: number): number | null {
    return this.usable !== null && directWritable(view, from, length, position) ? this.usable : null;
  }

  /** Whether `err`, from a direct write, is the file system refusing it: then no more direct writes
   * are made, and the caller makes this one buffered. */
  refused(err: unknown): boolean {
    if ((err as NodeJS.ErrnoException | null)?.code !== 'EINVAL') return false;
    this.usable = null;
    return true;
  }

  /** Closes the descriptor (call once no write is in flight); later writes go buffered. */
  async close(): Promise<void> {
    this.usable = null;
    const fd = this.unclosed;
    this.unclosed = null;
    if (fd !== null) await new Promise((resolve) => close(fd, resolve));
  }
}

/** Whether `length` bytes of `view` from `from` may go to file `position` with a direct write. */
function directWritable(view: Uint8Array, from: number, length: number, position: number): boolean {
  return (
    length > 0 &&
    position % DIRECT_ALIGN === 0 &&
    length % DIRECT_ALIGN === 0 &&
    (view.byteOffset + from) % DIRECT_ALIGN === 0
  );
}

/** One positional write through the thread pool (fs.write with a callback: no promise machinery on
 * a path taken hundreds of times a second). Resolves with the bytes written. */
export function writeAt(
  fd: number,
  view: Uint8Array,
  from: number,
  length: number,
  position: number,
): Promise<number> {
  return new Promise((resolve, reject) =>
    write(fd, view, from, length, position, (err, n) => (err ? reject(err) : resolve(n))),
  );
}

/** Blocks are carved from WebAssembly memories of this size: page-aligned, and few of them (each
 * reserves address space). */
const SEGMENT_BYTES = 64 << 20;

/**
 * Page-aligned blocks whose lengths are multiples of DIRECT_ALIGN, carved from large segments and
 * reused: take() gives a block of at least the asked size (a free one of that size first), give()
 * takes it back. The segments live as long as this object (a pool per file writer or recording).
 */
export class AlignedBlocks {
  private readonly free = new Map<number, Uint8Array[]>();
  private segment: ArrayBuffer | null = null;
  private used = 0;
  /** Bytes of blocks made so far (the pool's memory, once each block is touched). */
  made = 0;

  /** A block of `bytes` rounded up to DIRECT_ALIGN; its contents are whatever it held before. */
  take(bytes: number): Uint8Array {
    const size = Math.max(DIRECT_ALIGN, Math.ceil(bytes / DIRECT_ALIGN) * DIRECT_ALIGN);
    const reused = this.free.get(size)?.pop();
    if (reused) return reused;
    this.made += size;
    if (size > SEGMENT_BYTES / 4) return new Uint8Array(newMemory(size).buffer, 0, size);
    if (this.segment === null || this.used + size > this.segment.byteLength) {
      this.segment = newMemory(SEGMENT_BYTES).buffer;
      this.used = 0;
    }
    const block = new Uint8Array(this.segment, this.used, size);
    this.used += size;
    return block;
  }

  give(block: Uint8Array): void {
    const list = this.free.get(block.length);
    if (list) list.push(block);
    else this.free.set(block.length, [block]);
  }
}
