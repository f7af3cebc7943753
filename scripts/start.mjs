// `npm start`: builds and runs the desktop app with electron-vite (preview). Where the Electron
// binary is not installed (it is downloaded on install, which this machine and CI cannot do), says
// so in one line and points at the same UI in a browser.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

function electronBinary() {
  try {
    const dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const pathFile = join(dir, 'path.txt');
    if (!existsSync(pathFile)) return null;
    const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

if (!process.env.ELECTRON_EXEC_PATH && !electronBinary()) {
  process.stderr.write(
    "chronopix: Electron is not installed here; run 'npx chronopix serve' for the same UI in a browser\n",
  );
  process.exit(1);
}
const cli = join(import.meta.dirname, '..', 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
const r = spawnSync(process.execPath, [cli, 'preview', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
