// The desktop app's bundles, built with electron-vite exactly as `npm run build:app` does (into a
// temporary folder): they parse (`node --check`; Electron itself cannot run here), the sandboxed
// preload is one small file requiring nothing but electron, the page carries the CSP, and the
// bundled stage host answers requests when hosted the way an Electron utility process hosts it.
import { FILE_DECODE_CONFIG } from './stageConfigs';
import { spawnSync } from 'node:child_process';
import { fork } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSP } from '../electron/api/csp';
import { REPO_ROOT } from './fixtures';

// Inside the repository (test-output/ is ignored), so the bundles resolve their external packages
// from node_modules as they do in out/.
const out = join(REPO_ROOT, 'test-output', `electron-build-${process.pid}`);
afterAll(() => rmSync(out, { recursive: true, force: true }));
let build: { status: number | null; output: string };

beforeAll(() => {
  mkdirSync(out, { recursive: true });
  const cli = join(REPO_ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const r = spawnSync(process.execPath, [cli, 'build', '--outDir', out, '--logLevel', 'warn'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  build = { status: r.status, output: `${r.stdout}\n${r.stderr}` };
});

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(mjs|cjs|js)$/.test(f))
    .map((f) => join(dir, f));
}

describe('electron-vite build', () => {
  it('builds the main process, the preload and the page', () => {
    expect(build.status, build.output).toBe(0);
    for (const f of [
      'main/index.mjs',
      'main/stageWorker.mjs',
      'main/emulatorMain.mjs',
      'preload/index.cjs',
    ]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(existsSync(join(out, 'renderer', 'index.html'))).toBe(true);
  });

  it('main and preload bundles parse (node --check)', () => {
    const files = [...jsFiles(join(out, 'main')), ...jsFiles(join(out, 'preload'))];
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) {
      const r = spawnSync(process.execPath, ['--check', f], { encoding: 'utf8' });
      expect(r.status, `${f}: ${r.stderr}`).toBe(0);
    }
  });

  it('the preload is one sandbox-ready CommonJS file: requires only electron, no zod', () => {
    const text = readFileSync(join(out, 'preload', 'index.cjs'), 'utf8');
    expect([...text.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1])).toEqual(['electron']);
    expect(text).not.toMatch(/\bimport\s*[{*]|\bimport\(/);
    expect(text).not.toContain('node_modules/zod');
    expect(text.length).toBeLessThan(30_000);
    expect(text).toContain('exposeInMainWorld("chronopix"');
  });

  it('the main process loads electron as a module, and the page has the CSP', () => {
    const main = readFileSync(join(out, 'main', 'index.mjs'), 'utf8');
    expect(main).toMatch(/from "electron"/);
    const html = readFileSync(join(out, 'renderer', 'index.html'), 'utf8').replaceAll('&#39;', "'");
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${CSP}">`);
  });

  it('the bundled stage host answers through a utility-process parentPort', async () => {
    // What Electron gives a utility process: process.parentPort, messages arriving as {data}.
    const shim = join(out, 'utilityShim.mjs');
    writeFileSync(
      shim,
      [
        "import { EventEmitter } from 'node:events';",
        'const port = new EventEmitter();',
        'port.postMessage = (m) => process.send(m);',
        'process.parentPort = port;',
        '// Like Electron, queue messages until the stage host listens.',
        'const queued = [];',
        "process.on('message', (m) => (port.listenerCount('message') ? port.emit('message', { data: m }) : queued.push(m)));",
        "port.on('newListener', (e) => e === 'message' && setImmediate(() => queued.splice(0).forEach((m) => port.emit('message', { data: m }))));",
        "await import('./main/stageWorker.mjs');",
      ].join('\n'),
    );
    const child = fork(shim, [], {
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    try {
      const reply = new Promise<{ id: number; response?: unknown; error?: unknown }>((resolve, reject) => {
        child.once('message', (m) => resolve(m as never));
        child.once('exit', (code) => reject(new Error(`stage host exited (${code})`)));
      });
      child.send({ name: 'decodeEvents', config: DECODE_CONFIG });
      child.send({ id: 7, request: { words: new Uint32Array(0) } });
      const r = await reply;
      expect(r.id).toBe(7);
      expect(r.error).toBeUndefined();
      expect(r.response).toBeTypeOf('object');
    } finally {
      child.kill();
    }
  });
});

const DECODE_CONFIG = FILE_DECODE_CONFIG;
