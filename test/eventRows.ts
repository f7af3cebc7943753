// Event rows for tests, from readable objects: one place that builds an EventBatch by hand.
import { emptyEventBatch, type EventBatch } from '../shared/batches';

export interface EventRow {
  trig: number;
  x: number;
  y: number;
  tof: number;
  /** ns; rows without one get `defaultTot(index)`. */
  tot?: number;
}

export function eventRows(rows: EventRow[], defaultTot: (index: number) => number = () => 100): EventBatch {
  const ev = emptyEventBatch(rows.length);
  ev.n = rows.length;
  rows.forEach((r, i) => {
    ev.triggerNr[i] = r.trig;
    ev.x[i] = r.x;
    ev.y[i] = r.y;
    ev.tof[i] = r.tof;
    ev.tot[i] = r.tot ?? defaultTot(i);
  });
  return ev;
}
