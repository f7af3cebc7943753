// Event building: hits to (trigger nr, x, y, tof, tot) rows relative to trigger-1 rising edges, as
// the format doc's "Events" section says, streamed in small batches instead of the reference's
// 5-second chunks.
//
// A hit's trigger is the last trigger at or before its toa. Readout is data-driven, so hits arrive
// out of time order by up to tens of microseconds: a hit is assigned only once the stream has moved
// `horizon` seconds past it (watermark = latest time seen - horizon), when every trigger up to it is
// known. Hits still ahead of the watermark wait in a small pending buffer. Rows come out grouped by
// trigger number, ascending; within a trigger in arrival order. The reference's two defects are
// fixed: each trigger is counted exactly once, and empty batches produce nothing.
import type { EventBatch, HitBatch, TimingBatch, TriggerEdges } from '../../shared/batches';
import { emptyEventBatch } from '../../shared/batches';
import { ensureCapacity } from './columns';

export interface EventBuilderConfig {
  /** Event window on tof, seconds, inclusive at both ends. */
  windowMin: number;
  windowMax: number;
  /** Reorder horizon in seconds of hit time (Decision 8: 1 ms by default). */
  horizon: number;
  /** Wall-clock ns at which the camera time read zero (0 when unknown). */
  startTimeNs: number;
}

export interface EventCounts {
  /** Rows emitted (after the window filter). */
  events: number;
  /** Hits whose tof fell outside the event window. */
  outsideWindow: number;
  /** Hits before the first trigger. */
  beforeFirstTrigger: number;
  /** Hits that arrived after their trigger was retired (later than the reorder horizon). */
  late: number;
  /** Trigger rising edges earlier than the previous one: each starts a new time base. */
  triggersBackwards: number;
  /** Triggers that became events (at least one row). */
  timingRows: number;
}

export interface EventOutput {
  events: EventBatch;
  timing: TimingBatch;
}

export function newEventOutput(): EventOutput {
  return {
    events: emptyEventBatch(1024),
    timing: {
      n: 0,
      triggerNr: new Float64Array(64),
      triggerTime: new Float64Array(64),
      timestampNs: new Float64Array(64),
    },
  };
}

export class EventBuilder {
  readonly counts: EventCounts = {
    events: 0,
    outsideWindow: 0,
    beforeFirstTrigger: 0,
    late: 0,
    triggersBackwards: 0,
    timingRows: 0,
  };
  /** Pending triggers, ascending; trig[0] is the current (oldest still open) trigger. */
  private trig = new Float64Array(64);
  private nTrig = 0;
  /** Trigger number of trig[0]. */
  private firstNr = 0;
  /** Number of triggers ever accepted (the next trigger's number). */
  private nextNr = 0;
  private lastTimingNr = -1;
  private latest = -Infinity;
  // Pending hits (ahead of the watermark), and scratch space for one assignment pass.
  private pending: HitBatch = { n: 0, x: new Uint16Array(0), y: new Uint16Array(0), toa: new Float64Array(0), tot: new Uint32Array(0) };
  private spare: HitBatch = { n: 0, x: new Uint16Array(0), y: new Uint16Array(0), toa: new Float64Array(0), tot: new Uint32Array(0) };
  private slot = new Int32Array(0);
  private bucket = new Int32Array(0);

  constructor(public config: EventBuilderConfig) {}

  /** Adds a batch of hits and trigger rising edges; appends the rows that became final to `out`. */
  push(hits: HitBatch, triggers: TriggerEdges, out: EventOutput): void {
    for (let i = 0; i < triggers.n; i++) this.addTrigger(triggers.time[i], out);
    let latest = this.latest;
    const toa = hits.toa;
    for (let i = 0; i < hits.n; i++) if (toa[i] > latest) latest = toa[i];
    if (this.nTrig > 0 && this.trig[this.nTrig - 1] > latest) latest = this.trig[this.nTrig - 1];
    this.latest = latest;
    this.assign(hits, latest - this.config.horizon, out);
  }

  /** End of stream: every pending hit goes to the last trigger at or before it. */
  flush(out: EventOutput): void {
    this.assign(undefined, Infinity, out);
  }

  private addTrigger(t: number, out: EventOutput): void {
    if (this.nTrig > 0 && t < this.trig[this.nTrig - 1]) {
      // The time base went back (a timer reset, or a corrupt word): close the old epoch.
      this.counts.triggersBackwards++;
      this.flush(out);
      this.nTrig = 0;
      this.latest = -Infinity;
    }
    this.trig = ensureCapacity(this.trig, this.nTrig + 1, this.nTrig);
    if (this.nTrig === 0) this.firstNr = this.nextNr;
    this.trig[this.nTrig++] = t;
    this.nextNr++;
  }

  /**
   * Assigns the pending hits and `incoming` that lie before `watermark` to their triggers, keeps the
   * rest pending, and retires triggers that can receive no more hits.
   */
  private assign(incoming: HitBatch | undefined, watermark: number, out: EventOutput): void {
    const pend = this.pending;
    const total = pend.n + (incoming ? incoming.n : 0);
    if (total === 0) return;
    const trig = this.trig;
    const nTrig = this.nTrig;
    // Triggers at or before the watermark are final; the last of them stays open.
    let lastFinal = -1;
    while (lastFinal + 1 < nTrig && trig[lastFinal + 1] <= watermark) lastFinal++;
    const nSlots = lastFinal + 1;
    const keep = this.sizeSpare(total);
    this.slot = ensureCapacity(this.slot, total, 0);
    this.bucket = ensureCapacity(this.bucket, nSlots + 1, 0);
    const slot = this.slot;
    const bucket = this.bucket;
    bucket.fill(0, 0, nSlots + 1);
    const first = nTrig > 0 ? trig[0] : Infinity;
    const { windowMin, windowMax } = this.config;
    let nKeep = 0;
    const visit = (src: HitBatch, offset: number): void => {
      const { toa } = src;
      for (let i = 0; i < src.n; i++) {
        const t = toa[i];
        let s = -1;
        if (t >= watermark) {
          keep.x[nKeep] = src.x[i];
          keep.y[nKeep] = src.y[i];
          keep.toa[nKeep] = t;
          keep.tot[nKeep] = src.tot[i];
          nKeep++;
        } else if (t < first) {
          if (this.firstNr === 0) this.counts.beforeFirstTrigger++;
          else this.counts.late++;
        } else {
          // Last final trigger at or before t (binary search over the final ones).
          let lo = 0;
          let hi = lastFinal;
          while (lo < hi) {
            const mid = (lo + hi + 1) >>> 1;
            if (trig[mid] <= t) lo = mid;
            else hi = mid - 1;
          }
          const tof = t - trig[lo];
          if (tof >= windowMin && tof <= windowMax) {
            s = lo;
            bucket[lo + 1]++;
          } else this.counts.outsideWindow++;
        }
        slot[offset + i] = s;
      }
    };
    visit(pend, 0);
    if (incoming) visit(incoming, pend.n);
    // Counting sort by trigger: rows grouped by trigger, arrival order kept within a trigger.
    for (let s = 0; s < nSlots; s++) bucket[s + 1] += bucket[s];
    const rows = bucket[nSlots];
    this.emit(rows, nSlots, incoming, out);
    this.pending = keep;
    this.spare = pend;
    keep.n = nKeep;
    // Retire the final triggers but the last: no hit can belong to them any more.
    if (lastFinal > 0) {
      trig.copyWithin(0, lastFinal, nTrig);
      this.nTrig -= lastFinal;
      this.firstNr += lastFinal;
    }
  }

  private emit(rows: number, nSlots: number, incoming: HitBatch | undefined, out: EventOutput): void {
    const ev = out.events;
    const base = ev.n;
    growEvents(ev, base + rows);
    const bucket = this.bucket;
    const slot = this.slot;
    const trig = this.trig;
    const firstNr = this.firstNr;
    const pend = this.pending;
    // Timing rows for triggers that received their first row now.
    for (let s = 0; s < nSlots; s++) {
      if (bucket[s + 1] === bucket[s]) continue;
      const nr = firstNr + s;
      if (nr > this.lastTimingNr) {
        this.lastTimingNr = nr;
        pushTiming(out.timing, nr, trig[s], this.config.startTimeNs);
        this.counts.timingRows++;
      }
    }
    const place = (src: HitBatch, offset: number): void => {
      for (let i = 0; i < src.n; i++) {
        const s = slot[offset + i];
        if (s < 0) continue;
        const r = base + bucket[s]++;
        ev.triggerNr[r] = firstNr + s;
        ev.x[r] = src.x[i];
        ev.y[r] = src.y[i];
        ev.tof[r] = src.toa[i] - trig[s];
        ev.tot[r] = src.tot[i];
      }
    };
    place(pend, 0);
    if (incoming) place(incoming, pend.n);
    ev.n = base + rows;
    this.counts.events += rows;
  }

  private sizeSpare(capacity: number): HitBatch {
    const h = this.spare;
    if (h.toa.length < capacity) {
      const size = Math.max(capacity, 2 * h.toa.length, 1024);
      h.x = new Uint16Array(size);
      h.y = new Uint16Array(size);
      h.toa = new Float64Array(size);
      h.tot = new Uint32Array(size);
    }
    h.n = 0;
    return h;
  }
}

function growEvents(ev: EventBatch, capacity: number): void {
  const n = ev.n;
  ev.triggerNr = ensureCapacity(ev.triggerNr, capacity, n);
  ev.x = ensureCapacity(ev.x, capacity, n);
  ev.y = ensureCapacity(ev.y, capacity, n);
  ev.tof = ensureCapacity(ev.tof, capacity, n);
  ev.tot = ensureCapacity(ev.tot, capacity, n);
}

function pushTiming(t: TimingBatch, nr: number, time: number, startTimeNs: number): void {
  const n = t.n;
  t.triggerNr = ensureCapacity(t.triggerNr, n + 1, n);
  t.triggerTime = ensureCapacity(t.triggerTime, n + 1, n);
  t.timestampNs = ensureCapacity(t.timestampNs, n + 1, n);
  t.triggerNr[n] = nr;
  t.triggerTime[n] = time;
  // uint64(trigger_time * 1e9 + start_time_ns) in float64, truncated like numpy's cast.
  t.timestampNs[n] = Math.trunc(time * 1e9 + startTimeNs);
  t.n = n + 1;
}
