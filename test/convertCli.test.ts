// `chronopix convert` end to end through the bundled CLI: outputs, refusals and one-line errors.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chronopix } from './cli';
import { writeGeneratedRun } from '../native-workers/io/generateRun';
import { FIXTURES_SKIP_REASON, HAVE_FIXTURES, REPO_ROOT, fixturePath } from './fixtures';
import { readH5 } from './readH5';
import { useTmpDir } from './tmpDir';
import { SeededRandom } from '../native-workers/pipeline/seededRandom';

const dir = useTmpDir();
const words = (list: bigint[]): Uint8Array => new Uint8Array(new BigUint64Array(list).buffer);

function expectOneLineError(r: { status: number | null; stderr: string }, pattern: RegExp): void {
  expect(r.status).not.toBe(0);
  expect(r.status).not.toBeNull();
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^chronopix: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe.skipIf(!HAVE_FIXTURES)(
  `convert a real recording ${HAVE_FIXTURES ? '' : FIXTURES_SKIP_REASON}`,
  () => {
    it('writes RUN.h5 beside the input by default, prints a summary, and refuses to overwrite', async () => {
      const input = join(dir, 'run.raw');
      copyFileSync(fixturePath('centroid_pipeline_test.raw'), input);
      const r = chronopix(['convert', input, '--clustering', 'none']);
      expect(r.stderr).not.toMatch(/error/i);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/pixels\s+1287/);
      expect(r.stdout).toMatch(/1017 before the first time packet/);
      expect(r.stdout).toMatch(/events\s+1287 rows in 12 triggers/);
      const out = join(dir, 'run.h5');
      const { datasets, groups } = await readH5(out);
      expect(datasets.get('raw/x')!.values).toHaveLength(1287);
      expect(groups.get('/metadata/settings')!['event window s']).toBe('[0,10000]');
      expect(groups.get('/metadata/run')!['input file']).toBe(input);
      const again = chronopix(['convert', input]);
      expectOneLineError(again, /run\.h5 already exists; pass --force/);
      expect(chronopix(['convert', input, '--force', '-q', '--clustering', 'none']).status).toBe(0);
    });

    it('converts several inputs into --out-dir, one output each, and rejects -o with several inputs', () => {
      const a = join(dir, 'a.raw');
      const b = join(dir, 'b.raw');
      copyFileSync(fixturePath('centroid_pipeline_test.raw'), a);
      copyFileSync(fixturePath('out_5sec.raw'), b);
      expectOneLineError(
        chronopix(['convert', a, b, '-o', join(dir, 'x.h5')]),
        /several inputs; use --out-dir/,
      );
      const outDir = join(dir, 'outs', 'deeper');
      const r = chronopix(['convert', a, b, '--out-dir', outDir, '-q', '--clustering', 'none']);
      expect(r.status).toBe(0);
      expect(readdirSync(outDir).sort()).toEqual(['a.h5', 'b.h5']);
    });

    it('applies --event-window with units', async () => {
      const out = join(dir, 'window.h5');
      const r = chronopix([
        'convert',
        fixturePath('centroid_pipeline_test.raw'),
        '-o',
        out,
        '--event-window',
        '0:1ms',
        '-q',
        '--clustering',
        'none',
      ]);
      expect(r.status).toBe(0);
      const { datasets } = await readH5(out);
      const tof = datasets.get('raw/tof')!.values.map(Number);
      expect(tof.length).toBeGreaterThan(0);
      expect(tof.length).toBeLessThan(1287);
      expect(Math.max(...tof)).toBeLessThanOrEqual(1e-3);
      const nr = datasets.get('timing/timepix/trigger nr')!.values;
      expect(datasets.get('timing/timepix/timestamp')!.values).toHaveLength(nr.length);
    });
  },
);

describe('convert refuses bad input with one clear line and a non-zero exit', () => {
  const msb = 0x45n << 56n;
  const pix = 0xbn << 60n;
  const cases: [string, () => string[], RegExp][] = [
    ['a missing file', () => ['convert', join(dir, 'missing.raw')], /missing\.raw: no such file/],
    [
      'a directory',
      () => {
        const d = join(dir, 'folder.raw');
        mkdirSync(d, { recursive: true });
        return ['convert', d];
      },
      /is a directory/,
    ],
    [
      'an empty file',
      () => {
        const p = join(dir, 'empty.raw');
        writeFileSync(p, '');
        return ['convert', p];
      },
      /is empty/,
    ],
    [
      'a header-only file',
      () => {
        const p = join(dir, 'hdr.raw');
        writeFileSync(p, words([1735689600000000000n]));
        return ['convert', p];
      },
      /only the start-time header/,
    ],
    [
      'random bytes',
      () => {
        const p = join(dir, 'random.raw');
        const rng = new SeededRandom(99);
        writeFileSync(
          p,
          Uint8Array.from({ length: 100000 }, () => rng.int(256)),
        );
        return ['convert', p];
      },
      /does not look like Timepix raw data/,
    ],
    [
      'no global time packet',
      () => {
        const p = join(dir, 'notime.raw');
        writeFileSync(p, words([pix, pix, pix]));
        return ['convert', p];
      },
      /no global-time packet/,
    ],
    ['an unknown option', () => ['convert', 'x.raw', '--frobnicate'], /Unknown option '--frobnicate'/],
    ['a bad event window', () => ['convert', 'x.raw', '--event-window', '5:1'], /MIN must not exceed MAX/],
    [
      'a bad orientation',
      () => ['convert', 'x.raw', '--orientation', 'Sideways'],
      /expected one of Up, Left, Down, Right/,
    ],
    [
      'a negative epsilon',
      () => ['convert', 'x.raw', '--epsilon=-1'],
      /--epsilon -1: must be greater than 0/,
    ],
    [
      'a negative value given apart',
      () => ['convert', 'x.raw', '--epsilon', '-1'],
      /--epsilon -1: must be greater than 0/,
    ],
    [
      'min samples 0',
      () => ['convert', 'x.raw', '--min-samples', '0'],
      /--min-samples 0: must be a whole number/,
    ],
    [
      'a malformed LUT',
      () => {
        const p = join(dir, 'bad.npy');
        writeFileSync(p, 'not numpy');
        return ['convert', 'x.raw', '--timewalk', p];
      },
      /bad\.npy: not a usable \.npy/,
    ],
    ['no input', () => ['convert'], /give at least one \.raw file/],
    ['an unknown command', () => ['frobnicate'], /unknown command 'frobnicate'/],
  ];
  it.each(cases)('%s', (_name, argv, pattern) => {
    const r = chronopix(argv());
    expectOneLineError(r, pattern);
  });

  it('leaves no output, partial or final, after a failed conversion', () => {
    const p = join(dir, 'notime2.raw');
    writeFileSync(p, words([pix, pix]));
    chronopix(['convert', p]);
    expect(existsSync(join(dir, 'notime2.h5'))).toBe(false);
    expect(existsSync(join(dir, 'notime2.h5.partial'))).toBe(false);
  });

  it('reports an unwritable output folder', () => {
    const p = join(dir, 'ok.raw');
    writeFileSync(p, words([msb, pix]));
    const r = chronopix(['convert', p, '-o', join(dir, 'no', 'such', 'dir', 'x.h5')]);
    expectOneLineError(r, /no[/\\]such[/\\]dir/);
  });

  it.skipIf(process.getuid?.() === 0)('reports a read-only output folder (non-root only)', () => {
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o500);
    const p = join(dir, 'ok2.raw');
    writeFileSync(p, words([msb, pix]));
    expectOneLineError(chronopix(['convert', p, '-o', join(ro, 'x.h5')]), /not writable/);
  });

  it('warns about a truncated last word and still converts', () => {
    const p = join(dir, 'trunc.raw');
    writeFileSync(p, new Uint8Array([...words([msb, pix, pix]), 1, 2, 3]));
    const r = chronopix(['convert', p, '--clustering', 'none']);
    expect(r.status).toBe(0);
    expect(r.stderr + r.stdout).toMatch(/last 3 bytes are an incomplete word/);
    expect(existsSync(join(dir, 'trunc.h5'))).toBe(true);
  });
});

describe('interrupted and failing conversions leave no file that looks complete', () => {
  it('Ctrl-C (SIGINT) stops the conversion, exits 130 and removes the partial output', async () => {
    const input = join(dir, 'long.raw');
    await writeGeneratedRun(input, { seconds: 8, triggerRate: 20000, ionsPerTrigger: 20, seed: 4 }, {});
    const output = join(dir, 'long.h5');
    const child = spawn(
      process.execPath,
      [join(REPO_ROOT, 'bin', 'chronopix.mjs'), 'convert', input, '-o', output],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Interrupt once the partial output exists, i.e. mid-conversion.
    const deadline = Date.now() + 20_000;
    while (!existsSync(`${output}.partial`) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(existsSync(`${output}.partial`)).toBe(true);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted; no output written/);
    expect(existsSync(output)).toBe(false);
    expect(existsSync(`${output}.partial`)).toBe(false);
  });

  // A full disk needs a small file system: a tmpfs, which only root can mount (CI runs as root).
  const canMount = process.getuid?.() === 0 && spawnSync('which', ['mount']).status === 0;
  it.skipIf(!canMount)('a full disk (ENOSPC) gives one line, a non-zero exit, and no partial file', () => {
    const small = join(dir, 'tiny-fs');
    mkdirSync(small);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', small]);
    if (process.env.CI) expect(mounted.status, `mount tmpfs: ${mounted.stderr}`).toBe(0);
    if (mounted.status !== 0) {
      console.warn(`skipping the ENOSPC test: cannot mount a tmpfs (${mounted.stderr})`);
      return;
    }
    try {
      const input = join(dir, 'enospc.raw');
      copyFileSync(HAVE_FIXTURES ? fixturePath('out_5sec.raw') : join(dir, 'long.raw'), input);
      const r = chronopix(['convert', input, '-o', join(small, 'out.h5'), '--clustering', 'none']);
      expectOneLineError(r, /No space left on device/);
      expect(readdirSync(small)).toEqual([]);
    } finally {
      spawnSync('umount', [small]);
    }
  });
});
