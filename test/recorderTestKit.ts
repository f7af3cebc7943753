// Test helpers shared by recorder.test.ts and recorderDisk.test.ts: fresh folders, recording
// options at a fixed time and longtime, pixel datagrams, and reading back what was written.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RecordingOptions } from '../native-workers/live/recorder';
import { writePixel } from '../native-workers/pipeline/tpx3Encoder';
import { useTmpDir } from './tmpDir';

/** A temporary root folder for this test file, removed afterwards, and a new folder name in it per call. */
export function useRecordingFolders(): { root: string; freshFolder: () => string } {
  const root = useTmpDir('chronopix-rec-');
  let folders = 0;
  return { root, freshFolder: () => join(root, `f${folders++}`) };
}

export const NOW_NS = 1_741_064_760_123_456_789n; // 2025-03-04, well inside Decision 5's range
export const LONGTIME = 0x1234_5678_9abc; // 48 bits: both halves of the time pair matter
export const SETTINGS = { chip: 'W0028_H06', bias: 50, thresholds: [1, 2, 3] };

export function options(folder: string, more: Partial<RecordingOptions> = {}): RecordingOptions {
  return {
    folder,
    prefix: 'run',
    generation: 3,
    nowNs: NOW_NS,
    longtime: LONGTIME,
    settings: SETTINGS,
    ...more,
  };
}

/** Datagrams of valid Timepix3 pixel words, each one different. */
export function pixelDatagram(seq: number, words: number): Uint8Array {
  const w = new Uint32Array(2 * words);
  for (let i = 0; i < words; i++)
    writePixel(w, i, (seq + i) & 255, (seq * 7 + i) & 255, seq * 1000 + i, i & 15, 25);
  return new Uint8Array(w.buffer);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}
