import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../shared/settings';
import {
  loadSettings,
  saveSettings,
  settingsPath,
  validateSettings,
} from '../native-workers/io/settingsFile';
import { useTmpDir } from './tmpDir';

const dir = useTmpDir();

describe('settings file', () => {
  it('lives under XDG_CONFIG_HOME, else ~/.config', () => {
    expect(settingsPath({ XDG_CONFIG_HOME: '/x/cfg' })).toBe('/x/cfg/chronopix/settings.json');
    expect(settingsPath({ HOME: '/home/op' })).toMatch(/\.config\/chronopix\/settings\.json$/);
  });

  it('a missing file gives the defaults without complaint', async () => {
    expect(await loadSettings(join(dir, 'none.json'))).toEqual({ settings: DEFAULT_SETTINGS, problems: [] });
  });

  it('round-trips through save and load, atomically and with a version', async () => {
    const path = join(dir, 'a', 'settings.json');
    const changed = structuredClone(DEFAULT_SETTINGS);
    changed.processing.eventWindow = [1e-6, 5e-6];
    changed.recording.prefix = 'beamtime';
    await saveSettings(changed, path);
    expect(JSON.parse(readFileSync(path, 'utf8')).version).toBe(1);
    expect((await loadSettings(path)).settings).toEqual(changed);
  });

  it('names a bad field, replaces it by its default and keeps the rest', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(
      path,
      JSON.stringify({
        version: 1,
        processing: { clustering: { epsilon: -2 }, pipeline: 'pixel' },
        recording: { prefix: 'a/b' },
      }),
    );
    const { settings, problems } = await loadSettings(path);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain(path);
    expect(problems.join('\n')).toMatch(/processing\.clustering\.epsilon/);
    expect(problems.join('\n')).toMatch(/recording\.prefix/);
    expect(settings.processing.clustering.epsilon).toBe(2);
    expect(settings.processing.pipeline).toBe('pixel'); // the good field survives
    expect(settings.recording.prefix).toBe('run');
  });

  it('reports a file that is not JSON, and a wrong version', async () => {
    const path = join(dir, 'garbage.json');
    writeFileSync(path, '{ not json');
    const r = await loadSettings(path);
    expect(r.settings).toEqual(DEFAULT_SETTINGS);
    expect(r.problems[0]).toMatch(/not valid JSON/);
    expect(validateSettings({ version: 7 }).problems[0]).toMatch(/^settings: version:/);
  });

  it('rejects an event window with min above max', () => {
    const r = validateSettings({ processing: { eventWindow: [2e-6, 1e-6] } });
    expect(r.problems[0]).toMatch(/processing\.eventWindow/);
    expect(r.settings.processing.eventWindow).toEqual([0, 1e-3]);
  });
});
