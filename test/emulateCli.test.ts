// `chronopix emulate` end to end through the bundled CLI: a child process streams to a socket bound
// here on 127.0.0.1 port 0 (Decision 16); what arrives decodes with the one decoder to the counts the
// command prints, a replay arrives as the file's words, Ctrl-C ends an endless run with totals and
// exit 0, and every bad argument is a one-line error.
import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeGeneratedRun } from '../native-workers/io/generateRun';
import { Tpx3Decoder, newDecodedBatch } from '../native-workers/pipeline/tpx3Decoder';
import { UserError } from '../shared/userError';
import { planEmulation, runEmulate } from '../electron/cli/emulateCommand';
import { chronopix } from './cli';
import { REPO_ROOT } from './fixtures';
import { useTmpDir } from './tmpDir';
import { waitFor } from './waitFor';

const dir = useTmpDir('chronopix-emulate-');

interface Received {
  port: number;
  datagrams: Buffer[];
  decoder: Tpx3Decoder;
}

const sockets: Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});

/** A socket on 127.0.0.1:0 that keeps every datagram and decodes it as it arrives ('file' mode). */
async function listen(): Promise<Received> {
  const socket = createSocket({ type: 'udp4', recvBufferSize: 8 << 20 });
  sockets.push(socket);
  const decoder = new Tpx3Decoder({ orientation: 'Up', offsetX: 0, offsetY: 0, timeMode: 'file' });
  const out = newDecodedBatch();
  const r: Received = { port: 0, datagrams: [], decoder };
  socket.on('message', (m) => {
    r.datagrams.push(m);
    decoder.decode(new Uint32Array(m.buffer, m.byteOffset, m.length >>> 2), out);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  r.port = socket.address().port;
  return r;
}

interface Running {
  stdout: string;
  stderr: string;
  exit: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

/** The CLI as a child process, without blocking this one (the socket here must keep receiving). */
function start(args: string[]): Running {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'chronopix.mjs'), ...args], {
    cwd: REPO_ROOT,
  });
  const r: Running = {
    stdout: '',
    stderr: '',
    exit: new Promise((resolve) => child.on('close', (code) => resolve(code))),
    kill: (signal) => child.kill(signal),
  };
  child.stdout.on('data', (d: Buffer) => (r.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (r.stderr += d.toString()));
  return r;
}

const num = (s: string): number => Number(s.replace(/,/g, ''));
const TOTALS = /emulate: sent ([\d,]+) datagrams, [\d.]+ MB \(([\d,]+) words, ([\d,]+) hits\) in [\d.]+ s/;

describe('chronopix emulate', () => {
  it('streams one second of a generated run at 20 MB/s that decodes to the printed counts', async () => {
    const rx = await listen();
    const run = start(['emulate', '--to', `127.0.0.1:${rx.port}`, '--seconds', '1']);
    expect(await run.exit).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      new RegExp(
        `^emulate: generated VMI run \\(1 s, 1000 triggers/s, [\\d.]+ ions/trigger, seed 1\\) -> 127\\.0\\.0\\.1:${rx.port} at 20 MB/s`,
      ),
    );
    const totals = TOTALS.exec(lines[lines.length - 1]);
    expect(totals).not.toBeNull();
    const [sent, words, hits] = [num(totals![1]), num(totals![2]), num(totals![3])];
    await waitFor(
      () => rx.datagrams.length >= sent,
      () => `all ${sent} datagrams sent to arrive (${rx.datagrams.length} did)`,
      5000,
    );
    expect(rx.datagrams.length).toBe(sent);
    const sizes = rx.datagrams.map((d) => d.length);
    expect(sizes.every((s) => s > 0 && s % 8 === 0 && s <= 8192)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(words * 8);
    // The rate sets the hit rate: one camera second is about 20 MB.
    expect(words * 8).toBeGreaterThan(19e6);
    expect(words * 8).toBeLessThan(21e6);
    const c = rx.decoder.counts;
    expect(c.pixels).toBe(hits);
    expect(c.tdc1Rise).toBe(1000);
    expect(c.timeMsb).toBe(1);
    expect(c.droppedBeforeTime).toBe(0);
    expect(rx.decoder.time.jumps.backwardJumps).toBe(0);
  });

  it('replays a .raw file as its own words, at a speed factor or as fast as possible', async () => {
    const path = join(dir, 'run.raw');
    await writeGeneratedRun(path, { seconds: 1, triggerRate: 500, ionsPerTrigger: 3, seed: 4 });
    const words = readFileSync(path).subarray(8);
    for (const pacing of [
      ['--speed', '4'],
      ['--as-fast-as-possible', '-q'],
    ]) {
      const rx = await listen();
      const run = start(['emulate', '--replay', path, '--to', `127.0.0.1:${rx.port}`, ...pacing]);
      expect(await run.exit).toBe(0);
      const arrived = (): number => rx.datagrams.reduce((n, d) => n + d.length, 0);
      await waitFor(
        () => arrived() >= words.length,
        () => `all ${words.length} bytes replayed to arrive (${arrived()} did)`,
        5000,
      );
      expect(Buffer.concat(rx.datagrams).equals(words)).toBe(true);
      if (pacing[0] === '--speed') {
        expect(run.stdout).toMatch(/emulate: replay of .*run\.raw \([\d,]+ words\) -> .* at 4 x real time/);
        expect(run.stdout).toMatch(TOTALS);
      } else expect(run.stdout).toBe('');
    }
  });

  it('streams until Ctrl-C, then prints totals and exits 0', async () => {
    const rx = await listen();
    const run = start(['emulate', '--to', `127.0.0.1:${rx.port}`, '--rate', '5']);
    await waitFor(
      () => /MB\/s, [\d,]+ datagrams\/s, [\d.]+ Mhits\/s, total/.test(run.stdout),
      () =>
        `a rate line on stdout (stdout: ${JSON.stringify(run.stdout)}, stderr: ${JSON.stringify(run.stderr)})`,
      5000,
    );
    expect(run.stdout).toMatch(
      /emulate: [\d.]+ MB\/s, [\d,]+ datagrams\/s, [\d.]+ Mhits\/s, total [\d.]+ MB/,
    );
    expect(run.stdout).toMatch(/endless.*at 5 MB\/s; Ctrl-C to stop/);
    run.kill('SIGINT');
    expect(await run.exit).toBe(0);
    const totals = TOTALS.exec(run.stdout);
    expect(totals).not.toBeNull();
    await waitFor(
      () => rx.datagrams.length >= num(totals![1]),
      () => `all ${num(totals![1])} datagrams sent to arrive (${rx.datagrams.length} did)`,
      5000,
    );
    expect(rx.datagrams.length).toBe(num(totals![1]));
    expect(rx.decoder.counts.pixels).toBe(num(totals![3]));
    expect(rx.decoder.counts.droppedBeforeTime).toBe(0);
  });

  it('derives the content from the rate, or paces by camera time when the content is given', () => {
    const byRate = planEmulation(['--rate', '8'])!;
    expect(byRate.sender).toEqual({
      host: '127.0.0.1',
      port: 8192,
      pacing: { kind: 'rate', megabytesPerSecond: 8 },
    });
    expect(byRate.source).toMatchObject({ kind: 'generated', hitRate: 1e6 - 2000 });
    expect(planEmulation(['--hit-rate', '1e5', '--to', '[::1]:9000'])).toMatchObject({
      source: { kind: 'generated', hitRate: 1e5 },
      sender: { host: '::1', port: 9000, pacing: { kind: 'camera', speed: 1 } },
    });
    expect(planEmulation(['--replay', 'x.raw', '--loop', '--rate', '3'])).toMatchObject({
      source: { kind: 'replay', path: 'x.raw', loop: true },
      sender: { pacing: { kind: 'rate', megabytesPerSecond: 3 } },
    });
    expect(planEmulation(['--help'])).toBeNull();
    expect(planEmulation(['--camera', '4', '--seconds', '1'])!.source).toMatchObject({
      kind: 'generated',
      camera: 4,
      seconds: 1,
    });
    expect(() => planEmulation(['--camera', '5'])).toThrow(/--camera 5: must be 3 or 4/);
    expect(() => planEmulation(['--replay', 'x.raw', '--camera', '4'])).toThrow(
      /--camera is for generated runs/,
    );
  });

  it('turns every bad argument into a one-line user error before sending anything', async () => {
    const cases: [string[], RegExp][] = [
      [['--to', 'localhost'], /--to localhost: expected HOST:PORT/],
      [['--to', '127.0.0.1:70000'], /port in 1\.\.65535/],
      [
        ['--to', 'no-such-host.invalid:9000', '--seconds', '0.1'],
        /cannot resolve host 'no-such-host\.invalid'/,
      ],
      [['--rate', '-5'], /--rate -5: must be greater than 0/],
      [['--rate', 'fast'], /--rate fast: not a number/],
      [['--replay', join(dir, 'missing.raw')], /missing\.raw: no such file/],
      [['--speed', '2'], /--speed applies to --replay only/],
      [['--loop'], /--loop applies to --replay only/],
      [['--replay', 'x.raw', '--seed', '3'], /--seed is for generated runs/],
      [
        ['--replay', 'x.raw', '--speed', '2', '--as-fast-as-possible'],
        /--speed and --as-fast-as-possible exclude/,
      ],
      [['--hit-rate', '1e6', '--ions-per-trigger', '4'], /not both/],
      [['--ions-per-trigger', '5000'], /--ions-per-trigger 5000: must be at most 1000/],
      [['--hit-rate', '1e9'], /raise the trigger rate/],
      [['--trigger-rate', '0'], /--trigger-rate 0: must be greater than 0/],
      [['--seed', '1.5'], /--seed 1\.5: must be a whole number/],
      [['--bogus'], /emulate: Unknown option '--bogus'/],
      [['extra'], /unexpected argument 'extra'/],
    ];
    // In-process (the CLI takes most of a second to start): runEmulate throws before sending.
    for (const [args, pattern] of cases) {
      const err = await runEmulate(args).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, args.join(' ')).toBeInstanceOf(UserError);
      expect((err as UserError).message).toMatch(pattern);
      expect((err as UserError).message).not.toMatch(/\n/);
    }
    // Through the CLI: one line on stderr, exit code 2, nothing on stdout.
    for (const [args, pattern] of [cases[0], cases[2], cases[5]]) {
      const r = chronopix(['emulate', ...args], { timeout: 20_000 });
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^chronopix: /);
      expect(r.stderr).toMatch(pattern);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
    }
    const help = chronopix(['emulate', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/usage: chronopix emulate/);
    expect(chronopix(['--help']).stdout).toMatch(/chronopix emulate \[--to HOST:PORT\]/);
  });
});
