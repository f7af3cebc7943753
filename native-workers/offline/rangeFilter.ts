// Which part of a file the offline browser shows: all of it, a time range (s from the file's first
// time), or a trigger-number range. Fed each chunk's triggers in stream order (trigger k is the k-th
// rising edge, as the event builder numbers them), it turns either range into
//   - a trigger-number range [fromNr, toNr) for event rows (so a trigger's rows and centroids are
//     all in or all out), and
//   - a hit-time range [hitLo, hitHi) for decoded hits (hit map, ToT histogram),
// and says when reading can stop: once the stream is well past the time the range ends.
import type { EventBatch, HitBatch, TriggerEdges } from '../../shared/batches';
import { emptyEventBatch } from '../../shared/batches';
import { assertNever } from '../../shared/assertNever';
import type { BrowseRange } from '../../shared/offlineApi';
import { ensureCapacity } from '../pipeline/columns';
import { newHitBatch, reserveHits } from '../pipeline/hitColumns';

export class RangeFilter {
  /** The file's first time, s (known, or set from the first chunk with data). */
  originS: number;
  private nextNr = 0;
  private fromNr = Infinity;
  private toNr = Infinity;
  private hitLo = Infinity;
  private hitHi = Infinity;
  /** Time from which nothing more of the range can come (plus the reorder horizon); Infinity until known. */
  private endS = Infinity;
  private readonly hitsOut = newHitBatch(0);
  private readonly eventsOut = emptyEventBatch(0);

  constructor(
    readonly range: BrowseRange,
    firstS: number | null,
  ) {
    this.originS = firstS ?? NaN;
    switch (range.kind) {
      case 'all':
        this.fromNr = 0;
        this.hitLo = -Infinity;
        break;
      case 'time':
        break;
      case 'trigger':
        this.fromNr = range.from;
        this.toNr = range.to;
        break;
      default:
        assertNever(range, 'browse range');
    }
    if (!Number.isNaN(this.originS)) this.setOrigin(this.originS);
  }

  private setOrigin(originS: number): void {
    this.originS = originS;
    if (this.range.kind === 'time') {
      this.hitLo = originS + this.range.fromS;
      this.hitHi = originS + this.range.toS;
    }
  }

  /**
   * Takes a chunk's triggers (and its earliest time, which sets the origin when unknown); returns
   * how many of the triggers are in the range.
   */
  observe(triggers: TriggerEdges, earliestS: number): number {
    if (Number.isNaN(this.originS) && Number.isFinite(earliestS)) this.setOrigin(earliestS);
    const r = this.range;
    let inRange = 0;
    for (let i = 0; i < triggers.n; i++) {
      const nr = this.nextNr++;
      const t = triggers.time[i];
      if (r.kind === 'all') inRange++;
      else if (r.kind === 'time') {
        if (this.fromNr === Infinity && t >= this.hitLo) this.fromNr = nr;
        if (this.toNr === Infinity && t >= this.hitHi) {
          this.toNr = nr;
          this.endS = t;
        }
        if (t >= this.hitLo && t < this.hitHi) inRange++;
      } else {
        if (nr === r.from) this.hitLo = t;
        if (nr === r.to) {
          this.hitHi = t;
          this.endS = t;
        }
        if (nr >= r.from && nr < r.to) inRange++;
      }
    }
    return inRange;
  }

  /** True once the stream (latest time seen) is past the range's end by `marginS`. */
  pastEnd(latestS: number, marginS: number): boolean {
    return latestS > this.endS + marginS;
  }

  /** The hits in the range: `h` itself for 'all', else a filtered copy (valid until the next call). */
  hits(h: HitBatch): HitBatch {
    if (this.range.kind === 'all') return h;
    const out = this.hitsOut;
    reserveHits(out, h.n);
    const { hitLo, hitHi } = this;
    let k = 0;
    for (let i = 0; i < h.n; i++) {
      const t = h.toa[i];
      if (!(t >= hitLo && t < hitHi)) continue;
      out.x[k] = h.x[i];
      out.y[k] = h.y[i];
      out.toa[k] = t;
      out.tot[k] = h.tot[i];
      k++;
    }
    out.n = k;
    return out;
  }

  /** The event rows of triggers in the range: `e` itself for 'all', else a filtered copy. */
  events(e: EventBatch): EventBatch {
    if (this.range.kind === 'all') return e;
    const out = this.eventsOut;
    out.triggerNr = ensureCapacity(out.triggerNr, e.n, 0);
    out.x = ensureCapacity(out.x, e.n, 0);
    out.y = ensureCapacity(out.y, e.n, 0);
    out.tof = ensureCapacity(out.tof, e.n, 0);
    out.tot = ensureCapacity(out.tot, e.n, 0);
    const { fromNr, toNr } = this;
    let k = 0;
    for (let i = 0; i < e.n; i++) {
      const nr = e.triggerNr[i];
      if (!(nr >= fromNr && nr < toNr)) continue;
      out.triggerNr[k] = nr;
      out.x[k] = e.x[i];
      out.y[k] = e.y[i];
      out.tof[k] = e.tof[i];
      out.tot[k] = e.tot[i];
      k++;
    }
    out.n = k;
    return out;
  }
}
