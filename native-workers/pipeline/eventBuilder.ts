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
  /** Hits not yet assigned: those ahead of the watermark, then each batch appended. */
  private pending: HitBatch = {
    n: 0,
    x: new Uint16Array(0),
    y: new Uint16Array(0),
    toa: new Float64Array(0),
    tot: new Uint32Array(0),
  };
  /** Per pending hit: its trigger slot, KEEP (stays pending) or DROP. */
  private slot = new Int32Array(0);
  /** Rows per trigger slot, then their output offsets (counting sort). */
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
    this.appendPending(hits);
    this.assign(latest - this.config.horizon, out);
  }

  /** End of stream: every pending hit goes to the last trigger at or before it. */
  flush(out: EventOutput): void {
    this.assign(Infinity, out);
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

  private appendPending(h: HitBatch): void {
    const p = this.pending;
    const n = p.n;
    const need = n + h.n;
    p.x = ensureCapacity(p.x, need, n);
    p.y = ensureCapacity(p.y, need, n);
    p.toa = ensureCapacity(p.toa, need, n);
    p.tot = ensureCapacity(p.tot, need, n);
    p.x.set(h.x.subarray(0, h.n), n);
    p.y.set(h.y.subarray(0, h.n), n);
    p.toa.set(h.toa.subarray(0, h.n), n);
    p.tot.set(h.tot.subarray(0, h.n), n);
    if (h.totNs) {
      // Exact ToT (Timepix4): carried when the hits have it; a builder sees one kind of hits.
      p.totNs = ensureCapacity(p.totNs ?? new Float64Array(0), need, n);
      p.totNs.set(h.totNs.subarray(0, h.n), n);
    }
    p.n = need;
  }

  /**
   * Assigns the pending hits that lie before `watermark` to their triggers and emits them grouped by
   * trigger; keeps later hits pending; retires triggers that can receive no more hits.
   */
  private assign(watermark: number, out: EventOutput): void {
    const p = this.pending;
    const total = p.n;
    if (total === 0) return;
    const trig = this.trig;
    const nTrig = this.nTrig;
    // Triggers at or before the watermark are final; the last of them stays open.
    let lastFinal = -1;
    while (lastFinal + 1 < nTrig && trig[lastFinal + 1] <= watermark) lastFinal++;
    const nSlots = lastFinal + 1;
    this.slot = ensureCapacity(this.slot, total, 0);
    this.bucket = ensureCapacity(this.bucket, nSlots + 1, 0);
    const slot = this.slot;
    const bucket = this.bucket;
    bucket.fill(0, 0, nSlots + 1);
    const first = nTrig > 0 ? trig[0] : Infinity;
    const { windowMin, windowMax } = this.config;
    const toa = p.toa;
    let dropped = 0;
    let outside = 0;
    // Pass 1: a slot per hit. Hits come nearly in time order, so the previous hit's trigger is tried
    // first and a binary search is the exception.
    let s = 0;
    for (let i = 0; i < total; i++) {
      const t = toa[i];
      if (t >= watermark) {
        slot[i] = KEEP;
        continue;
      }
      if (t < first) {
        slot[i] = DROP;
        dropped++;
        continue;
      }
      if (!(trig[s] <= t && (s === lastFinal || t < trig[s + 1]))) {
        // Readout disorder is short: the next or the previous trigger usually holds the hit.
        if (s < lastFinal && trig[s + 1] <= t && (s + 1 === lastFinal || t < trig[s + 2])) s++;
        else if (s > 0 && trig[s - 1] <= t && t < trig[s]) s--;
        else {
          let lo = 0;
          let hi = lastFinal;
          while (lo < hi) {
            const mid = (lo + hi + 1) >>> 1;
            if (trig[mid] <= t) lo = mid;
            else hi = mid - 1;
          }
          s = lo;
        }
      }
      const tof = t - trig[s];
      if (tof >= windowMin && tof <= windowMax) {
        slot[i] = s;
        bucket[s + 1]++;
      } else {
        slot[i] = DROP;
        outside++;
      }
    }
    this.counts.outsideWindow += outside;
    if (this.firstNr === 0) this.counts.beforeFirstTrigger += dropped;
    else this.counts.late += dropped;
    this.emitTiming(nSlots, out);
    for (let k = 0; k < nSlots; k++) bucket[k + 1] += bucket[k];
    const rows = bucket[nSlots];
    // Pass 2: place assigned rows (counting sort: grouped by trigger, arrival order within one) and
    // compact the kept hits to the front of the pending buffer (write index <= read index).
    const ev = out.events;
    const base = ev.n;
    const totNs = p.totNs;
    growEvents(ev, base + rows, totNs !== undefined);
    const { triggerNr, x: ex, y: ey, tof: etof, tot: etot } = ev;
    const { x, y, tot } = p;
    const etotNs = ev.totNs;
    const firstNr = this.firstNr;
    let kept = 0;
    for (let i = 0; i < total; i++) {
      const k = slot[i];
      if (k >= 0) {
        const r = base + bucket[k]++;
        triggerNr[r] = firstNr + k;
        ex[r] = x[i];
        ey[r] = y[i];
        etof[r] = toa[i] - trig[k];
        etot[r] = tot[i];
        if (totNs) etotNs![r] = totNs[i];
      } else if (k === KEEP) {
        x[kept] = x[i];
        y[kept] = y[i];
        toa[kept] = toa[i];
        tot[kept] = tot[i];
        if (totNs) totNs[kept] = totNs[i];
        kept++;
      }
    }
    ev.n = base + rows;
    p.n = kept;
    this.counts.events += rows;
    // Retire the final triggers but the last: no hit can belong to them any more.
    if (lastFinal > 0) {
      trig.copyWithin(0, lastFinal, nTrig);
      this.nTrig -= lastFinal;
      this.firstNr += lastFinal;
    }
  }

  /** Timing rows for triggers that receive their first row now (bucket holds per-slot counts). */
  private emitTiming(nSlots: number, out: EventOutput): void {
    const bucket = this.bucket;
    for (let k = 0; k < nSlots; k++) {
      if (bucket[k + 1] === 0) continue;
      const nr = this.firstNr + k;
      if (nr > this.lastTimingNr) {
        this.lastTimingNr = nr;
        pushTiming(out.timing, nr, this.trig[k], this.config.startTimeNs);
        this.counts.timingRows++;
      }
    }
  }
}

const KEEP = -1;
const DROP = -2;

function growEvents(ev: EventBatch, capacity: number, withTotNs: boolean): void {
  const n = ev.n;
  if (withTotNs) ev.totNs = ensureCapacity(ev.totNs ?? new Float64Array(0), capacity, n);
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
