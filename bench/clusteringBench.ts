// Clustering speed and quality: a run's hits are decoded and built into event rows in memory, cut
// into whole-trigger chunks, and clustered (DBSCAN and cluster stream) chunk by chunk; synthetic
// pathological triggers are clustered alone for time and memory; the quality rows compare centroids
// with a generated run's true ions (clusterQuality.ts). Each result goes to the table as a row.
import { DEFAULT_CLUSTERING } from '../shared/processingSettings';
import { type EventBatch, emptyEventBatch } from '../shared/batches';
import { clusterEvents } from '../native-workers/pipeline/clustering';
import { EventBuilder, newEventOutput } from '../native-workers/pipeline/eventBuilder';
import { WholeTriggerBuffer } from '../native-workers/pipeline/wholeTriggers';
import { SeededRandom } from '../native-workers/pipeline/seededRandom';
import { newDecodedBatch } from '../native-workers/pipeline/tpx3Decoder';
import { measureClusterQuality } from './clusterQuality';
import { RUNS } from './benchConfig';
import { loadChunks, newFileDecoder } from './decodeBench';
import { add, best } from './benchTable';

/** Event rows of the first `maxRows` hits of a run, cut into whole-trigger chunks of ~64k rows. */
function eventChunks(path: string, maxRows: number): { chunks: EventBatch[]; rows: number } {
  const { chunks } = loadChunks(path);
  const d = newFileDecoder();
  const b = new EventBuilder({ windowMin: 0, windowMax: 10000, horizon: 1e-3, startTimeNs: 0 });
  const out = newDecodedBatch();
  const whole = new WholeTriggerBuffer(1 << 16);
  const result: EventBatch[] = [];
  let rows = 0;
  for (const c of chunks) {
    if (rows >= maxRows) break;
    const ev = newEventOutput();
    d.decode(c, out);
    b.push(out.hits, out.triggers, ev);
    whole.add(ev.events);
    for (let e = whole.take(); e; e = whole.take()) {
      result.push(e);
      rows += e.n;
    }
  }
  return { chunks: result, rows };
}

export function benchClustering(path: string): void {
  const { chunks, rows } = eventChunks(path, 10_500_000);
  for (const [algorithm, target, reference] of [
    ['dbscan', '>= 20 M hits/s', 0.54],
    ['stream', '>= 30 M hits/s', 0.22],
  ] as const) {
    const settings = { ...DEFAULT_CLUSTERING, algorithm };
    const { seconds, result } = best(RUNS, () =>
      chunks.reduce((n, c) => n + clusterEvents(c, settings).n, 0),
    );
    const rate = rows / seconds / 1e6;
    add({
      stage: `${algorithm} + centroid properties, one worker (${(rows / 1e6).toFixed(1)} M hits, ${(result / 1e6).toFixed(2)} M centroids)`,
      value: `${rate.toFixed(1)} M hits/s`,
      target,
      reference: `${reference} M hits/s`,
      ratio: `${(rate / reference).toFixed(0)}x`,
    });
  }
}

/**
 * Issue 3: "a single trigger with a pathological 1 M hits must not blow up time or memory". One
 * trigger of blobs (the 200k unit test's layout) at 250k and 1 M hits, to see how the time grows,
 * and a flood of 1 M hits on one pixel at one time.
 */
export function benchPathologicalTrigger(): void {
  const cases: [string, EventBatch][] = [
    ['250k hits, 12.5k blobs of 20, rows shuffled', blobTrigger(250_000)],
    ['1 M hits, 50k blobs of 20, rows shuffled', blobTrigger(1_000_000)],
    ['1 M hits, a flood on one pixel at one time', floodTrigger(1_000_000)],
  ];
  for (const [what, ev] of cases) {
    for (const algorithm of ['dbscan', 'stream'] as const) {
      const rss0 = process.memoryUsage().rss;
      const { seconds, result } = best(1, () => clusterEvents(ev, { ...DEFAULT_CLUSTERING, algorithm }).n);
      const grew = (process.memoryUsage().rss - rss0) / 2 ** 20;
      add({
        stage: `${algorithm}: one trigger of ${what}`,
        value: `${seconds.toFixed(2)} s (${(ev.n / seconds / 1e6).toFixed(1)} M hits/s), ${result} centroids`,
        memory: `RSS +${Math.max(0, grew).toFixed(0)} MB`,
      });
    }
  }
}

/** One trigger of `n` hits: blobs of 20 hits (4 x 5 pixels, 10 ns) on a 50 x 40 lattice, layers
 * 2 us apart in tof, rows in a shuffled order. */
function blobTrigger(n: number): EventBatch {
  const ev = emptyEventBatch(n);
  ev.n = n;
  const rng = new SeededRandom(99);
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  for (let k = 0; k < n; k++) {
    const row = order[k];
    const b = Math.floor(k / 20);
    const i = k % 20;
    ev.x[row] = (b % 50) * 5 + (i % 4);
    ev.y[row] = (Math.floor(b / 50) % 40) * 6 + Math.floor(i / 4);
    ev.tof[row] = 1e-5 + Math.floor(b / 2000) * 2e-6 + (b % 7) * 1e-7 + rng.uniform() * 1e-8;
    ev.tot[row] = 100;
  }
  return ev;
}

function floodTrigger(n: number): EventBatch {
  const ev = emptyEventBatch(n);
  ev.n = n;
  ev.x.fill(100);
  ev.y.fill(100);
  ev.tof.fill(1e-4);
  ev.tot.fill(100);
  return ev;
}

export async function benchQuality(): Promise<void> {
  for (const q of await measureClusterQuality()) {
    add({
      stage: `quality, ${q.algorithm}: true ions recovered within 1 px and 5 ns (generated VMI)`,
      value: `${(q.fraction * 100).toFixed(1)}% of ${q.ions}; ${q.split} split, ${q.merged} merged, ${q.spurious} spurious`,
    });
  }
}
