// The engine's settings (source, processing, recording) and the live views' configuration (plots,
// ROIs, reset policy), as the engine last accepted them. Changes go to the engine, which validates
// them (the same zod schemas); a rejected change leaves the store as it was and records the
// engine's one-line message under the field the form named, so the form shows it inline. The views
// configuration (ROIs included) is also kept in the page's storage and given back to the engine
// when the page connects, so it survives restarts of both. Changes made by another client arrive
// through the engine's config event.
import { createStore } from 'zustand/vanilla';
import type { LiveViewsConfig, LiveViewsConfigInput } from '../../../shared/liveViews';
import type { Settings } from '../../../shared/settings';
import type { ApiClient } from '../api/apiClient';
import { type KeyValueStorage, loadJson, saveJson } from './storage';

const VIEWS_KEY = 'chronopix.views.v1';

/** A settings patch: any subset of the settings tree. */
export type SettingsPatch = { [K in keyof Settings]?: Partial<Settings[K]> | Record<string, unknown> };

export interface SettingsState {
  settings: Settings | null;
  views: LiveViewsConfig | null;
  /** Field (the form's key) -> the engine's message for the last rejected change. */
  errors: Record<string, string>;
  /** Fetches both from the engine and restores the saved views configuration. */
  load(): Promise<void>;
  /** Resolves true when the engine accepted the change. */
  applySettings(field: string, patch: SettingsPatch): Promise<boolean>;
  applyViews(field: string, patch: LiveViewsConfigInput): Promise<boolean>;
  clearError(field: string): void;
}

function isObject(v: unknown): v is LiveViewsConfigInput {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function createSettingsStore(api: ApiClient, storage: KeyValueStorage) {
  const store = createStore<SettingsState>()((set, get) => {
    const fail = (field: string, err: unknown): false => {
      set((s) => ({ errors: { ...s.errors, [field]: (err as Error).message } }));
      return false;
    };
    const ok = (field: string): void => {
      if (field in get().errors) {
        const { [field]: _gone, ...rest } = get().errors;
        set({ errors: rest });
      }
    };
    return {
      settings: null,
      views: null,
      errors: {},
      async load() {
        const [settings, engineViews] = await Promise.all([api.getSettings(), api.getViews()]);
        let views = engineViews;
        const saved = loadJson<LiveViewsConfigInput | null>(storage, VIEWS_KEY, null, isObject);
        if (saved) {
          // A saved configuration the engine no longer accepts is dropped, not fatal.
          views = await api.setViews(saved).catch(() => engineViews);
        }
        set({ settings, views });
      },
      async applySettings(field, patch) {
        try {
          const settings = await api.setSettings(patch);
          set({ settings });
          ok(field);
          return true;
        } catch (err) {
          return fail(field, err);
        }
      },
      async applyViews(field, patch) {
        const current = get().views;
        try {
          const views = await api.setViews({ ...(current ?? {}), ...patch });
          set({ views });
          saveJson(storage, VIEWS_KEY, views);
          ok(field);
          return true;
        } catch (err) {
          return fail(field, err);
        }
      },
      clearError: (field) => ok(field),
    };
  });
  // Another client (or this one) changed the configuration: every page shows what the engine has.
  api.onConfig(({ settings, views }) => {
    store.setState({ settings, views });
    saveJson(storage, VIEWS_KEY, views);
  });
  return store;
}
export type SettingsStore = ReturnType<typeof createSettingsStore>;
