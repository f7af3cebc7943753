// `chronopix camera ...` and `chronopix emulate --spidr` as a user runs them, against the virtual
// camera over real TCP: the exact JSON of `info`, sets read back, the .spx upload, and bad input
// (unknown DAC, out-of-range bias, refused port, silent camera, garbage replies, a non-ZIP .spx)
// each one line on stderr with a non-zero exit, nothing sent for an invalid request.
import { execFile, spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TPX3_DAC_NAMES } from '../native-workers/camera/dacs';
import { VirtualCamera, type VirtualCameraFaults } from '../native-workers/camera/virtualCamera';
import { FIXTURES_SKIP_REASON, HAVE_FIXTURES, REPO_ROOT, fixturePath } from './fixtures';
import { useTmpDir } from './tmpDir';

const dir = useTmpDir();
const ENV = { ...process.env, XDG_CONFIG_HOME: join(dir, 'config') };
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI, without blocking this process's event loop (the virtual camera answers from here). */
function cli(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(REPO_ROOT, 'bin', 'chronopix.mjs'), ...args],
      { env: ENV, timeout: 20_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function camera(faults: VirtualCameraFaults = {}): Promise<VirtualCamera> {
  const cam = await VirtualCamera.start({ faults });
  cleanup.push(() => cam.close());
  return cam;
}

function oneLineError(r: Run, pattern: RegExp): void {
  expect(r.code).not.toBe(0);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('chronopix camera', () => {
  it('info --json prints the documented keys, read-only', async () => {
    const cam = await camera();
    const r = await cli(['camera', 'info', '--spidr', `127.0.0.1:${cam.port}`, '--json']);
    expect(r.stderr).toBe('');
    const info = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(info)).toEqual([
      'softwareVersion',
      'firmwareVersion',
      'deviceCount',
      'chipIds',
      'biasVoltage',
      'dacs',
      'temperatures',
    ]);
    expect(info).toMatchObject({ deviceCount: 1, chipIds: ['W0028_H06'], biasVoltage: 0 });
    expect(Object.keys(info.dacs as object)).toEqual(TPX3_DAC_NAMES);
    expect(Object.keys(info.temperatures as object)).toEqual(['local', 'remote', 'fpga']);
    // No set, reset or bias command reached the camera.
    expect(cam.received.filter((c) => [0x11b, 0x55f, 0x560, 0x124, 0x126, 0x22e].includes(c))).toEqual([]);
    const table = await cli(['camera', 'info', '--spidr', `127.0.0.1:${cam.port}`]);
    expect(table.stdout).toMatch(/chips\s+1: W0028_H06/);
    expect(table.stdout).toMatch(/Vthreshold_fine\s+420/);
  });

  it('set validates, sets, reads back', async () => {
    const cam = await camera();
    const r = await cli([
      'camera',
      'set',
      '--spidr',
      `127.0.0.1:${cam.port}`,
      '--dac',
      'Vthreshold_fine=200',
      '--dac',
      'Ibias_Ikrum=15',
      '--bias',
      '13',
    ]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/Vthreshold_fine\s+200/);
    expect(r.stdout).toMatch(/bias\s+1[23]\.\d\d V \(asked 13 V\)/);
    expect(cam.dac(6)).toBe(200);
    expect(cam.dac(4)).toBe(15);
    expect(cam.biasVolts).toBeCloseTo(13, 1);

    for (const [args, pattern] of [
      [['--dac', 'Vthreshold=1'], /unknown Timepix3 DAC "Vthreshold"/],
      [['--dac', 'Vthreshold_fine=512'], /out of range: must be an integer 0..511/],
      [['--bias', '90'], /--bias 90: must be within 12..60 V/],
      [[], /give --dac NAME=VALUE and\/or --bias/],
    ] as [string[], RegExp][]) {
      const before = cam.requestCount;
      oneLineError(await cli(['camera', 'set', '--spidr', `127.0.0.1:${cam.port}`, ...args]), pattern);
      expect(cam.requestCount).toBe(before);
    }
  });

  it.skipIf(!HAVE_FIXTURES)(
    `load-config uploads and verifies the .spx${HAVE_FIXTURES ? '' : ` (${FIXTURES_SKIP_REASON})`}`,
    async () => {
      const cam = await camera();
      const r = await cli([
        'camera',
        'load-config',
        fixturePath('test_config_W0028_H06_50V.spx'),
        '--spidr',
        `127.0.0.1:${cam.port}`,
      ]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/verified by read-back/);
      expect(r.stdout).toMatch(/Ibias_Ikrum\s+5 -> 20/);
      expect(r.stdout).toMatch(/160 masked pixels/);
      expect(cam.dac(4)).toBe(20);
    },
  );

  it('gives one line for unreachable, silent, garbage and bad files', async () => {
    const notZip = join(dir, 'bad.spx');
    writeFileSync(notZip, 'not a zip');
    const cam = await camera();
    oneLineError(
      await cli(['camera', 'load-config', notZip, '--spidr', `127.0.0.1:${cam.port}`]),
      /not a ZIP archive/,
    );
    expect(cam.requestCount).toBe(0);

    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    oneLineError(
      await cli(['camera', 'info', '--spidr', `127.0.0.1:${port}`]),
      /connection refused.*check the address/,
    );

    const silent = await camera({ delayMs: 5000 });
    const t0 = Date.now();
    oneLineError(
      await cli(['camera', 'info', '--spidr', `127.0.0.1:${silent.port}`, '--timeout', '300']),
      /no reply to GET_SOFTWVERSION \(device 0\) within 300 ms/,
    );
    expect(Date.now() - t0).toBeLessThan(5000);

    const garbage = await camera({ replyOverride: () => Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n') });
    oneLineError(
      await cli(['camera', 'info', '--spidr', `127.0.0.1:${garbage.port}`, '--timeout', '500']),
      /camera info: SPIDR 127\.0\.0\.1:\d+: GET_SOFTWVERSION \(device 0\) failed: UNKNOWN_ERROR_48/,
    );

    const failing = await camera({ errorWord: 0x0306 });
    oneLineError(
      await cli(['camera', 'info', '--spidr', `127.0.0.1:${failing.port}`]),
      /ERR_TPX3_HARDW \(TPX3_ERR_SC_ERRSTATE\)/,
    );

    oneLineError(
      await cli(['camera', 'info', '--spidr', 'host:99999']),
      /--spidr host:99999: expected HOST\[:PORT\]/,
    );
    oneLineError(await cli(['camera', 'info']), /give --spidr HOST\[:PORT\]/);
  });

  it('emulate --spidr answers as a camera', async () => {
    const child = spawn(
      process.execPath,
      [join(REPO_ROOT, 'bin', 'chronopix.mjs'), 'emulate', '--spidr', '127.0.0.1:0'],
      { env: ENV },
    );
    cleanup.push(() => child.kill('SIGTERM'));
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /answering on 127\.0\.0\.1:(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`emulate exited ${code}`)));
    });
    const r = await cli(['camera', 'info', '--spidr', `127.0.0.1:${port}`, '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ chipIds: ['W0028_H06'] });
  });
});
