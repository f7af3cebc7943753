// Hit and trigger rates over a file of unknown length, in one pass and bounded memory: counts go into
// fine bins (1 ms to start with) from the first time seen; when a time falls past the last bin, pairs
// of bins merge (the width doubles), so a run of any length fits. At the end the fine bins are summed
// into at most `maxBins` output bins, each a whole number of fine bins (so at least 1 ms).
export const FINE_BIN_S = 1e-3;
const CAPACITY = 1 << 16;

export interface RateResult {
  /** Output bin width, s. Bin i covers [origin + i binS, origin + (i + 1) binS). */
  binS: number;
  hitsPerS: Float64Array;
  triggersPerS: Float64Array;
}

export class RateBins {
  /** Start of fine bin 0, s; NaN before the first time. Earlier times count in bin 0. */
  origin = NaN;
  private width = FINE_BIN_S;
  private readonly series = [new Float64Array(CAPACITY), new Float64Array(CAPACITY)];
  /** Fine bins in use (the highest index used + 1). */
  private used = 0;

  /** Sets the origin (at the first call only; normally the first chunk's earliest time). */
  start(originS: number): void {
    if (Number.isNaN(this.origin) && Number.isFinite(originS)) this.origin = originS;
  }

  addHits(times: Float64Array, n: number): void {
    this.add(0, times, n);
  }

  addTriggers(times: Float64Array, n: number): void {
    this.add(1, times, n);
  }

  private add(series: number, times: Float64Array, n: number): void {
    if (n === 0) return;
    if (Number.isNaN(this.origin)) this.start(times[0]);
    let counts = this.series[series];
    let scale = 1 / this.width;
    const origin = this.origin;
    for (let i = 0; i < n; i++) {
      const t = times[i];
      if (!Number.isFinite(t)) continue;
      let b = Math.floor((t - origin) * scale);
      if (b < 0) b = 0;
      while (b >= CAPACITY) {
        this.merge();
        scale = 1 / this.width;
        b = Math.floor((t - origin) * scale);
        counts = this.series[series];
      }
      counts[b]++;
      if (b >= this.used) this.used = b + 1;
    }
  }

  /** Halves the resolution: bin j becomes bins 2j and 2j + 1. */
  private merge(): void {
    for (const c of this.series) {
      for (let j = 0; j < CAPACITY / 2; j++) c[j] = c[2 * j] + c[2 * j + 1];
      c.fill(0, CAPACITY / 2);
    }
    this.used = Math.ceil(this.used / 2);
    this.width *= 2;
  }

  /** Rates per second in at most `maxBins` bins (one empty bin before any data). */
  result(maxBins = 1000): RateResult {
    const used = Math.max(1, this.used);
    const k = Math.max(1, Math.ceil(used / maxBins));
    const binS = this.width * k;
    const nOut = Math.ceil(used / k);
    const [hits, trig] = this.series;
    const hitsPerS = new Float64Array(nOut);
    const triggersPerS = new Float64Array(nOut);
    for (let j = 0; j < used; j++) {
      const o = Math.floor(j / k);
      hitsPerS[o] += hits[j];
      triggersPerS[o] += trig[j];
    }
    for (let o = 0; o < nOut; o++) {
      hitsPerS[o] /= binS;
      triggersPerS[o] /= binS;
    }
    return { binS, hitsPerS, triggersPerS };
  }
}
