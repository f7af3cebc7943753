// Timepix4 hits as the event builder wants them: the one Timepix4 decoder (tpx4Decoder.ts), then the
// settings that shape hits, applied in place on its batch, in this order:
//   1. trigger pixels (when configured): their hits leave the hit stream and become trigger edges,
//      replacing the signal packets as the trigger source (shared/docs/timepix4-format.md, Triggers);
//   2. hit time-walk table (as the Timepix3 decoder: toa -= lut[floor(tot / 25 ns) - 1], clamped);
//   3. orientation (rotations of the 448 x 512 sensor, so Left and Right give a 512 x 448 image) and
//      the position offset.
// Used by the converter's decode stage and the live pipeline, so both shape hits identically.
import { assertNever } from '../../shared/assertNever';
import type { TriggerEdges } from '../../shared/batches';
import type { Orientation } from '../../shared/processingSettings';
import { newTriggerEdges, pushEdge } from './hitColumns';
import { Tpx4Decoder, type Tpx4Batch, type Tpx4DecoderConfig, newTpx4Batch } from './tpx4Decoder';

export const TPX4_SENSOR_WIDTH = 448;
export const TPX4_SENSOR_HEIGHT = 512;
export const TPX4_PIXELS = TPX4_SENSOR_WIDTH * TPX4_SENSOR_HEIGHT;

export type Tpx4TriggerSource = 'signal packets' | 'trigger pixels';

export interface Tpx4HitsConfig extends Tpx4DecoderConfig {
  orientation?: Orientation;
  offsetX?: number;
  offsetY?: number;
  /** Hit time-walk table: entry i is the correction in s for ToT (i + 1) * 25 ns. */
  hitLut?: Float64Array;
  /**
   * Trigger pixels as indices x + 448 * y in decoded sensor coordinates (before orientation). When
   * any are given they are the trigger source: the first one's hits are trigger 1 (rising edge at
   * the hit's toa, falling edge at toa + ToT, stored negative; the rising edges define events), the
   * others' hits are trigger 2 the same way. Their hits are removed from the hit stream, and signal
   * packets are only counted. Empty or absent: signal packets are the triggers.
   */
  triggerPixels?: readonly number[];
}

/** The shaped batch: hits, trigger 1 edges, event triggers (rising edges) and trigger 2 edges. */
export interface Tpx4HitsBatch extends Tpx4Batch {
  trigger2: TriggerEdges;
}

/** The sensor's size after orientation, [width, height]. */
export function tpx4SensorSize(orientation: Orientation = 'Up'): [number, number] {
  return orientation === 'Left' || orientation === 'Right'
    ? [TPX4_SENSOR_HEIGHT, TPX4_SENSOR_WIDTH]
    : [TPX4_SENSOR_WIDTH, TPX4_SENSOR_HEIGHT];
}

/** Checks trigger pixel indices (a UserError-worthy message, or null). */
export function triggerPixelProblem(pixels: readonly number[]): string | null {
  for (const p of pixels) {
    if (!Number.isInteger(p) || p < 0 || p >= TPX4_PIXELS)
      return `trigger pixel ${p} is not a pixel index x + 448 * y in 0..${TPX4_PIXELS - 1}`;
  }
  if (new Set(pixels).size !== pixels.length) return 'trigger pixels must be distinct';
  return null;
}

export class Tpx4Hits {
  readonly decoder: Tpx4Decoder;
  readonly batch: Tpx4HitsBatch = { ...newTpx4Batch(), trigger2: newTriggerEdges() };
  /** Hits removed as trigger pixel edges (trigger 1, trigger 2) over the run. */
  readonly triggerPixelHits = [0, 0];
  readonly triggerSource: Tpx4TriggerSource;
  /** Per pixel (decoded coordinates): 0 a plain pixel, 1 trigger 1, 2 trigger 2. */
  private readonly triggerOf: Uint8Array | null = null;

  constructor(private readonly config: Tpx4HitsConfig = {}) {
    this.decoder = new Tpx4Decoder(config);
    const pixels = config.triggerPixels ?? [];
    const problem = triggerPixelProblem(pixels);
    if (problem) throw new RangeError(problem);
    this.triggerSource = pixels.length > 0 ? 'trigger pixels' : 'signal packets';
    if (pixels.length > 0) {
      this.triggerOf = new Uint8Array(TPX4_PIXELS);
      pixels.forEach((p, i) => (this.triggerOf![p] = i === 0 ? 1 : 2));
    }
  }

  /** Decodes whole big-endian words and shapes the hits; the batch is reused by the next call. */
  decode(bytes: Uint8Array): Tpx4HitsBatch {
    const b = this.batch;
    this.decoder.decode(bytes, b);
    b.trigger2.n = 0;
    if (this.triggerOf) this.takeTriggerPixels(b, this.triggerOf);
    if (this.config.hitLut) applyTimewalk(b, this.config.hitLut);
    orient(b, this.config.orientation ?? 'Up', this.config.offsetX ?? 0, this.config.offsetY ?? 0);
    return b;
  }

  private takeTriggerPixels(b: Tpx4HitsBatch, triggerOf: Uint8Array): void {
    // The signal packets are not the trigger source: their edges are dropped (still counted).
    b.trigger1.n = 0;
    b.triggers.n = 0;
    const h = b.hits;
    const { x, y, toa, tot } = h;
    const totNs = b.totNs;
    let kept = 0;
    for (let i = 0; i < h.n; i++) {
      const which = triggerOf[x[i] + TPX4_SENSOR_WIDTH * y[i]];
      if (which === 0) {
        if (kept !== i) {
          x[kept] = x[i];
          y[kept] = y[i];
          toa[kept] = toa[i];
          tot[kept] = tot[i];
          totNs[kept] = totNs[i];
        }
        kept++;
        continue;
      }
      const t = toa[i];
      const fall = -(t + totNs[i] * 1e-9);
      this.triggerPixelHits[which - 1]++;
      if (which === 1) {
        pushEdge(b.trigger1, t);
        pushEdge(b.trigger1, fall);
        pushEdge(b.triggers, t);
      } else {
        pushEdge(b.trigger2, t);
        pushEdge(b.trigger2, fall);
      }
    }
    h.n = kept;
    sortEdges(b.triggers);
  }
}

/** Ascending order for the few rising edges of a batch (readout may swap neighbours). */
function sortEdges(e: TriggerEdges): void {
  const t = e.time;
  for (let i = 1; i < e.n; i++) {
    const v = t[i];
    let j = i - 1;
    while (j >= 0 && t[j] > v) {
      t[j + 1] = t[j];
      j--;
    }
    t[j + 1] = v;
  }
}

/** Time-walk correction of the hits, by their exact ToT (the Timepix3 decoder's rule). */
export function applyTimewalk(b: Tpx4Batch, lut: Float64Array): void {
  const last = lut.length - 1;
  const { toa } = b.hits;
  const totNs = b.totNs;
  for (let i = 0; i < b.hits.n; i++) {
    let k = Math.floor(totNs[i] / 25) - 1;
    k = k < 0 ? 0 : k > last ? last : k;
    toa[i] -= lut[k];
  }
}

/** Orientation and offset in place (a no-op for Up without offset). */
function orient(b: Tpx4Batch, orientation: Orientation, ox: number, oy: number): void {
  if (orientation === 'Up' && ox === 0 && oy === 0) return;
  const { x, y, n } = b.hits;
  const w1 = TPX4_SENSOR_WIDTH - 1;
  const h1 = TPX4_SENSOR_HEIGHT - 1;
  switch (orientation) {
    case 'Up':
      for (let i = 0; i < n; i++) {
        x[i] += ox;
        y[i] += oy;
      }
      return;
    case 'Left':
      for (let i = 0; i < n; i++) {
        const col = x[i];
        x[i] = y[i] + ox;
        y[i] = w1 - col + oy;
      }
      return;
    case 'Down':
      for (let i = 0; i < n; i++) {
        x[i] = w1 - x[i] + ox;
        y[i] = h1 - y[i] + oy;
      }
      return;
    case 'Right':
      for (let i = 0; i < n; i++) {
        const col = x[i];
        x[i] = h1 - y[i] + ox;
        y[i] = col + oy;
      }
      return;
    default:
      assertNever(orientation, 'orientation');
  }
}
