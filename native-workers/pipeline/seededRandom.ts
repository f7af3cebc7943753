// A small seeded random source for the run generator: sfc32 (32-bit integer arithmetic only, so one
// seed gives the same sequence on every platform), a normal deviate by table look-up (an inverse-CDF
// table of 4096 midpoints: fast in the per-hit loop, tails cut at about 3.5 sigma) and Poisson counts.

const GAUSS_BITS = 12;
/** Standard normal quantiles at the midpoints of 4096 equal-probability bins: gauss = T[floor(u * 4096)]. */
export const GAUSS_TABLE = buildGaussTable(1 << GAUSS_BITS);
export const GAUSS_TABLE_SIZE = 1 << GAUSS_BITS;

/** Acklam's rational approximation of the standard normal inverse CDF (relative error < 1.2e-9). */
function inverseNormalCdf(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549671035506888, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number): number =>
    (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}

function buildGaussTable(n: number): Float64Array {
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) t[i] = inverseNormalCdf((i + 0.5) / n);
  return t;
}

/**
 * sfc32, seeded through splitmix32 from an integer seed (< 2^53) and a stream number (uint32): the
 * run generator gives each slice its own stream, so slices do not depend on each other's draws.
 */
export class SeededRandom {
  // State in a typed array: int32 values in object fields would be boxed (V8 Smis hold 31 bits).
  private readonly st = new Int32Array(4);

  constructor(seed: number, stream = 0) {
    let s =
      (seed >>> 0) ^
      Math.imul(Math.floor(seed / 2 ** 32) | 0, 0x9e3779b9) ^
      Math.imul(stream | 0, 0x85ebca6b);
    const mix = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) | 0;
    };
    for (let i = 0; i < 4; i++) this.st[i] = mix();
    this.st[3] ^= stream | 0;
    for (let i = 0; i < 16; i++) this.next32();
  }

  /** Uniform unsigned 32-bit integer. */
  next32(): number {
    const st = this.st;
    const a = st[0];
    const b = st[1];
    const c = st[2];
    const d = st[3];
    const t = (((a + b) | 0) + d) | 0;
    st[0] = b ^ (b >>> 9);
    st[1] = (c + (c << 3)) | 0;
    st[2] = (((c << 21) | (c >>> 11)) + t) | 0;
    st[3] = (d + 1) | 0;
    return t >>> 0;
  }

  /**
   * Fills out[0..n) with uniform uint32s: the per-hit path draws its numbers in bulk, because a
   * number returned by a call V8 does not inline is boxed (an allocation per draw).
   */
  fillUint32(out: Uint32Array, n: number): void {
    const st = this.st;
    let a = st[0];
    let b = st[1];
    let c = st[2];
    let d = st[3];
    for (let i = 0; i < n; i++) {
      const t = (((a + b) | 0) + d) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (((c << 21) | (c >>> 11)) + t) | 0;
      d = (d + 1) | 0;
      out[i] = t;
    }
    st[0] = a;
    st[1] = b;
    st[2] = c;
    st[3] = d;
  }

  /** Uniform in [0, 1), 32 bits of resolution. */
  uniform(): number {
    return this.next32() * 2.3283064365386963e-10;
  }

  /** Uniform integer in 0..n-1 (n <= 2^32). */
  int(n: number): number {
    return Math.floor(this.next32() * 2.3283064365386963e-10 * n);
  }

  /** Standard normal deviate from the 4096-entry inverse-CDF table. */
  gauss(): number {
    return GAUSS_TABLE[this.next32() >>> (32 - GAUSS_BITS)];
  }

  /** Poisson count: exact (Knuth) below a mean of 30, else the rounded normal approximation. */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean < 30) {
      const limit = Math.exp(-mean);
      let k = 0;
      let p = this.uniform();
      while (p > limit) {
        k++;
        p *= this.uniform();
      }
      return k;
    }
    const k = Math.round(mean + Math.sqrt(mean) * this.gauss());
    return k < 0 ? 0 : k;
  }
}
