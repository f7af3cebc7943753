// `chronopix serve` started as a user starts it, for the integration and browser tests: its own
// temporary config and home folders with a settings file, port 0, the URL read from its output.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './fixtures';

export interface Served {
  url: string;
  /** The temporary folder of this server: config, home, data. */
  dir: string;
  child: ChildProcess;
  stderr: () => string;
  stop(): Promise<void>;
}

/** Starts `chronopix serve --port 0` with a settings file holding `settings`. */
export async function startServe(settings: unknown, args: string[] = []): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'chronopix-e2e-'));
  mkdirSync(join(dir, 'cfg', 'chronopix'), { recursive: true });
  writeFileSync(join(dir, 'cfg', 'chronopix', 'settings.json'), JSON.stringify(settings));
  const child = spawn(
    process.execPath,
    [join(REPO_ROOT, 'bin', 'chronopix.mjs'), 'serve', '--port', '0', ...args],
    {
      env: { ...process.env, XDG_CONFIG_HOME: join(dir, 'cfg'), HOME: dir },
    },
  );
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /serving at (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`chronopix serve exited with ${code}: ${err}`)));
  });
  return {
    url,
    dir,
    child,
    stderr: () => err,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGINT');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
