import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, patchSettings } from './settings';

describe('patchSettings', () => {
  it('merges objects, replaces arrays and values, and keeps the rest', () => {
    const r = patchSettings(DEFAULT_SETTINGS, {
      processing: { eventWindow: [0, 2e-6], clustering: { epsilon: 3 } },
      recording: { prefix: 'ions' },
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.settings.processing.eventWindow).toEqual([0, 2e-6]);
    expect(r.settings.processing.clustering).toEqual({
      ...DEFAULT_SETTINGS.processing.clustering,
      epsilon: 3,
    });
    expect(r.settings.recording).toEqual({ folder: '', prefix: 'ions' });
    expect(r.settings.source).toEqual(DEFAULT_SETTINGS.source);
  });

  it('names the first bad field in one line and leaves the base untouched', () => {
    const base = structuredClone(DEFAULT_SETTINGS);
    expect(patchSettings(base, { processing: { eventWindow: [2, 1] } })).toEqual({
      ok: false,
      error: 'processing.eventWindow: event window: min must not exceed max',
    });
    expect(patchSettings(base, { recording: { prefix: 'a/b' } })).toEqual({
      ok: false,
      error: 'recording.prefix: recording prefix: no path separators',
    });
    expect(base).toEqual(DEFAULT_SETTINGS);
  });
});
