// One port to a stage, whatever runs it: 'inline' calls the stage in this thread (unit tests, tiny
// jobs); 'thread' hosts it in a worker thread and transfers request and response buffers (zero
// copy); 'process' hosts it in a child process (child_process.fork, 'advanced' serialization: one
// copy per hop, so requests should be ~1 MB batches, not datagrams). Requests are answered in
// order. Who starts the process is pluggable (StageLauncher): child_process.fork by default, an
// Electron utility process in the app (electron/ipc/utilityLauncher.ts), same messages either way.
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { assertNever } from '../../shared/assertNever';
import { type StageName, type StageTypes, buffersOf, createStage } from './stages';

export type StageTransport = 'inline' | 'thread' | 'process';

export interface StagePort<K extends StageName> {
  /** Sends a request; with 'thread' its buffers are transferred (unusable here afterwards). */
  call(request: StageTypes[K]['request']): Promise<StageTypes[K]['response']>;
  close(): Promise<void>;
  /** Set when the stage's host died or failed; every later call rejects with it. */
  readonly failure: Error | null;
  /** The host's process id ('process' transport), for CPU accounting and tests. */
  readonly pid?: number;
}

/** A message pipe to a stage host (worker thread, child process, Electron utility process). */
export interface StageChannel {
  readonly pid?: number;
  post(message: unknown, transfer: ArrayBuffer[]): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the host is gone (exit code, or an error). */
  onExit(listener: (reason: string) => void): void;
  terminate(): Promise<void>;
}

/** A stage host process as a launcher hands it over: just enough of a ChildProcess or of an
 * Electron UtilityProcess. Messages are structured-cloned (typed arrays survive, one copy). */
export interface StageProcess {
  readonly pid: number | undefined;
  postMessage(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called when the process is gone (or failed to start), with the reason in a few words. */
  onExit(listener: (reason: string) => void): void;
  kill(): void;
}

/** Starts the stage host module (the bundled stageWorker) as a process. */
export type StageLauncher = (modulePath: string) => StageProcess;

export interface OpenStageOptions {
  /** How the 'process' transport starts its host (default: child_process.fork). */
  launcher?: StageLauncher;
  /** The host thread runs at a lower CPU priority (Linux nice 10), so that on a full machine the
   * receiving and recording threads win: live views drop batches, the recording never does.
   * Ignored inline and where the system does not allow it. */
  lowPriority?: boolean;
}

/** What a stage host receives first (as worker data, or the first message of a process). */
export interface StageInit {
  name: StageName;
  config: unknown;
  lowPriority?: boolean;
}

type Reply = { id: number; response?: unknown; error?: { message: string; stack?: string } };

export function openStage<K extends StageName>(
  name: K,
  config: StageTypes[K]['config'],
  transport: StageTransport,
  options: OpenStageOptions = {},
): StagePort<K> {
  switch (transport) {
    case 'inline': {
      const stage = createStage(name, config);
      // Requests are answered in order even when the stage answers asynchronously.
      let chain: Promise<unknown> = stage.catch(() => undefined);
      return {
        call: (request) => {
          const reply = chain.then(async () => (await stage).handle(request));
          chain = reply.catch(() => undefined);
          return reply;
        },
        close: async () => {
          await chain;
          await (await stage.catch(() => null))?.close?.();
        },
        failure: null,
      };
    }
    case 'thread':
      return new RemotePort<K>(name, threadChannel({ name, config, lowPriority: options.lowPriority }));
    case 'process':
      return new RemotePort<K>(
        name,
        processChannel({ name, config, lowPriority: options.lowPriority }, options.launcher ?? forkLauncher),
      );
    default:
      return assertNever(transport, 'stage transport');
  }
}

export class RemotePort<K extends StageName> implements StagePort<K> {
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (r: never) => void; reject: (e: Error) => void }>();
  failure: Error | null = null;
  private closed = false;

  get pid(): number | undefined {
    return this.channel.pid;
  }

  constructor(
    private readonly name: K,
    private readonly channel: StageChannel,
  ) {
    channel.onMessage((raw) => {
      const msg = raw as Reply;
      const w = this.waiting.get(msg.id);
      if (!w) return;
      this.waiting.delete(msg.id);
      if (msg.error) {
        const e = new Error(`${name} stage: ${msg.error.message}`);
        e.stack = msg.error.stack;
        w.reject(e);
      } else w.resolve(msg.response as never);
    });
    channel.onExit((reason) => {
      if (this.closed) return;
      this.failure = new Error(`${name} stage host stopped: ${reason}`);
      for (const w of this.waiting.values()) w.reject(this.failure);
      this.waiting.clear();
    });
  }

  call(request: StageTypes[K]['request']): Promise<StageTypes[K]['response']> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error(`${this.name} stage port is closed`));
    const id = this.nextId++;
    const reply = new Promise<StageTypes[K]['response']>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.channel.post({ id, request }, buffersOf(request));
    });
    // A caller that gives up on queued requests (after an earlier failure) must not turn their
    // rejections into an unhandled-rejection crash; whoever awaits a reply still sees its error.
    reply.catch(() => {});
    return reply;
  }

  /** Stops the host. Requests still pending reject (nobody waits forever on a closed port). */
  async close(): Promise<void> {
    this.closed = true;
    const closedError = new Error(`${this.name} stage port is closed`);
    for (const w of this.waiting.values()) w.reject(closedError);
    this.waiting.clear();
    await this.channel.terminate();
  }
}

function threadChannel(init: StageInit): StageChannel {
  const worker = new Worker(stageHostUrl(), { workerData: init });
  let exited = false;
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    onMessage: (listener) => worker.on('message', listener),
    onExit: (listener) => {
      worker.on('error', (err) => listener(err.message));
      worker.on('exit', (code) => {
        exited = true;
        listener(`exit code ${code}`);
      });
    },
    terminate: async () => {
      if (!exited) await worker.terminate();
    },
  };
}

/** The default launcher: a Node child process with 'advanced' serialization (typed arrays). */
export const forkLauncher: StageLauncher = (modulePath) => {
  const child: ChildProcess = fork(modulePath, [], {
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return {
    pid: child.pid,
    postMessage: (message) => child.send(message as object),
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => {
      child.on('error', (err) => listener(err.message));
      child.on('exit', (code, signal) => listener(signal ? `killed by ${signal}` : `exit code ${code}`));
    },
    kill: () => child.kill('SIGTERM'),
  };
};

function processChannel(init: StageInit, launch: StageLauncher): StageChannel {
  const child = launch(fileURLToPath(stageHostUrl()));
  let exited = false;
  const gone = new Promise<void>((resolve) =>
    child.onExit(() => {
      exited = true;
      resolve();
    }),
  );
  child.postMessage(init);
  return {
    get pid() {
      return child.pid; // a utility process knows it only once spawned
    },
    post: (message) => child.postMessage(message),
    onMessage: (listener) => child.onMessage(listener),
    onExit: (listener) => child.onExit(listener),
    terminate: async () => {
      if (exited) return;
      child.kill();
      await gone;
    },
  };
}

let cachedUrl: URL | null = null;

/** dist/stageWorker.mjs: beside this bundle in dist/, or under the repository root from sources. */
export function stageHostUrl(): URL {
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
