// Hit and trigger-edge buffers: hit columns that are reused between batches (contents not kept when
// they grow: their owner refills them from 0), and trigger edge lists that grow by doubling. (The
// decoders' own hit columns are views of their kernels' memory.)
import type { HitBatch, TriggerEdges } from '../../shared/batches';

export function newHitBatch(capacity = 0): HitBatch {
  return {
    n: 0,
    x: new Uint16Array(capacity),
    y: new Uint16Array(capacity),
    toa: new Float64Array(capacity),
    tot: new Uint32Array(capacity),
  };
}

export function newTriggerEdges(): TriggerEdges {
  return { n: 0, time: new Float64Array(16) };
}

/** Makes room for `capacity` hits (at least doubling); true when the columns were replaced. */
export function reserveHits(h: HitBatch, capacity: number): boolean {
  if (h.toa.length >= capacity) return false;
  const size = Math.max(capacity, h.toa.length * 2);
  h.x = new Uint16Array(size);
  h.y = new Uint16Array(size);
  h.toa = new Float64Array(size);
  h.tot = new Uint32Array(size);
  return true;
}

export function pushEdge(e: TriggerEdges, t: number): void {
  if (e.n === e.time.length) {
    const grown = new Float64Array(e.time.length * 2);
    grown.set(e.time);
    e.time = grown;
  }
  e.time[e.n++] = t;
}
