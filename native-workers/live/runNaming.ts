// Names of recording runs (Decision 7): `<prefix>_<NNNN>_<YYYYMMDD-HHMM>` in local time, with the run
// index continuing from the highest one already in the folder (`.raw`, `.raw.partial` and `.json`
// files all count as taken; the first index is 0000). The naming is pure; the few file-system steps a
// recorder needs to never overwrite anything live here too: listing the folder, reserving a run by
// creating its `.raw.partial` exclusively, and a rename that refuses to replace an existing file.
import { link, mkdir, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../shared/userError';
import { describeFsError } from '../io/fsErrors';

/** Extensions whose files take a run index. */
export const RUN_EXTENSIONS = ['.raw', '.raw.partial', '.json'] as const;
/** Longest accepted prefix, so names stay well under the 255-byte limit of common file systems. */
export const MAX_PREFIX_LENGTH = 200;

/** The names of one run's files. `base` is `<prefix>_<NNNN>_<YYYYMMDD-HHMM>`. */
export interface RunNames {
  index: number;
  base: string;
  raw: string;
  partial: string;
  sidecar: string;
}

/** Checks a run prefix and returns it; throws a UserError saying what is wrong with it. */
export function validatePrefix(prefix: unknown): string {
  if (typeof prefix !== 'string' || prefix.length === 0) {
    throw new UserError('recording prefix is empty: give a name such as "run"');
  }
  if (/[/\\]/.test(prefix)) {
    throw new UserError(
      `recording prefix "${prefix}" contains a path separator: choose the folder separately`,
    );
  }
  // Control characters (NUL included) and the characters Windows forbids in file names.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f<>:"|?*]/.test(prefix)) {
    throw new UserError(`recording prefix "${prefix}" contains a character not allowed in file names`);
  }
  if (prefix === '.' || prefix === '..' || prefix.trim() !== prefix || prefix.endsWith('.')) {
    throw new UserError(`recording prefix "${prefix}" cannot start or end with spaces or end with a dot`);
  }
  if (prefix.length > MAX_PREFIX_LENGTH) {
    throw new UserError(`recording prefix is ${prefix.length} characters long; at most ${MAX_PREFIX_LENGTH}`);
  }
  return prefix;
}

/** `YYYYMMDD-HHMM` of a date in local time. */
export function formatRunStamp(date: Date): string {
  const p = (n: number, width = 2): string => String(n).padStart(width, '0');
  return (
    `${p(date.getFullYear(), 4)}${p(date.getMonth() + 1)}${p(date.getDate())}` +
    `-${p(date.getHours())}${p(date.getMinutes())}`
  );
}

/** The names of run `index` started at `date` (local time). Indices above 9999 get more digits. */
export function runNames(prefix: string, index: number, date: Date): RunNames {
  if (!(Number.isSafeInteger(index) && index >= 0)) throw new RangeError(`run index ${index} is not valid`);
  const base = `${validatePrefix(prefix)}_${String(index).padStart(4, '0')}_${formatRunStamp(date)}`;
  return { index, base, raw: `${base}.raw`, partial: `${base}.raw.partial`, sidecar: `${base}.json` };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The run index a file name takes for this prefix, or -1 when it is not one of its runs' files. */
export function runIndexOf(prefix: string, name: string): number {
  const m = new RegExp(`^${escapeRegExp(prefix)}_(\\d{4,})_.*$`).exec(name);
  if (m === null || !RUN_EXTENSIONS.some((ext) => name.endsWith(ext))) return -1;
  const index = Number(m[1]);
  return Number.isSafeInteger(index) ? index : -1;
}

/** The next free run index given a folder's file names: one past the highest taken, 0 when none. */
export function nextRunIndex(prefix: string, names: readonly string[]): number {
  let highest = -1;
  for (const name of names) highest = Math.max(highest, runIndexOf(prefix, name));
  return highest + 1;
}

/** The file names in a folder (empty when it does not exist). */
export async function listFolder(folder: string): Promise<string[]> {
  try {
    return await readdir(folder);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new UserError(`recording folder ${folder}: cannot list it (${describeFsError(err)})`);
  }
}

/** A reserved run: its names and its `.raw.partial`, created exclusively and open for writing. */
export interface ReservedRun {
  names: RunNames;
  partialPath: string;
  file: FileHandle;
}

/** Creates the folder when missing; a UserError when it cannot or when the path is not a folder. */
export async function ensureFolder(folder: string): Promise<void> {
  try {
    await mkdir(folder, { recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new UserError(`recording folder ${folder}: cannot create it (${describeFsError(err)})`);
    }
  }
  if (!(await stat(folder)).isDirectory()) throw new UserError(`recording folder ${folder} is not a folder`);
}

/**
 * Reserves the next run in `folder` (created when missing): lists it, takes the next index and creates `<run>.raw.partial`
 * with O_EXCL, so two recorders (or an existing file) can never share a file. A collision (another
 * writer created the same name meanwhile) moves on to the next index.
 */
export async function reserveRun(folder: string, prefix: string, date: Date): Promise<ReservedRun> {
  await ensureFolder(folder);
  let index = nextRunIndex(prefix, await listFolder(folder));
  for (let attempt = 0; attempt < 100; attempt++, index++) {
    const names = runNames(prefix, index, date);
    const partialPath = join(folder, names.partial);
    if ((await exists(join(folder, names.raw))) || (await exists(join(folder, names.sidecar)))) continue;
    try {
      return { names, partialPath, file: await open(partialPath, 'wx') };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new UserError(
        `recording folder ${folder}: cannot create ${names.partial} (${describeFsError(err)})`,
      );
    }
  }
  throw new UserError(`recording folder ${folder}: no free run index found after ${index}`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Renames `from` to `to` without ever replacing an existing `to`: a hard link (which fails on an
 * existing name) then unlinking `from`. File systems without hard links fall back to checking, then
 * renaming (a race only with a writer that ignores the reservation).
 */
export async function renameNoReplace(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UserError(`${to} already exists: the recording stays in ${from}`);
    if (await exists(to)) throw new UserError(`${to} already exists: the recording stays in ${from}`);
    await rename(from, to);
    return;
  }
  await unlink(from);
}
