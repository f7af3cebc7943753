// Event rows in the types of the converter's raw/ datasets (timepix3-format.md: trigger nr uint64,
// x and y uint8 for one Timepix3 chip without offset, else uint16), made by the decode stage in its
// own thread: the writer's thread then only writes them (H5Column takes values of its own type as
// they are, whole chunks without a copy). Columns are refilled when handed back, not reallocated.
import type { EventBatch } from '../../shared/batches';
import { narrow16, split64 } from './columnsKernel';

export type RawCoordinates = 'uint8' | 'uint16';

export interface RawTypedRows {
  n: number;
  triggerNr: BigUint64Array;
  x: Uint8Array | Uint16Array;
  y: Uint8Array | Uint16Array;
}

/** The raw/ columns of `ev` (its tof and tot are written as they are), in `reuse` if it fits. */
export function rawTypedRows(
  ev: EventBatch,
  coordinates: RawCoordinates,
  reuse?: RawTypedRows,
): RawTypedRows {
  const n = ev.n;
  const fits = reuse && reuse.triggerNr.length >= n && (coordinates === 'uint16' || reuse.x.length >= n);
  const capacity = Math.max(n, 1024);
  const out: RawTypedRows = fits
    ? reuse
    : {
        n: 0,
        triggerNr: new BigUint64Array(capacity),
        x: coordinates === 'uint8' ? new Uint8Array(capacity) : ev.x,
        y: coordinates === 'uint8' ? new Uint8Array(capacity) : ev.y,
      };
  out.n = n;
  const words = new Uint32Array(out.triggerNr.buffer, out.triggerNr.byteOffset, 2 * n);
  const nr = ev.triggerNr.subarray(0, n);
  // Trigger numbers are integers >= 0: those from 2^32 on (past the kernel's fast path) as two halves.
  split64(nr, words, (i) => {
    words[2 * i] = nr[i] >>> 0;
    words[2 * i + 1] = Math.floor(nr[i] / 2 ** 32);
  });
  if (coordinates === 'uint16') {
    out.x = ev.x;
    out.y = ev.y;
    return out;
  }
  const max = Math.max(
    narrow16(ev.x.subarray(0, n), out.x.subarray(0, n) as Uint8Array),
    narrow16(ev.y.subarray(0, n), out.y.subarray(0, n) as Uint8Array),
  );
  if (max > 255) throw new RangeError(`raw/x, raw/y: coordinate ${max} does not fit uint8`);
  return out;
}
