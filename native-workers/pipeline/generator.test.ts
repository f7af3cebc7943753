import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/userError';
import { DEFAULT_SPECIES, DEFAULT_START_TIME_NS, createVmiGenerator, type VmiOptions } from './generator';
import { Tpx3Decoder, newDecodedBatch } from './tpx3Decoder';

interface Run {
  words: Uint32Array;
  chunkWords: number[];
  hitIon: Float64Array;
  ions: { triggerNr: number[]; x: number[]; y: number[]; tof: number[]; nHits: number[]; first: number[] };
  counts: ReturnType<typeof createVmiGenerator>['counts'];
  header: Uint8Array;
}

function generate(options: VmiOptions): Run {
  const gen = createVmiGenerator(options);
  const parts: Uint32Array[] = [];
  const hitParts: Float64Array[] = [];
  const ions: Run['ions'] = { triggerNr: [], x: [], y: [], tof: [], nHits: [], first: [] };
  for (let c = gen.next(); c; c = gen.next()) {
    parts.push(c.words.slice());
    hitParts.push(c.hitIon.slice());
    ions.first.push(c.ions.first);
    ions.triggerNr.push(...c.ions.triggerNr);
    ions.x.push(...c.ions.x);
    ions.y.push(...c.ions.y);
    ions.tof.push(...c.ions.tof);
    ions.nHits.push(...c.ions.nHits);
  }
  const concat = <T extends Uint32Array | Float64Array>(list: T[], make: (n: number) => T): T => {
    const all = make(list.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of list) {
      all.set(p, at);
      at += p.length;
    }
    return all;
  };
  return {
    words: concat(parts, (n) => new Uint32Array(n)),
    chunkWords: parts.map((p) => p.length / 2),
    hitIon: concat(hitParts, (n) => new Float64Array(n)),
    ions,
    counts: gen.counts,
    header: gen.header,
  };
}

function digest(words: Uint32Array): string {
  return createHash('sha256')
    .update(new Uint8Array(words.buffer, words.byteOffset, words.byteLength))
    .digest('hex');
}

/** Header/sub byte (bits 56..63) of every word. */
function kinds(words: Uint32Array): number[] {
  const out: number[] = [];
  for (let i = 1; i < words.length; i += 2) out.push(words[i] >>> 24);
  return out;
}

function decode(words: Uint32Array) {
  const d = new Tpx3Decoder({ orientation: 'Up', offsetX: 0, offsetY: 0, timeMode: 'file' });
  const out = newDecodedBatch();
  d.decode(words, out);
  const h = out.hits;
  return {
    col: Array.from(h.x.subarray(0, h.n)),
    row: Array.from(h.y.subarray(0, h.n)),
    toa: Array.from(h.toa.subarray(0, h.n)),
    tot: Array.from(h.tot.subarray(0, h.n)),
    triggers: Array.from(out.triggers.time.subarray(0, out.triggers.n)),
    tdc1: Array.from(out.tdc1.time.subarray(0, out.tdc1.n)),
    tdc2: Array.from(out.tdc2.time.subarray(0, out.tdc2.n)),
    counts: d.counts,
  };
}

const BASE: VmiOptions = { seconds: 2, triggerRate: 500, seed: 11, chunkBytes: 65536 };

describe('VMI generator', () => {
  const run = generate(BASE);
  const dec = decode(run.words);

  it('is deterministic: same seed, same bytes; another seed, other bytes', () => {
    const again = generate(BASE);
    expect(digest(again.words)).toBe(digest(run.words));
    expect(again.hitIon).toEqual(run.hitIon);
    expect(digest(generate({ ...BASE, seed: 12 }).words)).not.toBe(digest(run.words));
  });

  it('gives the same words and counts without per-hit truth', () => {
    const gen = createVmiGenerator(BASE, { truth: false });
    const parts: Uint32Array[] = [];
    for (let c = gen.next(); c; c = gen.next()) {
      expect(c.hitIon.length).toBe(0);
      parts.push(c.words.slice());
    }
    const all = new Uint32Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
    expect(digest(all)).toBe(digest(run.words));
    expect(gen.counts).toEqual(run.counts);
    expect(gen.fractionDone).toBe(1);
  });

  it('writes the start-time header', () => {
    expect(new DataView(run.header.buffer).getBigUint64(0, true)).toBe(DEFAULT_START_TIME_NS);
    const other = createVmiGenerator({ seconds: 1, startTimeNs: 1_800_000_000_123_456_789n });
    expect(new DataView(other.header.buffer).getBigUint64(0, true)).toBe(1_800_000_000_123_456_789n);
  });

  it('starts with a time-packet pair and has one pair a second', () => {
    const k = kinds(run.words);
    expect(k.slice(0, 2)).toEqual([0x44, 0x45]);
    expect(k.filter((v) => v === 0x44).length).toBe(2);
    expect(k.filter((v) => v === 0x45).length).toBe(2);
    expect(run.counts.timePairs).toBe(2);
    const lsbs = [];
    for (let i = 0; i < k.length; i++)
      if (k[i] === 0x44) lsbs.push(((run.words[2 * i] >>> 16) | (run.words[2 * i + 1] << 16)) >>> 0);
    expect(lsbs).toEqual([0, 40_000_000]);
    expect(dec.counts.droppedBeforeTime).toBe(0);
  });

  it('has seconds * rate triggers, rising then falling 30 ns later, evenly spaced', () => {
    expect(run.counts.triggers).toBe(1000);
    expect(dec.triggers.length).toBe(1000);
    expect(dec.tdc1.filter((t) => t < 0).length).toBe(1000);
    expect(dec.tdc2.length).toBe(0);
    for (let i = 1; i < dec.triggers.length; i++) {
      expect(Math.abs(dec.triggers[i] - dec.triggers[i - 1] - 2e-3)).toBeLessThan(0.3e-9);
    }
    expect(Math.abs(dec.triggers[0] - 1e-3)).toBeLessThan(0.3e-9); // half a period after the start
    const rising = dec.tdc1.filter((t) => t > 0);
    const falling = dec.tdc1.filter((t) => t < 0).map((t) => -t);
    for (let i = 0; i < rising.length; i++)
      expect(Math.abs(falling[i] - rising[i] - 30e-9)).toBeLessThan(0.3e-9);
  });

  it('keeps consistent counts and per-hit truth aligned with the pixel words', () => {
    const c = run.counts;
    expect(dec.col.length).toBe(c.pixels);
    expect(run.hitIon.length).toBe(c.pixels);
    expect(c.pixels).toBe(c.ionHits + c.noiseHits + c.hotHits);
    expect(c.words).toBe(run.words.length / 2);
    expect(run.ions.tof.length).toBe(c.ions);
    expect(c.ions / c.triggers).toBeGreaterThan(4.5);
    expect(c.ions / c.triggers).toBeLessThan(5.5);
    const perIon = new Array<number>(c.ions).fill(0);
    let background = 0;
    for (const ion of run.hitIon) {
      if (ion < 0) background++;
      else perIon[ion]++;
    }
    expect(perIon).toEqual(run.ions.nHits);
    expect(background).toBe(c.noiseHits + c.hotHits);
    expect(Math.abs(c.noiseHits - 4000)).toBeLessThan(300); // 2000 Hz for 2 s
    expect(Math.abs(c.hotHits - 6000)).toBeLessThan(400); // 3 pixels at 1000 Hz
    expect(Math.max(...run.ions.nHits)).toBeLessThanOrEqual(25);
    let chunkFirst = 0;
    for (const first of run.ions.first)
      expect(first).toBeGreaterThanOrEqual((chunkFirst = Math.max(chunkFirst, first)));
  });

  it('lands each ion hit at the ion position and time of flight (time walk: a few ns)', () => {
    let centreIsBrightest = 0;
    let clusters = 0;
    let [dtMin, dtMax, dMax] = [Infinity, -Infinity, 0];
    const best = new Map<number, number>();
    for (let j = 0; j < run.hitIon.length; j++) {
      const ion = run.hitIon[j];
      if (ion < 0) continue;
      const dt = dec.toa[j] - dec.triggers[run.ions.triggerNr[ion]] - run.ions.tof[ion];
      dtMin = Math.min(dtMin, dt);
      dtMax = Math.max(dtMax, dt);
      dMax = Math.max(
        dMax,
        Math.abs(dec.col[j] + 0.5 - run.ions.x[ion]),
        Math.abs(dec.row[j] + 0.5 - run.ions.y[ion]),
      );
      const b = best.get(ion);
      if (b === undefined || dec.tot[j] > dec.tot[b]) best.set(ion, j);
    }
    expect(dtMin).toBeGreaterThan(-2.6e-9); // jitter (<= 3.5 x 0.5 ns) and the 1.5625 ns tick
    expect(dtMax).toBeLessThan(5e-9 + 2.6e-9); // plus the 5 ns time walk
    expect(dMax).toBeLessThan(3.5);
    for (const [ion, j] of best) {
      if (run.ions.nHits[ion] < 6) continue;
      clusters++;
      const dx = dec.col[j] + 0.5 - run.ions.x[ion];
      const dy = dec.row[j] + 0.5 - run.ions.y[ion];
      if (dx * dx + dy * dy < 1.5 * 1.5) centreIsBrightest++;
    }
    expect(centreIsBrightest / clusters).toBeGreaterThan(0.9);
  });

  it('draws ions of the default species at their times of flight and ring radii', () => {
    const perSpecies = DEFAULT_SPECIES.map(() => 0);
    for (let i = 0; i < run.ions.tof.length; i++) {
      const s = DEFAULT_SPECIES.findIndex(
        (sp) => Math.abs(run.ions.tof[i] - sp.tof) <= sp.tofSpread + 2.5e-9,
      );
      expect(s).toBeGreaterThanOrEqual(0);
      perSpecies[s]++;
      const r = Math.hypot(run.ions.x[i] - 128, run.ions.y[i] - 128);
      expect(r).toBeLessThan(DEFAULT_SPECIES[s].radius * 1.08);
    }
    const total = DEFAULT_SPECIES.reduce((a, sp) => a + sp.weight, 0);
    DEFAULT_SPECIES.forEach((sp, s) =>
      expect(Math.abs(perSpecies[s] / run.ions.tof.length - sp.weight / total)).toBeLessThan(0.03),
    );
  });

  it('delivers hits out of time order, by at most the readout delay plus one bin', () => {
    let runningMax = -Infinity;
    let worst = 0;
    for (const t of dec.toa) {
      runningMax = Math.max(runningMax, t);
      worst = Math.max(worst, runningMax - t);
    }
    expect(worst).toBeGreaterThan(5e-6); // there is disorder
    expect(worst).toBeLessThan(20e-6 + 1e-6 + 10e-9);
  });

  it('keeps chunks near the requested size', () => {
    expect(run.chunkWords.length).toBeGreaterThan(10);
    for (const n of run.chunkWords) expect(n * 8).toBeLessThan(65536 * 1.3);
    const middle = run.chunkWords.slice(1, -2);
    for (const n of middle) expect(n * 8).toBeGreaterThan(65536 * 0.7);
  });

  it('writes TDC2 edges when asked', () => {
    const r = generate({
      seconds: 0.1,
      triggerRate: 1000,
      tdc2: true,
      ionsPerTrigger: 0,
      noiseRate: 0,
      hotPixels: 0,
    });
    const d = decode(r.words);
    expect(d.tdc2.filter((t) => t > 0).length).toBe(100);
    expect(d.tdc2.filter((t) => t < 0).length).toBe(100);
    for (let i = 0; i < 100; i++)
      expect(Math.abs(d.tdc2[2 * i] - d.triggers[i] - 500e-9)).toBeLessThan(0.3e-9);
    expect(r.counts.pixels).toBe(0);
  });

  it('crosses the 2^30 x 25 ns rollover of the packet time with startLongtime', () => {
    const start = 2 ** 30 - 20_000_000; // 0.5 s before the 30-bit rollover
    const r = generate({ seconds: 1, triggerRate: 200, seed: 5, startLongtime: start });
    const d = decode(r.words);
    const rollover = 2 ** 30 * 25e-9;
    expect(Math.min(...d.toa)).toBeLessThan(rollover);
    expect(Math.max(...d.toa)).toBeGreaterThan(rollover);
    let wrapped = 0;
    for (let i = 0; i < r.words.length; i += 2) {
      if (r.words[i + 1] >>> 28 !== 0xb) continue;
      const arr = ((r.words[i] & 0xffff) << 14) | (r.words[i] >>> 30) | ((r.words[i + 1] & 0xfff) << 2);
      if (arr < 2 ** 28) wrapped++;
    }
    expect(wrapped).toBeGreaterThan(100);
    let worst = 0;
    for (let j = 0; j < r.hitIon.length; j++) {
      const ion = r.hitIon[j];
      if (ion >= 0)
        worst = Math.max(worst, Math.abs(d.toa[j] - d.triggers[r.ions.triggerNr[ion]] - r.ions.tof[ion]));
    }
    expect(worst).toBeLessThan(8e-9);
    expect(d.triggers.length).toBe(200);
    expect(Math.abs(d.triggers[0] - (start * 25e-9 + 2.5e-3))).toBeLessThan(1e-9);
  });

  it('carries the 32-bit LSB into the MSB of the time packets', () => {
    const r = generate({
      seconds: 2,
      triggerRate: 10,
      ionsPerTrigger: 1,
      startLongtime: 2 ** 32 - 20_000_000,
    });
    const msbs: number[] = [];
    const k = kinds(r.words);
    for (let i = 0; i < k.length; i++) if (k[i] === 0x45) msbs.push(r.words[2 * i] >>> 16);
    expect(msbs).toEqual([0, 1]);
  });

  it('rejects bad options with a UserError', () => {
    const bad: VmiOptions[] = [
      { seconds: 0 },
      { seconds: -1 },
      { seconds: Number.NaN },
      { seconds: 1, triggerRate: 0 },
      { seconds: 1, ionsPerTrigger: -1 },
      { seconds: 1, seed: 1.5 },
      { seconds: 1, startTimeNs: 1n << 61n },
      { seconds: 1, startLongtime: 2 ** 48 },
      { seconds: 1, species: [{ tof: -1, tofSpread: 0, radius: 1, beta: 0, weight: 1 }] },
    ];
    for (const o of bad)
      expect(
        () => createVmiGenerator(o),
        JSON.stringify(o, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
      ).toThrow(UserError);
  });
});
