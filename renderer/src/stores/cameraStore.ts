// The camera panel's state: the last full reading of the configured camera (versions, chips, bias,
// DACs with their ranges), a short temperature history (one point a second while the panel polls,
// else from the engine's 1 Hz status while acquisition drives the camera), and each action's
// outcome kept where the panel shows it: a DAC's error under its row, the bias and .spx results
// beside their controls. A DAC value outside its range is refused here, before anything is sent.
// Actions never throw.
import { createStore } from 'zustand/vanilla';
import type { CameraConfigResult, CameraState, CameraTemperatures } from '../../../shared/cameraApi';
import type { ApiClient } from '../api/apiClient';

/** Temperature points kept: 10 minutes at 1 Hz. */
export const TEMPERATURE_HISTORY = 600;

export interface TemperaturePoint extends CameraTemperatures {
  /** Date.now() of the reading. */
  atMs: number;
}

export interface CameraStoreState {
  camera: CameraState | null;
  /** Why the camera could not be read (not configured, unreachable, ...). */
  error: string | null;
  loading: boolean;
  temperatures: TemperaturePoint[];
  /** DAC name -> message for the last refused or failed edit. */
  dacErrors: Record<string, string>;
  /** DAC being written. */
  dacBusy: string | null;
  bias: { busy: boolean; error: string | null; message: string | null };
  config: { busy: boolean; error: string | null; result: CameraConfigResult | null };
  /** Reads everything (DACs included). */
  refresh(): Promise<void>;
  /** Reads bias and temperatures (the 1 Hz trend). */
  poll(): Promise<void>;
  /** Polls every `periodMs` until the returned function is called. */
  startPolling(periodMs?: number): () => void;
  /** Resolves true when the camera took the value (read back). */
  setDac(name: string, value: number): Promise<boolean>;
  clearDacError(name: string): void;
  setBias(volts: number): Promise<boolean>;
  loadConfig(path: string): Promise<boolean>;
  /** Forgets the camera (after its address changed). */
  reset(): void;
  dispose(): void;
}

export function createCameraStore(api: ApiClient) {
  let polling = 0;
  const offs: (() => void)[] = [];
  const store = createStore<CameraStoreState>()((set, get) => {
    const addPoint = (t: CameraTemperatures, atMs: number): void => {
      const last = get().temperatures.at(-1);
      if (last && atMs - last.atMs < 900) return;
      const next = [...get().temperatures, { ...t, atMs }];
      set({ temperatures: next.length > TEMPERATURE_HISTORY ? next.slice(-TEMPERATURE_HISTORY) : next });
    };
    const took = (camera: CameraState): void => {
      addPoint(camera.temperatures, camera.readAtMs);
    };
    return {
      camera: null,
      error: null,
      loading: false,
      temperatures: [],
      dacErrors: {},
      dacBusy: null,
      bias: { busy: false, error: null, message: null },
      config: { busy: false, error: null, result: null },
      async refresh() {
        set({ loading: true });
        try {
          const camera = await api.getCamera({ dacs: true });
          set({ camera, error: null });
          took(camera);
        } catch (err) {
          set({ error: (err as Error).message });
        } finally {
          set({ loading: false });
        }
      },
      async poll() {
        try {
          const now = await api.getCamera({ dacs: false });
          const prev = get().camera;
          // Keep the DAC table of the last full reading when it is of the same camera.
          const dacs = prev && prev.address === now.address && prev.chip === now.chip ? prev.dacs : null;
          set({ camera: { ...now, dacs }, error: null });
          took(now);
          if (dacs === null) await get().refresh();
        } catch (err) {
          set({ error: (err as Error).message });
        }
      },
      startPolling(periodMs = 1000) {
        polling++;
        const timer = setInterval(() => void get().poll(), periodMs);
        return () => {
          polling--;
          clearInterval(timer);
        };
      },
      async setDac(name, value) {
        const spec = get().camera?.dacs?.find((d) => d.name === name);
        const fail = (message: string): false => {
          set((s) => ({ dacErrors: { ...s.dacErrors, [name]: message } }));
          return false;
        };
        if (!spec) return fail(`${name}: read the camera first`);
        if (!Number.isInteger(value) || value < spec.min || value > spec.max) {
          return fail(`${name} must be a whole number ${spec.min}..${spec.max} (${spec.bits} bits)`);
        }
        set({ dacBusy: name });
        try {
          const r = await api.setCameraDac({ name, value, chip: get().camera?.chip ?? 0 });
          const camera = get().camera;
          if (camera?.dacs) {
            set({
              camera: {
                ...camera,
                dacs: camera.dacs.map((d) => (d.name === r.name ? { ...d, value: r.value } : d)),
              },
            });
          }
          get().clearDacError(name);
          return true;
        } catch (err) {
          return fail((err as Error).message);
        } finally {
          set({ dacBusy: null });
        }
      },
      clearDacError(name) {
        if (!(name in get().dacErrors)) return;
        const { [name]: _gone, ...rest } = get().dacErrors;
        set({ dacErrors: rest });
      },
      async setBias(volts) {
        set({ bias: { busy: true, error: null, message: `ramping to ${volts} V…` } });
        try {
          const r = await api.setCameraBias({ volts });
          const camera = get().camera;
          if (camera) set({ camera: { ...camera, biasVoltage: r.biasVoltage } });
          set({
            bias: {
              busy: false,
              error: null,
              message: `bias ${r.biasVoltage.toFixed(2)} V (asked ${r.askedVolts} V)`,
            },
          });
          return true;
        } catch (err) {
          set({ bias: { busy: false, error: (err as Error).message, message: null } });
          return false;
        }
      },
      async loadConfig(path) {
        const trimmed = path.trim();
        if (trimmed === '') {
          set({ config: { busy: false, error: 'give the path of a .spx file', result: null } });
          return false;
        }
        set({ config: { busy: true, error: null, result: null } });
        try {
          const result = await api.loadCameraConfig({ path: trimmed, chip: get().camera?.chip ?? 0 });
          const camera = get().camera;
          if (camera) {
            set({
              camera: {
                ...camera,
                dacs: result.dacs,
                configFile: { name: result.name, path: result.path, sha256: result.sha256 },
              },
            });
          }
          set({ config: { busy: false, error: null, result } });
          return true;
        } catch (err) {
          set({ config: { busy: false, error: (err as Error).message, result: null } });
          return false;
        }
      },
      reset: () =>
        set({
          camera: null,
          error: null,
          temperatures: [],
          dacErrors: {},
          bias: { busy: false, error: null, message: null },
          config: { busy: false, error: null, result: null },
        }),
      dispose: () => offs.forEach((off) => off()),
    };
  });
  // While the panel does not poll, acquisition's heartbeat readings keep the trend going.
  offs.push(
    api.onStatus((status) => {
      const t = status.camera?.temperatures;
      if (polling === 0 && t) {
        const last = store.getState().temperatures.at(-1);
        if (!last || last.local !== t.local || last.remote !== t.remote || last.fpga !== t.fpga) {
          const next = [...store.getState().temperatures, { ...t, atMs: Date.now() }];
          store.setState({ temperatures: next.slice(-TEMPERATURE_HISTORY) });
        }
      }
    }),
  );
  return store;
}
export type CameraStore = ReturnType<typeof createCameraStore>;
