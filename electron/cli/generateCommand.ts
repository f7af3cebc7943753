// `chronopix generate`: writes a synthetic, seeded ion velocity-map-imaging run as a .raw file
// (Decision 3), optionally with its ground truth as HDF5. Every option is validated before any work
// starts; one seed and start time always give the same bytes.
import { basename } from 'node:path';
import { UserError } from '../../shared/userError';
import { writeGeneratedRun } from '../../native-workers/io/generateRun';
import { DEFAULT_START_TIME_NS } from '../../native-workers/pipeline/generator';
import { nonNegative, numberOption, parseCommandArgs, positive } from './options';
import { createProgress } from './progress';

const HELP = `usage: chronopix generate OUT.raw [options]

Writes a synthetic Timepix3 run: ions of three species in velocity-map rings, one TDC1 pulse per
laser shot, noise and hot pixels, time packets once a second, hits in data-driven readout order.
With --camera 4, a Timepix4 run (448 x 512, big-endian, no header): the same model, heartbeats
every 102.4 us, signal rise / fall packets as triggers. The same seed and start time always give
the same bytes.

      --seconds S            camera time to generate (default 10)
      --trigger-rate HZ      laser shots per second (default 1000)
      --ions-per-trigger N   mean ions per shot, Poisson (default 5)
      --seed N               random seed, a whole number >= 0 (default 1)
      --camera 3|4           camera generation: 3 Timepix3 (default), 4 Timepix4
      --start-time ISO       header start time (Timepix3; Timepix4 files have no header),
                             e.g. 2025-01-01T00:00:00Z (a date-time needs Z or an
                             offset; default 2025-01-01T00:00:00Z)
      --truth TRUTH.h5       also write the ground truth: ions/{trigger nr,x,y,tof,nr hits} and
                             hits/ion (ion index per pixel word of OUT, -1 for noise)
      --force                overwrite existing outputs
  -q, --quiet                no progress or summary`;

const OPTIONS = {
  seconds: { type: 'string' },
  'trigger-rate': { type: 'string' },
  'ions-per-trigger': { type: 'string' },
  seed: { type: 'string' },
  camera: { type: 'string' },
  'start-time': { type: 'string' },
  truth: { type: 'string' },
  force: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

const MIN_START_NS = 1n << 60n; // 2006-07-14T23:58:24.606846976Z
const MAX_START_NS = 1n << 61n; // 2043-01-25T23:56:49.213693952Z (exclusive)

/** ISO 8601 to ns since the epoch, keeping sub-millisecond digits (Date only keeps ms). */
export function parseStartTime(text: string): bigint {
  const bad = (why: string): UserError =>
    new UserError(`--start-time ${text}: ${why}, e.g. 2025-01-01T00:00:00Z or 2025-01-01T12:30:00.5+02:00`);
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2})?)(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2}))?$/i.exec(
    text.trim(),
  );
  if (!m) throw bad('not an ISO 8601 date or date-time with a time zone');
  const [, date, time, fraction, zone] = m;
  const ms = Date.parse(time === undefined ? `${date}T00:00:00Z` : `${date}T${time}${zone.toUpperCase()}`);
  if (!Number.isFinite(ms)) throw bad('not a valid date');
  const ns = BigInt(ms) * 1_000_000n + BigInt((fraction ?? '').padEnd(9, '0'));
  if (ns < MIN_START_NS || ns >= MAX_START_NS) {
    throw new UserError(
      `--start-time ${text}: outside the range a raw-file header can hold (2006-07-14T23:58:24.606846976Z to 2043-01-25T23:56:49.213693951Z); choose a time in it`,
    );
  }
  return ns;
}

const integerAtLeast0 = (v: number): string | null =>
  Number.isSafeInteger(v) && v >= 0 ? null : 'must be a whole number from 0 to 2^53-1';
const atMost = (limit: number, check: (v: number) => string | null) => (v: number) =>
  check(v) ?? (v <= limit ? null : `must be at most ${limit}`);

export async function runGenerate(argv: string[]): Promise<number> {
  const { values: o, positionals } = parseCommandArgs('generate', argv, OPTIONS);
  if (o.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UserError(
      positionals.length === 0
        ? "generate: missing the output file (OUT.raw); run 'chronopix generate --help'"
        : `generate: expected one output file, got ${positionals.length} (${positionals.join(' ')})`,
    );
  }
  const out = positionals[0];
  const seconds = numberOption('seconds', o.seconds, atMost(1e6, positive)) ?? 10;
  const triggerRate = numberOption('trigger-rate', o['trigger-rate'], atMost(1e6, positive));
  const ionsPerTrigger = numberOption('ions-per-trigger', o['ions-per-trigger'], atMost(1000, nonNegative));
  const seed = numberOption('seed', o.seed, integerAtLeast0);
  const camera =
    o.camera === undefined ? 3 : o.camera.trim() === '3' ? 3 : o.camera.trim() === '4' ? 4 : null;
  if (camera === null) throw new UserError(`--camera ${o.camera}: must be 3 (Timepix3) or 4 (Timepix4)`);
  const startTimeNs = o['start-time'] === undefined ? DEFAULT_START_TIME_NS : parseStartTime(o['start-time']);
  const quiet = o.quiet === true;
  const progress = createProgress(basename(out), process.stderr, quiet);
  const started = performance.now();
  const summary = await writeGeneratedRun(
    out,
    { seconds, triggerRate, ionsPerTrigger, seed, startTimeNs },
    {
      truthPath: o.truth,
      force: o.force === true,
      camera,
      onProgress: (bytes, fraction) => progress.update(bytes, fraction > 0 ? bytes / fraction : bytes),
    },
  );
  progress.finish();
  if (!quiet) {
    const secs = (performance.now() - started) / 1000;
    const n = (v: number): string => v.toLocaleString('en-US');
    process.stdout.write(
      `${summary.path}: ${n(summary.bytes)} bytes, ${summary.seconds} s, ${n(summary.triggers)} triggers, ` +
        `${n(summary.ions)} ions, ${n(summary.pixels)} hits (${n(summary.ionHits)} from ions) ` +
        `in ${secs.toFixed(2)} s (${(summary.bytes / 1e6 / secs).toFixed(0)} MB/s)\n` +
        (summary.truthPath ? `truth: ${summary.truthPath}\n` : ''),
    );
  }
  return 0;
}
