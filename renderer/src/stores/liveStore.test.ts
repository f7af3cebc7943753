import { describe, expect, it } from 'vitest';
import type { LiveSnapshot } from '../../../shared/liveViews';
import { createFakeClient } from '../api/fakeClient';
import { createLiveStore } from './liveStore';

const snap = (timeS: number) => ({ timeS }) as LiveSnapshot;

describe('live store', () => {
  it('keeps only the latest snapshot, counts the frame rate, and holds the display when frozen', () => {
    const api = createFakeClient();
    let t = 0;
    const store = createLiveStore(api, () => t);
    for (let i = 0; i < 20; i++) {
      t = i * 100;
      api.emit('views', snap(i));
    }
    expect(store.getState().snapshot?.timeS).toBe(19);
    // 10 per second over the last two seconds (t = 1900: arrivals from 0 ms on... those within 2 s).
    expect(store.getState().frameRate).toBe(10);
    store.getState().setFrozen(true);
    t = 2000;
    api.emit('views', snap(20));
    expect(store.getState().snapshot?.timeS).toBe(19);
    store.getState().setFrozen(false);
    t = 2100;
    api.emit('views', snap(21));
    expect(store.getState().snapshot?.timeS).toBe(21);
    store.getState().dispose();
    api.emit('views', snap(22));
    expect(store.getState().snapshot?.timeS).toBe(21);
  });
});
