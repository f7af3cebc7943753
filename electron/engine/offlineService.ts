// The engine side of the offline raw-file browser (shared/offlineApi.ts): lists a folder of runs,
// and runs summaries, browses and conversions as jobs (offlineJobs.ts: queued beyond two, throttled
// progress, cancel). The file passes themselves run in worker threads (native-workers/offline/
// fileJobs.ts); conversions use the converter (convertRaw.ts), one file after another. Every path
// is resolved and checked with `allowPath` before use; requests are parsed with the shared schemas.
// Finished summaries are remembered (by path, size and time) for listings and browse time ranges.
import { lstat, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { LiveSnapshot } from '../../shared/liveViews';
import {
  type BrowseRequestInput,
  type ConvertRequest,
  type ConvertRequestInput,
  type FileSummary,
  type JobUpdate,
  type OfflineApi,
  type RunListing,
  browseRequestSchema,
  convertRequestSchema,
} from '../../shared/offlineApi';
import { DEFAULT_CLUSTERING } from '../../shared/processingSettings';
import { UserError } from '../../shared/userError';
import { parseRequest } from '../../shared/zodProblems';
import { convertRawFile } from '../../native-workers/io/convertRaw';
import { browseRawFile, summarizeRawFile } from '../../native-workers/offline/fileJobs';
import { listRunFiles, runBase } from '../../native-workers/offline/listRuns';
import { describeFsError } from '../../native-workers/io/fsErrors';
import type { StageTransport } from '../../native-workers/stages/stagePort';
import { VERSION } from '../cli/version';
import { type JobOutcome, OfflineJobs } from './offlineJobs';

export interface OfflineServiceOptions {
  /** Which files and folders may be read or written (the shell: dialog-chosen paths; the web
   * server: its roots). Called with resolved absolute paths. Default: all. */
  allowPath?: (path: string) => boolean;
  /** Heavy jobs running at once; the rest wait (default 2). */
  maxRunningJobs?: number;
  /** Least time between two progress updates of one job, ms (default 200). */
  progressIntervalMs?: number;
  /** Where summary and browse passes run: 'thread' (default) or 'inline' (tests, tools). */
  transport?: StageTransport;
  /** Read size, bytes (default 4 MB). */
  chunkBytes?: number;
  /** Written into the HDF5 metadata (default: the package version). */
  version?: string;
}

interface KnownSummary {
  bytes: number;
  modifiedMs: number;
  summary: FileSummary;
}

const pct = (f: number): string => `${Math.floor(f * 100)}%`;

export class OfflineService implements OfflineApi {
  private readonly jobs: OfflineJobs;
  private readonly allowPath: (path: string) => boolean;
  private readonly summaries = new Map<string, KnownSummary>();

  constructor(private readonly options: OfflineServiceOptions = {}) {
    this.allowPath = options.allowPath ?? (() => true);
    this.jobs = new OfflineJobs({
      maxRunning: options.maxRunningJobs,
      minIntervalMs: options.progressIntervalMs,
    });
  }

  async listRuns(folder: string): Promise<RunListing[]> {
    const dir = this.checked(folder, 'folder');
    const runs = await listRunFiles(dir);
    for (const run of runs) {
      const known = this.knownSummary(run.path, run.bytes, run.modifiedMs);
      if (!known) continue;
      run.packets ??= known.packets;
      run.durationS ??= known.durationS;
    }
    return runs;
  }

  async summarizeFile(path: string): Promise<JobUpdate> {
    const file = await this.checkedFile(path);
    return this.jobs.start('summary', `summarizing ${basename(file)}`, async ({ signal, progress }) => {
      const st = await stat(file);
      const summary = await summarizeRawFile(file, {
        signal,
        transport: this.options.transport,
        chunkBytes: this.options.chunkBytes,
        onProgress: (done, total) => progress(done / total, `${basename(file)}: ${pct(done / total)}`),
      });
      this.summaries.set(file, { bytes: st.size, modifiedMs: st.mtimeMs, summary });
      return { result: { kind: 'summary', summary } };
    });
  }

  async browseFile(request: BrowseRequestInput): Promise<JobUpdate> {
    const req = parseRequest('browse', browseRequestSchema, request);
    const file = await this.checkedFile(req.path);
    const st = await stat(file);
    const firstS = this.knownSummary(file, st.size, st.mtimeMs)?.firstS ?? null;
    return this.jobs.start('browse', `reading ${basename(file)}`, async ({ signal, progress }) => {
      const r = await browseRawFile(
        { ...req, path: file },
        {
          signal,
          firstS,
          transport: this.options.transport,
          chunkBytes: this.options.chunkBytes,
          onProgress: (done, total) => progress(done / total, `${basename(file)}: ${pct(done / total)}`),
        },
      );
      const snapshot: LiveSnapshot = r.snapshot;
      return { result: { kind: 'browse', snapshot } };
    });
  }

  async convertFiles(request: ConvertRequestInput): Promise<JobUpdate> {
    const req = parseRequest('convert', convertRequestSchema, request);
    const inputs = req.paths.map((p) => this.checked(p, 'file'));
    let outDir: string | null = null;
    if (req.outputFolder !== undefined && req.outputFolder.trim() !== '') {
      outDir = this.checked(req.outputFolder, 'folder');
      const st = await stat(outDir).catch(() => null);
      if (!st) throw new UserError(`output folder ${outDir} does not exist: choose an existing folder`);
      if (!st.isDirectory()) throw new UserError(`output folder ${outDir} is a file: choose a folder`);
    }
    const label = inputs.length === 1 ? basename(inputs[0]) : `${inputs.length} files`;
    return this.jobs.start('convert', `converting ${label}`, (ctx) =>
      this.convertAll(inputs, outDir, req, ctx),
    );
  }

  async cancelJob(id: string): Promise<void> {
    if (typeof id !== 'string') throw new UserError('cancel: give a job id');
    await this.jobs.cancel(id);
  }

  onJob(listener: (update: JobUpdate) => void): () => void {
    return this.jobs.onJob(listener);
  }

  /** Cancels every job (on shutdown); resolves once they have stopped. */
  async close(): Promise<void> {
    await this.jobs.cancelAll();
  }

  private async convertAll(
    inputs: string[],
    outDir: string | null,
    req: ConvertRequest,
    { signal, progress }: { signal: AbortSignal; progress: (f: number, d: string) => void },
  ): Promise<JobOutcome> {
    const sizes = await Promise.all(
      inputs.map((p) =>
        stat(p).then(
          (s) => s.size,
          () => 0,
        ),
      ),
    );
    const total = Math.max(
      1,
      sizes.reduce((a, b) => a + b, 0),
    );
    const p = req.processing;
    const clustering =
      p.pipeline === 'pixel'
        ? { ...DEFAULT_CLUSTERING, algorithm: 'none' as const }
        : { ...DEFAULT_CLUSTERING, ...p.clustering };
    const outputs: string[] = [];
    const failures: string[] = [];
    let before = 0;
    for (let i = 0; i < inputs.length && !signal.aborted; i++) {
      const input = inputs[i];
      const name = basename(input);
      const output = join(outDir ?? dirname(input), `${runBase(name) ?? name.replace(/\.[^.]*$/, '')}.h5`);
      const report = (done: number): void =>
        progress(
          (before + done) / total,
          `${name} (${i + 1}/${inputs.length}): ${pct(done / Math.max(1, sizes[i]))}`,
        );
      report(0);
      try {
        if (await lstat(output).catch(() => null)) {
          throw new UserError(`${output} already exists; delete it or choose another output folder`);
        }
        await convertRawFile({
          input,
          output,
          version: this.options.version ?? VERSION,
          eventWindow: p.eventWindow,
          orientation: p.orientation,
          offset: p.offset,
          triggerPixels: p.triggerPixels,
          clustering,
          chunkBytes: this.options.chunkBytes,
          signal,
          onProgress: (done) => report(done),
        });
        if (signal.aborted) {
          // Cancelled after the last chunk: the conversion completed, but a cancelled job leaves
          // no output of the file it was working on.
          await rm(output, { force: true });
          break;
        }
        outputs.push(output);
      } catch (err) {
        if (signal.aborted) break;
        failures.push(`${name}: ${err instanceof UserError ? err.message : describeFsError(err)}`);
      }
      before += sizes[i];
    }
    const result = { kind: 'convert' as const, outputs };
    if (failures.length === 0) return { result };
    const written = outputs.length === 0 ? 'nothing written' : `${outputs.length} written`;
    return {
      result,
      error: `${failures.length} of ${inputs.length} files failed (${written}): ${failures.join('; ')}`,
    };
  }

  /** The summary of this file when one finished for its current size and time. */
  private knownSummary(path: string, bytes: number, modifiedMs: number): FileSummary | null {
    const k = this.summaries.get(path);
    return k && k.bytes === bytes && k.modifiedMs === modifiedMs ? k.summary : null;
  }

  /** The path resolved, when allowed; a UserError otherwise. */
  private checked(path: unknown, what: 'file' | 'folder'): string {
    if (typeof path !== 'string' || path.trim() === '') throw new UserError(`choose a ${what}`);
    const abs = resolve(path);
    if (!this.allowPath(abs)) {
      throw new UserError(`${abs}: this ${what} is not open to the app; choose it with the ${what} dialog`);
    }
    return abs;
  }

  /** An allowed, existing regular file. */
  private async checkedFile(path: unknown): Promise<string> {
    const file = this.checked(path, 'file');
    let st;
    try {
      st = await stat(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new UserError(`${file}: no such file; choose an existing .raw file`);
      throw new UserError(`${file}: cannot read it (${describeFsError(err)})`);
    }
    if (!st.isFile()) throw new UserError(`${file} is a folder; choose a .raw file`);
    return file;
  }
}
