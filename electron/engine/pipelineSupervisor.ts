// Supervises the live pipeline stage (native-workers/live/livePipeline.ts) behind a stage port: one
// hop per ~1 MB batch to its process. Backpressure is explicit: batches in flight are bounded in
// bytes and the overflow policy is 'drop' (live views lose batches and count them; the recording
// never depends on this). A crashed stage is restarted with the current parameters and the crash
// is reported; health is kept the way an EPICS areaDetector plugin reports it.
import type { StageHealth, LiveHealth, LiveSnapshot } from '../../shared/liveViews';
import type { LiveCounters, LiveParams, LivePipelineConfig } from '../../native-workers/live/livePipeline';
import {
  type StageLauncher,
  type StagePort,
  type StageTransport,
  openStage,
} from '../../native-workers/stages/stagePort';

export interface SupervisorOptions {
  transport: StageTransport;
  /** Starts the host of the 'process' transport (the app: an Electron utility process). */
  launcher?: StageLauncher;
  /** Bytes of batches in flight before new batches are dropped (default 32 MB, about 100 ms at
   * 300 MB/s: it bounds the views' latency, and how long a snapshot or a parameter change waits,
   * under overload). 8 MB dropped 15-26% of the batches at 300 MB/s with recording, although the
   * machine had 10-15% idle: the low-priority pipeline thread loses the CPU for tens of ms at a
   * time and 8 MB is 27 ms; 32 MB dropped 3-4%. */
  queueLimitBytes?: number;
  onEvent?: (message: string) => void;
  /** A batch's buffer the pipeline is done with (dropped, or given back by a thread): to reuse. */
  onSpent?: (bytes: Uint8Array) => void;
}

export class PipelineSupervisor {
  private port: StagePort<'live'>;
  private config: LivePipelineConfig;
  private inFlightBytes = 0;
  private droppedBatches = 0;
  private droppedBytes = 0;
  private restarts = 0;
  private counters: LiveCounters | null = null;
  private lastExec = { atMs: performance.now(), execMs: 0, batches: 0, meanMs: 0 };
  private stopped = false;
  private readonly limit: number;
  /** Arrival times (performance.now() ms) of batches processed since the last snapshot. */
  private unpublished: number[] = [];
  /** Latest latencies, ms: arrival to processed, and arrival to published in a snapshot. */
  private readonly processedLatency = new LatencyRing();
  private readonly publishedLatency = new LatencyRing();

  constructor(
    config: LivePipelineConfig,
    private readonly options: SupervisorOptions,
  ) {
    this.config = config;
    this.limit = options.queueLimitBytes ?? 32 << 20;
    // The live views give way to reception and recording when the machine is full (the policy:
    // drop live-view batches first, never the recording).
    this.port = openStage('live', config, options.transport, {
      launcher: options.launcher,
      lowPriority: true,
    });
  }

  /** Hands a batch on, or drops it (counted) when the queue is full. Never blocks. `arrivalMs`:
   * performance.now() when its first datagram arrived, for the latency figures. */
  submit(bytes: Uint8Array, longtime: number, nowS: number, arrivalMs = performance.now()): boolean {
    if (this.stopped) return false;
    if (this.inFlightBytes + bytes.byteLength > this.limit) {
      this.droppedBatches++;
      this.droppedBytes += bytes.byteLength;
      this.options.onSpent?.(bytes);
      return false;
    }
    const size = bytes.byteLength;
    this.inFlightBytes += size;
    const port = this.port;
    // A thread gets the buffer by transfer and gives it back; a process gets a copy (keep it here).
    const giveBack = this.options.transport !== 'process';
    port.call({ batch: { bytes, longtime, giveBack }, nowS }).then(
      (r) => {
        this.inFlightBytes -= size;
        this.counters = r.counters;
        if ('spent' in r && r.spent) this.options.onSpent?.(r.spent);
        else if (!giveBack) this.options.onSpent?.(bytes);
        this.processedLatency.add(performance.now() - arrivalMs);
        if (this.unpublished.length < 100_000) this.unpublished.push(arrivalMs);
      },
      (err: Error) => {
        this.inFlightBytes -= size;
        this.onFailure(port, err);
      },
    );
    return true;
  }

  /** Live parameter changes: applied by the stage before the next batch it handles. */
  async setParams(params: Partial<LiveParams>): Promise<void> {
    this.config = { ...this.config, ...params };
    await this.port.call({ params }).catch((err: Error) => this.onFailure(this.port, err));
  }

  async reset(): Promise<void> {
    await this.port.call({ reset: true }).catch((err: Error) => this.onFailure(this.port, err));
  }

  /** The views now, with this supervisor's health added; null while the stage restarts. */
  async snapshot(nowS: number, health: Omit<LiveHealth, 'stages'>): Promise<LiveSnapshot | null> {
    const port = this.port;
    try {
      const pending = this.unpublished;
      this.unpublished = [];
      const r = await port.call({ snapshot: { nowS, health: { ...health, stages: [this.health()] } } });
      this.counters = r.counters;
      const now = performance.now();
      for (const t of pending) this.publishedLatency.add(now - t);
      return 'snapshot' in r ? r.snapshot : null;
    } catch (err) {
      this.onFailure(port, err as Error);
      return null;
    }
  }

  health(): StageHealth {
    const now = performance.now();
    const c = this.counters;
    if (c && now - this.lastExec.atMs >= 1000) {
      const batches = c.batches - this.lastExec.batches;
      const meanMs = batches > 0 ? (c.execMs - this.lastExec.execMs) / batches : 0;
      this.lastExec = { atMs: now, execMs: c.execMs, batches: c.batches, meanMs };
    }
    return {
      name: 'pipeline',
      queueUsedBytes: this.inFlightBytes,
      queueLimitBytes: this.limit,
      overflow: 'drop',
      droppedBatches: this.droppedBatches,
      droppedBytes: this.droppedBytes,
      execMs: this.lastExec.meanMs,
    };
  }

  /** Median and 99th percentile of the latest latencies, ms (NaN before any batch). */
  latency(): { processed: LatencyStats; published: LatencyStats } {
    return { processed: this.processedLatency.stats(), published: this.publishedLatency.stats() };
  }

  get restartCount(): number {
    return this.restarts;
  }

  get liveCounters(): LiveCounters | null {
    return this.counters;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.port.close();
  }

  private onFailure(port: StagePort<'live'>, err: Error): void {
    // Only a dead host is restarted, once per death; an error answer from a live host is reported.
    if (this.stopped || port !== this.port || !port.failure) {
      if (!this.stopped && !port.failure) this.options.onEvent?.(`pipeline error: ${err.message}`);
      return;
    }
    this.restarts++;
    this.options.onEvent?.(`pipeline stage crashed (${port.failure.message}); restarted (${this.restarts})`);
    void port.close();
    this.inFlightBytes = 0;
    this.port = openStage('live', this.config, this.options.transport, {
      launcher: this.options.launcher,
      lowPriority: true,
    });
  }
}

export interface LatencyStats {
  n: number;
  medianMs: number;
  p99Ms: number;
}

/** The latest 4096 latencies. */
class LatencyRing {
  private readonly values = new Float64Array(4096);
  private count = 0;

  add(ms: number): void {
    this.values[this.count++ % this.values.length] = ms;
  }

  stats(): LatencyStats {
    const n = Math.min(this.count, this.values.length);
    if (n === 0) return { n: 0, medianMs: NaN, p99Ms: NaN };
    const sorted = this.values.slice(0, n).sort();
    return { n, medianMs: sorted[Math.floor(n / 2)], p99Ms: sorted[Math.min(n - 1, Math.floor(n * 0.99))] };
  }
}
