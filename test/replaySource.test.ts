// The emulator's replay source on real files: the datagrams, concatenated, are the file's words
// exactly (start-time header skipped, a truncated last word left out), whole words of at most 8 KiB;
// the pacing clock follows the file's camera time and keeps rising across loops; files that are not
// data are one-line user errors before anything is sent.
import { appendFileSync, copyFileSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../shared/userError';
import { writeGeneratedRun } from '../native-workers/io/generateRun';
import { DEFAULT_MAX_DATAGRAM_BYTES, type DatagramBatch } from '../native-workers/live/datagrams';
import { openReplaySource } from '../native-workers/live/replaySource';
import { FIXTURES_SKIP_REASON, HAVE_FIXTURES, fixturePath } from './fixtures';
import { useTmpDir } from './tmpDir';

const dir = useTmpDir('chronopix-replay-');

interface Sent {
  bytes: Buffer;
  sizes: number[];
  times: number[];
  hits: number;
}

function sent(batches: DatagramBatch[]): Sent {
  const parts = batches.flatMap((b) => b.datagrams.map((d) => Buffer.from(d)));
  return {
    bytes: Buffer.concat(parts),
    sizes: parts.map((p) => p.length),
    times: batches.flatMap((b) => Array.from(b.cameraTime)),
    hits: batches.reduce((n, b) => n + b.hits.reduce((m, h) => m + h, 0), 0),
  };
}

async function all(source: AsyncIterable<DatagramBatch>, maxDatagrams = Infinity): Promise<DatagramBatch[]> {
  const out: DatagramBatch[] = [];
  let n = 0;
  for await (const b of source) {
    out.push(b);
    n += b.datagrams.length;
    if (n >= maxDatagrams) break;
  }
  return out;
}

const generated = join(dir, 'run.raw');
const ready = writeGeneratedRun(generated, { seconds: 3, triggerRate: 1000, ionsPerTrigger: 4, seed: 9 });

describe('replay source', () => {
  it("sends the file's own words in whole-word datagrams of at most 8 KiB, paced by its camera time", async () => {
    const summary = await ready;
    // A small read size puts file-chunk ends inside datagrams' worth of words.
    const source = await openReplaySource({ path: generated, readChunkBytes: 100_003 });
    expect(source.timed).toBe(true);
    const s = sent(await all(source));
    const file = readFileSync(generated);
    expect(s.bytes.equals(file.subarray(8))).toBe(true);
    expect(s.sizes.every((n) => n > 0 && n % 8 === 0 && n <= DEFAULT_MAX_DATAGRAM_BYTES)).toBe(true);
    expect(s.hits).toBe(summary.pixels);
    expect(s.times.every((t, i) => Number.isFinite(t) && (i === 0 || t >= s.times[i - 1]))).toBe(true);
    // A datagram's time is its last word's: the first covers about 17 ms of this run.
    expect(s.times[0]).toBeGreaterThan(0);
    expect(s.times[0]).toBeLessThan(0.03);
    expect(s.times[s.times.length - 1]).toBeGreaterThan(2.99);
    expect(s.times[s.times.length - 1]).toBeLessThan(3.01);
    expect(source.passes).toBe(1);
  });

  it('without a need for camera times (pacing by rate) sends the same words, untimed', async () => {
    await ready;
    const source = await openReplaySource({ path: generated }, false);
    expect(source.timed).toBe(false);
    const s = sent(await all(source));
    expect(s.bytes.equals(readFileSync(generated).subarray(8))).toBe(true);
    expect(s.times.every((t) => Number.isNaN(t))).toBe(true);
  });

  it('leaves out a truncated last word and honours a smaller datagram size', async () => {
    await ready;
    const cut = join(dir, 'cut.raw');
    copyFileSync(generated, cut);
    appendFileSync(cut, Buffer.from([1, 2, 3]));
    const source = await openReplaySource({ path: cut, maxDatagramBytes: 1500 });
    const s = sent(await all(source));
    expect(s.bytes.equals(readFileSync(generated).subarray(8))).toBe(true);
    expect(Math.max(...s.sizes)).toBe(1496);
  });

  it('loops: every pass sends the same words, the clock keeps rising', async () => {
    await ready;
    const source = await openReplaySource({ path: generated, loop: true });
    const perPass = Math.ceil((readFileSync(generated).length - 8) / DEFAULT_MAX_DATAGRAM_BYTES);
    const s = sent(await all(source, Math.floor(2.5 * perPass)));
    const file = readFileSync(generated).subarray(8);
    expect(s.bytes.subarray(0, file.length).equals(file)).toBe(true);
    expect(s.bytes.subarray(file.length, 2 * file.length).equals(file)).toBe(true);
    expect(s.bytes.subarray(2 * file.length).equals(file.subarray(0, s.bytes.length - 2 * file.length))).toBe(
      true,
    );
    expect(source.passes).toBe(2);
    expect(s.times.every((t, i) => i === 0 || t >= s.times[i - 1])).toBe(true);
    // The second pass starts one mean datagram interval after the first ends, and lasts as long.
    const end1 = s.times[perPass - 1];
    expect(s.times[perPass] - end1).toBeCloseTo((end1 - s.times[0]) / (perPass - 1), 9);
    expect(s.times[2 * perPass - 1] - s.times[perPass]).toBeCloseTo(end1 - s.times[0], 9);
  });

  it('keeps a looped file that fits after the first pass: later passes do not read it again', async () => {
    await ready;
    const own = join(dir, 'looped.raw');
    copyFileSync(generated, own);
    const file = readFileSync(own).subarray(8);
    const source = await openReplaySource({ path: own, loop: true });
    const bytes: Uint8Array[] = [];
    let size = 0;
    for await (const b of source) {
      for (const d of b.datagrams) bytes.push(d.slice());
      size += b.datagrams.reduce((n, d) => n + d.length, 0);
      if (size === file.length) unlinkSync(own); // end of the first pass: the file goes
      if (size >= 3 * file.length) break;
    }
    expect(source.passes).toBe(2);
    const sent3 = Buffer.concat(bytes);
    for (let k = 0; k < 3; k++)
      expect(sent3.subarray(k * file.length, (k + 1) * file.length).equals(file)).toBe(true);
  });

  it.skipIf(!HAVE_FIXTURES)(
    `replays out_5sec.raw (no header, begins with a time packet) word for word (${HAVE_FIXTURES ? '' : FIXTURES_SKIP_REASON})`,
    async () => {
      const path = fixturePath('out_5sec.raw');
      const s = sent(await all(await openReplaySource({ path })));
      expect(s.bytes.equals(readFileSync(path))).toBe(true);
      expect(s.times.every((t, i) => Number.isFinite(t) && (i === 0 || t >= s.times[i - 1]))).toBe(true);
      // Its camera time runs from 1.96 s to 5.79 s.
      expect(s.times[0]).toBeGreaterThan(1.96);
      expect(s.times[0]).toBeLessThan(1.98);
      expect(s.times[s.times.length - 1]).toBeGreaterThan(5.78);
      expect(s.times[s.times.length - 1]).toBeLessThan(5.8);
    },
  );

  it('refuses missing files and files that are not raw data, naming them', async () => {
    await expect(openReplaySource({ path: join(dir, 'missing.raw') })).rejects.toThrow(
      /missing\.raw: no such file/,
    );
    const junk = join(dir, 'junk.raw');
    writeFileSync(junk, Buffer.from(Array.from({ length: 40_000 }, (_, i) => (i * 7919) % 251)));
    await expect(openReplaySource({ path: junk })).rejects.toThrow(UserError);
    await expect(openReplaySource({ path: generated, maxDatagramBytes: 3 })).rejects.toThrow(/datagram size/);
  });
});
