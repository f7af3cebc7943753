// The offline browser: a folder of runs, the selected file's summary, the views computed over a
// range of it, and conversions. The engine does the work as jobs; this store starts them, follows
// their updates (onJob) and keeps the latest update of each, so progress bars and cancel buttons
// read from one place.
import { createStore } from 'zustand/vanilla';
import type {
  BrowseRange,
  FileSummary,
  JobUpdate,
  OfflineProcessing,
  RunListing,
} from '../../../shared/offlineApi';
import type { LiveSnapshot, LiveViewsConfigInput } from '../../../shared/liveViews';
import type { MenuOpen } from '../../../shared/api';
import type { ClusteringAlgorithm } from '../../../shared/processingSettings';
import type { ApiClient } from '../api/apiClient';

/** The folder part of a path ('/' or '\\' separated). */
export function folderOf(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i > 0 ? path.slice(0, i) : path.slice(0, i + 1);
}

export interface OfflineState {
  folder: string;
  runs: RunListing[];
  listing: boolean;
  /** Files ticked for batch conversion. */
  selected: string[];
  /** The file being looked at. */
  current: string | null;
  summary: FileSummary | null;
  snapshot: LiveSnapshot | null;
  /** Latest update of every job this page started, by id. */
  jobs: Record<string, JobUpdate>;
  summaryJob: string | null;
  browseJob: string | null;
  convertJob: string | null;
  error: string | null;
  setFolder(folder: string): void;
  list(folder?: string): Promise<void>;
  /** Looks at one file: starts its summary. */
  open(path: string): Promise<void>;
  toggleSelected(path: string): void;
  browse(range: BrowseRange, views: LiveViewsConfigInput, processing?: OfflineProcessing): Promise<void>;
  /** Converts with the converter's defaults, or the given event window and centroiding. */
  convert(
    paths: string[],
    options?: { eventWindow?: [number, number]; algorithm?: ClusteringAlgorithm; outputFolder?: string },
  ): Promise<void>;
  cancel(id: string): Promise<void>;
  /** File > Open… in the app menu: list the folder (of the files) and open the first file. */
  openChosen(open: MenuOpen): Promise<void>;
  dismissError(): void;
  dispose(): void;
}

export function createOfflineStore(api: ApiClient) {
  const store = createStore<OfflineState>()((set, get) => {
    const startJob = async (
      key: 'summaryJob' | 'browseJob' | 'convertJob',
      run: () => Promise<JobUpdate>,
    ): Promise<void> => {
      try {
        const job = await run();
        set((s) => ({ [key]: job.id, jobs: { ...s.jobs, [job.id]: job }, error: null }));
        onUpdate(job);
      } catch (err) {
        set({ error: (err as Error).message });
      }
    };
    return {
      folder: '',
      runs: [],
      listing: false,
      selected: [],
      current: null,
      summary: null,
      snapshot: null,
      jobs: {},
      summaryJob: null,
      browseJob: null,
      convertJob: null,
      error: null,
      setFolder: (folder) => set({ folder }),
      async list(folder = get().folder) {
        set({ folder, listing: true });
        try {
          set({ runs: await api.listRuns(folder), error: null });
        } catch (err) {
          set({ runs: [], error: (err as Error).message });
        } finally {
          set({ listing: false });
        }
      },
      async open(path) {
        const { summaryJob, browseJob } = get();
        for (const id of [summaryJob, browseJob])
          if (id && get().jobs[id]?.state === 'running') void api.cancelJob(id);
        set({ current: path, summary: null, snapshot: null, summaryJob: null, browseJob: null });
        await startJob('summaryJob', () => api.summarizeFile(path));
      },
      toggleSelected: (path) =>
        set((s) => ({
          selected: s.selected.includes(path) ? s.selected.filter((p) => p !== path) : [...s.selected, path],
        })),
      async browse(range, views, processing) {
        const path = get().current;
        if (!path) return;
        const previous = get().browseJob;
        if (previous && get().jobs[previous]?.state === 'running') void api.cancelJob(previous);
        await startJob('browseJob', () => api.browseFile({ path, range, views, processing }));
      },
      async convert(paths, options = {}) {
        const { eventWindow, algorithm, outputFolder } = options;
        await startJob('convertJob', () =>
          api.convertFiles({
            paths,
            outputFolder: outputFolder || undefined,
            processing: { eventWindow, clustering: algorithm ? { algorithm } : undefined },
          }),
        );
      },
      async cancel(id) {
        try {
          await api.cancelJob(id);
        } catch (err) {
          set({ error: (err as Error).message });
        }
      },
      async openChosen({ kind, paths }) {
        if (paths.length === 0) return;
        await get().list(kind === 'folder' ? paths[0] : folderOf(paths[0]));
        if (kind === 'files') {
          set({ selected: paths });
          await get().open(paths[0]);
        }
      },
      dismissError: () => set({ error: null }),
      dispose: () => off(),
    };
  });
  const onUpdate = (job: JobUpdate): void => {
    const s = store.getState();
    if (!(job.id in s.jobs) && job.id !== s.summaryJob && job.id !== s.browseJob && job.id !== s.convertJob)
      return;
    const patch: Partial<OfflineState> = { jobs: { ...s.jobs, [job.id]: job } };
    const r = job.result;
    if (r?.kind === 'summary' && job.id === s.summaryJob) patch.summary = r.summary;
    if (r?.kind === 'browse' && job.id === s.browseJob) patch.snapshot = r.snapshot;
    if (r?.kind === 'convert' && job.id === s.convertJob) void store.getState().list();
    store.setState(patch);
  };
  const off = api.onJob(onUpdate);
  return store;
}
export type OfflineStore = ReturnType<typeof createOfflineStore>;
