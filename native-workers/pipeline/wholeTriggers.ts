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
    const b = this.buf;
    const n = b.n;
    const need = n + ev.n;
    b.triggerNr = ensureCapacity(b.triggerNr, need, n);
    b.x = ensureCapacity(b.x, need, n);
    b.y = ensureCapacity(b.y, need, n);
    b.tof = ensureCapacity(b.tof, need, n);
    b.tot = ensureCapacity(b.tot, need, n);
    b.triggerNr.set(ev.triggerNr.subarray(0, ev.n), n);
    b.x.set(ev.x.subarray(0, ev.n), n);
    b.y.set(ev.y.subarray(0, ev.n), n);
    b.tof.set(ev.tof.subarray(0, ev.n), n);
    b.tot.set(ev.tot.subarray(0, ev.n), n);
    b.n = need;
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
