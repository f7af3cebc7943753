// Decode rates: a raw file is loaded into memory in 4 MB chunks (so the disk is not measured), then
// decoded as the pipeline does it (Tpx3Decoder in slices), decoded and built into event rows
// (DecodeEventsStage, rows used in place or copied out for the writer), and, for Timepix4, a
// synthetic stream decoded by Tpx4Decoder. Each rate goes to the table as a row.
import { readFileSync } from 'node:fs';
import type { EventBatch } from '../shared/batches';
import { DECODE_SLICE, DecodeEventsStage } from '../native-workers/stages/stages';
import { FILE_DECODE_CONFIG } from '../test/stageConfigs';
import { type DecodedBatch, Tpx3Decoder, newDecodedBatch } from '../native-workers/pipeline/tpx3Decoder';
import { Tpx4Decoder, newTpx4Batch } from '../native-workers/pipeline/tpx4Decoder';
import { writeTpx4Heartbeat, writeTpx4Pixel } from '../native-workers/pipeline/tpx4Encoder';
import { RUNS } from './benchConfig';
import { add, best } from './benchTable';
import { SeededRandom } from '../native-workers/pipeline/seededRandom';

/** Whole words of a raw file, in 4 MB chunks, loaded into memory (so decoding is measured, not disk). */
export function loadChunks(path: string): { chunks: Uint32Array[]; words: number } {
  const bytes = readFileSync(path);
  const offset = bytes.readBigUInt64LE(0) >> 60n === 1n ? 8 : 0;
  const whole = bytes.byteLength - offset - ((bytes.byteLength - offset) % 8);
  const copy = new Uint8Array(whole);
  copy.set(bytes.subarray(offset, offset + whole));
  const chunks: Uint32Array[] = [];
  const step = 4 << 20;
  for (let at = 0; at < whole; at += step)
    chunks.push(new Uint32Array(copy.buffer, at, Math.min(step, whole - at) / 4));
  return { chunks, words: whole / 8 };
}

export const newFileDecoder = (): Tpx3Decoder =>
  new Tpx3Decoder({ orientation: 'Up', offsetX: 0, offsetY: 0, timeMode: 'file' });

/** One pass of `d` over the chunks as the pipeline decodes (DecodeEventsStage): 4 MB chunks in
 * slices of DECODE_SLICE packets, whose hit columns stay in the core's cache for the next step.
 * Returns the decoder's pixel count. */
function decodePass(d: Tpx3Decoder, out: DecodedBatch, chunks: Uint32Array[]): number {
  for (const c of chunks)
    for (let at = 0; at < c.length; at += 2 * DECODE_SLICE)
      d.decode(c.subarray(at, at + 2 * DECODE_SLICE), out);
  return d.counts.pixels;
}

/** One pass of `stage` over the chunks with the rows used in place (DecodeEventsStage.buildInPlace,
 * as the live pipeline and the file browser use them), then the end of stream. Returns the rows. */
function buildPass(stage: DecodeEventsStage, chunks: Uint32Array[]): number {
  let rowsOut = 0;
  for (const c of chunks) stage.buildInPlace(c, (out) => (rowsOut += out.events.n));
  return rowsOut + stage.handle({ finish: true }).events.n;
}

export function benchDecode(label: string, path: string, warmToo = false): void {
  const { chunks, words } = loadChunks(path);
  const decode = best(RUNS, () => decodePass(newFileDecoder(), newDecodedBatch(), chunks));
  const rate = words / decode.seconds / 1e6;
  // A small file's first pass is mostly its fresh decoder's and event kernel's one-off costs
  // (benchDecodeWarm): its rates are shown, and the targets, which are rates, go to the warm rows.
  const fresh = warmToo ? ', a fresh decoder' : '';
  add({
    stage: `decode (${label}, ${(words / 1e6).toFixed(1)} M packets, in slices of ${DECODE_SLICE}${fresh})`,
    value: `${rate.toFixed(0)} M packets/s`,
    target: warmToo ? '' : '>= 300 M/s',
    reference: '8.6 M/s',
    ratio: `${(rate / 8.6).toFixed(0)}x`,
  });
  // Decode + events as the engine runs them in one thread (rows assigned every ASSIGN_SLICES slices
  // and used in the kernel's memory), trigger edges included.
  const inPlace = best(RUNS, () => buildPass(new DecodeEventsStage(FILE_DECODE_CONFIG), chunks));
  const irate = words / inPlace.seconds / 1e6;
  add({
    stage: `decode + events (${label}, ${(inPlace.result / 1e6).toFixed(2)} M rows, used in place${fresh && ', a fresh stage'})`,
    value: `${irate.toFixed(0)} M packets/s`,
    target: warmToo ? '' : '>= 150 M/s',
  });
  if (warmToo) benchDecodeWarm(label, chunks, words);
  // The converter's stage: the same, plus the rows copied out into columns that can be transferred
  // to the writer thread (recycled, as the converter hands them back).
  const events = best(RUNS, () => {
    const stage = new DecodeEventsStage(FILE_DECODE_CONFIG);
    let rowsOut = 0;
    let recycle: EventBatch | undefined;
    for (const c of chunks) {
      recycle = stage.handle({ words: c, recycle }).events;
      rowsOut += recycle.n;
    }
    return rowsOut + stage.handle({ finish: true }).events.n;
  });
  const erate = words / events.seconds / 1e6;
  add({
    stage: `decode + events, rows copied out for the writer (${label}, converter stage)`,
    value: `${erate.toFixed(0)} M packets/s`,
  });
}

/**
 * A small file's rates above include one-off costs of a fresh decoder and event stage: the first
 * touch of their kernels' memory (page faults: about 0.5 ms and 3 ms for out_5sec.raw's 0.5 M
 * packets, most of the event stage's time). Here the same decoder and stage go over the file a
 * second time (the same packets: it decodes to the same hits and rows), as they go over every
 * chunk after the first of a longer run or stream: the rate per packet, which the targets name.
 * The one-off costs count in the whole conversion's time (benchOut5sec).
 */
function benchDecodeWarm(label: string, chunks: Uint32Array[], words: number): void {
  const d = newFileDecoder();
  const out = newDecodedBatch();
  const pass = (): number => decodePass(d, out, chunks);
  pass();
  // Passes of a few ms: best of more runs, or one collection decides the row.
  const runs = Math.max(RUNS, 10);
  const decode = best(runs, pass);
  add({
    stage: `decode (${label}), its decoder warm (a second pass)`,
    value: `${(words / decode.seconds / 1e6).toFixed(0)} M packets/s`,
    target: '>= 300 M/s',
  });
  const stage = new DecodeEventsStage(FILE_DECODE_CONFIG);
  const build = (): number => buildPass(stage, chunks);
  const rows = build();
  const inPlace = best(runs, build);
  if (inPlace.result !== rows) throw new Error(`a second pass gave ${inPlace.result} rows, not ${rows}`);
  add({
    stage: `decode + events (${label}), the stage warm (a second pass, same ${(rows / 1e6).toFixed(2)} M rows)`,
    value: `${(words / inPlace.seconds / 1e6).toFixed(0)} M packets/s`,
    target: '>= 150 M/s',
  });
}

/** Timepix4 decode on a synthetic stream: a heartbeat every 1024 words, pixel hits in between. */
export function benchTpx4Decode(): void {
  const words = 16 << 20;
  const bytes = new Uint8Array(words * 8);
  const rng = new SeededRandom(12345);
  const rnd = (n: number): number => rng.int(n);
  let tick = 1000;
  for (let i = 0; i < words; i++) {
    if (i % 1024 === 0) {
      tick += 400;
      writeTpx4Heartbeat(bytes, i, tick);
      continue;
    }
    writeTpx4Pixel(bytes, i, {
      x: rnd(448),
      y: rnd(512),
      tick: tick + rnd(400),
      ftoaRise: rnd(32),
      ftoaFall: rnd(32),
      uftStart: 0x0f,
      uftStop: 0x0e,
      totRaw: rnd(2048),
      pileup: 0,
    });
  }
  const chunk = 1 << 20;
  const { seconds, result } = best(RUNS, () => {
    const d = new Tpx4Decoder({});
    const out = newTpx4Batch();
    for (let at = 0; at < bytes.length; at += chunk) d.decode(bytes.subarray(at, at + chunk), out);
    return d.counts.pixels;
  });
  const rate = words / seconds / 1e6;
  add({
    stage: `Timepix4 decode (${(words / 1e6).toFixed(1)} M words, ${(result / 1e6).toFixed(1)} M pixels)`,
    value: `${rate.toFixed(0)} M packets/s`,
    target: '>= 250 M/s',
  });
}
