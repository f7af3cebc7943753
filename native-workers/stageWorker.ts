// Worker-thread entry for a processing stage: receives the stage name and config, then answers each
// request in order, transferring the response's buffers back. Nothing else lives here.
import { parentPort, workerData } from 'node:worker_threads';
import { type StageName, buffersOf, createStage } from './stages/stages';

const { name, config } = workerData as { name: StageName; config: never };
const stage = createStage(name, config);
parentPort!.on('message', (msg: { id: number; request: never }) => {
  try {
    const response = stage.handle(msg.request);
    parentPort!.postMessage({ id: msg.id, response }, buffersOf(response));
  } catch (err) {
    parentPort!.postMessage({
      id: msg.id,
      error: { message: (err as Error).message, stack: (err as Error).stack },
    });
  }
});
