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
//
// Rows go to the caller's output (copied out of the kernel), or, for a caller that uses them in
// place, to the builder's own output (`ownOutput`), whose event columns are views of the kernel's
// memory: the kernel writes the rows straight there, with no copy.
import type { EventBatch, HitBatch, TimingBatch, TriggerEdges } from '../../shared/batches';
import { emptyEventBatch } from '../../shared/batches';
import { ensureCapacity } from './columns';
import { EventsKernel } from './eventsKernel';

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

/** Room for `capacity` rows before the first growth (a chunk's hit count avoids any). */
export function newEventOutput(capacity = 1024): EventOutput {
  return { events: emptyEventBatch(capacity), timing: newTimingBatch() };
}

export function newTimingBatch(): TimingBatch {
  return {
    n: 0,
    triggerNr: new Float64Array(64),
    triggerTime: new Float64Array(64),
    timestampNs: new Float64Array(64),
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
  /**
   * Pending triggers (kernel.trig, ascending; [0] is the current, oldest still open trigger), the
   * hits not yet assigned (kernel.x/y/toa/tot: those ahead of the watermark, then each batch
   * appended), per pending hit its slot, per slot its rows, and the rows made: all in the kernel.
   */
  private readonly kernel: EventsKernel;
  private nTrig = 0;
  /** Trigger number of trig[0]. */
  private firstNr = 0;
  /** Number of triggers ever accepted (the next trigger's number). */
  private nextNr = 0;
  private lastTimingNr = -1;
  private latest = -Infinity;
  private nPending = 0;
  /** Exact ToT of the pending hits (Timepix4 hits carry it; a builder sees one kind of hits). */
  private pendingTotNs: Float64Array | null = null;
  private owned: EventOutput | null = null;

  /** `batchHits`: the hits a push usually brings, if known (the kernel is sized for them at once). */
  constructor(
    public config: EventBuilderConfig,
    batchHits?: number,
  ) {
    this.kernel = new EventsKernel(batchHits);
  }

  /**
   * The builder's own output: pushing to it makes the kernel write the rows straight into its event
   * columns, which are views of the kernel's memory. They are valid until the next push or flush
   * (a growth replaces them; the rows are kept), so use the rows, or copy them, before that. Clear
   * it (`events.n = 0`, `timing.n = 0`) when its rows are used, or it keeps growing.
   */
  ownOutput(): EventOutput {
    if (!this.owned) {
      this.owned = newEventOutput(0);
      this.refreshOwned();
    }
    return this.owned;
  }

  /** The kernel's reserve, keeping the rows waiting in the own output. */
  private reserve(
    hits: number,
    keepHits: number,
    triggers: number,
    keepTriggers: number,
    outRows = hits,
  ): void {
    const keepOut = this.owned ? this.owned.events.n : 0;
    this.kernel.reserve(hits, keepHits, triggers, keepTriggers, outRows, keepOut);
  }

  /** Points the own output's event columns at the kernel's current views. */
  private refreshOwned(): void {
    const ev = this.owned!.events;
    const k = this.kernel;
    ev.triggerNr = k.outNr;
    ev.x = k.outX;
    ev.y = k.outY;
    ev.tof = k.outTof;
    ev.tot = k.outTot;
  }

  /**
   * Adds a batch of hits and trigger rising edges; appends the rows that became final to `out`.
   * With `moreFollow`, a caller that pushes a large batch in slices (to keep the decoder's columns in
   * cache) says that more of it follows at once: the hits then only join the pending ones, and the
   * rows come with a later push. Each assignment re-reads the hits still within the horizon, so
   * fewer, larger ones cost less (about 17% of the hits in 32 Ki-packet slices of a 3 M hits/s run).
   */
  push(hits: HitBatch, triggers: TriggerEdges, out: EventOutput, moreFollow = false): void {
    for (let i = 0; i < triggers.n; i++) this.addTrigger(triggers.time[i], out);
    const from = this.nPending;
    this.appendPending(hits);
    let latest = this.kernel.latest(from, hits.n, this.latest);
    if (this.nTrig > 0 && this.kernel.trig[this.nTrig - 1] > latest)
      latest = this.kernel.trig[this.nTrig - 1];
    this.latest = latest;
    if (!moreFollow) this.assign(latest - this.config.horizon, out);
    if (this.owned) this.refreshOwned();
  }

  /** End of stream: every pending hit goes to the last trigger at or before it. */
  flush(out: EventOutput): void {
    this.assign(Infinity, out);
    if (this.owned) this.refreshOwned();
  }

  private addTrigger(t: number, out: EventOutput): void {
    if (this.nTrig > 0 && t < this.kernel.trig[this.nTrig - 1]) {
      // The time base went back (a timer reset, or a corrupt word): close the old epoch.
      this.counts.triggersBackwards++;
      this.flush(out);
      this.nTrig = 0;
      this.latest = -Infinity;
    }
    this.reserve(this.nPending, this.nPending, this.nTrig + 1, this.nTrig);
    if (this.nTrig === 0) this.firstNr = this.nextNr;
    this.kernel.trig[this.nTrig++] = t;
    this.nextNr++;
  }

  private appendPending(h: HitBatch): void {
    const n = this.nPending;
    const need = n + h.n;
    const k = this.kernel;
    this.reserve(need, n, this.nTrig, this.nTrig);
    k.x.set(h.x.subarray(0, h.n), n);
    k.y.set(h.y.subarray(0, h.n), n);
    k.toa.set(h.toa.subarray(0, h.n), n);
    k.tot.set(h.tot.subarray(0, h.n), n);
    if (h.totNs) {
      this.pendingTotNs = ensureCapacity(this.pendingTotNs ?? new Float64Array(0), need, n);
      this.pendingTotNs.set(h.totNs.subarray(0, h.n), n);
    }
    this.nPending = need;
  }

  /**
   * Assigns the pending hits that lie before `watermark` to their triggers and emits them grouped by
   * trigger; keeps later hits pending; retires triggers that can receive no more hits.
   */
  private assign(watermark: number, out: EventOutput): void {
    const total = this.nPending;
    if (total === 0) return;
    const k = this.kernel;
    const nTrig = this.nTrig;
    const ev = out.events;
    const direct = out === this.owned;
    // Room for every pending hit as a row after the rows already there, before the kernel's
    // passes (a growth later would lose their slot and bucket columns).
    if (direct) this.reserve(total, total, nTrig, nTrig, ev.n + total);
    // Triggers at or before the watermark are final; the last of them stays open.
    let lastFinal = -1;
    while (lastFinal + 1 < nTrig && k.trig[lastFinal + 1] <= watermark) lastFinal++;
    const nSlots = lastFinal + 1;
    const bucket = k.bucket;
    bucket.fill(0, 0, nSlots + 1);
    // Pass 1 (kernel): a slot per hit, KEEP or DROP, and the rows per slot.
    const { windowMin, windowMax } = this.config;
    const first = nTrig > 0 ? k.trig[0] : Infinity;
    const { dropped, outside } = k.slots(total, lastFinal, watermark, first, windowMin, windowMax);
    this.counts.outsideWindow += outside;
    if (this.firstNr === 0) this.counts.beforeFirstTrigger += dropped;
    else this.counts.late += dropped;
    this.emitTiming(nSlots, out);
    // Each slot's first row (counting sort: grouped by trigger, arrival order within one).
    for (let s = 0; s < nSlots; s++) bucket[s + 1] += bucket[s];
    const rows = bucket[nSlots];
    const base = direct ? ev.n : 0;
    const totNs = this.pendingTotNs;
    if (!direct) growEvents(ev, ev.n + rows, totNs !== null);
    else if (totNs) ev.totNs = ensureCapacity(ev.totNs ?? new Float64Array(0), ev.n + rows, ev.n);
    if (totNs) placeTotNs(totNs, k.slot, bucket.subarray(0, nSlots + 1), total, ev.totNs!, ev.n);
    // Pass 2 (kernel): rows placed, kept hits moved to the front of the pending columns.
    const kept = k.place(total, this.firstNr, base);
    if (!direct) {
      const at = ev.n;
      ev.triggerNr.set(k.outNr.subarray(0, rows), at);
      ev.x.set(k.outX.subarray(0, rows), at);
      ev.y.set(k.outY.subarray(0, rows), at);
      ev.tof.set(k.outTof.subarray(0, rows), at);
      ev.tot.set(k.outTot.subarray(0, rows), at);
    }
    ev.n += rows;
    this.nPending = kept;
    this.counts.events += rows;
    // Retire the final triggers but the last: no hit can belong to them any more.
    if (lastFinal > 0) {
      k.trig.copyWithin(0, lastFinal, nTrig);
      this.nTrig -= lastFinal;
      this.firstNr += lastFinal;
    }
  }

  /** Timing rows for triggers that receive their first row now (bucket holds per-slot counts). */
  private emitTiming(nSlots: number, out: EventOutput): void {
    const bucket = this.kernel.bucket;
    for (let k = 0; k < nSlots; k++) {
      if (bucket[k + 1] === 0) continue;
      const nr = this.firstNr + k;
      if (nr > this.lastTimingNr) {
        this.lastTimingNr = nr;
        pushTiming(out.timing, nr, this.kernel.trig[k], this.config.startTimeNs);
        this.counts.timingRows++;
      }
    }
  }
}

/** The exact ToT column follows the rows (as the kernel places them) and the kept hits. */
function placeTotNs(
  totNs: Float64Array,
  slot: Int32Array,
  firstRow: Int32Array,
  n: number,
  out: Float64Array,
  base: number,
): void {
  const next = firstRow.slice();
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const s = slot[i];
    if (s >= 0) out[base + next[s]++] = totNs[i];
    else if (s === KEEP) totNs[kept++] = totNs[i];
  }
}

const KEEP = -1;

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
