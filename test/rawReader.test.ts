import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectRawFile, readWords } from '../native-workers/io/rawReader';
import { FIXTURES_SKIP_REASON, HAVE_FIXTURES, fixturePath } from './fixtures';
import { useTmpDir } from './tmpDir';
import { SeededRandom } from '../native-workers/pipeline/seededRandom';

const dir = useTmpDir();
let n = 0;
function file(bytes: Uint8Array): string {
  const p = join(dir, `f${n++}.raw`);
  writeFileSync(p, bytes);
  return p;
}
function wordsBytes(list: bigint[]): Uint8Array {
  return new Uint8Array(new BigUint64Array(list).buffer);
}
const MSB = 0x45n << 56n;
const PIX = 0xbn << 60n;
const HEADER = 1735689600000000000n; // 2025-01-01T00:00:00Z in ns: header nibble 0x1

describe('inspectRawFile', () => {
  it('detects the start-time header and counts a truncated last word', async () => {
    const bytes = new Uint8Array([...wordsBytes([HEADER, MSB, PIX, PIX]), 1, 2, 3]);
    const info = await inspectRawFile(file(bytes));
    expect(info.startTimeNs).toBe(HEADER);
    expect(info.dataOffset).toBe(8);
    expect(info.words).toBe(3);
    expect(info.truncatedBytes).toBe(3);
    expect(info.generation).toBe(3);
  });
  it('treats a first word that is a packet as data (no header)', async () => {
    const info = await inspectRawFile(file(wordsBytes([MSB, PIX])));
    expect(info.startTimeNs).toBeNull();
    expect(info.dataOffset).toBe(0);
    expect(info.words).toBe(2);
  });
  it.each([
    ['missing', async () => join(dir, 'nope.raw'), /no such file/],
    [
      'a directory',
      async () => {
        const d = join(dir, 'sub.raw');
        mkdirSync(d);
        return d;
      },
      /is a directory/,
    ],
    ['empty', async () => file(new Uint8Array(0)), /is empty/],
    ['header only', async () => file(wordsBytes([HEADER])), /only the start-time header/],
    ['shorter than a word', async () => file(new Uint8Array([1, 2, 3])), /shorter than one 8-byte word/],
    [
      'random bytes',
      async () => {
        const rng = new SeededRandom(1);
        return file(Uint8Array.from({ length: 65536 }, () => rng.int(256)));
      },
      /does not look like Timepix raw data/,
    ],
  ])('rejects %s with a one-line message naming the file', async (_name, make, pattern) => {
    const p = await make();
    const err = await inspectRawFile(p).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('UserError');
    expect((err as Error).message).toMatch(pattern);
    expect((err as Error).message).toContain(p);
    expect((err as Error).message).not.toContain('\n');
  });
  it('recognises a big-endian Timepix4 stream and does not take it for Timepix3', async () => {
    // Timepix4 heartbeat (eoc 0xE0) and pixel words with valid ultra-fast codes, big-endian.
    const words: bigint[] = [];
    for (let i = 0; i < 100; i++)
      words.push((0xe0n << 55n) | BigInt(i), (0x10n << 55n) | (0xfn << 26n) | (0xfn << 22n));
    const be = new Uint8Array(words.length * 8);
    const dv = new DataView(be.buffer);
    words.forEach((w, i) => dv.setBigUint64(i * 8, w, false));
    const p = file(be);
    expect((await inspectRawFile(p)).generation).toBe(4);
    // A first word whose little-endian reading looks like a start-time header is still data.
    const lookalike = new Uint8Array(be);
    new DataView(lookalike.buffer).setBigUint64(0, (0xe0n << 55n) | 0x10n, false); // last byte 0x10
    const q = file(lookalike);
    const info = await inspectRawFile(q);
    expect(new DataView(lookalike.buffer).getBigUint64(0, true) >> 60n).toBe(1n);
    expect([info.generation, info.startTimeNs, info.dataOffset, info.words]).toEqual([4, null, 0, 200]);
    await expect(inspectRawFile(p, 3)).rejects.toThrow(/looks like Timepix4: try --camera 4/);
  });
});

describe('readWords', () => {
  it('streams every whole word in bounded chunks, skipping the header and the truncated tail', async () => {
    const list = Array.from({ length: 1000 }, (_, i) => PIX | BigInt(i));
    const p = file(new Uint8Array([...wordsBytes([HEADER, ...list]), 9, 9]));
    const info = await inspectRawFile(p);
    const seen: number[] = [];
    let chunks = 0;
    for await (const w of readWords(info, 8 * 64)) {
      chunks++;
      expect(w.length).toBeLessThanOrEqual(128);
      for (let i = 0; i < w.length; i += 2) seen.push(w[i]);
    }
    expect(chunks).toBe(Math.ceil(1000 / 64));
    expect(seen).toEqual(list.map((_, i) => i));
  });
  it('reads into buffers handed back for reuse, with the same words', async () => {
    const list = Array.from({ length: 1000 }, (_, i) => PIX | BigInt(i));
    const info = await inspectRawFile(file(wordsBytes(list)));
    const spare: ArrayBuffer[] = [];
    const used = new Set<ArrayBuffer>();
    const seen: number[] = [];
    for await (const w of readWords(info, 8 * 64, () => spare.pop())) {
      used.add(w.buffer as ArrayBuffer);
      for (let i = 0; i < w.length; i += 2) seen.push(w[i]);
      w.fill(0); // the caller is done with it: scribbled over and handed back
      spare.push(w.buffer as ArrayBuffer);
    }
    expect(seen).toEqual(list.map((_, i) => i));
    // One read ahead while the caller holds the current chunk: two buffers in all.
    expect(used.size).toBe(2);
  });
  it.skipIf(!HAVE_FIXTURES)(
    `reads out_5sec.raw: 518,219 words, no header (${HAVE_FIXTURES ? '' : FIXTURES_SKIP_REASON})`,
    async () => {
      const info = await inspectRawFile(fixturePath('out_5sec.raw'));
      expect(info.startTimeNs).toBeNull();
      expect(info.words).toBe(518219);
      let total = 0;
      for await (const w of readWords(info)) total += w.length / 2;
      expect(total).toBe(518219);
    },
  );
});
