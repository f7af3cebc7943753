// `chronopix acquire` end to end: the built-in emulator, the engine, a recording that converts.
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chronopix } from './cli';
import { readH5 } from './readH5';
import { useTmpDir } from './tmpDir';

const dir = useTmpDir();
const env = { ...process.env, XDG_CONFIG_HOME: join(dir, 'config') };

describe('chronopix acquire', () => {
  it('records a run from the built-in emulator into a new folder and prints its summary', async () => {
    const runs = join(dir, 'runs', 'today');
    const r = chronopix(['acquire', '--seconds', '2', '--record', runs, '--prefix', 'scan', '--quiet'], {
      env,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const files = readdirSync(runs).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^scan_0000_\d{8}-\d{4}\.json$/);
    expect(files[1]).toMatch(/^scan_0000_\d{8}-\d{4}\.raw$/);
    expect(r.stdout).toContain(join(runs, files[1]));
    const hits = Number(/hits\s+(\d+)/.exec(r.stdout)![1]);
    expect(hits).toBeGreaterThan(10000);
    const sidecar = JSON.parse(readFileSync(join(runs, files[0]), 'utf8'));
    expect(sidecar.state).toBe('stopped');
    // The recording converts; it has data and triggers.
    const out = join(dir, 'scan.h5');
    const c = chronopix(['convert', join(runs, files[1]), '-o', out, '-q', '--clustering', 'none'], { env });
    expect(c.status).toBe(0);
    const { datasets } = await readH5(out);
    expect(datasets.get('raw/x')!.values.length).toBeGreaterThan(1000);
    expect(datasets.get('timing/timepix/trigger nr')!.values.length).toBeGreaterThan(100);
    // A second run continues the index.
    expect(
      chronopix(['acquire', '--seconds', '0.5', '--record', runs, '--prefix', 'scan', '-q'], { env }).status,
    ).toBe(0);
    expect(readdirSync(runs).filter((f) => f.startsWith('scan_0001_'))).toHaveLength(2);
  });

  it('rejects bad arguments with one line', () => {
    for (const [args, pattern] of [
      [['acquire', '--record', dir], /give --seconds N/],
      [['acquire', '--seconds', '1'], /give --record DIR/],
      [['acquire', '--seconds', '-1', '--record', dir], /--seconds -1: must be greater than 0/],
      [
        ['acquire', '--seconds', '1', '--record', dir, '--source', 'tcp://x'],
        /expected 'emulator' or udp:\/\/ADDR:PORT/,
      ],
    ] as const) {
      const r = chronopix([...args], { env });
      expect(r.status).not.toBe(0);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(pattern);
    }
  });

  it('warns about a bad settings file, naming the field, and still runs on the defaults', () => {
    const cfg = join(dir, 'badcfg');
    mkdirSync(join(cfg, 'chronopix'), { recursive: true });
    writeFileSync(
      join(cfg, 'chronopix', 'settings.json'),
      JSON.stringify({ processing: { centroidProcesses: 0 } }),
    );
    const r = chronopix(['acquire', '--seconds', '0.5', '--record', join(dir, 'r2'), '-q'], {
      env: { ...env, XDG_CONFIG_HOME: cfg },
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/warning: .*settings\.json: processing\.centroidProcesses/);
  });
});
