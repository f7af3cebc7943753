// Live acquisition throughput for `npm run bench`: the engine (sampler + recorder + pipeline
// process) receives a replayed generated run from the emulator in its own process over loopback UDP
// at a set rate; reported: received vs sent (loss), kernel drops, CPU per process, latency from a
// batch's arrival to the views (processed, and published in a snapshot). Optional soaks (--soak).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS, type Settings } from '../shared/settings';
import type { LiveSnapshot } from '../shared/liveViews';
import type { EmulatorEvent } from '../native-workers/live/emulatorMain';
import type { SenderTotals } from '../native-workers/live/pacedSender';
import { Engine } from '../electron/engine/engine';
import { EmulatorProcess } from '../electron/engine/emulatorProcess';

export interface LiveRun {
  label: string;
  rateMBps: number;
  seconds: number;
  sentMB: number;
  receivedMB: number;
  lostDatagrams: number;
  kernelDrops: number;
  droppedBatches: number;
  recordedMB: number;
  /** Datagrams the recorder dropped because its queue was full (the disk fell behind). */
  recordingDropped: number;
  /** CPU per process, cores; with the pipeline in a worker thread it is part of `main`. */
  cpu: { main: number; pipeline: number; emulator: number };
  latency: { processedMedian: number; processedP99: number; publishedMedian: number; publishedP99: number };
  /** Main process plus pipeline process: after the warm-up, at the end, and the peak. */
  rss: { startMB: number; endMB: number; peakMB: number; warmS: number };
}

/** CPU seconds (user + system) of a process, from /proc (Linux). */
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

function rssMB(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

export async function liveRun(opts: {
  label: string;
  replay: string;
  rateMBps: number;
  seconds: number;
  pipeline: 'pixel' | 'centroid';
  recordDir: string | null;
  /** The socket's receive buffer (settings.source.receiveBufferMB; default the setting's). */
  receiveBufferMB?: number;
}): Promise<LiveRun> {
  const settings: Settings = structuredClone(DEFAULT_SETTINGS);
  settings.source.kind = 'udp';
  settings.source.udp = { address: '127.0.0.1', port: 0 };
  if (opts.receiveBufferMB) settings.source.receiveBufferMB = opts.receiveBufferMB;
  settings.processing.pipeline = opts.pipeline;
  settings.processing.eventWindow = [0, 1e-3];
  // The engine's own default transport (a worker thread); CHRONOPIX_BENCH_TRANSPORT=process compares.
  const transport = process.env.CHRONOPIX_BENCH_TRANSPORT as 'thread' | 'process' | undefined;
  const engine = new Engine(settings, transport ? { transport } : {});
  let snap: LiveSnapshot | null = null;
  engine.onViews((s) => (snap = s));
  const status = await engine.start();
  if (opts.recordDir) await engine.startRecording({ folder: opts.recordDir, prefix: 'bench' });
  const supervisor = engine['supervisor']!;
  const pipelinePid = (supervisor as unknown as { port: { pid?: number } }).port.pid;
  let done: SenderTotals | null = null;
  const emulator = new EmulatorProcess(
    {
      source: { kind: 'replay', path: opts.replay, loop: true },
      sender: {
        host: '127.0.0.1',
        port: status.source.port,
        pacing: { kind: 'rate', megabytesPerSecond: opts.rateMBps },
      },
    },
    (e: EmulatorEvent) => {
      if (e.type === 'done') done = e.totals;
    },
  );
  const cpu0 = {
    main: process.cpuUsage(),
    pipeline: cpuSeconds(pipelinePid),
    emulator: cpuSeconds(emulator.pid),
  };
  const rssOf = (): number => (pipelinePid ? rssMB(pipelinePid) : 0) + process.memoryUsage().rss / 2 ** 20;
  // Memory is compared after a warm-up (a tenth of the run, at most 60 s: buffers, queues and the
  // JS heaps reach their working size), then sampled every 5 s for the peak.
  const warmS = Math.min(60, opts.seconds / 10);
  let rssStart = 0;
  let rssPeak = 0;
  let lastMinute = 0;
  const t0 = performance.now();
  const sampler5s = setInterval(
    () => {
      const v = rssOf();
      rssPeak = Math.max(rssPeak, v);
      if (rssStart === 0 && performance.now() - t0 >= warmS * 1000) rssStart = v;
      const minute = Math.floor((performance.now() - t0) / 60_000);
      if (opts.seconds >= 120 && minute > lastMinute) {
        lastMinute = minute;
        console.error(`    ${opts.label}: RSS ${v.toFixed(0)} MB at ${minute} min`);
      }
    },
    Math.min(5000, warmS * 1000),
  );
  await new Promise((r) => setTimeout(r, opts.seconds * 1000));
  clearInterval(sampler5s);
  const cpu1 = {
    main: process.cpuUsage(cpu0.main),
    pipeline: cpuSeconds(pipelinePid),
    emulator: cpuSeconds(emulator.pid),
  };
  const rssEnd = rssOf();
  if (rssStart === 0) rssStart = rssEnd;
  rssPeak = Math.max(rssPeak, rssEnd);
  await emulator.stop();
  await new Promise((r) => setTimeout(r, 300)); // the last batches reach the sampler
  const sampler = engine['sampler']!;
  await sampler.refreshKernelDrops();
  const received = {
    datagrams: sampler.stats.datagrams,
    bytes: sampler.stats.bytes,
    drops: sampler.stats.kernelDrops,
  };
  const latency = supervisor.latency();
  const health = supervisor.health();
  const recordingDropped = (await engine.getStatus()).recording?.droppedDatagrams ?? 0;
  const rec = opts.recordDir ? await engine.stopRecording() : null;
  await engine.stop();
  const sent = done as SenderTotals | null;
  void snap;
  return {
    label: opts.label,
    rateMBps: opts.rateMBps,
    seconds: opts.seconds,
    sentMB: (sent?.bytes ?? NaN) / 1e6,
    receivedMB: received.bytes / 1e6,
    lostDatagrams: (sent?.datagrams ?? NaN) - received.datagrams,
    kernelDrops: received.drops,
    droppedBatches: health.droppedBatches,
    recordedMB: (rec?.fileBytes ?? 0) / 1e6,
    recordingDropped,
    cpu: {
      main: (cpu1.main.user + cpu1.main.system) / 1e6 / opts.seconds,
      pipeline: (cpu1.pipeline - cpu0.pipeline) / opts.seconds,
      emulator: (cpu1.emulator - cpu0.emulator) / opts.seconds,
    },
    latency: {
      processedMedian: latency.processed.medianMs,
      processedP99: latency.processed.p99Ms,
      publishedMedian: latency.published.medianMs,
      publishedP99: latency.published.p99Ms,
    },
    rss: { startMB: rssStart, endMB: rssEnd, peakMB: rssPeak, warmS },
  };
}

export function formatLiveRun(r: LiveRun): { stage: string; value: string; memory: string } {
  const pct = (v: number): string => `${Math.round(v * 100)}%`;
  return {
    stage: `live: ${r.label} @ ${r.rateMBps} MB/s for ${r.seconds} s`,
    value:
      `sent ${(r.sentMB / r.seconds).toFixed(0)} MB/s, received ${(r.receivedMB / r.seconds).toFixed(0)} MB/s, lost ${r.lostDatagrams} datagrams ` +
      `(kernel drops ${r.kernelDrops}), not processed ${r.droppedBatches} batches` +
      (r.recordedMB > 0
        ? `, recorded ${r.recordedMB.toFixed(0)} MB (${r.recordingDropped} datagrams dropped by the recorder)`
        : '') +
      `; CPU main ${pct(r.cpu.main)}${Number.isNaN(r.cpu.pipeline) ? ' (pipeline thread included)' : `, pipeline ${pct(r.cpu.pipeline)}`}, emulator ${pct(r.cpu.emulator)}; ` +
      `latency processed ${r.latency.processedMedian.toFixed(0)}/${r.latency.processedP99.toFixed(0)} ms, ` +
      `published ${r.latency.publishedMedian.toFixed(0)}/${r.latency.publishedP99.toFixed(0)} ms (median/p99)`,
    memory: `RSS ${r.rss.startMB.toFixed(0)} (at ${r.rss.warmS.toFixed(0)} s) -> ${r.rss.endMB.toFixed(0)} MB, peak ${r.rss.peakMB.toFixed(0)}`,
  };
}

export const LIVE_RECORD_DIR = (root: string): string => join(root, 'live-recordings');
