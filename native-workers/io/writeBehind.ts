// Data writes that run in libuv's thread pool while the writing thread goes on (h5Append.ts's
// write-behind): positional writes of whole blocks, bounded in bytes, from a pool of page-aligned
// blocks that return to it once written. Completion order does not matter: every block has its own
// position. With a direct descriptor (directWrite.ts), a block whose position and length are aligned
// bypasses the page cache; the rest, and everything after a file system refused a direct write, go
// through the ordinary descriptor.
import { write, writeSync } from 'node:fs';
import { AlignedBlocks, DirectDescriptor } from './directWrite';

export class WriteBehind {
  private bytes = 0;
  private count = 0;
  private settled: (() => void) | null = null;
  private readonly blocks = new AlignedBlocks();
  /** Bytes written bypassing the page cache. */
  directBytes = 0;

  /** `direct`: the file's direct descriptor, if it has one; `release` closes it. */
  constructor(
    readonly limitBytes: number,
    private readonly direct: DirectDescriptor | null = null,
  ) {}

  /** Bytes of blocks the pool has made (its memory). */
  get poolBytes(): number {
    return this.blocks.made;
  }

  /** A page-aligned block of at least `bytes`, from the pool or new. */
  take(bytes: number): Uint8Array {
    return this.blocks.take(bytes);
  }

  give(block: Uint8Array): void {
    this.blocks.give(block);
  }

  /** Whether `length` more bytes fit in flight. */
  fits(length: number): boolean {
    return this.bytes + length <= this.limitBytes;
  }

  /** Whether aligned blocks go direct (a direct descriptor, not refused so far). */
  get directOn(): boolean {
    return this.direct?.on ?? false;
  }

  /** Whether a write of `length` bytes of `block` at `position` can go direct. */
  canGoDirect(block: Uint8Array, length: number, position: number): boolean {
    return this.direct?.for(block, 0, length, position) != null;
  }

  /** Writes `length` bytes of `block` at `position` in this thread (past the bound), directly when
   * it can; returns the bytes that went direct. Throws the write's error. */
  writeNow(fd: number, block: Uint8Array, length: number, position: number): number {
    let direct = 0;
    for (let at = 0; at < length;) {
      const directFd = this.direct?.for(block, at, length - at, position + at) ?? null;
      let n: number;
      try {
        n = writeSync(directFd ?? fd, block, at, length - at, position + at);
      } catch (err) {
        if (directFd === null || !this.direct!.refused(err)) throw err;
        continue;
      }
      if (directFd !== null) direct += n;
      at += n;
    }
    this.directBytes += direct;
    return direct;
  }

  /** Writes `length` bytes of `block` at `position` of `fd` (or directly, when it can) in the
   * background, however many write calls that takes; then the block goes back to the pool and
   * `done` gets the error or null, and how many bytes went direct. */
  start(
    fd: number,
    block: Uint8Array,
    length: number,
    position: number,
    done: (err: Error | null, directBytes: number) => void,
  ): void {
    this.bytes += length;
    this.count++;
    let direct = 0;
    const finish = (err: Error | null): void => {
      this.bytes -= length;
      this.count--;
      this.give(block);
      this.directBytes += direct;
      done(err, direct);
      if (this.count === 0) this.settled?.();
    };
    const from = (at: number): void => {
      const directFd = this.direct?.for(block, at, length - at, position + at) ?? null;
      write(directFd ?? fd, block, at, length - at, position + at, (err, n) => {
        if (err && directFd !== null && this.direct!.refused(err)) return from(at); // buffered now
        if (directFd !== null && !err) direct += n;
        if (err || at + n >= length) finish(err);
        else from(at + n);
      });
    };
    from(0);
  }

  /** Resolves when no write is in flight (the fd may then be closed: no late write can land in a
   * file that reused its number). */
  idle(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.settled;
      this.settled = () => {
        this.settled = null;
        previous?.();
        resolve();
      };
    });
  }

  /** Waits for the writes in flight, then closes the direct descriptor (the caller's stays open). */
  async release(): Promise<void> {
    await this.idle();
    await this.direct?.close();
  }
}
