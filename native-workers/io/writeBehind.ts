// Data writes that run in libuv's thread pool while the writing thread goes on (h5Append.ts's
// write-behind): positional writes of whole blocks, bounded in bytes, from a pool of blocks that
// return to it once written. Completion order does not matter: every block has its own position.
import { write } from 'node:fs';

export class WriteBehind {
  private bytes = 0;
  private count = 0;
  private settled: (() => void) | null = null;
  private readonly free = new Map<number, ArrayBuffer[]>();

  constructor(readonly limitBytes: number) {}

  /** A block of `bytes` from the pool, or a new one. */
  take(bytes: number): ArrayBuffer {
    return this.free.get(bytes)?.pop() ?? new ArrayBuffer(bytes);
  }

  give(block: ArrayBuffer): void {
    const list = this.free.get(block.byteLength);
    if (list) list.push(block);
    else this.free.set(block.byteLength, [block]);
  }

  /** Whether `length` more bytes fit in flight. */
  fits(length: number): boolean {
    return this.bytes + length <= this.limitBytes;
  }

  /** Writes `length` bytes of `block` at `position` of `fd` in the background (however many
   * write calls that takes); then the block goes back to the pool and `done` gets the error or null. */
  start(
    fd: number,
    block: ArrayBuffer,
    length: number,
    position: number,
    done: (err: Error | null) => void,
  ): void {
    this.bytes += length;
    this.count++;
    const finish = (err: Error | null): void => {
      this.bytes -= length;
      this.count--;
      this.give(block);
      done(err);
      if (this.count === 0) this.settled?.();
    };
    const from = (at: number): void =>
      write(fd, new Uint8Array(block, at, length - at), 0, length - at, position + at, (err, n) => {
        if (err || at + n >= length) finish(err);
        else from(at + n);
      });
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
}
