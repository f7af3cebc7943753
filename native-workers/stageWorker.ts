// Entry of a stage host: a worker thread (init in workerData), an Electron utility process
// (process.parentPort, messages arrive as {data}) or a forked child (process.send); in both process
// kinds the init is the first message. Creates the named stage and answers each request in order.
// A worker thread also hosts the UDP sampler's receiving end (live/udpReceiver.ts), so that the one
// bundled host serves every thread the engine starts.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { type StageName, buffersOf, createStage } from './stages/stages';
import { type ReceiverConfig, runReceiverThread } from './live/udpReceiver';

/** Lowers this thread's CPU priority (on Linux, nice values are per thread: /proc/thread-self
 * names this one). Silently keeps the default where that is not possible. */
function lowerThisThread(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 10);
  } catch {
    // Not Linux, or not permitted: the default priority.
  }
}

type Request = { id: number; request: never };
type Reply = { id: number; response?: unknown; error?: { message: string; stack?: string } };

/** Answers requests one after another (a stage may answer asynchronously), in arrival order. */
function handlerFor(init: {
  name: StageName;
  config: never;
  lowPriority?: boolean;
}): (msg: Request) => Promise<Reply> {
  if (init.lowPriority) lowerThisThread();
  const stage = createStage(init.name, init.config);
  let chain: Promise<unknown> = stage.catch(() => undefined);
  return (msg) => {
    const reply = chain.then(async (): Promise<Reply> => {
      try {
        return { id: msg.id, response: await (await stage).handle(msg.request) };
      } catch (err) {
        return { id: msg.id, error: { message: (err as Error).message, stack: (err as Error).stack } };
      }
    });
    chain = reply;
    return reply;
  };
}

/** Electron's `process.parentPort` in a utility process (typed here: no electron import). */
interface UtilityParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}
const utilityPort = (process as { parentPort?: UtilityParentPort }).parentPort;

const receiver = (workerData as { receiver?: ReceiverConfig } | null)?.receiver;

if (parentPort && receiver) {
  // Not a stage: the UDP sampler's receiving thread (udpReceiver.ts), which pushes chunks.
  runReceiverThread(receiver, parentPort);
} else if (parentPort) {
  const port = parentPort;
  const handle = handlerFor(workerData as { name: StageName; config: never });
  port.on('message', (msg: Request) => {
    void handle(msg).then((reply) => port.postMessage(reply, buffersOf(reply.response)));
  });
} else if (utilityPort) {
  // The utility process dies with the app; nothing to watch for.
  let handle: ((msg: Request) => Promise<Reply>) | null = null;
  utilityPort.on('message', ({ data }) => {
    if (!handle) handle = handlerFor(data as { name: StageName; config: never });
    else void handle(data as Request).then((reply) => utilityPort.postMessage(reply));
  });
} else if (process.send) {
  let handle: ((msg: Request) => Promise<Reply>) | null = null;
  process.on('message', (msg: unknown) => {
    if (!handle) handle = handlerFor(msg as { name: StageName; config: never });
    else void handle(msg as Request).then((reply) => process.send!(reply));
  });
  process.on('disconnect', () => process.exit(0)); // the parent is gone
}
