// The sidecar of a recording, `<run>.json` beside `<run>.raw` (Decision 7), and the small durable-file
// helpers the recorder needs. The sidecar is written at start (settings, start time, file layout) and
// rewritten at stop (counters, end state, error). Both writes are atomic (a synced `.json.tmp`, then a
// rename, then an fsync of the folder). The start version is padded with spaces to leave room, so that
// when the disk is full at stop (the usual reason a recording fails) the final version can still be
// written in place over those already allocated bytes, where a temporary file would not fit.
import { open, rename, unlink } from 'node:fs/promises';
import { renameNoReplace, type RunNames } from './runNaming';

const PAGE = 4096;

/** What the sidecar says about a run from its start. */
export interface SidecarRun {
  names: RunNames;
  prefix: string;
  generation: 3 | 4;
  /** Wall clock at recording start, ns since the epoch. */
  nowNs: bigint;
  longtime: number | null;
  /** The wall-clock ns at which the camera timer read zero (the Timepix3 header's value). */
  timerZeroNs: bigint;
  /** Bytes before the first datagram: 24 (header + time pair), 8 (header only), 0 (Timepix4). */
  dataOffset: number;
  settings: Record<string, unknown>;
  /** The camera's state at recording start, or null when no camera is driven (emulator, UDP only). */
  camera?: Record<string, unknown> | null;
}

/** What it adds at stop. */
export interface SidecarEnd {
  state: 'stopped' | 'failed';
  error: string | null;
  durationS: number;
  counters: Record<string, number | string>;
}

/** The sidecar's JSON value; ns values are decimal strings (they exceed 2^53). */
export function sidecarContent(run: SidecarRun, end: SidecarEnd | null): Record<string, unknown> {
  const { names, generation, longtime, nowNs, dataOffset } = run;
  const hasPair = generation === 3 && dataOffset === 24;
  return {
    format: 'chronopix-recording',
    version: 1,
    run: names.base,
    raw: names.raw,
    runIndex: names.index,
    prefix: run.prefix,
    generation,
    /** 'recording' while running: a sidecar still saying so after the fact marks an interrupted run. */
    state: end === null ? 'recording' : end.state,
    error: end?.error ?? null,
    recordingStartNs: nowNs.toString(),
    recordingStart: new Date(Number(nowNs / 1_000_000n)).toISOString(),
    startTimeNs: run.timerZeroNs.toString(),
    startTimeMeaning:
      longtime === null
        ? 'wall-clock ns at recording start (no camera global time was known)'
        : 'wall-clock ns at which the camera timer read zero (recording start - longtime x 25 ns)',
    longtimeAtStart: longtime,
    layout: {
      headerBytes: generation === 3 ? 8 : 0,
      header: generation === 3 ? 'startTimeNs as uint64 little-endian' : null,
      timePairBytes: hasPair ? 16 : 0,
      timePair: hasPair
        ? '0x4/0x4 + 0x4/0x5 words carrying longtimeAtStart, as a timer read writes them'
        : null,
      dataOffset,
      data: 'the datagrams byte for byte (little-endian uint64 words)',
    },
    settings: run.settings,
    camera: run.camera ?? null,
    stoppedAtNs: end === null ? null : (nowNs + BigInt(Math.round(end.durationS * 1e9))).toString(),
    durationS: end?.durationS ?? null,
    counters: end?.counters ?? null,
  };
}

/**
 * Creates the sidecar (never replacing a file) with room to spare; returns its size in bytes, the
 * room a later in-place rewrite may use.
 */
export async function createSidecar(path: string, value: Record<string, unknown>): Promise<number> {
  const text = JSON.stringify(value, null, 2);
  const reserve = Math.ceil((Buffer.byteLength(text) + 2 * PAGE) / PAGE) * PAGE;
  const tmp = `${path}.tmp`;
  try {
    await writeSynced(tmp, padTo(text, reserve), 'wx');
    await renameNoReplace(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  return reserve;
}

/** Rewrites the sidecar atomically; on failure (disk full), in place within `reserve` bytes. */
export async function rewriteSidecar(
  path: string,
  value: Record<string, unknown>,
  reserve: number,
): Promise<void> {
  const text = JSON.stringify(value, null, 2);
  const tmp = `${path}.tmp`;
  try {
    await writeSynced(tmp, text + '\n', 'w');
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    if (Buffer.byteLength(text) >= reserve) throw err;
    await writeSynced(path, padTo(text, reserve), 'r+');
  }
}

/** The text, then spaces and a newline up to exactly `bytes` bytes of UTF-8 (still valid JSON). */
function padTo(text: string, bytes: number): string {
  return text + ' '.repeat(Math.max(0, bytes - Buffer.byteLength(text) - 1)) + '\n';
}

async function writeSynced(path: string, text: string, flags: 'w' | 'wx' | 'r+'): Promise<void> {
  const fh = await open(path, flags);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** fsync of a folder, so that a create or rename in it survives a power cut (not on Windows). */
export async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fh = await open(folder, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
