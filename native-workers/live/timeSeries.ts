// Time series for the live views: per-second sums over a fixed history (Trend) and what was added
// in the last second (RateWindow). Pure: time is always passed in as seconds.

const mod = (a: number, m: number): number => ((a % m) + m) % m;

/** Per-second sums of several series over the last `len` whole seconds, in a ring keyed by second. */
export class Trend {
  private readonly data: Float64Array;
  /** The newest second held (bins are [s, s + 1)); -Infinity before the first use. */
  endS = -Infinity;

  constructor(
    readonly series: number,
    readonly len: number,
  ) {
    this.data = new Float64Array(series * len);
  }

  /** Moves the newest second forward to floor(nowS), zeroing the seconds it passes; never back. */
  advance(nowS: number): void {
    const sec = Math.floor(nowS);
    if (!(sec > this.endS)) return;
    const { data, len, series } = this;
    for (let s = Math.max(this.endS + 1, sec - len + 1); s <= sec; s++) {
      const k = mod(s, len);
      for (let j = 0; j < series; j++) data[j * len + k] = 0;
    }
    this.endS = sec;
  }

  /** Adds to the second holding nowS; a second older than the history is dropped. */
  add(series: number, nowS: number, amount: number): void {
    if (!Number.isFinite(nowS)) return;
    this.advance(nowS);
    const sec = Math.floor(nowS);
    if (this.endS - sec < this.len) this.data[series * this.len + mod(sec, this.len)] += amount;
  }

  /** Oldest first: element i is the second endS - len + 1 + i. */
  copy(series: number): Float64Array {
    const out = new Float64Array(this.len);
    if (this.endS === -Infinity) return out;
    for (let i = 0; i < this.len; i++) {
      out[i] = this.data[series * this.len + mod(this.endS - this.len + 1 + i, this.len)];
    }
    return out;
  }

  clear(): void {
    this.data.fill(0);
  }
}

/** Amounts added per call (one record per batch) with their time; sums those added with t in
 * (nowS - 1, nowS]. Records are pruned from the front as time moves on (calls come in time order). */
export class RateWindow {
  private records: { t: number; series: number; amount: number }[] = [];
  private head = 0;

  constructor(private readonly nSeries: number) {}

  add(nowS: number, series: number, amount: number): void {
    this.prune(nowS);
    this.records.push({ t: nowS, series, amount });
  }

  sums(nowS: number): Float64Array {
    this.prune(nowS);
    const out = new Float64Array(this.nSeries);
    for (let i = this.head; i < this.records.length; i++) {
      out[this.records[i].series] += this.records[i].amount;
    }
    return out;
  }

  private prune(nowS: number): void {
    while (this.head < this.records.length && !(this.records[this.head].t > nowS - 1)) this.head++;
    if (this.head > 256 && this.head * 2 > this.records.length) {
      this.records = this.records.slice(this.head);
      this.head = 0;
    }
  }
}
