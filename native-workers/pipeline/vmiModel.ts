// The physics of the generated velocity-map-imaging (VMI) run, separate from its streaming: options
// and their validation, ion species, and the cluster footprint tables. generator.ts draws from these.
//
// Model. Each trigger (a laser shot) produces a Poisson number of ions. An ion of a species flies for
// that species' time of flight; its velocity direction follows 1 + beta P2(cos theta) about the laser
// polarisation (detector y), so it lands on the species' ring (a projected Newton sphere) and its
// velocity component along the spectrometer axis shifts its time of flight by up to +-tofSpread. On
// the detector it lights a compact cluster of 3..25 pixels: the pixels nearest its centre, with ToT
// following a 2-D Gaussian of the distance, and arriving later the lower their ToT (time walk).
import { UserError } from '../../shared/userError';
import { GAUSS_TABLE } from './seededRandom';

export interface IonSpecies {
  /** Mean time of flight, s. */
  tof: number;
  /** Largest time-of-flight shift from the velocity along the spectrometer axis, s. */
  tofSpread: number;
  /** Radius of the species' ring on the detector, px. */
  radius: number;
  /** Anisotropy beta (-1..2) of 1 + beta P2(cos theta) about the polarisation (detector y). */
  beta: number;
  /** Relative abundance (any non-negative scale). */
  weight: number;
}

export const DEFAULT_SPECIES: readonly IonSpecies[] = [
  { tof: 1.2e-6, tofSpread: 5e-9, radius: 30, beta: 2, weight: 0.3 },
  { tof: 2.5e-6, tofSpread: 10e-9, radius: 60, beta: 0.5, weight: 0.45 },
  { tof: 4.1e-6, tofSpread: 20e-9, radius: 95, beta: -0.5, weight: 0.25 },
];

/** 2025-01-01T00:00:00Z in ns since the epoch: the default header start time (Decision 3). */
export const DEFAULT_START_TIME_NS = 1_735_689_600_000_000_000n;

export interface VmiOptions {
  /** Run length, s of camera time (> 0). */
  seconds: number;
  /** Laser shots (TDC1 rising edges) per second; the run has round(seconds * triggerRate). Default 1000. */
  triggerRate?: number;
  /** Poisson mean of ions per trigger. Default 5. */
  ionsPerTrigger?: number;
  /** Integer seed (0..2^53-1): one seed, one byte stream. Default 1. */
  seed?: number;
  /** Header start time, ns since the epoch (wall clock at camera timer zero), in [2^60, 2^61). */
  startTimeNs?: bigint;
  /** Camera timer (25 ns units) at the run's first time packet. Default 0 (timer just reset). */
  startLongtime?: number;
  species?: readonly IonSpecies[];
  /** Uniform noise hits per second over the whole chip. Default 2000. */
  noiseRate?: number;
  /** Number of hot pixels (fixed per seed). Default 3. */
  hotPixels?: number;
  /** Hits per second of each hot pixel. Default 1000. */
  hotPixelRate?: number;
  /** TDC1 pulse width (falling edge after rising), s. Default 30 ns. */
  pulseWidth?: number;
  /** Also write TDC2 edges, tdc2Delay after each trigger, same pulse width. Default false. */
  tdc2?: boolean;
  tdc2Delay?: number;
  /** Largest readout delay of a pixel hit, s (delay = max * u^2, u uniform). Default 20 us. */
  maxReadoutDelay?: number;
  /** Time walk of a cluster's faintest pixel relative to its centre, s. Default 5 ns. */
  timeWalk?: number;
  /** Gaussian sigma of a cluster's ToT profile, px. Default 1. */
  clusterSigma?: number;
  /** Target chunk size in bytes. Default 4 MiB. */
  chunkBytes?: number;
}

export type ResolvedVmiOptions = Required<Omit<VmiOptions, 'species'>> & { species: readonly IonSpecies[] };

const TWO_48 = 2 ** 48;

function check(ok: boolean, message: string): void {
  if (!ok) throw new UserError(message);
}

function finiteIn(v: number, min: number, max: number): boolean {
  return typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
}

/** Fills in defaults and validates; every problem is a UserError saying what to change. */
export function resolveVmiOptions(o: VmiOptions): ResolvedVmiOptions {
  const r: ResolvedVmiOptions = {
    seconds: o.seconds,
    triggerRate: o.triggerRate ?? 1000,
    ionsPerTrigger: o.ionsPerTrigger ?? 5,
    seed: o.seed ?? 1,
    startTimeNs: o.startTimeNs ?? DEFAULT_START_TIME_NS,
    startLongtime: o.startLongtime ?? 0,
    species: o.species ?? DEFAULT_SPECIES,
    noiseRate: o.noiseRate ?? 2000,
    hotPixels: o.hotPixels ?? 3,
    hotPixelRate: o.hotPixelRate ?? 1000,
    pulseWidth: o.pulseWidth ?? 30e-9,
    tdc2: o.tdc2 ?? false,
    tdc2Delay: o.tdc2Delay ?? 500e-9,
    maxReadoutDelay: o.maxReadoutDelay ?? 20e-6,
    timeWalk: o.timeWalk ?? 5e-9,
    clusterSigma: o.clusterSigma ?? 1,
    chunkBytes: o.chunkBytes ?? 4 * 1024 * 1024,
  };
  check(finiteIn(r.seconds, Number.MIN_VALUE, 1e6), `seconds must be a number in (0, 1e6], got ${r.seconds}`);
  check(
    finiteIn(r.triggerRate, Number.MIN_VALUE, 1e6),
    `trigger rate must be in (0, 1e6] Hz, got ${r.triggerRate}`,
  );
  check(
    finiteIn(r.ionsPerTrigger, 0, 1000),
    `ions per trigger must be in [0, 1000], got ${r.ionsPerTrigger}`,
  );
  check(Number.isSafeInteger(r.seed) && r.seed >= 0, `seed must be an integer in [0, 2^53), got ${r.seed}`);
  check(
    r.startTimeNs >= 1n << 60n && r.startTimeNs < 1n << 61n,
    `start time ${r.startTimeNs} ns is outside [2^60, 2^61) ns (2006-07-14 to 2043-01-25): choose a time in that range`,
  );
  check(
    Number.isSafeInteger(r.startLongtime) &&
      r.startLongtime >= 0 &&
      r.startLongtime + (r.seconds + 2) * 4e7 < TWO_48,
    `start longtime must be an integer >= 0 with the whole run below 2^48 x 25 ns, got ${r.startLongtime}`,
  );
  check(finiteIn(r.noiseRate, 0, 1e9), `noise rate must be in [0, 1e9] hits/s, got ${r.noiseRate}`);
  check(
    Number.isInteger(r.hotPixels) && r.hotPixels >= 0 && r.hotPixels <= 1024,
    `hot pixels must be an integer in [0, 1024], got ${r.hotPixels}`,
  );
  check(finiteIn(r.hotPixelRate, 0, 1e6), `hot pixel rate must be in [0, 1e6] Hz, got ${r.hotPixelRate}`);
  const period = 1 / r.triggerRate;
  check(
    finiteIn(r.pulseWidth, 0, period / 2),
    `pulse width must be in [0, half the trigger period], got ${r.pulseWidth}`,
  );
  check(
    finiteIn(r.tdc2Delay, 0, period / 2),
    `TDC2 delay must be in [0, half the trigger period], got ${r.tdc2Delay}`,
  );
  check(
    finiteIn(r.maxReadoutDelay, 0, 1e-3),
    `max readout delay must be in [0, 1 ms], got ${r.maxReadoutDelay}`,
  );
  check(finiteIn(r.timeWalk, 0, 1e-6), `time walk must be in [0, 1 us], got ${r.timeWalk}`);
  check(finiteIn(r.clusterSigma, 0.2, 5), `cluster sigma must be in [0.2, 5] px, got ${r.clusterSigma}`);
  check(
    finiteIn(r.chunkBytes, 65536, 256 * 1024 * 1024),
    `chunk size must be in [64 KiB, 256 MiB], got ${r.chunkBytes}`,
  );
  let weight = 0;
  for (const s of r.species) {
    check(
      finiteIn(s.tof, 0, 1e-3) && finiteIn(s.tofSpread, 0, s.tof),
      `species time of flight must be in [0, 1 ms] with spread <= tof`,
    );
    check(
      finiteIn(s.radius, 0, 256) && finiteIn(s.beta, -1, 2) && finiteIn(s.weight, 0, 1e9),
      'species radius in [0, 256] px, beta in [-1, 2], weight >= 0',
    );
    weight += s.weight;
  }
  check(r.ionsPerTrigger === 0 || weight > 0, 'ions need at least one species with a positive weight');
  return r;
}

/** Hits per cluster: 3..25 (the cluster tables hold the 25 nearest pixels). */
export const MAX_CLUSTER_HITS = 25;
/** Sub-pixel positions of a cluster centre are quantised to 1/8 px for the footprint tables. */
export const SUBPIXEL = 8;

/**
 * Footprints: for each of SUBPIXEL^2 sub-pixel centres, the MAX_CLUSTER_HITS pixels nearest to it
 * (offsets from the centre's pixel, nearest first) and their Gaussian weight exp(-d^2 / 2 sigma^2).
 */
export interface ClusterTables {
  dx: Int8Array;
  dy: Int8Array;
  weight: Float64Array;
}

export function buildClusterTables(sigma: number): ClusterTables {
  const n = SUBPIXEL * SUBPIXEL * MAX_CLUSTER_HITS;
  const t: ClusterTables = { dx: new Int8Array(n), dy: new Int8Array(n), weight: new Float64Array(n) };
  const cand: { dx: number; dy: number; d2: number }[] = [];
  for (let q = 0; q < SUBPIXEL * SUBPIXEL; q++) {
    const fx = ((q % SUBPIXEL) + 0.5) / SUBPIXEL;
    const fy = (Math.floor(q / SUBPIXEL) + 0.5) / SUBPIXEL;
    cand.length = 0;
    for (let dy = -4; dy <= 4; dy++) {
      for (let dx = -4; dx <= 4; dx++) {
        const ex = dx + 0.5 - fx;
        const ey = dy + 0.5 - fy;
        cand.push({ dx, dy, d2: ex * ex + ey * ey });
      }
    }
    // Ties broken by position so the tables do not depend on the sort's stability.
    cand.sort((a, b) => a.d2 - b.d2 || a.dy - b.dy || a.dx - b.dx);
    for (let k = 0; k < MAX_CLUSTER_HITS; k++) {
      const i = q * MAX_CLUSTER_HITS + k;
      t.dx[i] = cand[k].dx;
      t.dy[i] = cand[k].dy;
      t.weight[i] = Math.exp(-cand[k].d2 / (2 * sigma * sigma));
    }
  }
  return t;
}

/** Points of the cos(theta) inverse-CDF tables, sampled by linear interpolation. */
export const COS_TABLE_SIZE = 1024;

/**
 * Inverse CDF of cos(theta) for the angular distribution 1 + beta P2(cos theta) (beta in -1..2, so
 * the density is never negative): entry i is the c with F(c) = i / COS_TABLE_SIZE, where
 * F(c) = ((c + 1) + beta (c^3 - c) / 2) / 2, found by bisection.
 */
export function cosThetaTable(beta: number): Float64Array {
  const t = new Float64Array(COS_TABLE_SIZE + 1);
  const cdf = (c: number): number => (c + 1 + (beta * (c * c * c - c)) / 2) / 2;
  for (let i = 0; i <= COS_TABLE_SIZE; i++) {
    const target = i / COS_TABLE_SIZE;
    let lo = -1;
    let hi = 1;
    for (let k = 0; k < 60; k++) {
      const mid = (lo + hi) / 2;
      if (cdf(mid) < target) lo = mid;
      else hi = mid;
    }
    t[i] = (lo + hi) / 2;
  }
  return t;
}

/** Uniform uint32 draws IonSampler.sample uses per ion. */
export const ION_DRAWS = 7;
const U32 = 2.3283064365386963e-10; // 2^-32
const COS_PHI = Float64Array.from({ length: 4097 }, (_, i) => Math.cos((2 * Math.PI * i) / 4096));
const SIN_PHI = Float64Array.from({ length: 4097 }, (_, i) => Math.sin((2 * Math.PI * i) / 4096));

/** Draws single ions of the species mix: species, landing point, time of flight, cluster size. */
export class IonSampler {
  private readonly cdf: Float64Array;
  private readonly tof: Float64Array;
  private readonly spread: Float64Array;
  private readonly radius: Float64Array;
  /** Per species, COS_TABLE_SIZE + 1 points of the inverse CDF of cos(theta). */
  private readonly cosTable: Float64Array;

  constructor(species: readonly IonSpecies[]) {
    const weights = Float64Array.from(species, (sp) => sp.weight);
    const total = weights.reduce((acc, w) => acc + w, 0) || 1;
    let acc = 0;
    this.cdf = weights.map((w) => (acc += w) / total);
    this.tof = Float64Array.from(species, (sp) => sp.tof);
    this.spread = Float64Array.from(species, (sp) => sp.tofSpread);
    this.radius = Float64Array.from(species, (sp) => sp.radius);
    this.cosTable = new Float64Array(species.length * (COS_TABLE_SIZE + 1));
    species.forEach((sp, i) => this.cosTable.set(cosThetaTable(sp.beta), i * (COS_TABLE_SIZE + 1)));
  }

  /**
   * One ion from the uniform uint32 draws r[at..at + ION_DRAWS): out = [x, y (px, ring centred on
   * (128, 128), +-2 % radius), tof (s, +-tofSpread from the axial velocity, +-0.5 ns), hits (3..25),
   * peak ToT (250..1000 ns, larger clusters brighter)].
   */
  sample(r: Uint32Array, at: number, out: Float64Array): void {
    const cdf = this.cdf;
    const us = r[at] * U32;
    let sp = 0;
    while (sp < cdf.length - 1 && us >= cdf[sp]) sp++;
    // cos(theta) about y from the species' inverse CDF of 1 + beta P2, interpolated.
    const v = (r[at + 1] >>> 22) + (r[at + 1] & 0x3fffff) * (1 / 0x400000);
    const ti = sp * (COS_TABLE_SIZE + 1) + Math.floor(v);
    const c = this.cosTable[ti] + (this.cosTable[ti + 1] - this.cosTable[ti]) * (v - Math.floor(v));
    // phi uniform: cos and sin from 4096-step tables, interpolated (error < 3e-7).
    const pi = r[at + 2] >>> 20;
    const pf = (r[at + 2] & 0xfffff) * (1 / 0x100000);
    const cosPhi = COS_PHI[pi] + (COS_PHI[pi + 1] - COS_PHI[pi]) * pf;
    const sinPhi = SIN_PHI[pi] + (SIN_PHI[pi + 1] - SIN_PHI[pi]) * pf;
    const sn = Math.sqrt(Math.max(0, 1 - c * c));
    const radius = this.radius[sp] * (1 + 0.02 * GAUSS_TABLE[r[at + 3] >>> 20]);
    const u = r[at + 5] * U32;
    const hits = Math.floor(3.5 + 22 * u + 2 * GAUSS_TABLE[r[at + 6] >>> 20]);
    out[0] = 128 + radius * sn * cosPhi;
    out[1] = 128 + radius * c;
    out[2] = this.tof[sp] + this.spread[sp] * sn * sinPhi + 0.5e-9 * GAUSS_TABLE[r[at + 4] >>> 20];
    out[3] = hits < 3 ? 3 : hits > MAX_CLUSTER_HITS ? MAX_CLUSTER_HITS : hits;
    out[4] = 250 + 750 * u;
  }
}
