// The live pipeline behind its supervisor, in a real child process: batches in, views out, counts
// equal to the generator's; a killed stage process is restarted and processing goes on.
import { liveConfig } from './stageConfigs';
import { describe, expect, it } from 'vitest';
import { createVmiGenerator } from '../native-workers/pipeline/generator';
import { PipelineSupervisor } from '../electron/engine/pipelineSupervisor';

const CONFIG = liveConfig('centroid');

function batches(seconds: number) {
  const gen = createVmiGenerator({
    seconds,
    triggerRate: 1000,
    ionsPerTrigger: 5,
    seed: 11,
    chunkBytes: 512 * 1024,
  });
  const out: Uint8Array[] = [];
  for (let c = gen.next(); c; c = gen.next())
    out.push(new Uint8Array(c.words.buffer, 0, c.nWords * 8).slice());
  return { out, counts: gen.counts };
}

async function drain(s: PipelineSupervisor): Promise<void> {
  const end = Date.now() + 10_000;
  while (s.health().queueUsedBytes > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
}

describe('PipelineSupervisor', () => {
  it('processes batches in a child process and publishes views matching the generator', async () => {
    const s = new PipelineSupervisor(CONFIG, { transport: 'process' });
    try {
      const { out, counts } = batches(1);
      // The stream starts with a time pair, which live decoding ignores: hand the batches the run's
      // start time (0) as their longtime, as the sampler would after the first pair.
      for (const b of out) expect(s.submit(b, 0, 1)).toBe(true);
      await drain(s);
      const snap = await s.snapshot(1.5, { udpKernelDrops: 0, droppedBeforeTime: 0 });
      expect(snap).not.toBeNull();
      expect(snap!.totals.hits).toBe(counts.pixels);
      expect(snap!.totals.triggers).toBe(counts.triggers);
      expect(snap!.totals.centroids).toBeGreaterThan(counts.ions * 0.9);
      expect(snap!.health.stages[0]).toMatchObject({ name: 'pipeline', droppedBatches: 0, overflow: 'drop' });
    } finally {
      await s.stop();
    }
  });

  it('clusters in helper threads when asked (clusterWorkers), with the same centroids', async () => {
    const { out } = batches(1);
    const totals = [];
    for (const clusterWorkers of [0, 2]) {
      const s = new PipelineSupervisor({ ...CONFIG, clusterWorkers }, { transport: 'thread' });
      try {
        for (const b of out) expect(s.submit(b.slice(), 0, 1)).toBe(true);
        await drain(s);
        totals.push((await s.snapshot(1.5, { udpKernelDrops: 0, droppedBeforeTime: 0 }))!.totals);
      } finally {
        await s.stop();
      }
    }
    expect(totals[0].centroids).toBeGreaterThan(1000);
    expect(totals[1]).toEqual(totals[0]);
  });

  it('restarts a killed stage process, reports it, and keeps processing', async () => {
    const events: string[] = [];
    const s = new PipelineSupervisor(CONFIG, { transport: 'process', onEvent: (e) => events.push(e) });
    try {
      const { out } = batches(0.5);
      s.submit(out[0], 0, 1);
      await drain(s);
      const pid = (s as unknown as { port: { pid: number } }).port.pid;
      process.kill(pid, 'SIGKILL');
      const end = Date.now() + 10_000;
      while (s.restartCount === 0 && Date.now() < end) {
        s.submit(out[0], 0, 1);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(s.restartCount).toBe(1);
      expect(events.join('\n')).toMatch(/pipeline stage crashed .*restarted \(1\)/);
      for (const b of out) s.submit(b, 0, 2);
      await drain(s);
      const snap = await s.snapshot(2.5, { udpKernelDrops: 0, droppedBeforeTime: 0 });
      expect(snap!.totals.hits).toBeGreaterThan(0);
    } finally {
      await s.stop();
    }
  });

  it('gives each batch buffer back once processed (a thread) or dropped, so reception can reuse it', async () => {
    const spent: Uint8Array[] = [];
    const s = new PipelineSupervisor(CONFIG, { transport: 'thread', onSpent: (b) => spent.push(b) });
    try {
      const { out } = batches(0.2);
      const sizes = out.map((b) => b.buffer.byteLength);
      for (const b of out) expect(s.submit(b, 0, 1)).toBe(true);
      expect(out[0].byteLength).toBe(0); // transferred to the pipeline thread
      await drain(s);
      expect(spent.map((b) => b.buffer.byteLength)).toEqual(sizes);
    } finally {
      await s.stop();
    }
    const dropped: Uint8Array[] = [];
    const d = new PipelineSupervisor(CONFIG, {
      transport: 'inline',
      queueLimitBytes: 1,
      onSpent: (b) => dropped.push(b),
    });
    try {
      const { out } = batches(0.2);
      expect(d.submit(out[0], 0, 1)).toBe(false);
      expect(dropped).toEqual([out[0]]);
    } finally {
      await d.stop();
    }
  });

  it('drops batches beyond its byte limit and counts them', async () => {
    const s = new PipelineSupervisor(CONFIG, { transport: 'inline', queueLimitBytes: 1 });
    try {
      const { out } = batches(0.2);
      expect(s.submit(out[0], 0, 1)).toBe(false);
      expect(s.health()).toMatchObject({ droppedBatches: 1, droppedBytes: out[0].byteLength });
    } finally {
      await s.stop();
    }
  });
});
