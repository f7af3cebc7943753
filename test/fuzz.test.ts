// Fuzzing: random and mutated inputs through the decoder, the event builder, the reader and the whole
// converter. Nothing may throw except a UserError, and every word must be counted exactly once.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CLUSTERING } from '../shared/processingSettings';
import { UserError } from '../shared/userError';
import { convertRawFile } from '../native-workers/io/convertRaw';
import { EventBuilder, newEventOutput } from '../native-workers/pipeline/eventBuilder';
import { type PacketCounts, totalUnknown } from '../native-workers/pipeline/packetCounts';
import { Tpx3Decoder, newDecodedBatch } from '../native-workers/pipeline/tpx3Decoder';
import { HAVE_FIXTURES, fixturePath } from './fixtures';
import { useTmpDir } from './tmpDir';

const dir = useTmpDir();

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

function countedWords(c: PacketCounts): number {
  return (
    c.pixels +
    c.droppedBeforeTime +
    c.tdc1Rise +
    c.tdc1Fall +
    c.tdc2Rise +
    c.tdc2Fall +
    c.timeLsb +
    c.timeMsb +
    c.otherTime +
    c.packetId +
    c.heartbeat +
    c.shutterOpen +
    c.shutterClose +
    c.otherSpidr +
    c.control +
    totalUnknown(c)
  );
}

const KNOWN_HEADERS = [0x4, 0x5, 0x6, 0x7, 0xa, 0xb];

function randomWords(next: () => number, n: number, biased: boolean): Uint32Array {
  const w = new Uint32Array(2 * n);
  for (let i = 0; i < n; i++) {
    w[2 * i] = next();
    let hi = next();
    if (biased) hi = ((KNOWN_HEADERS[hi % 6] << 28) | (hi & 0x0fffffff)) >>> 0;
    w[2 * i + 1] = hi;
  }
  return w;
}

describe('decoder and event builder fuzz', () => {
  it.each([
    ['uniform random words', false],
    ['words with known headers and random fields', true],
  ])('%s: never throws, counts every word once, hits stay on the chip', (_name, biased) => {
    const next = rng(biased ? 11 : 7);
    for (const mode of ['file', 'live'] as const) {
      const d = new Tpx3Decoder({ orientation: 'Up', offsetX: 0, offsetY: 0, timeMode: mode });
      const b = new EventBuilder({ windowMin: 0, windowMax: 1e-3, horizon: 1e-3, startTimeNs: 0 });
      const out = newDecodedBatch();
      const ev = newEventOutput();
      let total = 0;
      for (let batch = 0; batch < 40; batch++) {
        const n = next() % 5000;
        const words = randomWords(next, n, biased);
        d.decode(words, out, (next() % 2 ** 16) * 2 ** 32 + next());
        total += n;
        for (let i = 0; i < out.hits.n; i++) {
          expect(out.hits.x[i]).toBeLessThan(256);
          expect(out.hits.y[i]).toBeLessThan(256);
          expect(Number.isFinite(out.hits.toa[i])).toBe(true);
        }
        b.push(out.hits, out.triggers, ev);
        ev.events.n = 0;
        ev.timing.n = 0;
      }
      b.flush(ev);
      expect(countedWords(d.counts)).toBe(total);
    }
  });

  it.skipIf(!HAVE_FIXTURES)('mutated real data: bit flips in a real recording', () => {
    const bytes = readFileSync(fixturePath('centroid_pipeline_test.raw'));
    const next = rng(3);
    for (let round = 0; round < 50; round++) {
      const copy = new Uint8Array(bytes);
      for (let k = 0; k < 20; k++) copy[next() % copy.length] ^= 1 << (next() % 8);
      const d = new Tpx3Decoder({ orientation: 'Down', offsetX: 0, offsetY: 0, timeMode: 'file' });
      const out = newDecodedBatch();
      d.decode(new Uint32Array(copy.buffer), out);
      expect(countedWords(d.counts)).toBe(copy.length / 8);
    }
  });
});

describe('reader and converter fuzz', () => {
  it('random files, mutated recordings and truncations end in a result or a UserError, never a crash', async () => {
    const next = rng(5);
    const base = HAVE_FIXTURES
      ? new Uint8Array(readFileSync(fixturePath('centroid_pipeline_test.raw')))
      : new Uint8Array(new BigUint64Array([0x45n << 56n, 0xbn << 60n]).buffer);
    let succeeded = 0;
    let refused = 0;
    for (let round = 0; round < 40; round++) {
      let data: Uint8Array;
      const kind = round % 4;
      if (kind === 0) data = Uint8Array.from({ length: next() % 3000 }, () => next() & 0xff);
      else if (kind === 1) data = base.slice(0, next() % (base.length + 1));
      else {
        data = new Uint8Array(base);
        for (let k = 0; k < (kind === 2 ? 5 : 200); k++) data[next() % data.length] = next() & 0xff;
      }
      const input = join(dir, `fuzz${round}.raw`);
      writeFileSync(input, data);
      try {
        await convertRawFile({
          input,
          output: join(dir, `fuzz${round}.h5`),
          clustering: { ...DEFAULT_CLUSTERING, algorithm: 'none' },
          version: 'fuzz',
        });
        succeeded++;
      } catch (err) {
        expect(err, String((err as Error).stack)).toBeInstanceOf(UserError);
        refused++;
      }
    }
    expect(succeeded + refused).toBe(40);
    expect(refused).toBeGreaterThan(0);
    if (HAVE_FIXTURES) expect(succeeded).toBeGreaterThan(0);
  });
});
