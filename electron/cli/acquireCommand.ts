// `chronopix acquire`: records a run for scripted use. Starts the engine on the chosen source (the
// built-in emulator when none is configured), records for --seconds into --record DIR, stops,
// and prints the run's summary. Ctrl-C stops early and still closes the recording cleanly.
import { mkdirSync } from 'node:fs';
import type { LiveSnapshot } from '../../shared/liveViews';
import type { Settings } from '../../shared/settings';
import { UserError } from '../../shared/userError';
import { loadSettings } from '../../native-workers/io/settingsFile';
import { Engine } from '../engine/engine';
import { numberOption, parseCommandArgs, positive } from './options';

const HELP = `usage: chronopix acquire --seconds N --record DIR [--source emulator|udp://ADDR:PORT|spidr://HOST[:PORT]] [options]

Acquires for N seconds and records the raw data into DIR (created if missing) as
<prefix>_<NNNN>_<YYYYMMDD-HHMM>.raw with a .json sidecar, then prints the run's summary.

      --seconds N        how long to acquire (required)
      --record DIR       folder for the recording (required)
      --source SRC       'emulator' (the built-in camera emulator), udp://ADDR:PORT (only listen for
                         a detector) or spidr://HOST[:PORT] (drive a SPIDR camera: configure, start,
                         stop; its data to camera.udp of the settings); default: the configured
                         camera, else the configured source, else the emulator
      --udp ADDR:PORT    with a camera: where it sends its data and the sampler listens (default:
                         camera.udp of the settings)
      --prefix P         file name prefix (default: the configured one, 'run')
  -q, --quiet            only the summary`;

const OPTIONS = {
  seconds: { type: 'string' },
  record: { type: 'string' },
  source: { type: 'string' },
  udp: { type: 'string' },
  prefix: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * `emulator`, `udp://ADDR:PORT` or `spidr://HOST[:PORT]` into the settings' source and camera
 * sections (Decision 18): the first two drive no camera, even when one is configured.
 */
export function applySource(settings: Settings, source: string | undefined, udp?: string): Settings {
  const next = structuredClone(settings);
  if (udp !== undefined) {
    // Where a driven camera sends its data (the sampler listens there): camera.udp.
    const u = /^([^:/]+|\[[^\]]+\]):(\d{1,5})$/.exec(udp);
    if (!u || Number(u[2]) > 65535) {
      throw new UserError(
        `--udp ${udp}: expected ADDR:PORT, e.g. 192.168.1.1:8192 (this PC's address on the camera's network)`,
      );
    }
    next.camera.udp = { address: u[1].replace(/^\[|\]$/g, ''), port: Number(u[2]) };
  }
  if (source === undefined) return next;
  if (source === 'emulator') {
    next.source.kind = 'emulator';
    next.camera.address = '';
    return next;
  }
  if (source.startsWith('spidr://')) {
    const s = /^spidr:\/\/([^:/[\]\s]+)(?::(\d{1,5}))?$/.exec(source);
    const port = s?.[2] === undefined ? 50000 : Number(s[2]);
    if (!s || port < 1 || port > 65535) {
      throw new UserError(
        `--source ${source}: expected spidr://HOST[:PORT], e.g. spidr://192.168.1.10:50000`,
      );
    }
    next.camera.address = s[1];
    next.camera.port = port;
    return next;
  }
  const m = /^udp:\/\/([^:/]+|\[[^\]]+\]):(\d{1,5})$/.exec(source);
  if (!m || Number(m[2]) > 65535) {
    throw new UserError(
      `--source ${source}: expected 'emulator' or udp://ADDR:PORT, e.g. udp://192.168.1.1:8192`,
    );
  }
  next.source.kind = 'udp';
  next.camera.address = '';
  next.source.udp = { address: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) };
  return next;
}

export async function runAcquire(argv: string[]): Promise<number> {
  const { values: o, positionals } = parseCommandArgs('acquire', argv, OPTIONS);
  if (o.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UserError(`acquire: unexpected argument '${positionals[0]}'`);
  const seconds = numberOption('seconds', o.seconds, positive);
  if (seconds === undefined) throw new UserError('acquire: give --seconds N');
  if (o.record === undefined) throw new UserError('acquire: give --record DIR');
  try {
    mkdirSync(o.record, { recursive: true });
  } catch (err) {
    throw new UserError(`--record ${o.record}: cannot create (${(err as NodeJS.ErrnoException).code})`);
  }
  const loaded = await loadSettings();
  for (const p of loaded.problems) process.stderr.write(`chronopix: warning: ${p}\n`);
  const settings = applySource(loaded.settings, o.source, o.udp);
  const engine = new Engine(settings);
  let last: LiveSnapshot | null = null;
  engine.onViews((s) => (last = s));
  if (!o.quiet) {
    engine.onStatus((s) =>
      process.stderr.write(
        `${s.elapsedS.toFixed(0).padStart(4)} s  ${s.received.megabytesPerS.toFixed(1)} MB/s  ` +
          `${((s.recording?.bytes ?? 0) / 1e6).toFixed(1)} MB recorded\n`,
      ),
    );
  }
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const status = await engine.start();
    await engine.startRecording({ folder: o.record, prefix: o.prefix });
    if (!o.quiet)
      process.stderr.write(
        `acquiring from ${status.source.kind === 'emulator' ? 'the built-in EMULATOR' : `udp://${status.source.address}:${status.source.port}`} for ${seconds} s\n`,
      );
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, seconds * 1000);
      controller.signal.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      });
    });
    const rec = await engine.stopRecording();
    const final = await engine.stop();
    const snap = last as LiveSnapshot | null;
    const lines: [string, string | number][] = [
      ['recording', rec ? rec.rawPath : 'none'],
      ['state', rec ? `${rec.state}${rec.error ? `: ${rec.error}` : ''}` : '-'],
      ['bytes', rec ? rec.fileBytes : 0],
      ['duration', `${(rec?.durationS ?? 0).toFixed(1)} s`],
      ['received', `${final.received.datagrams} datagrams, ${(final.received.bytes / 1e6).toFixed(1)} MB`],
      ['hits', snap?.totals.hits ?? 0],
      ['triggers', snap?.totals.triggers ?? 0],
      ['centroids', snap?.totals.centroids ?? 0],
      [
        'loss',
        `${final.loss.kernelDrops < 0 ? 'unknown' : final.loss.kernelDrops} kernel drops, ${final.loss.packetIdGaps} packet-id gaps, ` +
          `${final.loss.oddDatagrams} odd datagrams, ${final.loss.pipelineDroppedBatches} batches not processed`,
      ],
    ];
    process.stdout.write(lines.map(([k, v]) => `  ${k.padEnd(10)} ${v}`).join('\n') + '\n');
    return rec?.state === 'failed' ? 1 : controller.signal.aborted ? 130 : 0;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    // Quit: the camera's bias-on-quit policy applies.
    await engine.shutdown().catch(() => undefined);
  }
}
