// The camera's 48-bit global time ("longtime", 25 ns units) and the extension of 30-bit packet
// times with it. `TimeTracker` applies the reading rules of timepix3-format.md to the stream's
// 0x4/0x4 (LSB) and 0x4/0x5 (MSB) packets: first MSB starts the clock, stale pairs (large backward
// jumps) are rejected, large forward jumps are taken (the reference's formula is a defect), and two
// consecutive rejected pairs that agree are adopted so one bad pair cannot freeze the time base.

/** 2^28 x 25 ns: one quarter of the 30-bit period (6.71 s). */
export const QUARTER = 0x10000000;
const PERIOD = 0x40000000; // 2^30
const SPAN_48 = 2 ** 48;

/**
 * The high part (bits 30..47) that `extend` gives a 30-bit value whose quarter (bits 28..29) is
 * `quarter`, for this longtime. Decoders precompute the four entries once per longtime, so extending
 * a packet time is one table look-up and one addition.
 */
export function extendBase(longtime: number, quarter: number): number {
  const d = (Math.floor(longtime / QUARTER) % 4) - quarter;
  let base = longtime;
  if (d === 1 || d === -3) base -= QUARTER;
  else if (d === -1 || d === 3) base += QUARTER;
  // `& 0xFFFFC0000000` on a uint64: negative bases wrap, and only bits 30..47 survive.
  base = ((base % SPAN_48) + SPAN_48) % SPAN_48;
  return Math.floor(base / PERIOD) * PERIOD;
}

export function fillExtendTable(longtime: number, table: Float64Array): void {
  for (let q = 0; q < 4; q++) table[q] = extendBase(longtime, q);
}

/** extend(arr, longtime) of the format doc, for a value of up to 32 bits (only bits 0..29 are kept). */
export function extend(arr: number, longtime: number): number {
  return extendBase(longtime, (arr >>> 28) & 3) + (arr & 0x3fffffff);
}

export interface TimeJumpCounts {
  /** MSB pairs rejected as stale (more than a quarter behind the current longtime). */
  backwardJumps: number;
  /** MSB pairs taken although more than a quarter ahead of the current longtime. */
  forwardJumps: number;
  /** Rejected pairs adopted because the next pair agreed with them. */
  recoveries: number;
}

/** Tracks the global time from LSB/MSB packets with the reference's jump rules (fixed). */
export class TimeTracker {
  /** Current longtime in 25 ns units, or -1 before the first MSB. */
  longtime = -1;
  private lsb = 0;
  /** The last pair rejected as a backward jump, -1 if the previous pair was accepted. */
  private rejected = -1;
  readonly jumps: TimeJumpCounts = { backwardJumps: 0, forwardJumps: 0, recoveries: 0 };

  onLsb(lsb: number): void {
    this.lsb = lsb;
  }

  /** Returns true when the longtime changed. */
  onMsb(msb: number): boolean {
    const tmp = msb * 2 ** 32 + this.lsb;
    if (this.longtime < 0) return this.accept(tmp);
    if (tmp + QUARTER < this.longtime) {
      if (this.rejected >= 0 && Math.abs(tmp - this.rejected) <= QUARTER) {
        this.jumps.recoveries++;
        return this.accept(tmp);
      }
      this.jumps.backwardJumps++;
      this.rejected = tmp;
      return false;
    }
    if (tmp > this.longtime + QUARTER) this.jumps.forwardJumps++;
    return this.accept(tmp);
  }

  /** An authoritative time (e.g. a GET_TIMER reply): no jump rule. */
  set(longtime: number): void {
    this.accept(longtime);
  }

  private accept(longtime: number): boolean {
    this.rejected = -1;
    const changed = longtime !== this.longtime;
    this.longtime = longtime;
    return changed;
  }
}
