// Quitting cleanly: before the app quits, the recording is flushed (its .raw.partial fsynced and
// renamed, the sidecar written) and the engine stopped; quitting waits for that (preventDefault,
// then quit again), at most QUIT_TIMEOUT_MS so a stuck stage cannot keep the app alive.
import type { App } from 'electron';
import type { EngineApi } from '../../shared/engineApi';
import { oneLine } from './channels';

export const QUIT_TIMEOUT_MS = 15_000;

export function flushOnQuit(
  app: Pick<App, 'on' | 'quit'>,
  engine: Pick<EngineApi, 'stopRecording' | 'stop'>,
  extra: () => Promise<void> = async () => {},
  log: (line: string) => void = (l) => process.stderr.write(`chronopix: ${l}\n`),
): void {
  let phase: 'running' | 'flushing' | 'done' = 'running';
  app.on('before-quit', (event) => {
    if (phase === 'done') return;
    event.preventDefault();
    if (phase === 'flushing') return;
    phase = 'flushing';
    const work = (async () => {
      await engine.stopRecording();
      await engine.stop();
      await extra();
    })().catch((err: unknown) => log(`while quitting: ${oneLine(err)}`));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        log(`stopping took over ${QUIT_TIMEOUT_MS / 1000} s; quitting anyway`);
        resolve();
      }, QUIT_TIMEOUT_MS);
    });
    void Promise.race([work, timeout]).then(() => {
      clearTimeout(timer);
      phase = 'done';
      app.quit();
    });
  });
}
