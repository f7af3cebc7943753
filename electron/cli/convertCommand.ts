// `chronopix convert`: raw files to HDF5, one output per input (Decision 2). Validates every option
// before any work starts, shows progress, prints a summary per file, and exits non-zero when any
// input failed (the others are still converted).
import { basename, dirname, join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { parseEventWindow } from '../../shared/eventWindow';
import { CLUSTERING_ALGORITHMS, DEFAULT_CLUSTERING, ORIENTATIONS } from '../../shared/processingSettings';
import { UserError } from '../../shared/userError';
import { withDefaults } from '../../shared/withDefaults';
import { type ConvertSummary, type TimewalkTable, convertRawFile } from '../../native-workers/io/convertRaw';
import { readNpyFile } from '../../native-workers/io/npy';
import { totalUnknown } from '../../native-workers/pipeline/packetCounts';
import {
  choiceOption,
  nonNegative,
  numberOption,
  parseCommandArgs,
  positive,
  positiveInteger,
} from './options';
import { createProgress } from './progress';
import { VERSION } from './version';

const HELP = `usage: chronopix convert RUN.raw [MORE.raw ...] [-o OUT.h5 | --out-dir DIR] [options]

Converts Timepix raw files to HDF5 (raw/, timing/, triggers/, centroided/, metadata/).
Each input gets its own output: RUN.h5 beside RUN.raw, or in --out-dir.

  -o, --output OUT.h5          output file (one input only)
      --out-dir DIR            folder for the outputs (created if missing)
      --force                  overwrite existing outputs
      --event-window MIN:MAX   tof window with units s, ms, us, ns (default 0:10000s)
      --orientation O          Up, Left, Down or Right (default Up)
      --offset X,Y             position offset in pixels (default 0,0)
      --timewalk LUT.npy       hit time-walk table (1-D float, seconds, entry i = ToT (i+1)*25 ns)
      --camera 3|4             camera generation (default: detected from the data)
      --trigger-pixels I,...   Timepix4: pixels x + 448 * y whose hits are the triggers (the first:
                               trigger 1, the others: trigger 2) instead of the signal packets
      --gray                   Timepix4: the ToA is Gray-coded
      --readout-mode M         Timepix4: event (default) or pc24 (photon counts: counted only)
      --reorder-horizon T      event-building reorder horizon (default 1ms)
      --clustering ALG         dbscan, stream or none (default dbscan)
      --epsilon E              DBSCAN radius (default 2.0)
      --min-samples N          DBSCAN core threshold (default 3)
      --tot-threshold NS       hits with ToT <= this are not clustered (default 0)
      --every-nth-trigger N    cluster only triggers whose number is a multiple of N (default 1)
      --cs-max-dist-tof T      cluster stream tof distance, seconds (default 5e-8)
      --cs-min-cluster-size N  cluster stream minimum size (default 3)
      --cs-tot-offset F        cluster stream ToT ratio (default 0.5)
      --centroid-timewalk LUT.npy  centroid time-walk table
      --workers N              clustering threads (default: number of cores; the output is identical)
  -q, --quiet                  no progress or summary`;

const OPTIONS = {
  output: { type: 'string', short: 'o' },
  'out-dir': { type: 'string' },
  force: { type: 'boolean' },
  'event-window': { type: 'string' },
  orientation: { type: 'string' },
  offset: { type: 'string' },
  timewalk: { type: 'string' },
  camera: { type: 'string' },
  'trigger-pixels': { type: 'string' },
  gray: { type: 'boolean' },
  'readout-mode': { type: 'string' },
  'reorder-horizon': { type: 'string' },
  clustering: { type: 'string' },
  epsilon: { type: 'string' },
  'min-samples': { type: 'string' },
  'tot-threshold': { type: 'string' },
  'every-nth-trigger': { type: 'string' },
  'cs-max-dist-tof': { type: 'string' },
  'cs-min-cluster-size': { type: 'string' },
  'cs-tot-offset': { type: 'string' },
  'centroid-timewalk': { type: 'string' },
  workers: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseOffset(text: string | undefined): [number, number] | undefined {
  if (text === undefined) return undefined;
  const m = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(text);
  if (!m) throw new UserError(`--offset ${text}: expected X,Y in whole pixels >= 0, e.g. 256,0`);
  return [Number(m[1]), Number(m[2])];
}

function parseTriggerPixels(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  if (!/^\s*\d+\s*(,\s*\d+\s*)*$/.test(text))
    throw new UserError(`--trigger-pixels ${text}: expected pixel indices x + 448 * y, e.g. 0,229375`);
  return text.split(',').map(Number);
}

function parseWindowOption(name: string, text: string): [number, number] {
  try {
    return parseEventWindow(text);
  } catch (err) {
    throw new UserError(`--${name}: ${(err as Error).message}`);
  }
}

function loadTable(path: string | undefined): TimewalkTable | undefined {
  return path === undefined ? undefined : { path, values: readNpyFile(path) };
}

export async function runConvert(argv: string[]): Promise<number> {
  const { values: o, positionals: inputs } = parseCommandArgs('convert', argv, OPTIONS);
  if (o.help) {
    console.log(HELP);
    return 0;
  }
  if (inputs.length === 0)
    throw new UserError("convert: give at least one .raw file; run 'chronopix convert --help'");
  if (o.output !== undefined && inputs.length > 1) {
    throw new UserError(
      'convert: -o names one output but there are several inputs; use --out-dir DIR instead',
    );
  }
  if (o.output !== undefined && o['out-dir'] !== undefined)
    throw new UserError('convert: give -o or --out-dir, not both');
  const camera =
    o.camera === undefined
      ? undefined
      : (numberOption('camera', o.camera, (v) => (v === 3 || v === 4 ? null : 'must be 3 or 4')) as 3 | 4);
  // Options left out take the converter's defaults (CONVERT_DEFAULTS).
  const eventWindow =
    o['event-window'] === undefined ? undefined : parseWindowOption('event-window', o['event-window']);
  const horizon =
    o['reorder-horizon'] === undefined
      ? undefined
      : parseWindowOption('reorder-horizon', `0:${o['reorder-horizon']}`)[1];
  // Each option is checked against the range the settings allow (processingSettings.ts) as it is
  // read; an option left out keeps the reference's default.
  const clustering = withDefaults(DEFAULT_CLUSTERING, {
    algorithm: choiceOption('clustering', o.clustering, CLUSTERING_ALGORITHMS),
    epsilon: numberOption('epsilon', o.epsilon, positive),
    minSamples: numberOption('min-samples', o['min-samples'], positiveInteger),
    totThreshold: numberOption('tot-threshold', o['tot-threshold'], nonNegative),
    everyNthTrigger: numberOption('every-nth-trigger', o['every-nth-trigger'], positiveInteger),
    csMaxDistTof: numberOption('cs-max-dist-tof', o['cs-max-dist-tof'], positive),
    csMinClusterSize: numberOption('cs-min-cluster-size', o['cs-min-cluster-size'], positiveInteger),
    csTotOffset: numberOption('cs-tot-offset', o['cs-tot-offset'], nonNegative),
  });
  const workers = numberOption('workers', o.workers, positiveInteger);
  const orientation = choiceOption('orientation', o.orientation, ORIENTATIONS);
  const offset = parseOffset(o.offset);
  const triggerPixels = parseTriggerPixels(o['trigger-pixels']);
  const readoutMode = choiceOption('readout-mode', o['readout-mode'], ['event', 'pc24'] as const);
  const hitTimewalk = loadTable(o.timewalk);
  const centroidTimewalk = loadTable(o['centroid-timewalk']);
  const outDir = o['out-dir'];
  if (outDir !== undefined) {
    try {
      mkdirSync(outDir, { recursive: true });
    } catch (err) {
      throw new UserError(`--out-dir ${outDir}: cannot create (${(err as NodeJS.ErrnoException).code})`);
    }
  }
  // Ctrl-C or SIGTERM stops between chunks and removes the partial output; a second Ctrl-C kills.
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let failures = 0;
  try {
    for (const input of inputs) {
      const h5name = basename(input).replace(/\.raw$/i, '') + '.h5';
      const output = o.output ?? join(outDir ?? dirname(input), h5name);
      const progress = createProgress(basename(input), process.stderr, o.quiet);
      try {
        const summary = await convertRawFile({
          input,
          output,
          force: o.force,
          camera,
          triggerPixels,
          gray: o.gray,
          readoutMode,
          eventWindow,
          orientation,
          offset,
          hitTimewalk,
          centroidTimewalk,
          horizon,
          clustering,
          workers,
          version: VERSION,
          signal: controller.signal,
          onProgress: (d, t) => progress.update(d, t),
          onDetected: (info) => {
            // Timepix3 is the long-standing default; say so when the data chose Timepix4.
            if (camera === undefined && info.generation === 4 && !o.quiet)
              process.stderr.write(`chronopix: ${input}: detected Timepix4 (big-endian)\n`);
          },
        });
        progress.finish();
        if (!o.quiet) process.stdout.write(formatSummary(summary));
        for (const w of warningsFor(summary)) process.stderr.write(`chronopix: warning: ${w}\n`);
      } catch (err) {
        progress.finish();
        if (controller.signal.aborted && err instanceof UserError) {
          process.stderr.write(`chronopix: ${err.message}\n`);
          return 130;
        }
        if (!(err instanceof UserError) || inputs.length === 1) throw err;
        process.stderr.write(`chronopix: ${err.message}\n`);
        failures++;
      }
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  return failures > 0 ? 1 : 0;
}

/** Timepix4 trigger lines: signal packets, or the hits of the trigger pixels. */
function tpx4TriggerRows(s: ConvertSummary): [string, string][] {
  const q = s.tpx4Packets!;
  const t = s.tpx4Triggers;
  if (t?.source !== 'trigger pixels')
    return [['trigger 1 edges', `${q.signalRise} rising, ${q.signalFall} falling (signal packets)`]];
  return [
    ['trigger 1 edges', `${t.pixelHits[0]} rising, ${t.pixelHits[0]} falling (trigger pixel hits)`],
    ['trigger 2 edges', `${t.pixelHits[1]} rising, ${t.pixelHits[1]} falling (trigger pixel hits)`],
  ];
}

function formatSummary(s: ConvertSummary): string {
  const p = s.packets;
  const mb = s.info.size / 1e6;
  const head: [string, string | number][] = [
    ['output', s.output],
    ['input', `${s.input} (${mb.toFixed(1)} MB, ${s.info.words} words, ${(mb / s.seconds).toFixed(0)} MB/s)`],
    ['camera', s.generation === 4 ? 'Timepix4 (big-endian words)' : 'Timepix3'],
    [
      'start time',
      s.info.startTimeNs === null
        ? 'none in file (timestamps are camera time)'
        : new Date(Number(s.info.startTimeNs / 1000000n)).toISOString(),
    ],
  ];
  const events: [string, string | number][] = [
    ['events', `${s.events.events} rows in ${s.events.timingRows} triggers`],
    ['centroids', s.centroids],
  ];
  const afterTrigger = `${s.events.beforeFirstTrigger} before the first trigger, ${s.events.outsideWindow} outside the event window, ${s.events.late} late`;
  let rows: [string, string | number][];
  const q = s.tpx4Packets;
  if (q) {
    rows = [
      ...head,
      ['pixels', q.pixels],
      ...tpx4TriggerRows(s),
      ['heartbeats', `${q.heartbeats} (${q.longHeartbeatGaps} gaps over 0.5 ms)`],
      [
        'other packets',
        `${q.shutterRise + q.shutterFall} shutter, ${q.t0Sync} T0 sync, ${q.controlDataTest} control test, ${q.frameStart + q.frameEnd + q.sequenceStart + q.sequenceEnd} frame/sequence, ${q.facilityHeader} facility header, ${q.unknown} unknown`,
      ],
      ['pixel flags', `${q.pileup} pileup, ${q.invalidUltraFast} invalid ultra-fast codes`],
      ...events,
      ['dropped', `${q.droppedBeforeHeartbeat} before the first heartbeat, ${afterTrigger}`],
      ['truncated bytes', s.info.truncatedBytes],
    ];
  } else {
    rows = [
      ...head,
      ['pixels', p.pixels],
      ['trigger 1 edges', `${p.tdc1Rise} rising, ${p.tdc1Fall} falling`],
      ['trigger 2 edges', `${p.tdc2Rise} rising, ${p.tdc2Fall} falling`],
      ['time packets', `${p.timeLsb} LSB, ${p.timeMsb} MSB`],
      [
        'other packets',
        `${p.packetId} packet id, ${p.heartbeat} heartbeat, ${p.shutterOpen + p.shutterClose} shutter, ${p.control} control, ${p.otherTime + p.otherSpidr} other, ${totalUnknown(p)} unknown`,
      ],
      ...events,
      ['dropped', `${p.droppedBeforeTime} before the first time packet, ${afterTrigger}`],
      ['truncated bytes', s.info.truncatedBytes],
      [
        'time jumps',
        `${s.timeJumps.backwardJumps} backward (ignored), ${s.timeJumps.forwardJumps} forward, ${s.timeJumps.recoveries} recovered`,
      ],
    ];
  }
  return rows.map(([k, v]) => `  ${k.padEnd(16)} ${v}`).join('\n') + '\n';
}

function warningsFor(s: ConvertSummary): string[] {
  const warn: string[] = [];
  const { input } = s;
  if (s.info.truncatedBytes > 0)
    warn.push(`${input}: the last ${s.info.truncatedBytes} bytes are an incomplete word and were ignored`);
  const jumps = s.timeJumps.backwardJumps + s.timeJumps.forwardJumps;
  if (jumps > 0)
    warn.push(`${input}: the global time jumped ${jumps} times (see 'time jumps' in the summary)`);
  if (s.events.late > 0) {
    warn.push(
      `${input}: ${s.events.late} hits arrived later than the reorder horizon and were dropped; raise --reorder-horizon`,
    );
  }
  if (s.tpx4Packets && s.tpx4Packets.longHeartbeatGaps > 0) {
    warn.push(
      `${input}: ${s.tpx4Packets.longHeartbeatGaps} heartbeat intervals exceed 0.5 ms; hit times near them may be off by 1.6384 ms`,
    );
  }
  if (s.events.triggersBackwards > 0)
    warn.push(`${input}: trigger times went back ${s.events.triggersBackwards} times (timer reset?)`);
  return warn;
}
