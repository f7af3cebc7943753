// Writes a generated VMI run (pipeline/generator.ts) as a .raw file: the 8-byte start-time header,
// then the words chunk by chunk (camera 4: pipeline/generator4.ts, big-endian words, no header), so memory stays bounded whatever the run's length. The file is
// written as `<out>.partial`, fsynced and renamed, so a crash never leaves a short file under the
// final name. The write of one chunk overlaps the generation of the next (the generator alternates
// two word buffers). Optionally the ground truth goes to an HDF5 file beside it:
//
//   ions/trigger nr (int64), ions/x, ions/y (float64, pixel), ions/tof (float64, s),
//   ions/nr hits (uint32): one row per generated ion, in ion-index order (row i is ion i);
//   hits/ion (int64): one row per pixel word of the .raw file, in file order: the ion index, or -1
//   for noise and hot-pixel hits.
import { lstat, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { UserError } from '../../shared/userError';
import { createVmiGenerator, type VmiCounts, type VmiOptions } from '../pipeline/generator';
import { createVmiGenerator4 } from '../pipeline/generator4';
import { createH5File, type H5AppendFile, type H5Column } from './h5Append';

export interface GenerateRunOptions {
  /** Also write the ground truth as HDF5 here. */
  truthPath?: string;
  /** Replace existing output files. */
  force?: boolean;
  /** Camera generation: 3 (Timepix3, the default) or 4 (Timepix4). */
  camera?: 3 | 4;
  /** Called after each chunk with the bytes written so far and the fraction of the run generated. */
  onProgress?: (bytes: number, fraction: number) => void;
}

export interface GenerateRunSummary extends VmiCounts {
  path: string;
  camera: 3 | 4;
  truthPath: string | null;
  /** File size, header included. */
  bytes: number;
  seconds: number;
  startTimeNs: bigint;
}

async function exists(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => null)) !== null;
}

async function checkTarget(path: string, force: boolean): Promise<void> {
  const dir = dirname(path);
  const dirStat = await stat(dir).catch(() => null);
  if (!dirStat?.isDirectory()) throw new UserError(`cannot create ${path}: folder ${dir} does not exist`);
  const existing = await lstat(path).catch(() => null);
  if (existing?.isDirectory()) throw new UserError(`cannot create ${path}: it is a folder`);
  if (existing && !force) throw new UserError(`${path} exists; pass --force to overwrite it`);
}

async function writeAll(fh: FileHandle, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await fh.write(bytes, done, bytes.length - done);
    done += bytesWritten;
  }
}

interface TruthColumns {
  file: H5AppendFile;
  triggerNr: H5Column;
  x: H5Column;
  y: H5Column;
  tof: H5Column;
  nHits: H5Column;
  hitIon: H5Column;
}

async function createTruth(path: string, force: boolean): Promise<TruthColumns> {
  const file = await createH5File(path, { force });
  try {
    file.group('ions', { description: 'ground truth: one row per generated ion, row i is ion i' });
    file.group('hits', {
      description: 'ground truth: one row per pixel word of the raw file, in file order',
    });
    return {
      file,
      triggerNr: file.column('ions/trigger nr', 'int64'),
      x: file.column('ions/x', 'float64', { unit: 'pixel' }),
      y: file.column('ions/y', 'float64', { unit: 'pixel' }),
      tof: file.column('ions/tof', 'float64', { unit: 's' }),
      nHits: file.column('ions/nr hits', 'uint32'),
      hitIon: file.column('hits/ion', 'int64', { description: 'ion index, -1 for noise and hot pixels' }),
    };
  } catch (e) {
    file.abort();
    throw e;
  }
}

/** Generates a run into `outPath` (and its truth into `truthPath`); returns what was written. */
export async function writeGeneratedRun(
  outPath: string,
  options: VmiOptions,
  { truthPath, force = false, onProgress, camera = 3 }: GenerateRunOptions = {},
): Promise<GenerateRunSummary> {
  const out = resolve(outPath);
  const truth = truthPath === undefined ? null : resolve(truthPath);
  if (camera !== 3 && camera !== 4) throw new UserError(`camera must be 3 or 4, got ${String(camera)}`);
  // Validates the options first.
  const gen = (camera === 4 ? createVmiGenerator4 : createVmiGenerator)(options, { truth: truth !== null });
  if (truth === out) throw new UserError(`the truth file and the raw file are the same path: ${out}`);
  await checkTarget(out, force);
  if (truth) await checkTarget(truth, force);
  const partial = `${out}.partial`;
  if (!force && (await exists(partial))) {
    throw new UserError(
      `${partial} exists (an unfinished or concurrent generate?); delete it or pass --force`,
    );
  }
  const fh = await open(partial, force ? 'w' : 'wx');
  let cols: TruthColumns | null = null;
  let renamed = false;
  let pending: Promise<void> | null = null;
  try {
    if (truth) cols = await createTruth(truth, force);
    await writeAll(fh, gen.header);
    let bytes = gen.header.length;
    for (;;) {
      const chunk = gen.next(); // generated while the previous chunk is being written
      if (pending) await pending;
      pending = null;
      if (!chunk) break;
      const data = new Uint8Array(chunk.words.buffer, chunk.words.byteOffset, chunk.words.byteLength);
      pending = writeAll(fh, data);
      bytes += data.length;
      if (cols) {
        const ions = chunk.ions;
        cols.triggerNr.append(ions.triggerNr, ions.n);
        cols.x.append(ions.x, ions.n);
        cols.y.append(ions.y, ions.n);
        cols.tof.append(ions.tof, ions.n);
        cols.nHits.append(ions.nHits, ions.n);
        cols.hitIon.append(chunk.hitIon, chunk.hitIon.length);
      }
      onProgress?.(bytes, gen.fractionDone);
    }
    await fh.sync();
    await fh.close();
    const c = gen.counts;
    const o = gen.options;
    if (cols) {
      cols.file.setAttrs('', {
        generator: 'chronopix generate (velocity-map imaging model)',
        'camera generation': camera,
        'raw file': basename(out),
        seed: o.seed,
        seconds: o.seconds,
        'trigger rate': o.triggerRate,
        'ions per trigger': o.ionsPerTrigger,
        'start time ns': o.startTimeNs,
        'start longtime': o.startLongtime,
      });
      cols.file.setAttrs('ions', { 'nr ions': c.ions });
      cols.file.setAttrs('hits', { 'nr hits': c.pixels, 'nr ion hits': c.ionHits });
      await cols.file.commit();
    }
    await rename(partial, out);
    renamed = true;
    await syncDir(dirname(out));
    return {
      ...c,
      path: out,
      camera,
      truthPath: truth,
      bytes,
      seconds: o.seconds,
      startTimeNs: o.startTimeNs,
    };
  } catch (e) {
    await (pending as Promise<void> | null)?.catch(() => undefined); // never close under a write
    await fh.close().catch(() => undefined);
    if (!renamed) await rm(partial, { force: true }).catch(() => undefined);
    cols?.file.abort();
    throw e;
  }
}

/** Makes a rename durable; some platforms cannot open a folder for that, which is not an error. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => null);
  if (!handle) return;
  await handle.sync().catch(() => undefined);
  await handle.close();
}
