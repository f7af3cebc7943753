// The offline raw-file browser's control surface: list a folder of runs, summarise a file, compute
// the live views over a time or trigger range of a file, and convert files to HDF5. Long work runs
// as a job in a worker: the call returns the job at once, progress arrives through onJob, and
// cancelJob stops it (a cancelled conversion leaves no output file). The engine side implements it
// (electron/engine/offlineService.ts); the Electron preload and the web mode carry it like
// EngineApi. Every payload from the renderer is parsed with the schemas below.
import { z } from 'zod';
import type { LiveSnapshot } from './liveViews';
import { liveViewsConfigSchema } from './liveViews';
import { clusteringSettingsSchema } from './clusteringSchema';
import { ORIENTATIONS } from './processingSettings';

/** One `.raw` file of a folder listing. */
export interface RunListing {
  path: string;
  /** File name without folder. */
  name: string;
  bytes: number;
  /** Last modification, ms since the epoch. */
  modifiedMs: number;
  camera: 3 | 4;
  /** ISO 8601 start time (sidecar, else the file header, else null). */
  startTime: string | null;
  /** Seconds of camera time, from the sidecar when present; null until summarised. */
  durationS: number | null;
  /** Packets by type (from the sidecar or a finished summary); null when not known yet. */
  packets: Record<string, number> | null;
  /** A `.raw.partial`: a recording in progress or one that did not end cleanly. */
  partial: boolean;
}

/** What one pass over a file finds. */
export interface FileSummary {
  path: string;
  bytes: number;
  camera: 3 | 4;
  startTime: string | null;
  /** Camera time of the first and last hit or trigger, s. */
  firstS: number;
  lastS: number;
  durationS: number;
  /** Packets by type, names as the converter's summary prints them. */
  packets: Record<string, number>;
  triggers: number;
  hits: number;
  /** Hits per second over the run: hitRate[i] covers [firstS + i binS, firstS + (i + 1) binS). */
  hitRate: { binS: number; hitsPerS: Float64Array };
  /** Triggers per second, same bins. */
  triggerRate: Float64Array;
}

export const browseRangeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  /** Seconds of camera time from the start of the file, [fromS, toS). */
  z
    .object({ kind: z.literal('time'), fromS: z.number().min(0), toS: z.number() })
    .refine((r) => r.fromS < r.toS, { message: 'range: from must be before to', path: ['toS'] }),
  /** Trigger numbers (as the converter numbers them), [from, to). */
  z
    .object({ kind: z.literal('trigger'), from: z.number().int().min(0), to: z.number().int() })
    .refine((r) => r.from < r.to, { message: 'range: first trigger must be before last', path: ['to'] }),
]);
export type BrowseRange = z.infer<typeof browseRangeSchema>;

const filePath = z.string().min(1, 'choose a file');

/** Processing applied when browsing or converting; each field defaults to the converter's. */
export const offlineProcessingSchema = z
  .object({
    eventWindow: z
      .tuple([z.number(), z.number()])
      .refine(([a, b]) => a <= b, 'event window: min must not exceed max')
      .optional(),
    orientation: z.enum(ORIENTATIONS).optional(),
    offset: z.tuple([z.number().int().min(0), z.number().int().min(0)]).optional(),
    clustering: clusteringSettingsSchema.partial().optional(),
    /** 'pixel' skips clustering (faster), 'centroid' clusters. */
    pipeline: z.enum(['pixel', 'centroid']).optional(),
    /** Timepix4: trigger pixels (x + 448 * y) instead of the signal packets as triggers. */
    triggerPixels: z.array(z.number().int().min(0)).max(16).optional(),
  })
  .prefault({});
export type OfflineProcessing = z.infer<typeof offlineProcessingSchema>;

export const browseRequestSchema = z.object({
  path: filePath,
  range: browseRangeSchema.prefault({ kind: 'all' }),
  views: liveViewsConfigSchema.prefault({}),
  processing: offlineProcessingSchema,
});
export type BrowseRequest = z.infer<typeof browseRequestSchema>;
export type BrowseRequestInput = z.input<typeof browseRequestSchema>;

export const convertRequestSchema = z.object({
  paths: z.array(filePath).min(1, 'choose at least one file').max(1000),
  /** Folder for the .h5 files; empty or missing: beside each input. */
  outputFolder: z.string().optional(),
  processing: offlineProcessingSchema,
});
export type ConvertRequest = z.infer<typeof convertRequestSchema>;
export type ConvertRequestInput = z.input<typeof convertRequestSchema>;

export const JOB_KINDS = ['summary', 'browse', 'convert'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
export type JobState = 'running' | 'done' | 'failed' | 'cancelled';

/** A job's progress, pushed at most ~5 times a second and once more when it ends. */
export interface JobUpdate {
  id: string;
  kind: JobKind;
  state: JobState;
  /** 0..1 over the whole job (all files of a batch conversion). */
  progress: number;
  /** What it is doing now, e.g. "run_0003 (2/5): 43%". */
  detail: string;
  /** One line, set when failed. */
  error: string | null;
  /** Set when done: the summary, the views, or the written .h5 paths. */
  result:
    | { kind: 'summary'; summary: FileSummary }
    | { kind: 'browse'; snapshot: LiveSnapshot }
    | { kind: 'convert'; outputs: string[] }
    | null;
}

export interface OfflineApi {
  /** `.raw` and `.raw.partial` files of a folder, newest first. */
  listRuns(folder: string): Promise<RunListing[]>;
  summarizeFile(path: string): Promise<JobUpdate>;
  browseFile(request: BrowseRequestInput): Promise<JobUpdate>;
  convertFiles(request: ConvertRequestInput): Promise<JobUpdate>;
  cancelJob(id: string): Promise<void>;
  onJob(listener: (update: JobUpdate) => void): () => void;
}
