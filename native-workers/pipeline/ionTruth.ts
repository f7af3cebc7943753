// The per-chunk ground truth the generators keep (Timepix3: vmiStream.ts, Timepix4: generator4.ts):
// ion rows grown by doubling, the chunk's view of them, and each pixel word's ion from the readout
// order's tags.
import { ensureCapacity } from './columns';
import type { IonTruth } from './generator';

/** Tag of a staged word that is not a pixel hit (time packets, triggers). */
export const NOT_PIXEL = -2;

export function newIonTruth(capacity = 1024): IonTruth {
  return {
    n: 0,
    first: 0,
    triggerNr: new Float64Array(capacity),
    x: new Float64Array(capacity),
    y: new Float64Array(capacity),
    tof: new Float64Array(capacity),
    nHits: new Uint32Array(capacity),
  };
}

export function growIonTruth(ions: IonTruth, capacity: number): void {
  ions.triggerNr = ensureCapacity(ions.triggerNr, capacity, ions.n);
  ions.x = ensureCapacity(ions.x, capacity, ions.n);
  ions.y = ensureCapacity(ions.y, capacity, ions.n);
  ions.tof = ensureCapacity(ions.tof, capacity, ions.n);
  ions.nHits = ensureCapacity(ions.nHits, capacity, ions.n);
}

/** The valid rows, as views (valid until the next chunk). */
export function ionTruthView(ions: IonTruth): IonTruth {
  return {
    n: ions.n,
    first: ions.first,
    triggerNr: ions.triggerNr.subarray(0, ions.n),
    x: ions.x.subarray(0, ions.n),
    y: ions.y.subarray(0, ions.n),
    tof: ions.tof.subarray(0, ions.n),
    nHits: ions.nHits.subarray(0, ions.n),
  };
}

/** Writes the ion index of each pixel word among the first `nWords` tags into `hitIon` (grown as
 * needed); returns the array and the number of pixel words. */
export function pixelIons(
  tag: Float64Array,
  nWords: number,
  hitIon: Float64Array,
): { hitIon: Float64Array; np: number } {
  const out = ensureCapacity(hitIon, nWords, 0);
  let np = 0;
  for (let i = 0; i < nWords; i++) if (tag[i] !== NOT_PIXEL) out[np++] = tag[i];
  return { hitIon: out, np };
}
