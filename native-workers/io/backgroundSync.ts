// Flushes a file to disk while it is still being written: every `every` bytes written, a datasync
// runs in the thread pool while the writer goes on, so the final fsync at commit has only the tail
// left instead of the whole file (about 0.4 s per GB on this disk, otherwise all at the end).
import { type FileHandle, open } from 'node:fs/promises';

export class BackgroundSync {
  private unsynced = 0;
  private inFlight: Promise<void> | null = null;
  private handle: FileHandle | null = null;
  private failure: unknown = null;

  constructor(
    private readonly path: string,
    private readonly every = 64 << 20,
  ) {}

  /** Counts bytes written; starts a sync when enough are unsynced and none is running. */
  wrote(bytes: number): void {
    this.unsynced += bytes;
    if (this.unsynced < this.every || this.inFlight) return;
    this.unsynced = 0;
    this.inFlight = this.sync()
      .catch((e: unknown) => {
        this.failure ??= e;
      })
      .finally(() => {
        this.inFlight = null;
      });
  }

  private async sync(): Promise<void> {
    this.handle ??= await open(this.path, 'r+');
    await this.handle.datasync();
  }

  /** Waits for the sync in flight and closes; throws the first sync error (the data may be lost). */
  async close(): Promise<void> {
    await this.inFlight;
    const handle = this.handle;
    this.handle = null;
    await handle?.close();
    if (this.failure) throw this.failure;
  }
}
