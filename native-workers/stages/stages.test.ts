// DecodeEventsStage's recycling: events, timing rows and edge lists handed back are filled again
// (no new arrays a chunk: in a worker thread, arrays freed by the thread they went to made its
// allocator grow all through a conversion), and the rows are those of new arrays.
import { describe, expect, it } from 'vitest';
import { createVmiGenerator } from '../pipeline/generator';
import { FILE_DECODE_CONFIG } from '../../test/stageConfigs';
import { type DecodeEventsResponse, DecodeEventsStage } from './stages';

function chunks(): Uint32Array[] {
  const gen = createVmiGenerator({ seconds: 0.3, triggerRate: 2000, ionsPerTrigger: 5, seed: 5 });
  const parts: Uint32Array[] = [];
  for (let c = gen.next(); c; c = gen.next()) parts.push(c.words.slice(0, 2 * c.nWords));
  const all = new Uint32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
  // Chunks of 4 Ki packets, as a reader's would be.
  const out: Uint32Array[] = [];
  for (let at = 0; at < all.length; at += 1 << 13) out.push(all.slice(at, at + (1 << 13)));
  return out;
}

/** The rows of a response, copied (recycled arrays are filled again later). */
function rowsOf(r: DecodeEventsResponse): unknown {
  const { events: e, timing: t, tdc1, tdc2 } = r;
  return {
    events: [e.triggerNr, e.x, e.y, e.tof, e.tot].map((c) => Array.from(c.subarray(0, e.n))),
    timing: [t.triggerNr, t.triggerTime, t.timestampNs].map((c) => Array.from(c.subarray(0, t.n))),
    tdc: [tdc1, tdc2].map((c) => Array.from(c.time.subarray(0, c.n))),
  };
}

describe('DecodeEventsStage', () => {
  it('fills recycled events, timing rows and edge lists again, with the rows new ones get', () => {
    const words = chunks();
    expect(words.length).toBeGreaterThan(4);
    const fresh = new DecodeEventsStage(FILE_DECODE_CONFIG);
    const recycling = new DecodeEventsStage(FILE_DECODE_CONFIG);
    let previous: DecodeEventsResponse | null = null;
    let reused = 0;
    for (const w of words) {
      const expected = rowsOf(fresh.handle({ words: w.slice() }));
      const r: DecodeEventsResponse = recycling.handle(
        previous
          ? {
              words: w.slice(),
              recycle: previous.events,
              recycleSide: { timing: previous.timing, tdc1: previous.tdc1, tdc2: previous.tdc2 },
            }
          : { words: w.slice() },
      );
      expect(rowsOf(r)).toEqual(expected);
      if (
        previous &&
        r.timing === previous.timing &&
        r.tdc1 === previous.tdc1 &&
        r.events === previous.events
      )
        reused++;
      previous = r;
    }
    expect(reused).toBe(words.length - 1);
    expect(previous!.timing.n).toBeGreaterThan(0);
    expect(previous!.tdc1.n).toBeGreaterThan(0);
  });
});
