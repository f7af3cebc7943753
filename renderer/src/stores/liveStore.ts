// The latest live snapshot and how fast they arrive. Snapshots replace each other (the engine
// accumulates), so memory stays one snapshot whatever the run length. `frozen` holds the display
// while the engine goes on (to look at a spectrum closely).
import { createStore } from 'zustand/vanilla';
import type { LiveSnapshot } from '../../../shared/liveViews';
import type { ApiClient } from '../api/apiClient';

export interface LiveState {
  snapshot: LiveSnapshot | null;
  /** Snapshots received per second, over the last two seconds. */
  frameRate: number;
  frozen: boolean;
  setFrozen(frozen: boolean): void;
  /** Stops listening (tests, page unload). */
  dispose(): void;
}

export function createLiveStore(api: ApiClient, now: () => number = () => performance.now()) {
  const arrivals: number[] = [];
  let off: () => void = () => undefined;
  const store = createStore<LiveState>()((set) => ({
    snapshot: null,
    frameRate: 0,
    frozen: false,
    setFrozen: (frozen) => set({ frozen }),
    dispose: () => off(),
  }));
  off = api.onViews((snapshot) => {
    const t = now();
    arrivals.push(t);
    while (arrivals.length > 0 && arrivals[0] < t - 2000) arrivals.shift();
    const frameRate = arrivals.length / 2;
    if (store.getState().frozen) store.setState({ frameRate });
    else store.setState({ snapshot, frameRate });
  });
  return store;
}
export type LiveStore = ReturnType<typeof createLiveStore>;
