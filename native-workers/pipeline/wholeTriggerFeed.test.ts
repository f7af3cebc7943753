import { describe, expect, it } from 'vitest';
import { emptyEventBatch, type EventBatch } from '../../shared/batches';
import { WholeTriggerFeed, wholeColumns } from './wholeTriggerFeed';

/** A batch of rows with these trigger numbers; x numbers the rows across batches. */
function batch(nrs: number[], first: number, spare = 5): EventBatch {
  const b = emptyEventBatch(nrs.length + spare);
  b.n = nrs.length;
  nrs.forEach((nr, i) => {
    b.triggerNr[i] = nr;
    b.x[i] = first + i;
    b.tof[i] = (first + i) / 4;
  });
  return b;
}

describe('WholeTriggerFeed', () => {
  it('gives every row once, in order, in requests of whole triggers, copying only spanning triggers', () => {
    let seed = 3;
    const rnd = (n: number): number => (seed = (seed * 16807) % 2147483647) % n;
    for (let round = 0; round < 200; round++) {
      // Triggers of 1..30 rows, cut into batches at random places (a trigger may span several).
      const nrs: number[] = [];
      for (let t = 0; nrs.length < 400; t += 1 + rnd(3)) for (let k = 1 + rnd(30); k > 0; k--) nrs.push(t);
      const feed = new WholeTriggerFeed();
      const out: { nr: number; x: number; tof: number }[] = [];
      const take = (r: EventBatch): void => {
        for (let i = 0; i < r.n; i++) out.push({ nr: r.triggerNr[i], x: r.x[i], tof: r.tof[i] });
        // Whole triggers: nothing of a request's first or last trigger lies outside it.
        const inRequest = new Set(Array.from(r.triggerNr.subarray(0, r.n)));
        const before = out.slice(0, out.length - r.n);
        for (const nr of inRequest) expect(before.some((o) => o.nr === nr)).toBe(false);
      };
      for (let at = 0; at < nrs.length;) {
        const len = rnd(60);
        const b = batch(nrs.slice(at, at + len), at);
        const { requests, takesBatch } = feed.feed(b);
        // Only the last request can be a view of the batch, and then it is one.
        requests.forEach((r, i) => {
          const isView = r.x.buffer === b.x.buffer;
          expect(isView).toBe(takesBatch && i === requests.length - 1);
          take(r);
        });
        at += len;
      }
      const rest = feed.finish();
      if (rest) take(rest);
      expect(out.map((o) => o.nr)).toEqual(nrs);
      expect(out.map((o) => o.x)).toEqual(nrs.map((_, i) => i));
      expect(out.map((o) => o.tof)).toEqual(nrs.map((_, i) => i / 4));
    }
  });

  it('hands a view back as the whole batch for reuse', () => {
    const b = batch([1, 1, 2, 2, 3], 0, 100);
    const { requests, takesBatch } = new WholeTriggerFeed().feed(b);
    expect(takesBatch).toBe(true);
    expect(requests.map((r) => Array.from(r.triggerNr.subarray(0, r.n)))).toEqual([[1, 1, 2, 2]]);
    const back = wholeColumns(requests[0]);
    expect(back.n).toBe(0);
    expect(back.tof.length).toBe(105);
    expect(back.x.buffer).toBe(b.x.buffer);
  });
});
