// Runs the free-running camera emulator (native-workers/live/emulatorMain.ts) as its own child
// process, as the app's built-in source when no detector is configured, and stops it cleanly.
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EmulatorConfig, EmulatorEvent } from '../../native-workers/live/emulatorMain';

/** dist/emulatorMain.mjs: beside this bundle, or under the repository root from sources. */
function emulatorEntry(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const sibling = join(here, 'emulatorMain.mjs');
  if (existsSync(sibling)) return sibling;
  for (let dir = here; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'dist', 'emulatorMain.mjs');
  }
  throw new Error('cannot locate dist/emulatorMain.mjs');
}

export class EmulatorProcess {
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;

  constructor(config: EmulatorConfig, onEvent: (e: EmulatorEvent) => void) {
    this.child = fork(emulatorEntry(), [], {
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    this.child.on('message', (m) => onEvent(m as EmulatorEvent));
    this.child.send({ type: 'start', config });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      if (this.child.connected) this.child.send({ type: 'stop' });
      else this.child.kill('SIGTERM');
      const timeout = setTimeout(() => this.child.kill('SIGKILL'), 3000);
      await this.exited;
      clearTimeout(timeout);
    }
  }
}
