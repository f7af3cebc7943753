// `chronopix generate` end to end through the bundled CLI, and writeGeneratedRun in-process: the
// file is the header plus the generator's words byte for byte, the truth file reads back with
// h5wasm, outputs are never overwritten without --force, and bad values are one-line errors.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../shared/userError';
import { writeGeneratedRun } from '../native-workers/io/generateRun';
import { createVmiGenerator } from '../native-workers/pipeline/generator';
import { parseStartTime } from '../electron/cli/generateCommand';
import { chronopix } from './cli';
import { readH5 } from './readH5';
import { useTmpDir } from './tmpDir';

const dir = useTmpDir('chronopix-generate-');

function expectOneLineError(r: { status: number | null; stderr: string }, pattern: RegExp): void {
  expect(r.status).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^chronopix: /);
  expect(lines[0]).toMatch(pattern);
}

/** Header + all words of an in-process generator, and its truth. */
function expected(options: Parameters<typeof createVmiGenerator>[0]) {
  const gen = createVmiGenerator(options);
  const parts: Buffer[] = [Buffer.from(gen.header)];
  const hitIon: number[] = [];
  const tof: number[] = [];
  for (let c = gen.next(); c; c = gen.next()) {
    parts.push(Buffer.from(c.words.buffer, c.words.byteOffset, c.words.byteLength));
    parts[parts.length - 1] = Buffer.from(parts[parts.length - 1]); // copy: the buffers are reused
    hitIon.push(...c.hitIon);
    tof.push(...c.ions.tof);
  }
  return { bytes: Buffer.concat(parts), hitIon, tof, counts: gen.counts };
}

describe('chronopix generate', () => {
  it('writes the run and its truth, prints a summary, refuses to overwrite without --force', async () => {
    const out = join(dir, 'run.raw');
    const truth = join(dir, 'truth.h5');
    const r = chronopix([
      'generate',
      out,
      '--seconds',
      '0.5',
      '--trigger-rate',
      '200',
      '--seed',
      '3',
      '--truth',
      truth,
    ]);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/run\.raw: [\d,]+ bytes, 0\.5 s, 100 triggers, [\d,]+ ions, [\d,]+ hits/);
    const want = expected({ seconds: 0.5, triggerRate: 200, seed: 3 });
    expect(readFileSync(out).equals(want.bytes)).toBe(true);
    const { datasets, groups } = await readH5(truth);
    expect(datasets.get('hits/ion')!.dtype).toBe('int64');
    expect(datasets.get('hits/ion')!.values.map(Number)).toEqual(want.hitIon);
    expect(datasets.get('ions/tof')!.values).toEqual(want.tof);
    expect(datasets.get('ions/tof')!.attrs.unit).toBe('s');
    expect(datasets.get('ions/x')!.attrs.unit).toBe('pixel');
    const nHits = datasets.get('ions/nr hits')!.values.map(Number);
    expect(nHits.reduce((a, b) => a + b, 0)).toBe(want.counts.ionHits);
    expect(
      datasets
        .get('ions/trigger nr')!
        .values.map(Number)
        .every((t) => t >= 0 && t < 100),
    ).toBe(true);
    expect(Number(groups.get('/')!.seed)).toBe(3);
    expect(Number(groups.get('/ions')!['nr ions'])).toBe(want.counts.ions);

    expectOneLineError(chronopix(['generate', out, '--seconds', '0.5']), /run\.raw exists; pass --force/);
    const forced = chronopix(['generate', out, '--seconds', '0.2', '--trigger-rate', '200', '--force', '-q']);
    expect(forced.status).toBe(0);
    expect(forced.stdout).toBe('');
    expect(readFileSync(out).length).toBeLessThan(want.bytes.length);
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('rejects bad values with one clear line and writes nothing', () => {
    const out = join(dir, 'bad.raw');
    const cases: [string[], RegExp][] = [
      [['--seconds', '-1'], /--seconds -1: must be greater than 0/],
      [['--seconds', 'ten'], /--seconds ten: not a number/],
      [['--trigger-rate', '0'], /--trigger-rate 0: must be greater than 0/],
      [['--ions-per-trigger', '-2'], /--ions-per-trigger -2: must not be negative/],
      [['--seed', '2.5'], /--seed 2.5: must be a whole number/],
      [['--start-time', '2050-01-01T00:00:00Z'], /outside the range a raw-file header can hold/],
      [['--start-time', 'yesterday'], /not an ISO 8601 date/],
      [['--frobnicate'], /Unknown option '--frobnicate'/],
    ];
    for (const [args, pattern] of cases) expectOneLineError(chronopix(['generate', out, ...args]), pattern);
    expectOneLineError(chronopix(['generate']), /missing the output file/);
    expectOneLineError(chronopix(['generate', join(dir, 'no', 'such', 'x.raw')]), /folder .* does not exist/);
    expect(existsSync(out)).toBe(false);
  });

  it('parses start times to the nanosecond and enforces the header range', () => {
    expect(parseStartTime('2025-01-01T00:00:00Z')).toBe(1_735_689_600_000_000_000n);
    expect(parseStartTime('2025-01-01')).toBe(1_735_689_600_000_000_000n);
    expect(parseStartTime('2025-01-01T02:00:00.000000123+02:00')).toBe(1_735_689_600_000_000_123n);
    expect(parseStartTime('2006-07-14T23:58:24.606846976Z')).toBe(1n << 60n);
    expect(() => parseStartTime('2006-07-14T23:58:24.606846975Z')).toThrow(UserError);
    expect(() => parseStartTime('2043-01-25T23:56:49.213693952Z')).toThrow(UserError);
    expect(() => parseStartTime('2025-13-01')).toThrow(UserError);
  });
});

describe('writeGeneratedRun', () => {
  it('never replaces an existing file or a concurrent .partial without force', async () => {
    const out = join(dir, 'keep.raw');
    writeFileSync(out, 'precious');
    await expect(writeGeneratedRun(out, { seconds: 0.1 })).rejects.toThrow(UserError);
    expect(readFileSync(out, 'utf8')).toBe('precious');
    const other = join(dir, 'other.raw');
    writeFileSync(`${other}.partial`, '');
    await expect(writeGeneratedRun(other, { seconds: 0.1 })).rejects.toThrow(/\.partial exists/);
    const s = await writeGeneratedRun(other, { seconds: 0.1, seed: 4 }, { force: true });
    expect(existsSync(`${other}.partial`)).toBe(false);
    expect(s.bytes).toBe(readFileSync(other).length);
    expect(s.bytes).toBe(8 + 8 * s.words);
    expect(s.triggers).toBe(100);
    await expect(
      writeGeneratedRun(join(dir, 'x.raw'), { seconds: 1 }, { truthPath: join(dir, 'x.raw') }),
    ).rejects.toThrow(/same path/);
  });
});
