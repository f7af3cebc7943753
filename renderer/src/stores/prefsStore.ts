// The operator's display preferences: which tab, log scales, the auto-stop time, the sidebar width.
// Persisted between sessions (storage.ts); the engine never sees them.
import { createStore } from 'zustand/vanilla';
import { type KeyValueStorage, loadJson, saveJson } from './storage';

export const PLOT_IDS = ['tof', 'tot', 'rate', 'hitMap', 'centroidMap', 'tofTot', 'clusterSize'] as const;
export type PlotId = (typeof PLOT_IDS)[number];

export interface Prefs {
  tab: 'live' | 'browser' | 'camera';
  /** Log y axis (histograms) or log colour (maps), per plot. */
  log: Record<PlotId, boolean>;
  /** Auto-stop of recordings, s; 0 = off. */
  autoStopS: number;
  sidebarWidth: number;
  /** Plots hidden from the live grid. */
  hidden: PlotId[];
}

export const DEFAULT_PREFS: Prefs = {
  tab: 'live',
  log: {
    tof: false,
    tot: false,
    rate: false,
    hitMap: true,
    centroidMap: true,
    tofTot: true,
    clusterSize: true,
  },
  autoStopS: 0,
  sidebarWidth: 340,
  hidden: [],
};

const KEY = 'chronopix.prefs.v1';

export interface PrefsState extends Prefs {
  setTab(tab: Prefs['tab']): void;
  toggleLog(plot: PlotId): void;
  setAutoStop(seconds: number): void;
  setSidebarWidth(px: number): void;
  toggleHidden(plot: PlotId): void;
}

function isPrefs(v: unknown): v is Partial<Prefs> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function createPrefsStore(storage: KeyValueStorage) {
  const saved = loadJson<Partial<Prefs>>(storage, KEY, {}, isPrefs);
  const initial: Prefs = {
    ...DEFAULT_PREFS,
    ...saved,
    log: { ...DEFAULT_PREFS.log, ...(saved.log ?? {}) },
    hidden: Array.isArray(saved.hidden)
      ? saved.hidden.filter((p) => (PLOT_IDS as readonly string[]).includes(p))
      : [],
  };
  const store = createStore<PrefsState>()((set) => ({
    ...initial,
    setTab: (tab) => set({ tab }),
    toggleLog: (plot) => set((s) => ({ log: { ...s.log, [plot]: !s.log[plot] } })),
    setAutoStop: (seconds) => set({ autoStopS: Number.isFinite(seconds) && seconds > 0 ? seconds : 0 }),
    setSidebarWidth: (px) => set({ sidebarWidth: Math.min(700, Math.max(240, Math.round(px))) }),
    toggleHidden: (plot) =>
      set((s) => ({
        hidden: s.hidden.includes(plot) ? s.hidden.filter((p) => p !== plot) : [...s.hidden, plot],
      })),
  }));
  store.subscribe((s) => {
    const { tab, log, autoStopS, sidebarWidth, hidden } = s;
    saveJson(storage, KEY, { tab, log, autoStopS, sidebarWidth, hidden });
  });
  return store;
}
export type PrefsStore = ReturnType<typeof createPrefsStore>;
