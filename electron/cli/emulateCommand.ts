// `chronopix emulate`: the free-running camera emulator (Decision 17), a SPIDR stand-in that streams
// Timepix3 datagrams over UDP so that everything runs without a detector. The arguments become a
// source configuration (generated VMI run or .raw replay, native-workers/live/emulatorSource.ts) and
// a sender configuration (destination and pacing, pacedSender.ts); this process then streams until
// the source ends or Ctrl-C / SIGTERM, printing a rate line once a second and the totals at the end.
// Every bad value is a UserError before anything is sent.
import { assertNever } from '../../shared/assertNever';
import { UserError } from '../../shared/userError';
import {
  BACKGROUND_HIT_RATE,
  HITS_PER_ION,
  openSource,
  type SourceConfig,
} from '../../native-workers/live/emulatorSource';
import type { EmulatorSource } from '../../native-workers/live/datagrams';
import {
  PacedSender,
  type Pacing,
  type RateReport,
  type SenderConfig,
  type SenderTotals,
} from '../../native-workers/live/pacedSender';
import { nonNegative, numberOption, parseCommandArgs, positive } from './options';

const HELP = `usage: chronopix emulate [options]

Streams Timepix3 packets over UDP like a free-running SPIDR board: a generated velocity-map-imaging
run (time packets once a second, endless unless --seconds) or the words of a .raw file. Datagrams
are 8 KB of whole 8-byte words. Prints its rate once a second; Ctrl-C stops it and prints totals.

      --to HOST:PORT           destination (default 127.0.0.1:8192; IPv6 as [::1]:8192)
      --rate MB/s              send rate (generated runs: default 20; the run's hit rate then
                               follows it, so camera time runs at about real time)
  generated run:
      --seconds S              camera seconds to stream, then exit (default: until stopped)
      --trigger-rate HZ        laser shots per second (default 1000)
      --ions-per-trigger N     mean ions per shot, Poisson
      --hit-rate HITS/s        pixel hits per second of camera time (sets ions per trigger)
                               with either of these and no --rate, the run streams at real time
      --seed N                 random seed, a whole number >= 0 (default 1)
      --camera 3|4             camera generation of the words (default 3; 4: Timepix4, 448 x 512,
                               big-endian words, heartbeats and signal-packet triggers)
  replay:
      --replay FILE.raw        send the file's own words (its start-time header skipped)
      --speed X                at X times the file's real time (default 1)
      --as-fast-as-possible    without pacing (also for generated runs)
      --loop                   start again at the end of the file
  virtual camera:
      --spidr [HOST:]PORT      answer the SPIDR TCP protocol there and stream only while the
                               shutter is open (see 'chronopix emulate --spidr 0 --help')
  -q, --quiet                  no rate lines or totals`;

const OPTIONS = {
  to: { type: 'string' },
  rate: { type: 'string' },
  replay: { type: 'string' },
  speed: { type: 'string' },
  'as-fast-as-possible': { type: 'boolean' },
  loop: { type: 'boolean' },
  seconds: { type: 'string' },
  'trigger-rate': { type: 'string' },
  'ions-per-trigger': { type: 'string' },
  'hit-rate': { type: 'string' },
  seed: { type: 'string' },
  camera: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const DEFAULT_DESTINATION = { host: '127.0.0.1', port: 8192 };
/** A moderate default: 2.5 M hits/s, comfortably within a live pipeline's reach. */
export const DEFAULT_RATE_MB_PER_S = 20;

const atMost = (limit: number, check: (v: number) => string | null) => (v: number) =>
  check(v) ?? (v <= limit ? null : `must be at most ${limit}`);
const integerAtLeast0 = (v: number): string | null =>
  Number.isSafeInteger(v) && v >= 0 ? null : 'must be a whole number from 0 to 2^53-1';

/** `HOST:PORT` or `[IPV6]:PORT` to host and port. */
export function parseHostPort(text: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:[\]\s]+):(\d+)$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
    throw new UserError(
      `--to ${text}: expected HOST:PORT with a port in 1..65535, e.g. 127.0.0.1:8192 or [::1]:8192`,
    );
  }
  return { host: m[1], port };
}

export interface EmulatePlan {
  source: SourceConfig;
  sender: SenderConfig;
  quiet: boolean;
}

/** The arguments as source and sender configurations, or null for --help. Throws UserError. */
export function planEmulation(argv: string[]): EmulatePlan | null {
  const { values: o, positionals } = parseCommandArgs('emulate', argv, OPTIONS);
  if (o.help) return null;
  if (positionals.length > 0) {
    throw new UserError(`emulate: unexpected argument '${positionals[0]}'; run 'chronopix emulate --help'`);
  }
  const to = o.to === undefined ? DEFAULT_DESTINATION : parseHostPort(o.to);
  const rate = numberOption('rate', o.rate, atMost(1e5, positive));
  const speed = numberOption('speed', o.speed, atMost(1e6, positive));
  const unpaced = o['as-fast-as-possible'] === true;
  const paced = [
    rate !== undefined && '--rate',
    speed !== undefined && '--speed',
    unpaced && '--as-fast-as-possible',
  ];
  const given = paced.filter((p): p is string => typeof p === 'string');
  if (given.length > 1) throw new UserError(`emulate: ${given.join(' and ')} exclude each other: give one`);
  const seconds = numberOption('seconds', o.seconds, atMost(1e9, positive));
  const triggerRate = numberOption('trigger-rate', o['trigger-rate'], atMost(1e6, positive));
  const ionsPerTrigger = numberOption('ions-per-trigger', o['ions-per-trigger'], atMost(1000, nonNegative));
  const hitRate = numberOption('hit-rate', o['hit-rate'], atMost(1e9, positive));
  const seed = numberOption('seed', o.seed, integerAtLeast0);
  const camera = numberOption('camera', o.camera, (v) => (v === 3 || v === 4 ? null : 'must be 3 or 4')) as
    3 | 4 | undefined;
  const sender = (pacing: Pacing): SenderConfig => ({ host: to.host, port: to.port, pacing });
  const quiet = o.quiet === true;

  if (o.replay !== undefined) {
    const generatedOnly: [string, unknown][] = [
      ['--seconds', seconds],
      ['--trigger-rate', triggerRate],
      ['--ions-per-trigger', ionsPerTrigger],
      ['--hit-rate', hitRate],
      ['--seed', seed],
      ['--camera', camera],
    ];
    const misplaced = generatedOnly.find(([, v]) => v !== undefined);
    if (misplaced) {
      throw new UserError(
        `emulate: ${misplaced[0]} is for generated runs; a replay sends the file's own words`,
      );
    }
    const pacing: Pacing = unpaced
      ? { kind: 'unpaced' }
      : rate !== undefined
        ? { kind: 'rate', megabytesPerSecond: rate }
        : { kind: 'camera', speed: speed ?? 1 };
    return {
      source: { kind: 'replay', path: o.replay, loop: o.loop === true },
      sender: sender(pacing),
      quiet,
    };
  }
  if (speed !== undefined || o.loop) {
    throw new UserError(`emulate: ${speed !== undefined ? '--speed' : '--loop'} applies to --replay only`);
  }
  if (hitRate !== undefined && ionsPerTrigger !== undefined) {
    throw new UserError('emulate: give --hit-rate or --ions-per-trigger, not both (one sets the other)');
  }
  const content = hitRate !== undefined || ionsPerTrigger !== undefined;
  let pacing: Pacing;
  let derivedHitRate: number | undefined;
  if (unpaced) pacing = { kind: 'unpaced' };
  else if (rate === undefined && content) pacing = { kind: 'camera', speed: 1 };
  else {
    const mbps = rate ?? DEFAULT_RATE_MB_PER_S;
    pacing = { kind: 'rate', megabytesPerSecond: mbps };
    // No content given: as many hits per camera second as the rate sends words per wall second
    // (less the two TDC words per trigger), so camera time keeps up with the clock.
    if (!content) derivedHitRate = (mbps * 1e6) / 8 - 2 * (triggerRate ?? 1000);
  }
  const source: SourceConfig = { kind: 'generated', seconds, triggerRate, seed };
  if (camera !== undefined) source.camera = camera;
  if (ionsPerTrigger !== undefined) source.ionsPerTrigger = ionsPerTrigger;
  if (hitRate !== undefined) source.hitRate = hitRate;
  if (derivedHitRate !== undefined) {
    // At most 1000 ions per shot (the generator's limit): beyond that camera time runs ahead of
    // the clock, which the start line shows as 1000 ions/trigger.
    const cap = 1000 * HITS_PER_ION * (triggerRate ?? 1000) + BACKGROUND_HIT_RATE;
    if (derivedHitRate > cap) source.ionsPerTrigger = 1000;
    else if (derivedHitRate > 0) source.hitRate = derivedHitRate;
    else source.ionsPerTrigger = 0;
  }
  return { source, sender: sender(pacing), quiet };
}

function describePacing(p: Pacing): string {
  switch (p.kind) {
    case 'rate':
      return `at ${p.megabytesPerSecond} MB/s`;
    case 'camera':
      return p.speed === 1 ? 'at real time' : `at ${p.speed} x real time`;
    case 'unpaced':
      return 'as fast as possible';
    default:
      return assertNever(p, 'pacing');
  }
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
const n = (v: number): string => v.toLocaleString('en-US');

function rateLine(r: RateReport): string {
  const errors =
    r.errorsPerSecond > 0 ? `, ${n(Math.round(r.errorsPerSecond))} errors/s (${r.lastError})` : '';
  return (
    `emulate: ${r.megabytesPerSecond.toFixed(1)} MB/s, ${n(Math.round(r.datagramsPerSecond))} datagrams/s, ` +
    `${(r.hitsPerSecond / 1e6).toFixed(2)} Mhits/s, total ${mb(r.totals.bytes)}${errors}\n`
  );
}

function totalsLine(t: SenderTotals): string {
  const errors = t.errors > 0 ? `, ${n(t.errors)} send errors (last: ${t.lastError})` : ', no errors';
  return (
    `emulate: sent ${n(t.datagrams)} datagrams, ${mb(t.bytes)} (${n(t.words)} words, ${n(t.hits)} hits) ` +
    `in ${t.elapsed.toFixed(1)} s (${t.megabytesPerSecond.toFixed(1)} MB/s)${errors}\n`
  );
}

export async function runEmulate(argv: string[]): Promise<number> {
  if (argv.some((a) => a === '--spidr' || a.startsWith('--spidr='))) {
    return (await import('./emulateSpidr')).runEmulateSpidr(argv);
  }
  const plan = planEmulation(argv);
  if (!plan) {
    console.log(HELP);
    return 0;
  }
  const source: EmulatorSource = await openSource(plan.source, plan.sender.pacing.kind === 'camera');
  if (!source.timed && plan.sender.pacing.kind === 'camera') {
    throw new UserError(
      'emulate: this file has no Timepix3 times to pace by: give --rate MB/s or --as-fast-as-possible',
    );
  }
  const out = (line: string): void => {
    if (!plan.quiet) process.stdout.write(line);
  };
  const sender = new PacedSender(plan.sender, (r) => out(rateLine(r)));
  let signals = 0;
  const onSignal = (): void => {
    // A second Ctrl-C does not wait for in-flight sends.
    if (++signals > 1) process.exit(130);
    sender.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const { host, port } = plan.sender;
    const dest = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    await sender.open();
    const endless = plan.source.kind === 'generated' ? plan.source.seconds === undefined : plan.source.loop;
    out(
      `emulate: ${source.description} -> ${dest} ${describePacing(plan.sender.pacing)}; ` +
        `${endless ? 'Ctrl-C to stop' : 'Ctrl-C stops early'}\n`,
    );
    const totals = await sender.run(source);
    out(totalsLine(totals));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return 0;
}
