// Cuts a stream of event batches (rows grouped by trigger number, ascending, a trigger possibly
// continuing into the next batch) into clustering requests of whole triggers, without copying the
// bulk of the rows: a batch's complete triggers go out as views of the batch itself (the caller
// transfers the batch with them), and only the trigger that spans batches is copied, into a small
// batch of its own. Requests come out in row order, so results written in request order keep the
// file's order. (WholeTriggerBuffer copies every row twice; the live pipeline's small batches use it.)
import type { EventBatch } from '../../shared/batches';
import { emptyEventBatch } from '../../shared/batches';
import { appendRows } from './wholeTriggers';

export interface FeedResult {
  /** Requests of whole triggers, in row order. */
  requests: EventBatch[];
  /** A request is a view of the batch: the batch goes (transferred) with it. */
  takesBatch: boolean;
}

export class WholeTriggerFeed {
  /** Rows of the trigger still open at the end of the batches so far (an owned copy). */
  private carry: EventBatch = emptyEventBatch(1024);

  /** The requests that `e` completes (see FeedResult); the rows of its last trigger wait. */
  feed(e: EventBatch): FeedResult {
    const requests: EventBatch[] = [];
    const n = e.n;
    if (n === 0) return { requests, takesBatch: false };
    const nr = e.triggerNr;
    // The open trigger continues at the head of this batch.
    let head = 0;
    if (this.carry.n > 0) {
      const open = this.carry.triggerNr[0];
      while (head < n && nr[head] === open) head++;
      appendRows(this.carry, e, 0, head);
      if (head === n) return { requests, takesBatch: false };
      requests.push(this.takeCarry());
    }
    // The last trigger may continue in the next batch: it waits, copied.
    let cut = n;
    const last = nr[n - 1];
    while (cut > head && nr[cut - 1] === last) cut--;
    appendRows(this.carry, e, cut, n);
    if (cut === head) return { requests, takesBatch: false };
    requests.push(view(e, head, cut));
    return { requests, takesBatch: true };
  }

  /** The rows still waiting (the last trigger of the stream), or null. */
  finish(): EventBatch | null {
    return this.carry.n > 0 ? this.takeCarry() : null;
  }

  private takeCarry(): EventBatch {
    const out = this.carry;
    this.carry = emptyEventBatch(Math.max(1024, out.n));
    return out;
  }
}

/** Rows [a, b) of `e` as views. */
function view(e: EventBatch, a: number, b: number): EventBatch {
  return {
    n: b - a,
    triggerNr: e.triggerNr.subarray(a, b),
    x: e.x.subarray(a, b),
    y: e.y.subarray(a, b),
    tof: e.tof.subarray(a, b),
    tot: e.tot.subarray(a, b),
  };
}

/** The whole-capacity columns of a batch handed back as views (ClusterResponse.spent), for reuse. */
export function wholeColumns(spent: EventBatch): EventBatch {
  return {
    n: 0,
    triggerNr: new Float64Array(spent.triggerNr.buffer),
    x: new Uint16Array(spent.x.buffer),
    y: new Uint16Array(spent.y.buffer),
    tof: new Float64Array(spent.tof.buffer),
    tot: new Uint32Array(spent.tot.buffer),
  };
}
