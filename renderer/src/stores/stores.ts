// All the page's stores, made once from the API client and the storage, and handed to components
// through a React context (useStores). One store per concern; none imports another's internals.
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { ApiClient } from '../api/apiClient';
import { type AcquisitionState, createAcquisitionStore } from './acquisitionStore';
import { type CameraStoreState, createCameraStore } from './cameraStore';
import { type LiveState, createLiveStore } from './liveStore';
import { type OfflineState, createOfflineStore } from './offlineStore';
import { type PrefsState, createPrefsStore } from './prefsStore';
import { type SettingsState, createSettingsStore } from './settingsStore';
import type { KeyValueStorage } from './storage';

export function createStores(api: ApiClient, storage: KeyValueStorage) {
  const settings = createSettingsStore(api, storage);
  const prefs = createPrefsStore(storage);
  const live = createLiveStore(api);
  const offline = createOfflineStore(api);
  const acquisition = createAcquisitionStore(api, () => {
    void settings
      .getState()
      .load()
      .catch((err: Error) => acquisition.setState({ error: err.message }));
  });
  const camera = createCameraStore(api);
  return { api, settings, prefs, live, offline, acquisition, camera };
}
export type Stores = ReturnType<typeof createStores>;

export const StoresContext = createContext<Stores | null>(null);

export function useStores(): Stores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('useStores outside StoresContext');
  return stores;
}

export const useAcquisition = <T>(pick: (s: AcquisitionState) => T): T =>
  useStore(useStores().acquisition, pick);
export const useSettings = <T>(pick: (s: SettingsState) => T): T => useStore(useStores().settings, pick);
export const usePrefs = <T>(pick: (s: PrefsState) => T): T => useStore(useStores().prefs, pick);
export const useLive = <T>(pick: (s: LiveState) => T): T => useStore(useStores().live, pick);
export const useOffline = <T>(pick: (s: OfflineState) => T): T => useStore(useStores().offline, pick);
export const useCamera = <T>(pick: (s: CameraStoreState) => T): T => useStore(useStores().camera, pick);
