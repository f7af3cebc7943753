// `chronopix serve`: the engine headless, its API over a WebSocket and the renderer's files over
// HTTP, on 127.0.0.1 by default (a token is required on any other interface). Starts acquiring at
// once: from the configured detector, or the built-in emulator when none is configured (as the app
// does). Settings changed through the API are saved to the settings file. Runs until Ctrl-C.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../shared/userError';
import { loadSettings, saveSettings, settingsPath } from '../../native-workers/io/settingsFile';
import { createApiRouter } from '../api/apiRouter';
import { Engine } from '../engine/engine';
import { OfflineService } from '../engine/offlineService';
import { createServerApi } from '../api/serverApi';
import { startWebServer } from '../server/webServer';
import { applySource } from './acquireCommand';
import { numberOption, parseCommandArgs } from './options';

const HELP = `usage: chronopix serve [--host ADDR] [--port N] [--token T] [--source emulator|udp://ADDR:PORT|spidr://HOST[:PORT]]

Runs the acquisition engine headless and serves the Chronopix UI and its API (WebSocket /api).

      --host ADDR     interface to bind (default 127.0.0.1; any other needs a token)
      --port N        TCP port (default 8765; 0 picks a free one)
      --token T       access token (default: none on 127.0.0.1, a random one elsewhere)
      --source SRC    'emulator', udp://ADDR:PORT or spidr://HOST[:PORT] (default: the configured
                      camera, else the configured source, else the emulator)
      --udp ADDR:PORT with a camera: where it sends its data (default: camera.udp of the settings)
      --data DIR      a folder the file browser may read and convert in (repeatable; the recording
                      folder and the home folder are always allowed)
      --no-start      do not start acquiring until asked`;

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  token: { type: 'string' },
  source: { type: 'string' },
  udp: { type: 'string' },
  data: { type: 'string', multiple: true },
  'no-start': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** dist/renderer beside the CLI bundle, when the web UI has been built. */
function rendererDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  // dist/cli.mjs, or a code-split chunk in dist/chunks/.
  for (const candidate of [join(here, 'renderer'), join(here, '..', 'renderer')]) {
    if (existsSync(join(candidate, 'index.html'))) return candidate;
  }
  return undefined;
}

export async function runServe(argv: string[]): Promise<number> {
  const { values: o, positionals } = parseCommandArgs('serve', argv, OPTIONS);
  if (o.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UserError(`serve: unexpected argument '${positionals[0]}'`);
  const port =
    numberOption('port', o.port, (v) =>
      Number.isInteger(v) && v >= 0 && v <= 65535 ? null : 'must be a port number 0..65535',
    ) ?? 8765;
  const host = o.host ?? '127.0.0.1';
  const path = settingsPath();
  const loaded = await loadSettings(path);
  for (const p of loaded.problems) process.stderr.write(`chronopix: warning: ${p}\n`);
  const engine = new Engine(applySource(loaded.settings, o.source, o.udp), {
    onSettingsChanged: (s) =>
      void saveSettings(s, path).catch((e: Error) =>
        process.stderr.write(`chronopix: cannot save settings: ${e.message}\n`),
      ),
  });
  // The browser may read and convert files only under these folders (the page is remote-capable).
  const roots = [homedir(), ...(o.data ?? [])].map((d) => resolve(d));
  const offline = new OfflineService({
    allowPath: (p) =>
      [...roots, resolve(engine.recordingFolder())].some((root) => {
        const rel = relative(root, p);
        return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
      }),
  });
  const router = createApiRouter(createServerApi(engine, offline));
  const server = await startWebServer(router, {
    host,
    port,
    token: o.token,
    staticDir: rendererDir(),
  }).catch((err: NodeJS.ErrnoException) => {
    throw new UserError(
      `cannot serve on ${host}:${port}: ${err.code === 'EADDRINUSE' ? 'the port is in use; pick another with --port' : err.message}`,
    );
  });
  if (!o['no-start']) {
    const st = await engine.start();
    process.stderr.write(
      `acquiring from ${st.source.kind === 'emulator' ? 'the built-in EMULATOR' : `udp://${st.source.address}:${st.source.port}`}\n`,
    );
  }
  process.stdout.write(`Chronopix serving at ${server.url}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stderr.write('stopping...\n');
  await engine.shutdown();
  await server.close();
  return 0;
}
