import { describe, expect, it } from 'vitest';
import type { HitBatch, TriggerEdges } from '../../shared/batches';
import { EventBuilder, type EventBuilderConfig, type EventOutput, newEventOutput } from './eventBuilder';

function hits(toa: number[], xs?: number[]): HitBatch {
  return {
    n: toa.length,
    x: Uint16Array.from(xs ?? toa.map((_, i) => i)),
    y: new Uint16Array(toa.length),
    toa: Float64Array.from(toa),
    tot: Uint32Array.from(toa.map(() => 25)),
  };
}
const trig = (t: number[]): TriggerEdges => ({ n: t.length, time: Float64Array.from(t) });
const NONE = trig([]);

function rows(out: EventOutput): { nr: number[]; tof: number[]; x: number[] } {
  const e = out.events;
  return {
    nr: Array.from(e.triggerNr.subarray(0, e.n)),
    tof: Array.from(e.tof.subarray(0, e.n)),
    x: Array.from(e.x.subarray(0, e.n)),
  };
}
function timing(out: EventOutput): number[][] {
  const t = out.timing;
  return Array.from({ length: t.n }, (_, i) => [t.triggerNr[i], t.triggerTime[i], t.timestampNs[i]]);
}

const CONFIG: EventBuilderConfig = { windowMin: 0, windowMax: 10000, horizon: 0, startTimeNs: 0 };
const make = (c: Partial<EventBuilderConfig> = {}): EventBuilder => new EventBuilder({ ...CONFIG, ...c });

describe('EventBuilder', () => {
  it('gives a hit exactly at a trigger tof 0 and drops hits before the first trigger', () => {
    const b = make();
    const out = newEventOutput();
    b.push(hits([0.5, 1, 1.5, 2, 2.25], [10, 11, 12, 13, 14]), trig([1, 2]), out);
    b.flush(out);
    expect(rows(out)).toEqual({ nr: [0, 0, 1, 1], tof: [0, 0.5, 0, 0.25], x: [11, 12, 13, 14] });
    expect(b.counts.beforeFirstTrigger).toBe(1);
  });
  it('gives hits after the last trigger to it at the end of the stream', () => {
    const b = make();
    const out = newEventOutput();
    b.push(hits([1.1, 5, 100]), trig([1]), out);
    expect(out.events.n).toBe(2); // horizon 0: both hits before the latest time are final
    b.flush(out);
    expect(rows(out).nr).toEqual([0, 0, 0]);
    expect(rows(out).tof.map((v) => +v.toFixed(9))).toEqual([0.1, 4, 99]);
  });
  it('applies the event window inclusively at both edges and writes timing rows only for kept triggers', () => {
    const b = make({ windowMin: 0.1, windowMax: 0.2, startTimeNs: 1e18 });
    const out = newEventOutput();
    b.push(hits([1.05, 1.1, 1.2, 1.25, 2.05, 3.15]), trig([1, 2, 3]), out);
    b.flush(out);
    const r = rows(out);
    expect(r.nr).toEqual([0, 0, 2]);
    expect(r.x).toEqual([1, 2, 5]);
    expect(b.counts.outsideWindow).toBe(3);
    // trigger 1 kept no hit: no timing row for it (the reference's length mismatch is fixed)
    expect(timing(out)).toEqual([
      [0, 1, Math.trunc(1 * 1e9 + 1e18)],
      [2, 3, Math.trunc(3 * 1e9 + 1e18)],
    ]);
  });
  it('numbers triggers across three chunks, counting a chunk with triggers but no hits once', () => {
    const b = make();
    const out = newEventOutput();
    b.push(hits([1.5]), trig([1, 2]), out);
    b.push(hits([]), trig([3, 4]), out); // triggers but no hits: counted exactly once
    b.push(hits([4.5, 5.5]), trig([5]), out);
    b.flush(out);
    expect(rows(out).nr).toEqual([0, 3, 4]);
    expect(timing(out).map((t) => t[0])).toEqual([0, 3, 4]);
  });
  it('produces nothing from an empty chunk and nothing without triggers', () => {
    const b = make();
    const out = newEventOutput();
    b.push(hits([]), NONE, out);
    b.push(hits([1, 2, 3]), NONE, out);
    b.flush(out);
    expect(out.events.n).toBe(0);
    expect(out.timing.n).toBe(0);
    expect(b.counts.beforeFirstTrigger).toBe(3);
  });
  it('keeps late hits within the reorder horizon and groups rows by trigger', () => {
    const b = make({ horizon: 1e-3 });
    const out = newEventOutput();
    // hits of trigger 0 arrive after trigger 1 and after hits of trigger 1, within 1 ms
    b.push(hits([1.0001, 1.0102], [1, 2]), trig([1, 1.01]), out);
    b.push(hits([1.0099, 1.0103], [3, 4]), NONE, out);
    b.push(hits([1.5], [5]), NONE, out);
    b.flush(out);
    const r = rows(out);
    expect(r.nr).toEqual([0, 0, 1, 1, 1]);
    expect(r.x).toEqual([1, 3, 2, 4, 5]);
    expect(b.counts.late).toBe(0);
  });
  it('counts hits later than the horizon instead of misassigning them', () => {
    const b = make({ horizon: 1e-3 });
    const out = newEventOutput();
    b.push(hits([1.1, 2.5]), trig([1, 2]), out);
    b.push(hits([3.0]), trig([3]), out); // watermark passes 2.999: trigger 0 retired
    b.push(hits([1.5]), NONE, out); // belongs to trigger 0, 1.5 s late
    b.flush(out);
    expect(rows(out).nr).toEqual([0, 1, 2]);
    expect(b.counts.late).toBe(1);
  });
  it('streams in small batches to the same rows as one batch', () => {
    let seed = 7;
    const rnd = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const trigTimes = Array.from({ length: 50 }, (_, i) => 1 + i * 1e-3 + rnd() * 1e-5);
    const toa = Array.from({ length: 5000 }, () => 0.999 + rnd() * 0.052).sort((a, c) => a - c);
    // local disorder: swap neighbours within 20 us
    for (let i = 1; i < toa.length; i++)
      if (toa[i] - toa[i - 1] < 2e-5 && rnd() < 0.5) [toa[i], toa[i - 1]] = [toa[i - 1], toa[i]];
    const whole = make({ horizon: 1e-4 });
    const outWhole = newEventOutput();
    whole.push(hits(toa), trig(trigTimes), outWhole);
    whole.flush(outWhole);
    const streamed = make({ horizon: 1e-4 });
    const outStream = newEventOutput();
    // Each trigger is delivered with the first batch whose hits reach its time, as readout does.
    let next = 0;
    for (let i = 0; i < toa.length; i += 97) {
      const part = toa.slice(i, i + 97);
      const reach = Math.max(...part);
      const t: number[] = [];
      while (next < trigTimes.length && trigTimes[next] <= reach) t.push(trigTimes[next++]);
      streamed.push(
        hits(
          part,
          part.map((_, k) => i + k),
        ),
        trig(t),
        outStream,
      );
    }
    expect(next).toBe(trigTimes.length);
    streamed.flush(outStream);
    const key = (o: EventOutput): string[] => {
      const r = rows(o);
      return r.nr.map((nr, i) => `${nr}:${r.tof[i]}`).sort();
    };
    expect(outStream.events.n).toBe(outWhole.events.n);
    expect(key(outStream)).toEqual(key(outWhole));
    expect(timing(outStream)).toEqual(timing(outWhole));
  });
  it('writes the same rows into its own output (kernel views) as into a caller output, across growth', () => {
    let seed = 11;
    const rnd = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const copied = make({ horizon: 1e-4 });
    const direct = make({ horizon: 1e-4 });
    const outCopied = newEventOutput(0);
    const own = direct.ownOutput();
    expect(direct.ownOutput()).toBe(own);
    const all = { nr: [] as number[], tof: [] as number[], x: [] as number[] };
    let t = 1;
    // Batches growing to 40k hits make the kernel's memory grow several times while rows wait in
    // the own output (it is cleared only every third batch); a trigger going back closes an epoch.
    for (let b = 0; b < 12; b++) {
      const n = 50 * 2 ** b > 40_000 ? 40_000 : 50 * 2 ** b;
      const toa = Array.from({ length: n }, (_, i) => t + (i / n) * 0.01 + rnd() * 2e-5);
      const trigTimes = Array.from({ length: 5 }, (_, i) => t + i * 2e-3);
      if (b === 7) trigTimes.unshift(0.5);
      const h = hits(
        toa,
        toa.map((_, i) => (i * 7 + b) % 256),
      );
      copied.push(h, trig(trigTimes), outCopied);
      direct.push(h, trig(trigTimes), own);
      t += 0.01;
      if (b % 3 === 2) {
        const r = rows(own);
        all.nr.push(...r.nr);
        all.tof.push(...r.tof);
        all.x.push(...r.x);
        own.events.n = 0;
        own.timing.n = 0;
      }
    }
    copied.flush(outCopied);
    direct.flush(own);
    const r = rows(own);
    all.nr.push(...r.nr);
    all.tof.push(...r.tof);
    all.x.push(...r.x);
    expect(outCopied.events.n).toBeGreaterThan(100_000);
    expect(all).toEqual(rows(outCopied));
    expect(direct.counts).toEqual(copied.counts);
    expect(direct.counts.triggersBackwards).toBe(1);
  });
});
