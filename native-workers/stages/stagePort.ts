// One port to a stage, whatever runs it: 'inline' calls the stage in this thread (unit tests, tiny
// jobs), 'thread' hosts it in a worker thread and transfers request and response buffers (zero
// copy). Requests are answered in order. An Electron utility-process transport (later) implements
// the same interface.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type StageName, type StageTypes, buffersOf, createStage } from './stages';

export type StageTransport = 'inline' | 'thread';

export interface StagePort<K extends StageName> {
  /** Sends a request; its buffers are transferred (unusable here afterwards) with 'thread'. */
  call(request: StageTypes[K]['request']): Promise<StageTypes[K]['response']>;
  close(): Promise<void>;
}

export function openStage<K extends StageName>(
  name: K,
  config: StageTypes[K]['config'],
  transport: StageTransport,
): StagePort<K> {
  if (transport === 'inline') {
    const stage = createStage(name, config);
    return {
      call: async (request) => stage.handle(request),
      close: async () => {},
    };
  }
  return new ThreadPort<K>(name, config);
}

class ThreadPort<K extends StageName> implements StagePort<K> {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (r: never) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;
  private closed = false;

  constructor(name: K, config: StageTypes[K]['config']) {
    this.worker = new Worker(stageWorkerUrl(), { workerData: { name, config } });
    this.worker.on(
      'message',
      (msg: { id: number; response?: never; error?: { message: string; stack?: string } }) => {
        const w = this.waiting.get(msg.id);
        if (!w) return;
        this.waiting.delete(msg.id);
        if (msg.error) {
          const e = new Error(`${name} stage: ${msg.error.message}`);
          e.stack = msg.error.stack;
          w.reject(e);
        } else w.resolve(msg.response as never);
      },
    );
    const fail = (err: Error): void => {
      this.failure = err;
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => {
      if (this.waiting.size > 0)
        fail(new Error(`${name} stage worker exited (code ${code}) with requests pending`));
    });
  }

  call(request: StageTypes[K]['request']): Promise<StageTypes[K]['response']> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('stage port is closed'));
    const id = this.nextId++;
    const reply = new Promise<StageTypes[K]['response']>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, request }, buffersOf(request));
    });
    // A caller that gives up on queued requests (after an earlier failure) must not turn their
    // rejections into an unhandled-rejection crash; whoever awaits a reply still sees its error.
    reply.catch(() => {});
    return reply;
  }

  /** Stops the worker. Requests still pending are abandoned: their promises never settle. */
  async close(): Promise<void> {
    this.closed = true;
    this.waiting.clear();
    await this.worker.terminate();
  }
}

let cachedUrl: URL | null = null;

/** dist/stageWorker.mjs: beside this bundle in dist/, or under the repository root from sources. */
export function stageWorkerUrl(): URL {
  if (cachedUrl) return cachedUrl;
  const here = dirname(fileURLToPath(import.meta.url));
  const sibling = join(here, 'stageWorker.mjs');
  if (existsSync(sibling)) return (cachedUrl = pathToFileURL(sibling));
  for (let dir = here; ; dir = dirname(dir)) {
    const candidate = join(dir, 'dist', 'stageWorker.mjs');
    if (existsSync(join(dir, 'package.json'))) {
      if (!existsSync(candidate)) throw new Error(`${candidate} missing: run 'npm run build'`);
      return (cachedUrl = pathToFileURL(candidate));
    }
    if (dirname(dir) === dir) throw new Error('cannot locate dist/stageWorker.mjs');
  }
}
