// Entry of a stage host: a worker thread (init in workerData) or a child process (init as the first
// message). Creates the named stage and answers each request in order; nothing else lives here.
import { parentPort, workerData } from 'node:worker_threads';
import { type StageName, buffersOf, createStage } from './stages/stages';

type Request = { id: number; request: never };
type Handler = (msg: Request) => {
  id: number;
  response?: unknown;
  error?: { message: string; stack?: string };
};

function handlerFor(init: { name: StageName; config: never }): Handler {
  const stage = createStage(init.name, init.config);
  return (msg) => {
    try {
      return { id: msg.id, response: stage.handle(msg.request) };
    } catch (err) {
      return { id: msg.id, error: { message: (err as Error).message, stack: (err as Error).stack } };
    }
  };
}

if (parentPort) {
  const port = parentPort;
  const handle = handlerFor(workerData as { name: StageName; config: never });
  port.on('message', (msg: Request) => {
    const reply = handle(msg);
    port.postMessage(reply, buffersOf(reply.response));
  });
} else if (process.send) {
  let handle: Handler | null = null;
  process.on('message', (msg: unknown) => {
    if (!handle) handle = handlerFor(msg as { name: StageName; config: never });
    else process.send!(handle(msg as Request));
  });
  process.on('disconnect', () => process.exit(0)); // the parent is gone
}
