// The recorder against real files: the Timepix3 header and time pair of Decision 7, datagrams byte
// for byte, queue bounds, direct writes past the page cache, and the sidecar. Run names, folders and
// a disk that fills up: recorderDisk.test.ts.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectDescriptor } from '../native-workers/io/directWrite';
import { inspectRawFile, readWords } from '../native-workers/io/rawReader';
import { startRecording, type RecordingSummary } from '../native-workers/live/recorder';
import { Tpx3Decoder, newDecodedBatch } from '../native-workers/pipeline/tpx3Decoder';
import { SeededRandom } from '../native-workers/pipeline/seededRandom';
import {
  LONGTIME,
  NOW_NS,
  SETTINGS,
  concat,
  options,
  pixelDatagram,
  readJson,
  useRecordingFolders,
} from './recorderTestKit';

const { freshFolder } = useRecordingFolders();

function randomDatagram(rng: SeededRandom, bytes: number): Uint8Array {
  const d = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) d[i] = rng.int(256);
  return d;
}

describe('recording layout (Decision 7)', () => {
  it('writes header = now - longtime x 25 ns, then the time pair that decodes to the longtime', async () => {
    const rec = await startRecording(options(freshFolder()));
    const datagrams = [pixelDatagram(1, 100), pixelDatagram(2, 50)];
    for (const d of datagrams) expect(rec.write(d)).toBe(true);
    const summary = await rec.stop();
    expect(summary.dataOffset).toBe(24);
    const bytes = readFileSync(summary.rawPath);
    expect(bytes.readBigUInt64LE(0)).toBe(NOW_NS - BigInt(LONGTIME) * 25n);
    const info = await inspectRawFile(summary.rawPath);
    expect(info.startTimeNs).toBe(NOW_NS - BigInt(LONGTIME) * 25n);
    expect(info.words).toBe(2 + 150);
    // The words after the header in 'file' mode: the pair sets the longtime, so no pixel is dropped.
    const decoder = new Tpx3Decoder({ orientation: 'Up', offsetX: 0, offsetY: 0, timeMode: 'file' });
    const out = newDecodedBatch();
    let pixels = 0;
    for await (const words of readWords(info)) {
      decoder.decode(words, out);
      pixels += out.hits.n;
    }
    expect(decoder.time.longtime).toBe(LONGTIME);
    expect(decoder.counts.timeLsb).toBe(1);
    expect(decoder.counts.timeMsb).toBe(1);
    expect(decoder.counts.droppedBeforeTime).toBe(0);
    expect(pixels).toBe(150);
    expect(new Uint8Array(bytes.subarray(24))).toEqual(concat(datagrams));
  });

  it('without a global time: header = time of day, no pair', async () => {
    const rec = await startRecording(options(freshFolder(), { longtime: null }));
    rec.write(pixelDatagram(3, 10));
    const summary = await rec.stop();
    const bytes = readFileSync(summary.rawPath);
    expect(summary.dataOffset).toBe(8);
    expect(bytes.length).toBe(8 + 80);
    expect(bytes.readBigUInt64LE(0)).toBe(NOW_NS);
    const sidecar = readJson(summary.sidecarPath);
    expect(sidecar.startTimeNs).toBe(NOW_NS.toString());
    expect(sidecar.layout).toMatchObject({ headerBytes: 8, timePairBytes: 0, timePair: null, dataOffset: 8 });
  });

  it('Timepix4: no header, the start time in the sidecar', async () => {
    const rec = await startRecording(options(freshFolder(), { generation: 4 }));
    const d = randomDatagram(new SeededRandom(4), 800);
    rec.write(d);
    const summary = await rec.stop();
    expect(summary.dataOffset).toBe(0);
    expect(new Uint8Array(readFileSync(summary.rawPath))).toEqual(d);
    const sidecar = readJson(summary.sidecarPath);
    expect(sidecar).toMatchObject({
      generation: 4,
      startTimeNs: (NOW_NS - BigInt(LONGTIME) * 25n).toString(),
    });
    expect(sidecar.layout).toMatchObject({ headerBytes: 0, timePairBytes: 0, dataOffset: 0 });
  });

  it('records datagrams byte for byte across batches, skipping and counting odd lengths', async () => {
    const rng = new SeededRandom(7);
    const rec = await startRecording(options(freshFolder(), { batchBytes: 64 << 10, queueBytes: 64 << 20 }));
    const kept: Uint8Array[] = [];
    let odd = 0;
    let oddBytes = 0;
    for (let i = 0; i < 600; i++) {
      // Mostly jumbo-frame sized, some larger than a batch, every 10th one not whole words.
      const size =
        i % 10 === 3 ? 8 * (1 + (i % 1100)) + 1 + (i % 7) : i % 97 === 0 ? 100_000 : 8 * (1 + (i % 1125));
      const d = randomDatagram(rng, size);
      const accepted = rec.write(d);
      expect(accepted).toBe(size % 8 === 0);
      if (accepted) kept.push(d);
      else {
        odd++;
        oddBytes += size;
      }
    }
    const summary = await rec.stop();
    expect(summary.state).toBe('stopped');
    expect(summary.error).toBeNull();
    const expected = concat(kept);
    const bytes = readFileSync(summary.rawPath);
    expect(bytes.length).toBe(24 + expected.length);
    expect(new Uint8Array(bytes.subarray(24)).every((b, i) => b === expected[i])).toBe(true);
    expect(summary.stats).toMatchObject({
      state: 'stopped',
      datagrams: kept.length,
      bytes: expected.length,
      bytesWritten: expected.length,
      oddLength: odd,
      oddLengthBytes: oddBytes,
      droppedQueueFull: 0,
      queueUsedBytes: 0,
    });
    expect(summary.fileBytes).toBe(bytes.length);
    expect(existsSync(summary.rawPath + '.partial')).toBe(false);
    expect(rec.write(new Uint8Array(8))).toBe(false);
    expect(rec.stats().rejectedNotRecording).toBe(1);
    expect(await rec.stop()).toBe(summary);
  });

  it('hands a partly filled batch to the disk within the flush interval: the .partial is readable', async () => {
    const rec = await startRecording(options(freshFolder(), { flushIntervalMs: 20 }));
    rec.write(pixelDatagram(5, 64));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(readFileSync(rec.partialPath).length).toBe(24 + 512);
    expect(rec.stats().bytesWritten).toBe(512);
    // Were the process to die now, the .partial is a readable raw file.
    expect(await inspectRawFile(rec.partialPath)).toMatchObject({ words: 2 + 64, truncatedBytes: 0 });
    await rec.stop();
  });

  it('drops and counts datagrams beyond the queue bound without blocking', async () => {
    const rec = await startRecording(options(freshFolder(), { queueBytes: 64 << 10, batchBytes: 16 << 10 }));
    const all = Array.from({ length: 20 }, (_, i) => pixelDatagram(i, 1024)); // 8 KB each
    // In one tick the writer cannot free anything: four 16 KB batches, the first of which ends at
    // file offset 16 KB (after the 24-byte header), hold 64 KB - 24 bytes: 7 datagrams.
    const accepted = all.map((d) => rec.write(d));
    expect(accepted).toEqual(all.map((_, i) => i < 7));
    expect(rec.stats()).toMatchObject({
      droppedQueueFull: 13,
      droppedQueueFullBytes: 13 * 8192,
      queueFreeBytes: 0,
    });
    const summary = await rec.stop();
    expect(new Uint8Array(readFileSync(summary.rawPath).subarray(24))).toEqual(concat(all.slice(0, 7)));
  });
});

describe('writes past the page cache (O_DIRECT)', () => {
  /** Whether this test folder's file system takes direct writes (tmpfs before Linux 6.6 does not). */
  async function directSupported(folder: string): Promise<boolean> {
    mkdirSync(folder, { recursive: true });
    const probe = join(folder, 'probe');
    writeFileSync(probe, '');
    const direct = await DirectDescriptor.open(probe);
    const on = direct.on;
    await direct.close();
    return on;
  }

  /** Datagrams of 8 B..9 KB arriving in bursts with pauses longer than the flush interval, so that
   * part-full batches (page cache) and full ones (direct) alternate. */
  async function record(
    folder: string,
    direct: boolean,
  ): Promise<{ summary: RecordingSummary; sent: Uint8Array }> {
    const rng = new SeededRandom(11);
    const rec = await startRecording(options(folder, { batchBytes: 64 << 10, flushIntervalMs: 5, direct }));
    const sent: Uint8Array[] = [];
    for (let burst = 0; burst < 6; burst++) {
      for (let i = 0; i < 150; i++) {
        const d = randomDatagram(rng, 8 * (1 + rng.int(1152)));
        expect(rec.write(d)).toBe(true);
        sent.push(d);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return { summary: await rec.stop(), sent: concat(sent) };
  }

  it('gives the same file as page-cache writes, full batches written directly', async (ctx) => {
    const a = freshFolder();
    if (!(await directSupported(a))) ctx.skip(`${a}: this file system refuses O_DIRECT`);
    const direct = await record(a, true);
    const buffered = await record(freshFolder(), false);
    const bytes = readFileSync(direct.summary.rawPath);
    expect(bytes.length).toBe(24 + direct.sent.length);
    expect(Buffer.compare(bytes.subarray(24), direct.sent)).toBe(0);
    expect(Buffer.compare(bytes, readFileSync(buffered.summary.rawPath))).toBe(0);
    // Most of it went direct, in whole 4 KB blocks; the part-full batches did not.
    const { directBytes, bytesWritten } = direct.summary.stats;
    expect(directBytes % 4096).toBe(0);
    expect(directBytes).toBeGreaterThan(0.8 * bytesWritten);
    expect(directBytes).toBeLessThan(bytesWritten);
    expect(buffered.summary.stats.directBytes).toBe(0);
    expect(direct.summary.stats).toMatchObject({ datagrams: 900, droppedQueueFull: 0, oddLength: 0 });
  });
});

describe('the sidecar', () => {
  it('is written at start and rewritten at stop with the counters', async () => {
    const rec = await startRecording(options(freshFolder()));
    const atStart = readJson(rec.sidecarPath);
    expect(atStart).toMatchObject({
      format: 'chronopix-recording',
      run: rec.names.base,
      raw: rec.names.raw,
      runIndex: 0,
      generation: 3,
      state: 'recording',
      error: null,
      recordingStartNs: NOW_NS.toString(),
      startTimeNs: (NOW_NS - BigInt(LONGTIME) * 25n).toString(),
      longtimeAtStart: LONGTIME,
      settings: SETTINGS,
      counters: null,
      layout: { headerBytes: 8, timePairBytes: 16, dataOffset: 24 },
    });
    expect(String((atStart.layout as Record<string, unknown>).timePair)).toMatch(/0x4\/0x4 \+ 0x4\/0x5/);
    rec.write(pixelDatagram(1, 3));
    rec.write(new Uint8Array(13));
    const summary = await rec.stop();
    const atStop = readJson(summary.sidecarPath);
    expect(atStop).toMatchObject({ state: 'stopped', error: null, settings: SETTINGS });
    expect(atStop.counters).toMatchObject({
      datagrams: 1,
      bytes: 24,
      bytesWritten: 24,
      oddLength: 1,
      oddLengthBytes: 13,
      droppedQueueFull: 0,
      fileBytes: 48,
      lostDatagrams: 0,
      lostBytes: 0,
    });
    expect(atStop.durationS).toBe(summary.durationS);
    expect(BigInt(String(atStop.stoppedAtNs))).toBeGreaterThanOrEqual(NOW_NS);
    expect(existsSync(summary.sidecarPath + '.tmp')).toBe(false);
  });
});
