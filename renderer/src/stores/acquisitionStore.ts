// Acquisition and recording as the control bar sees them: the connection to the engine, the
// engine's status (pushed once a second and after every action), the next recording's file name,
// and the last action's error. Actions never throw: a failure becomes `error`, shown until the
// operator dismisses it or the next action succeeds.
import { createStore } from 'zustand/vanilla';
import type { EngineStatus, RecordingPreview, RecordingResult } from '../../../shared/engineApi';
import type { ApiClient, ConnectionState } from '../api/apiClient';

export interface AcquisitionState {
  connection: ConnectionState;
  status: EngineStatus | null;
  preview: RecordingPreview | null;
  lastRecording: RecordingResult | null;
  /** An action is in flight (buttons disabled). */
  busy: boolean;
  error: string | null;
  start(): Promise<void>;
  stop(): Promise<void>;
  toggleAcquisition(): Promise<void>;
  /** Starts recording with the settings' folder and prefix, auto-stopping after `stopAfterS` (0: never). */
  startRecording(stopAfterS: number): Promise<void>;
  stopRecording(): Promise<void>;
  toggleRecording(stopAfterS: number): Promise<void>;
  refreshPreview(): Promise<void>;
  dismissError(): void;
  dispose(): void;
}

export function createAcquisitionStore(api: ApiClient, onConnected: () => void = () => undefined) {
  const offs: (() => void)[] = [];
  const store = createStore<AcquisitionState>()((set, get) => {
    const act = async (work: () => Promise<unknown>): Promise<void> => {
      if (get().busy) return;
      set({ busy: true });
      try {
        await work();
        set({ error: null, status: await api.getStatus() });
      } catch (err) {
        set({ error: (err as Error).message });
      } finally {
        set({ busy: false });
      }
    };
    return {
      connection: 'connecting',
      status: null,
      preview: null,
      lastRecording: null,
      busy: false,
      error: null,
      start: () => act(() => api.start()),
      stop: () => act(() => api.stop()),
      toggleAcquisition: () => (get().status?.state === 'running' ? get().stop() : get().start()),
      startRecording: (stopAfterS) =>
        act(() => api.startRecording(stopAfterS > 0 ? { stopAfterS } : {})).then(() =>
          get().refreshPreview(),
        ),
      stopRecording: () =>
        act(async () => {
          const result = await api.stopRecording();
          if (result) set({ lastRecording: result });
          if (result?.state === 'failed') throw new Error(`recording failed: ${result.error}`);
        }).then(() => get().refreshPreview()),
      toggleRecording: (stopAfterS) =>
        get().status?.recording ? get().stopRecording() : get().startRecording(stopAfterS),
      async refreshPreview() {
        try {
          set({ preview: await api.previewRecording() });
        } catch (err) {
          set({ preview: null, error: (err as Error).message });
        }
      },
      dismissError: () => set({ error: null }),
      dispose: () => offs.forEach((off) => off()),
    };
  });
  offs.push(
    api.onStatus((status) => {
      const wasRecording = store.getState().status?.recording;
      store.setState({ status });
      // An auto-stopped recording: the next file name changed.
      if (wasRecording && !status.recording) void store.getState().refreshPreview();
    }),
    api.onConnection((connection) => {
      store.setState({ connection });
      if (connection === 'open') {
        void api.getStatus().then(
          (status) => store.setState({ status }),
          () => undefined,
        );
        void store.getState().refreshPreview();
        onConnected();
      }
    }),
  );
  return store;
}
export type AcquisitionStore = ReturnType<typeof createAcquisitionStore>;
