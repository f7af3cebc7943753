// The generated emulator source: datagrams of whole words within the size limit, exactly the
// generator's words, decoding with the one decoder to the generator's counts, and an endless run
// whose time stays monotonic across segment boundaries and 30-bit rollovers. StreamClock (the
// replay's pacing clock) recovers the generated camera times from the words alone.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/userError';
import { createVmiGenerator } from '../pipeline/generator';
import { createVmiGenerator4 } from '../pipeline/generator4';
import { Tpx3Decoder, newDecodedBatch } from '../pipeline/tpx3Decoder';
import { Tpx4Decoder, newTpx4Batch } from '../pipeline/tpx4Decoder';
import { DEFAULT_MAX_DATAGRAM_BYTES, cutDatagrams, type DatagramBatch } from './datagrams';
import {
  GeneratedSource,
  SEGMENT_SECONDS,
  ionsPerTriggerForHitRate,
  parseSourceConfig,
} from './emulatorSource';
import { StreamClock } from './replaySource';

function collect(batches: Iterable<DatagramBatch>, limit = Infinity): DatagramBatch[] {
  const out: DatagramBatch[] = [];
  for (const b of batches) {
    out.push(b);
    if (out.length >= limit) break;
  }
  return out;
}

function concatWords(batches: DatagramBatch[]): Uint32Array {
  const total = batches.reduce((n, b) => n + b.datagrams.reduce((m, d) => m + d.length, 0), 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const b of batches) {
    for (const d of b.datagrams) {
      bytes.set(d, at);
      at += d.length;
    }
  }
  return new Uint32Array(bytes.buffer);
}

function decoder(): Tpx3Decoder {
  return new Tpx3Decoder({ orientation: 'Up', offsetX: 0, offsetY: 0, timeMode: 'file' });
}

describe('GeneratedSource', () => {
  it('sends the generator words in datagrams of whole words, at most 8 KiB', () => {
    const source = new GeneratedSource({ seconds: 2, triggerRate: 2000, ionsPerTrigger: 10, seed: 7 });
    const batches = collect(source.batches());
    const sizes = batches.flatMap((b) => b.datagrams.map((d) => d.length));
    expect(sizes.every((s) => s > 0 && s % 8 === 0 && s <= DEFAULT_MAX_DATAGRAM_BYTES)).toBe(true);
    expect(sizes.filter((s) => s === DEFAULT_MAX_DATAGRAM_BYTES).length).toBeGreaterThan(sizes.length * 0.9);

    const gen = createVmiGenerator(
      { seconds: 2, triggerRate: 2000, ionsPerTrigger: 10, seed: 7, chunkBytes: 256 * 1024 },
      { truth: false },
    );
    const parts: Buffer[] = [];
    for (let c = gen.next(); c; c = gen.next())
      parts.push(Buffer.from(new Uint8Array(c.words.slice().buffer)));
    const sent = concatWords(batches);
    expect(Buffer.from(sent.buffer).equals(Buffer.concat(parts))).toBe(true);
    expect(source.counts).toEqual(gen.counts);

    // Hits per datagram, and camera times rising from 0 to the run's length.
    const hits = batches.reduce((n, b) => n + b.hits.reduce((m, h) => m + h, 0), 0);
    expect(hits).toBe(gen.counts.pixels);
    const times = batches.flatMap((b) => Array.from(b.cameraTime));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1])).toBe(true);
    expect(times[0]).toBeGreaterThanOrEqual(0);
    expect(times[times.length - 1]).toBeCloseTo(2, 6);
  });

  it('camera 4: sends generator4 words, counts their hits, and they decode as Timepix4', () => {
    const options = { seconds: 0.5, triggerRate: 1000, ionsPerTrigger: 4, seed: 9 };
    const source = new GeneratedSource({ ...options, camera: 4 });
    expect(source.description).toMatch(/Timepix4/);
    expect(parseSourceConfig({ kind: 'generated', camera: 4 })).toEqual({ kind: 'generated', camera: 4 });
    const batches = collect(source.batches());
    const gen = createVmiGenerator4({ ...options, chunkBytes: 256 * 1024 }, { truth: false });
    const parts: Buffer[] = [];
    for (let c = gen.next(); c; c = gen.next())
      parts.push(Buffer.from(new Uint8Array(c.words.slice().buffer)));
    const sent = concatWords(batches);
    expect(Buffer.from(sent.buffer).equals(Buffer.concat(parts))).toBe(true);
    const hits = batches.reduce((n, b) => n + b.hits.reduce((m, h) => m + h, 0), 0);
    expect(hits).toBe(gen.counts.pixels);
    const dec = new Tpx4Decoder();
    dec.decode(new Uint8Array(sent.buffer), newTpx4Batch());
    expect(dec.counts.pixels).toBe(gen.counts.pixels);
    expect(dec.counts.signalRise).toBe(gen.counts.triggers);
  });

  it('decodes with the real decoder (file mode) to the generator counts', () => {
    const source = new GeneratedSource({ seconds: 3, triggerRate: 500, hitRate: 200_000, seed: 3 });
    const dec = decoder();
    const out = newDecodedBatch();
    let lastTrigger = -Infinity;
    for (const batch of source.batches()) {
      for (const d of batch.datagrams) {
        dec.decode(new Uint32Array(d.buffer, d.byteOffset, d.length / 4), out);
        for (let i = 0; i < out.triggers.n; i++) {
          expect(out.triggers.time[i]).toBeGreaterThan(lastTrigger);
          lastTrigger = out.triggers.time[i];
        }
      }
    }
    const c = dec.counts;
    expect(c.pixels).toBe(source.counts.pixels);
    expect(c.tdc1Rise).toBe(1500);
    expect(c.tdc1Fall).toBe(1500);
    expect(c.timeMsb).toBe(source.counts.timePairs);
    expect(c.timeMsb).toBe(3);
    expect(c.droppedBeforeTime).toBe(0);
    expect(dec.time.jumps).toEqual({ backwardJumps: 0, forwardJumps: 0, recoveries: 0 });
    // hitRate sets the ions per trigger: about 200k pixel hits per camera second.
    expect(source.ionsPerTrigger).toBeCloseTo(ionsPerTriggerForHitRate(200_000, 500), 12);
    expect(c.pixels / 3).toBeGreaterThan(200_000 * 0.95);
    expect(c.pixels / 3).toBeLessThan(200_000 * 1.05);
  });

  it('runs on past segment ends and 30-bit rollovers with monotonic, continuous times', () => {
    // Endless: 150 s of camera time covers two segment boundaries and five 26.8 s rollovers.
    const triggerRate = 50;
    const source = new GeneratedSource({
      triggerRate,
      ionsPerTrigger: 0.2,
      seed: 11,
      startLongtime: 123_456,
    });
    const dec = decoder();
    const out = newDecodedBatch();
    const triggers: number[] = [];
    let lastLongtime = -1;
    let lastCamera = -Infinity;
    for (const batch of source.batches()) {
      for (let d = 0; d < batch.datagrams.length; d++) {
        const bytes = batch.datagrams[d];
        expect(batch.cameraTime[d]).toBeGreaterThanOrEqual(lastCamera);
        lastCamera = batch.cameraTime[d];
        dec.decode(new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4), out);
        expect(dec.time.longtime).toBeGreaterThanOrEqual(lastLongtime);
        lastLongtime = dec.time.longtime;
        for (let i = 0; i < out.triggers.n; i++) triggers.push(out.triggers.time[i]);
      }
      if (lastCamera > 2.5 * SEGMENT_SECONDS) break;
    }
    expect(dec.time.jumps).toEqual({ backwardJumps: 0, forwardJumps: 0, recoveries: 0 });
    expect(dec.counts.droppedBeforeTime).toBe(0);
    expect(triggers.length).toBeGreaterThan(2.4 * SEGMENT_SECONDS * triggerRate);
    // One trigger every 20 ms from the first camera tick, also across segment boundaries.
    const t0 = 123_456 * 25e-9;
    triggers.forEach((t, k) => expect(Math.abs(t - t0 - (k + 0.5) / triggerRate)).toBeLessThan(1e-9));
    // Time packets once a second, the first at the start longtime.
    expect(dec.counts.timeMsb).toBeGreaterThanOrEqual(150);
  });

  it('rejects conflicting or bad options with a UserError', () => {
    expect(() => new GeneratedSource({ hitRate: 1e6, ionsPerTrigger: 3 })).toThrow(UserError);
    expect(() => new GeneratedSource({ seconds: -1 })).toThrow(/seconds/);
    expect(() => new GeneratedSource({ hitRate: 1e9, triggerRate: 10 })).toThrow(/raise the trigger rate/);
    expect(() => new GeneratedSource({ triggerRate: 0 })).toThrow(UserError);
    expect(() => new GeneratedSource({ maxDatagramBytes: 4 })).toThrow(/datagram size/);
    expect(() => parseSourceConfig({ kind: 'generated', seconds: 'x' })).toThrow(UserError);
    expect(() => parseSourceConfig({ kind: 'tape' })).toThrow(UserError);
    expect(parseSourceConfig({ kind: 'replay', path: 'a.raw', loop: true })).toEqual({
      kind: 'replay',
      path: 'a.raw',
      loop: true,
    });
  });
});

describe('cutDatagrams and StreamClock', () => {
  it('cuts at the size limit, rounded down to whole words', () => {
    const words = new Uint32Array(2 * 2500);
    for (let i = 0; i < 2500; i++) words[2 * i + 1] = i % 2 ? 0xb0000000 : 0x50000000;
    const batch = cutDatagrams(words, Math.floor(1000 / 8), (end) => end);
    // 1000 bytes hold 125 words; pixel words (0xB) sit at odd indices.
    expect(batch.datagrams.map((d) => d.length)).toEqual(new Array(20).fill(1000));
    expect(Array.from(batch.hits)).toEqual(Array.from({ length: 20 }, (_, d) => (d % 2 ? 63 : 62)));
    expect(batch.cameraTime[19]).toBe(2500);
  });

  it('recovers the camera times of a generated stream from its words', () => {
    const source = new GeneratedSource({ seconds: 4, triggerRate: 1000, ionsPerTrigger: 3, seed: 5 });
    const clock = new StreamClock();
    let worst = 0;
    for (const batch of source.batches()) {
      const words = new Uint32Array(
        batch.datagrams[0].buffer,
        batch.datagrams[0].byteOffset,
        batch.datagrams.reduce((n, d) => n + d.length, 0) / 4,
      );
      const times = new Float64Array(batch.cameraTime.length);
      clock.times(words, DEFAULT_MAX_DATAGRAM_BYTES / 8, times);
      for (let d = 0; d < times.length; d++)
        worst = Math.max(worst, Math.abs(times[d] - batch.cameraTime[d]));
    }
    // The source interpolates its times over a generator slice (0.7 s here), the clock reads them
    // from the words: they agree to within the spread of the hits over the slice.
    expect(worst).toBeLessThan(0.05);
  });
});
