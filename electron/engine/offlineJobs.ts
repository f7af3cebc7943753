// The offline browser's jobs: each call starts one (summary, browse, convert) and gets its first
// update back at once; at most `maxRunning` run at a time and the rest wait in order (state
// 'running', progress 0, detail 'queued'). Progress reaches the listeners at most every
// `minIntervalMs` per job, plus one final update (done, failed or cancelled). Cancelling aborts the
// job's signal; the job's work must stop on it (terminate its worker, abort its writer), and the
// cancel resolves once it has.
import { randomUUID } from 'node:crypto';
import type { JobKind, JobUpdate } from '../../shared/offlineApi';
import { UserError } from '../../shared/userError';

export interface JobContext {
  signal: AbortSignal;
  /** Reports progress (0..1) and what is being done; throttled. */
  progress(fraction: number, detail: string): void;
}

/** What a job's work ends with: its result, and an error when it failed only in part. */
export interface JobOutcome {
  result: JobUpdate['result'];
  error?: string;
}

export type JobWork = (ctx: JobContext) => Promise<JobOutcome>;

interface Job {
  update: JobUpdate;
  /** The detail it starts with (a queued job shows 'queued' until then). */
  startDetail: string;
  work: JobWork;
  controller: AbortController;
  lastSentMs: number;
  /** Resolves when the job has ended (its final update sent). */
  ended: Promise<void>;
  end: () => void;
}

export interface OfflineJobsOptions {
  maxRunning?: number;
  minIntervalMs?: number;
}

/** First line of an error, for the one-line `error` of an update. */
function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0];
}

export class OfflineJobs {
  private readonly jobs = new Map<string, Job>();
  private readonly queue: Job[] = [];
  private running = 0;
  private readonly listeners = new Set<(u: JobUpdate) => void>();
  private readonly maxRunning: number;
  private readonly minIntervalMs: number;

  constructor(options: OfflineJobsOptions = {}) {
    this.maxRunning = Math.max(1, options.maxRunning ?? 2);
    this.minIntervalMs = options.minIntervalMs ?? 200;
  }

  onJob(listener: (u: JobUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts (or queues) a job; returns its first update. */
  start(kind: JobKind, detail: string, work: JobWork): JobUpdate {
    let end!: () => void;
    const ended = new Promise<void>((resolve) => (end = resolve));
    const job: Job = {
      update: { id: randomUUID(), kind, state: 'running', progress: 0, detail, error: null, result: null },
      startDetail: detail,
      work,
      controller: new AbortController(),
      lastSentMs: 0,
      ended,
      end,
    };
    this.jobs.set(job.update.id, job);
    if (this.running >= this.maxRunning) {
      job.update.detail = 'queued';
      this.queue.push(job);
    } else this.run(job);
    const first = { ...job.update };
    this.send(job);
    return first;
  }

  /** Stops a job (a queued one never starts); resolves once it has ended. */
  async cancel(id: string): Promise<void> {
    const job = this.jobs.get(id);
    if (!job) throw new UserError(`no offline job ${id}: it may have ended already`);
    job.controller.abort();
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.finish(job, { state: 'cancelled', detail: 'cancelled', error: null, result: null });
    }
    await job.ended;
  }

  /** Cancels every job (shutdown). */
  async cancelAll(): Promise<void> {
    await Promise.all([...this.jobs.keys()].map((id) => this.cancel(id).catch(() => undefined)));
  }

  /** Starts a job's work; `announce`: send an update saying so (a job that was queued). */
  private run(job: Job, announce = false): void {
    this.running++;
    job.update.detail = job.startDetail;
    if (announce) this.send(job);
    const signal = job.controller.signal;
    const ctx: JobContext = {
      signal,
      progress: (fraction, detail) => {
        if (job.update.state !== 'running' || signal.aborted) return;
        job.update.progress = Math.min(1, Math.max(0, fraction));
        job.update.detail = detail;
        const now = performance.now();
        if (now - job.lastSentMs >= this.minIntervalMs) this.send(job);
      },
    };
    void (async () => {
      let final: Pick<JobUpdate, 'state' | 'detail' | 'error' | 'result'>;
      try {
        // Let the caller get its first update before any work (and any progress) happens.
        await Promise.resolve();
        if (signal.aborted) throw new Error('cancelled before it started');
        const outcome = await job.work(ctx);
        if (signal.aborted)
          final = { state: 'cancelled', detail: 'cancelled', error: null, result: outcome.result };
        else if (outcome.error !== undefined)
          final = {
            state: 'failed',
            detail: 'failed',
            error: oneLine(outcome.error),
            result: outcome.result,
          };
        else final = { state: 'done', detail: 'done', error: null, result: outcome.result };
      } catch (err) {
        final = signal.aborted
          ? { state: 'cancelled', detail: 'cancelled', error: null, result: null }
          : { state: 'failed', detail: 'failed', error: oneLine(err), result: null };
      }
      this.running--;
      this.finish(job, final);
      const next = this.queue.shift();
      if (next) this.run(next, true);
    })();
  }

  private finish(job: Job, final: Pick<JobUpdate, 'state' | 'detail' | 'error' | 'result'>): void {
    Object.assign(job.update, final);
    if (final.state === 'done') job.update.progress = 1;
    this.jobs.delete(job.update.id);
    this.send(job);
    job.end();
  }

  private send(job: Job): void {
    job.lastSentMs = performance.now();
    const u = { ...job.update };
    for (const l of this.listeners) {
      try {
        l(u);
      } catch {
        // A listener's failure must not stop the job or the other listeners.
      }
    }
  }
}
