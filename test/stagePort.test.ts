// The same stages through every transport (in-process, worker thread, child process) give the same
// answers; a host that dies fails its pending and later calls instead of hanging.
import { FILE_DECODE_CONFIG } from './stageConfigs';
import { readFileSync, readdirSync } from 'node:fs';
import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CLUSTERING } from '../shared/processingSettings';
import { type StageTransport, openStage } from '../native-workers/stages/stagePort';
import type { DecodeEventsResponse } from '../native-workers/stages/stages';
import { createVmiGenerator } from '../native-workers/pipeline/generator';

function generatedChunks(): Uint32Array[] {
  const gen = createVmiGenerator({
    seconds: 0.3,
    triggerRate: 2000,
    ionsPerTrigger: 5,
    seed: 3,
    chunkBytes: 256 * 1024,
  });
  const chunks: Uint32Array[] = [];
  for (let c = gen.next(); c; c = gen.next()) chunks.push(c.words.slice(0, 2 * c.nWords));
  return chunks;
}

const TRANSPORTS: StageTransport[] = ['inline', 'thread', 'process'];

async function runDecode(transport: StageTransport, chunks: Uint32Array[]) {
  const port = openStage('decodeEvents', FILE_DECODE_CONFIG, transport);
  const out: DecodeEventsResponse[] = [];
  try {
    for (const c of chunks) out.push(await port.call({ words: c.slice() }));
    out.push(await port.call({ finish: true }));
  } finally {
    await port.close();
  }
  return out;
}

const EMPTY_EVENTS = {
  n: 0,
  triggerNr: new Float64Array(0),
  x: new Uint16Array(0),
  y: new Uint16Array(0),
  tof: new Float64Array(0),
  tot: new Uint32Array(0),
};

describe('stage transports', () => {
  it('decode+events answers identically in-process, in a thread and in a child process', async () => {
    const chunks = generatedChunks();
    expect(chunks.length).toBeGreaterThan(1);
    const [inline, ...others] = await Promise.all(TRANSPORTS.map((t) => runDecode(t, chunks)));
    const rows = inline.reduce((n, r) => n + r.events.n, 0);
    expect(rows).toBeGreaterThan(10000);
    expect(inline.at(-1)!.final!.packets.tdc1Rise).toBe(600);
    for (const o of others) expect(o).toEqual(inline);
  });

  it('cluster answers identically through every transport', async () => {
    const chunks = generatedChunks();
    const decoded = await runDecode('inline', chunks);
    const events = decoded.find((r) => r.events.n > 1000)!.events;
    const results = [];
    for (const t of TRANSPORTS) {
      const port = openStage(
        'cluster',
        { settings: DEFAULT_CLUSTERING, sensorWidth: 256, sensorHeight: 256 },
        t,
      );
      results.push(await port.call(structuredClone(events)));
      await port.close();
    }
    expect(results[0].n).toBeGreaterThan(50);
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  // (Linux only; and not where the tests themselves already run at nice 10 or more.)
  it.skipIf(process.platform !== 'linux' || getPriority() >= 10)(
    'a low-priority stage thread runs at nice 10, and the caller keeps its own priority',
    async () => {
      // Field 19 of /proc/<pid>/task/<tid>/stat is the thread's nice value (after the ')' of comm).
      const nices = (): number[] =>
        readdirSync('/proc/self/task').map((tid) => {
          const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
        });
      const base = getPriority();
      const before = nices().filter((n) => n === 10).length;
      const port = openStage(
        'cluster',
        { settings: DEFAULT_CLUSTERING, sensorWidth: 256, sensorHeight: 256 },
        'thread',
        { lowPriority: true },
      );
      await port.call(structuredClone(EMPTY_EVENTS));
      expect(nices().filter((n) => n === 10)).toHaveLength(before + 1);
      expect(getPriority()).toBe(base);
      await port.close();
    },
  );

  it.each(['thread', 'process'] as const)(
    '%s: an error inside the stage comes back; a closed port refuses',
    async (t) => {
      const port = openStage(
        'cluster',
        { settings: DEFAULT_CLUSTERING, sensorWidth: 256, sensorHeight: 256 },
        t,
      );
      // A request the stage cannot handle throws inside the host: the error comes back, the host lives.
      await expect(port.call(null as never)).rejects.toThrow(/cluster stage:/);
      const ok = await port.call(structuredClone(EMPTY_EVENTS));
      expect(ok.n).toBe(0);
      await port.close();
      await expect(port.call(null as never)).rejects.toThrow(/closed/);
    },
  );
});
