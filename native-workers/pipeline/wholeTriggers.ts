// Collects event rows (grouped by trigger number, ascending) and releases them in chunks of whole
// triggers, the unit clustering works on: a trigger is complete once a row of a later trigger has
// arrived, or at the end of the stream.
import type { EventBatch } from '../../shared/batches';
import { emptyEventBatch } from '../../shared/batches';
import { ensureCapacity } from './columns';

export class WholeTriggerBuffer {
  private buf: EventBatch = emptyEventBatch(1024);

  constructor(private readonly minRows: number) {}

  get rows(): number {
    return this.buf.n;
  }

  add(ev: EventBatch): void {
    appendRows(this.buf, ev, 0, ev.n);
  }

  /**
   * Returns a copy of the rows of every complete trigger when there are at least `minRows` of them
   * (all rows when `final`), removing them from the buffer; null when nothing is due.
   */
  take(final = false): EventBatch | null {
    const b = this.buf;
    if (b.n === 0) return null;
    let cut = b.n;
    if (!final) {
      const last = b.triggerNr[b.n - 1];
      while (cut > 0 && b.triggerNr[cut - 1] === last) cut--;
      if (cut < this.minRows) return null;
    }
    const out: EventBatch = {
      n: cut,
      triggerNr: b.triggerNr.slice(0, cut),
      x: b.x.slice(0, cut),
      y: b.y.slice(0, cut),
      tof: b.tof.slice(0, cut),
      tot: b.tot.slice(0, cut),
    };
    b.triggerNr.copyWithin(0, cut, b.n);
    b.x.copyWithin(0, cut, b.n);
    b.y.copyWithin(0, cut, b.n);
    b.tof.copyWithin(0, cut, b.n);
    b.tot.copyWithin(0, cut, b.n);
    b.n -= cut;
    return out;
  }
}

/** Rows [a, b) of `e` appended to `to` (its columns grow by doubling). */
export function appendRows(to: EventBatch, e: EventBatch, a: number, b: number): void {
  if (b <= a) return;
  const n = to.n;
  const need = n + b - a;
  to.triggerNr = ensureCapacity(to.triggerNr, need, n);
  to.x = ensureCapacity(to.x, need, n);
  to.y = ensureCapacity(to.y, need, n);
  to.tof = ensureCapacity(to.tof, need, n);
  to.tot = ensureCapacity(to.tot, need, n);
  to.triggerNr.set(e.triggerNr.subarray(a, b), n);
  to.x.set(e.x.subarray(a, b), n);
  to.y.set(e.y.subarray(a, b), n);
  to.tof.set(e.tof.subarray(a, b), n);
  to.tot.set(e.tot.subarray(a, b), n);
  to.n = need;
}
