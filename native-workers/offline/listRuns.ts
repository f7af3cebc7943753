// A folder of recordings for the offline browser: its `.raw` and `.raw.partial` files (not
// recursive), newest first, each with what is known without reading it through: size, time, camera
// generation (rawReader's check of the first words), and from the recording's sidecar
// (`<base>.json`, recordingSidecar.ts) its start time and duration; else the header's start time.
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunListing } from '../../shared/offlineApi';
import { UserError } from '../../shared/userError';
import { inspectRawFile } from '../io/rawReader';
import { describeFsError } from '../io/fsErrors';

/** `<base>` of `<base>.raw` or `<base>.raw.partial`; null for other names. */
export function runBase(name: string): string | null {
  if (name.endsWith('.raw.partial')) return name.slice(0, -'.raw.partial'.length);
  if (name.endsWith('.raw')) return name.slice(0, -'.raw'.length);
  return null;
}

/** What a sidecar says that a listing uses; nulls where it says nothing usable. */
export interface SidecarInfo {
  startTime: string | null;
  durationS: number | null;
  packets: Record<string, number> | null;
}

/** Reads the fields of a sidecar's JSON text; never throws (a bad sidecar is as good as none). */
export function parseSidecar(text: string): SidecarInfo | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  let startTime: string | null = null;
  if (typeof o.recordingStart === 'string' && !Number.isNaN(Date.parse(o.recordingStart))) {
    startTime = new Date(o.recordingStart).toISOString();
  } else if (typeof o.startTimeNs === 'string' && /^\d+$/.test(o.startTimeNs)) {
    startTime = new Date(Number(BigInt(o.startTimeNs) / 1_000_000n)).toISOString();
  }
  const durationS = typeof o.durationS === 'number' && Number.isFinite(o.durationS) ? o.durationS : null;
  let packets: Record<string, number> | null = null;
  if (o.packets && typeof o.packets === 'object') {
    const entries = Object.entries(o.packets).filter(([, n]) => typeof n === 'number');
    if (entries.length > 0) packets = Object.fromEntries(entries) as Record<string, number>;
  }
  return { startTime, durationS, packets };
}

/** Lists the runs of a folder, newest first (by modification time, then name). */
export async function listRunFiles(folder: string): Promise<RunListing[]> {
  let names: string[];
  try {
    const st = await stat(folder);
    if (!st.isDirectory())
      throw new UserError(`${folder} is a file, not a folder: choose the folder holding the .raw files`);
    names = await readdir(folder);
  } catch (err) {
    if (err instanceof UserError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UserError(`folder ${folder} does not exist: choose an existing folder of .raw files`);
    }
    throw new UserError(`folder ${folder}: cannot list it (${describeFsError(err)}): choose another folder`);
  }
  const listings = await Promise.all(
    names.map(async (name): Promise<RunListing | null> => {
      const base = runBase(name);
      if (base === null) return null;
      const path = join(folder, name);
      const st = await stat(path).catch(() => null);
      if (!st?.isFile()) return null;
      // An empty or foreign file is listed as Timepix3 without a start time rather than hidden.
      const info = await inspectRawFile(path).catch(() => null);
      const sidecarText = await readFile(join(folder, `${base}.json`), 'utf8').catch(() => null);
      const sidecar = sidecarText === null ? null : parseSidecar(sidecarText);
      const headerStart =
        info?.startTimeNs != null ? new Date(Number(info.startTimeNs / 1_000_000n)).toISOString() : null;
      return {
        path,
        name,
        bytes: st.size,
        modifiedMs: st.mtimeMs,
        camera: info?.generation ?? 3,
        startTime: sidecar?.startTime ?? headerStart,
        durationS: sidecar?.durationS ?? null,
        packets: sidecar?.packets ?? null,
        partial: name.endsWith('.raw.partial'),
      };
    }),
  );
  return listings
    .filter((l): l is RunListing => l !== null)
    .sort((a, b) => b.modifiedMs - a.modifiedMs || b.name.localeCompare(a.name));
}
