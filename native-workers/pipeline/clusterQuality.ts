// Clustering quality against ground truth: how many true ions (from the generator's per-ion truth)
// the centroids of a clustering run recover, and how many ions were split, merged or invented.
//
// Flow. Ions and centroids are ordered by trigger number (index arrays, stable sort; already-ordered
// inputs cost one linear check) and walked together trigger by trigger. Within one trigger every
// (ion, centroid) pair is compared once: it is a match candidate when the centroid lies within
// `matchPx` in x-y and `matchTof` in tof of the ion, and "in the ion's footprint" when within
// `footprintPx` and `footprintTof`. No object per ion, hit or pair: scratch typed arrays sized to the
// largest trigger, grown by doubling. Cost O(ions x centroids) per trigger, small for VMI data.
//
// Definitions (all per trigger; a centroid never matches an ion of another trigger):
// - recovered: ions matched one-to-one to centroids among the match candidates, greedily by
//   normalised distance (dxy / matchPx)^2 + (dtof / matchTof)^2, closest pairs first. One-to-one, so
//   one centroid sitting between two merged ions recovers at most one of them.
// - footprint distance: (dxy / footprintPx)^2 + (dtof / footprintTof)^2, inside the footprint when
//   dxy <= footprintPx and |dtof| <= footprintTof. Defaults 3 px (an ion's cluster is its 3..25
//   pixels nearest the centre, within ~2.9 px) and 20 ns (time walk plus jitter of a cluster's
//   hits is < 10 ns; species' tof spreads are up to 20 ns, so ions that close are a merge risk).
// - split ion: an ion that is the nearest footprint ion of 2+ centroids (nearest, so two correctly
//   found ions 2 px apart do not count each other's centroids as fragments).
// - merged centroid: a centroid that is the nearest footprint centroid of 2+ ions.
// - spurious centroid: a centroid inside no ion's footprint (noise, hot pixels, or far off).
// Centroids in some footprint but not matched (a split's second fragment, a merge's leftover ion's
// centroid, a badly placed centroid) are neither recovered nor spurious: `centroids - recovered -
// spurious` of them.
//
// Coordinates. Truth x, y are continuous with pixel k covering [k, k+1); a centroid is a ToT-weighted
// mean of pixel indices, so its position is x + 0.5 (`centroidOffsetPx`). Truth tof is the ion's time
// of flight from its trigger; the centroid tof is the ToT-weighted mean of its hits' tof, and the
// generator makes a hit of Gaussian weight w (ToT ~ w) late by timeWalk * (1 - w), so the centroid is
// late by about 0.41 timeWalk: measured 2.06 ns mean, 0.5 ns sd for the default 5 ns walk (a few
// centroids pulled by a neighbouring ion up to 8 ns), 0 for no walk, 4.1 +- 0.9 ns for a 10 ns
// walk. `tofOffset` is subtracted from the centroid tof before comparing. Default 0: with the
// default walk the 5 ns tolerance holds the uncorrected bias (centring it recovers < 0.05 % more
// ions); for a larger walk pass the bias (a 10 ns walk loses 7 % of the ions without it). The
// residuals of the recovered pairs are reported, so the bias can be read off a run.
import { emptyEventBatch, type CentroidBatch, type EventBatch } from '../../shared/batches';
import { ensureCapacity } from './columns';
import { EventBuilder, newEventOutput } from './eventBuilder';
import { createVmiGenerator, type VmiOptions } from './generator';
import { sortIndicesByKey } from './indexSort';
import { Tpx3Decoder, newDecodedBatch } from './tpx3Decoder';

/** The true ions: one row per ion (the generator's IonTruth columns, concatenated). */
export interface IonTruthColumns {
  n: number;
  triggerNr: Float64Array;
  /** Cluster centre, px, pixel k covering [k, k+1). */
  x: Float64Array;
  y: Float64Array;
  /** Time of flight from the trigger, s. */
  tof: Float64Array;
}

export interface QualityOptions {
  /** Largest x-y distance of a recovering centroid, px. Default 1. */
  matchPx?: number;
  /** Largest |tof difference| of a recovering centroid, s. Default 5 ns. */
  matchTof?: number;
  /** An ion's footprint (split, merged, spurious): x-y radius, px. Default 3. */
  footprintPx?: number;
  /** An ion's footprint: largest |tof difference|, s. Default 20 ns. */
  footprintTof?: number;
  /** Added to centroid x and y before comparing: 0.5 maps mean pixel indices to pixel centres. */
  centroidOffsetPx?: number;
  /** Subtracted from the centroid tof before comparing, s (a known time-walk bias). Default 0. */
  tofOffset?: number;
}

export interface ClusterQuality {
  ions: number;
  centroids: number;
  /** Ions matched one-to-one within matchPx and matchTof. */
  recovered: number;
  /** recovered / ions (1 when there are no ions). */
  fraction: number;
  /** Ions that are the nearest footprint ion of 2+ centroids. */
  split: number;
  /** Centroids that are the nearest footprint centroid of 2+ ions. */
  merged: number;
  /** Centroids inside no ion's footprint. */
  spurious: number;
  /** Mean centroid minus truth over the recovered pairs, after the offsets: x, y in px, tof in s. */
  meanDx: number;
  meanDy: number;
  meanDtof: number;
  /** Root mean square and largest absolute tof residual of the recovered pairs, s. */
  rmsDtof: number;
  maxAbsDtof: number;
}

/** Row indices 0..n-1 ordered by trigger number (stable). */
function byTrigger(n: number, triggerNr: Float64Array): Uint32Array {
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  sortIndicesByKey(idx, 0, n, triggerNr, new Uint32Array(n));
  return idx;
}

/** Compares centroids with the true ions; see the module comment for the definitions. */
export function clusterQuality(
  ions: IonTruthColumns,
  centroids: CentroidBatch,
  options: QualityOptions = {},
): ClusterQuality {
  const matchPx = options.matchPx ?? 1;
  const matchTof = options.matchTof ?? 5e-9;
  const footPx = options.footprintPx ?? 3;
  const footTof = options.footprintTof ?? 20e-9;
  const off = options.centroidOffsetPx ?? 0.5;
  const tofOff = options.tofOffset ?? 0;
  const invMatchPx2 = 1 / (matchPx * matchPx);
  const invMatchTof2 = 1 / (matchTof * matchTof);
  const invFootPx2 = 1 / (footPx * footPx);
  const invFootTof2 = 1 / (footTof * footTof);

  const ni = ions.n;
  const nc = centroids.n;
  const ii = byTrigger(ni, ions.triggerNr);
  const ci = byTrigger(nc, centroids.triggerNr);
  const { triggerNr: iTrig, x: ix, y: iy, tof: itof } = ions;
  const { triggerNr: cTrig, x: cx, y: cy, tof: ctof } = centroids;

  // Per-trigger scratch, indexed by position within the trigger's ion or centroid range.
  let ionBest = new Float64Array(16); // footprint distance to the nearest footprint centroid
  let ionNear = new Int32Array(16); // that centroid (position), or -1
  let ionHits = new Int32Array(16); // centroids whose nearest footprint ion this is
  let ionTaken = new Uint8Array(16);
  let cenBest = new Float64Array(16);
  let cenNear = new Int32Array(16);
  let cenHits = new Int32Array(16); // ions whose nearest footprint centroid this is
  let cenTaken = new Uint8Array(16);
  // Match candidates: packed (ion position, centroid position) and normalised distance.
  let candPair = new Uint32Array(16);
  let candDist = new Float64Array(16);
  let candOrder = new Uint32Array(16);
  let candTmp = new Uint32Array(16);
  const grow = (need: number, have: number): number => {
    let size = Math.max(16, have);
    while (size < need) size *= 2;
    return size;
  };

  let recovered = 0;
  let split = 0;
  let merged = 0;
  let spurious = 0;
  let sumDx = 0;
  let sumDy = 0;
  let sumDt = 0;
  let sumDt2 = 0;
  let maxDt = 0;

  let a = 0; // next ion position in ii
  let c = 0; // next centroid position in ci
  while (a < ni || c < nc) {
    const trig = Math.min(a < ni ? iTrig[ii[a]] : Infinity, c < nc ? cTrig[ci[c]] : Infinity);
    let b = a;
    while (b < ni && iTrig[ii[b]] === trig) b++;
    let d = c;
    while (d < nc && cTrig[ci[d]] === trig) d++;
    const nI = b - a;
    const nC = d - c;
    if (nI === 0 && nC === 0) throw new Error(`trigger number ${trig} is not a number`);
    if (nI === 0 || nC === 0) {
      spurious += nC;
      a = b;
      c = d;
      continue;
    }
    if (ionBest.length < nI) {
      const s = grow(nI, ionBest.length);
      ionBest = new Float64Array(s);
      ionNear = new Int32Array(s);
      ionHits = new Int32Array(s);
      ionTaken = new Uint8Array(s);
    }
    if (cenBest.length < nC) {
      const s = grow(nC, cenBest.length);
      cenBest = new Float64Array(s);
      cenNear = new Int32Array(s);
      cenHits = new Int32Array(s);
      cenTaken = new Uint8Array(s);
    }
    ionBest.fill(Infinity, 0, nI);
    ionNear.fill(-1, 0, nI);
    ionHits.fill(0, 0, nI);
    ionTaken.fill(0, 0, nI);
    cenBest.fill(Infinity, 0, nC);
    cenNear.fill(-1, 0, nC);
    cenHits.fill(0, 0, nC);
    cenTaken.fill(0, 0, nC);
    let nCand = 0;
    for (let p = 0; p < nI; p++) {
      const ion = ii[a + p];
      const x0 = ix[ion];
      const y0 = iy[ion];
      const t0 = itof[ion];
      for (let q = 0; q < nC; q++) {
        const cen = ci[c + q];
        const dx = cx[cen] + off - x0;
        const dy = cy[cen] + off - y0;
        const dt = ctof[cen] - tofOff - t0;
        const r2 = dx * dx + dy * dy;
        const dt2 = dt * dt;
        if (r2 <= footPx * footPx && dt2 <= footTof * footTof) {
          const fd = r2 * invFootPx2 + dt2 * invFootTof2;
          if (fd < ionBest[p]) {
            ionBest[p] = fd;
            ionNear[p] = q;
          }
          if (fd < cenBest[q]) {
            cenBest[q] = fd;
            cenNear[q] = p;
          }
        }
        if (r2 <= matchPx * matchPx && dt2 <= matchTof * matchTof) {
          if (nCand === candDist.length) {
            const s = grow(nCand + 1, nCand);
            const pair = new Uint32Array(s);
            pair.set(candPair);
            candPair = pair;
            const dist = new Float64Array(s);
            dist.set(candDist);
            candDist = dist;
            candOrder = new Uint32Array(s);
            candTmp = new Uint32Array(s);
          }
          candPair[nCand] = p * nC + q;
          candDist[nCand++] = r2 * invMatchPx2 + dt2 * invMatchTof2;
        }
      }
    }
    // Nearest-neighbour tallies: split ions, merged and spurious centroids.
    for (let p = 0; p < nI; p++) if (ionNear[p] >= 0) cenHits[ionNear[p]]++;
    for (let q = 0; q < nC; q++) {
      if (cenNear[q] < 0) spurious++;
      else ionHits[cenNear[q]]++;
      if (cenHits[q] >= 2) merged++;
    }
    for (let p = 0; p < nI; p++) if (ionHits[p] >= 2) split++;
    // Greedy one-to-one matching, closest candidates first (stable, so ties go to the earlier pair).
    for (let k = 0; k < nCand; k++) candOrder[k] = k;
    sortIndicesByKey(candOrder, 0, nCand, candDist, candTmp);
    for (let k = 0; k < nCand; k++) {
      const pair = candPair[candOrder[k]];
      const p = Math.floor(pair / nC);
      const q = pair - p * nC;
      if (ionTaken[p] || cenTaken[q]) continue;
      ionTaken[p] = 1;
      cenTaken[q] = 1;
      recovered++;
      const ion = ii[a + p];
      const cen = ci[c + q];
      const dt = ctof[cen] - tofOff - itof[ion];
      sumDx += cx[cen] + off - ix[ion];
      sumDy += cy[cen] + off - iy[ion];
      sumDt += dt;
      sumDt2 += dt * dt;
      if (Math.abs(dt) > maxDt) maxDt = Math.abs(dt);
    }
    a = b;
    c = d;
  }
  const m = recovered || 1;
  return {
    ions: ni,
    centroids: nc,
    recovered,
    fraction: ni === 0 ? 1 : recovered / ni,
    split,
    merged,
    spurious,
    meanDx: sumDx / m,
    meanDy: sumDy / m,
    meanDtof: sumDt / m,
    rmsDtof: Math.sqrt(sumDt2 / m),
    maxAbsDtof: maxDt,
  };
}

/**
 * A generated run taken through the one decoder and event builder (file time mode, the file's
 * default window 0..10000 s, 1 ms reorder horizon), in memory: its event rows (grouped by trigger,
 * ascending) and its true ions, ready for clusterEvents and clusterQuality. Memory grows with the
 * run (about 40 bytes per hit): meant for runs of a few seconds.
 */
export function generatedEventsWithTruth(options: VmiOptions): { events: EventBatch; ions: IonTruthColumns } {
  const gen = createVmiGenerator(options, { truth: false });
  const decoder = new Tpx3Decoder({ orientation: 'Up', offsetX: 0, offsetY: 0, timeMode: 'file' });
  const builder = new EventBuilder({ windowMin: 0, windowMax: 10000, horizon: 1e-3, startTimeNs: 0 });
  const decoded = newDecodedBatch();
  const out = newEventOutput();
  const events = emptyEventBatch(1 << 16);
  const ions: IonTruthColumns = {
    n: 0,
    triggerNr: new Float64Array(1024),
    x: new Float64Array(1024),
    y: new Float64Array(1024),
    tof: new Float64Array(1024),
  };
  const take = (): void => {
    const e = out.events;
    const n = events.n;
    const need = n + e.n;
    events.triggerNr = ensureCapacity(events.triggerNr, need, n);
    events.x = ensureCapacity(events.x, need, n);
    events.y = ensureCapacity(events.y, need, n);
    events.tof = ensureCapacity(events.tof, need, n);
    events.tot = ensureCapacity(events.tot, need, n);
    events.triggerNr.set(e.triggerNr.subarray(0, e.n), n);
    events.x.set(e.x.subarray(0, e.n), n);
    events.y.set(e.y.subarray(0, e.n), n);
    events.tof.set(e.tof.subarray(0, e.n), n);
    events.tot.set(e.tot.subarray(0, e.n), n);
    events.n = need;
    e.n = 0;
    out.timing.n = 0;
  };
  for (let chunk = gen.next(); chunk; chunk = gen.next()) {
    decoder.decode(chunk.words, decoded);
    builder.push(decoded.hits, decoded.triggers, out);
    take();
    const t = chunk.ions;
    const n = ions.n;
    const need = n + t.n;
    ions.triggerNr = ensureCapacity(ions.triggerNr, need, n);
    ions.x = ensureCapacity(ions.x, need, n);
    ions.y = ensureCapacity(ions.y, need, n);
    ions.tof = ensureCapacity(ions.tof, need, n);
    ions.triggerNr.set(t.triggerNr, n);
    ions.x.set(t.x, n);
    ions.y.set(t.y, n);
    ions.tof.set(t.tof, n);
    ions.n = need;
  }
  builder.flush(out);
  take();
  return { events, ions };
}
