import { describe, expect, it } from 'vitest';
import { DEFAULT_LIVE_VIEWS, parseLiveViewsConfig } from '../../../shared/liveViews';
import { DEFAULT_SETTINGS, patchSettings } from '../../../shared/settings';
import { createFakeClient } from '../api/fakeClient';
import { createSettingsStore } from './settingsStore';
import { memoryStorage } from './storage';

/** An engine that validates like the real one: the shared patchSettings and schemas. */
function engine() {
  let settings = DEFAULT_SETTINGS;
  let views = DEFAULT_LIVE_VIEWS;
  return createFakeClient({
    getSettings: () => settings,
    getViews: () => views,
    setSettings: (patch) => {
      const r = patchSettings(settings, patch);
      if (!r.ok) throw new Error(`settings: ${r.error}`);
      return (settings = r.settings);
    },
    setViews: (v) => (views = parseLiveViewsConfig(v)),
  });
}

describe('settings store', () => {
  it('applies accepted changes and shows a rejected one under its field, keeping the old value', async () => {
    const api = engine();
    const store = createSettingsStore(api, memoryStorage());
    await store.getState().load();
    expect(store.getState().settings?.processing.eventWindow).toEqual([0, 1e-3]);

    expect(
      await store
        .getState()
        .applySettings('processing.eventWindow', { processing: { eventWindow: [2e-3, 1e-3] } }),
    ).toBe(false);
    expect(store.getState().errors['processing.eventWindow']).toBe(
      'settings: processing.eventWindow: event window: min must not exceed max',
    );
    expect(store.getState().settings?.processing.eventWindow).toEqual([0, 1e-3]);

    expect(
      await store
        .getState()
        .applySettings('processing.eventWindow', { processing: { eventWindow: [0, 5e-6] } }),
    ).toBe(true);
    expect(store.getState().settings?.processing.eventWindow).toEqual([0, 5e-6]);
    expect(store.getState().errors).toEqual({});
  });

  it('keeps the views configuration (ROIs) in storage and gives it back to the engine on the next load', async () => {
    const storage = memoryStorage();
    const first = createSettingsStore(engine(), storage);
    await first.getState().load();
    const roi = { name: 'H2O+', tofMin: 1e-6, tofMax: 1.5e-6 };
    expect(await first.getState().applyViews('rois', { rois: [roi] })).toBe(true);
    expect(await first.getState().applyViews('views.tof', { tof: { min: 1, max: 0 } })).toBe(false);
    expect(first.getState().errors['views.tof']).toMatch(/tof\.min must be less than tof\.max/);

    // A new page and a restarted engine (defaults): the saved ROI comes back.
    const api = engine();
    const second = createSettingsStore(api, storage);
    await second.getState().load();
    expect(second.getState().views?.rois).toEqual([roi]);
    expect(api.calls.filter(([m]) => m === 'setViews')).toHaveLength(1);
  });

  it('drops a saved views configuration the engine no longer accepts', async () => {
    const storage = memoryStorage();
    storage.setItem('chronopix.views.v1', JSON.stringify({ refreshHz: 999 }));
    const store = createSettingsStore(engine(), storage);
    await store.getState().load();
    expect(store.getState().views).toEqual(DEFAULT_LIVE_VIEWS);
  });

  it("follows changes made by another client (the engine's config event)", async () => {
    const api = engine();
    const storage = memoryStorage();
    const store = createSettingsStore(api, storage);
    await store.getState().load();
    const views = parseLiveViewsConfig({ rois: [{ name: 'N2+', tofMin: 3e-6, tofMax: 4e-6 }] });
    const settings = { ...DEFAULT_SETTINGS, recording: { folder: '/data', prefix: 'beam' } };
    api.emit('config', { settings, views });
    expect(store.getState().settings?.recording.prefix).toBe('beam');
    expect(store.getState().views?.rois.map((r) => r.name)).toEqual(['N2+']);
    expect(JSON.parse(storage.getItem('chronopix.views.v1')!).rois[0].name).toBe('N2+');
  });
});
