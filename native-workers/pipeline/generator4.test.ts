// The Timepix4 mode of the VMI generator: deterministic bytes, a stream Tpx4Decoder decodes to the
// generator's counts (no header, no hit dropped), and every ion hit decoded at its ion's time of
// flight (walk and jitter aside), across 16-bit ToA roll-overs and with high 48-bit heartbeat times.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/userError';
import { createVmiGenerator4, type VmiGenerator4 } from './generator4';
import { type Tpx4Batch, Tpx4Decoder, newTpx4Batch } from './tpx4Decoder';
import type { VmiOptions } from './vmiModel';

function bytesOf(gen: VmiGenerator4): Buffer {
  const parts: Buffer[] = [Buffer.from(gen.header)];
  for (let c = gen.next(); c; c = gen.next()) {
    parts.push(Buffer.from(new Uint8Array(c.words.buffer, c.words.byteOffset, c.words.byteLength)));
  }
  return Buffer.concat(parts);
}

interface Decoded {
  hits: { x: number; y: number; toa: number }[];
  rises: number[];
  falls: number[];
  decoder: Tpx4Decoder;
  hitIon: number[];
  ions: { triggerNr: number; tof: number; x: number; y: number }[];
}

/** Decodes the generator's chunks one by one (the decoder carries its heartbeat across them). */
function run(options: VmiOptions): Decoded & { gen: VmiGenerator4 } {
  const gen = createVmiGenerator4(options);
  const decoder = new Tpx4Decoder();
  const out: Tpx4Batch = newTpx4Batch();
  const d: Decoded = { hits: [], rises: [], falls: [], decoder, hitIon: [], ions: [] };
  for (let c = gen.next(); c; c = gen.next()) {
    decoder.decode(new Uint8Array(c.words.buffer, c.words.byteOffset, c.words.byteLength), out);
    const h = out.hits;
    for (let i = 0; i < h.n; i++) d.hits.push({ x: h.x[i], y: h.y[i], toa: h.toa[i] });
    for (let i = 0; i < out.trigger1.n; i++) {
      const t = out.trigger1.time[i];
      if (t >= 0) d.rises.push(t);
      else d.falls.push(-t);
    }
    d.hitIon.push(...c.hitIon);
    for (let i = 0; i < c.ions.n; i++) {
      d.ions.push({ triggerNr: c.ions.triggerNr[i], tof: c.ions.tof[i], x: c.ions.x[i], y: c.ions.y[i] });
    }
  }
  return { ...d, gen };
}

describe('createVmiGenerator4', () => {
  it('same seed, same bytes; another seed, other bytes; no header', () => {
    const o = { seconds: 0.05, triggerRate: 500, seed: 7, chunkBytes: 65536 };
    const a = bytesOf(createVmiGenerator4(o));
    const b = bytesOf(createVmiGenerator4(o));
    expect(createVmiGenerator4(o).header.length).toBe(0);
    expect(a.length % 8).toBe(0);
    expect(a.equals(b)).toBe(true);
    expect(a.equals(bytesOf(createVmiGenerator4({ ...o, seed: 8 })))).toBe(false);
    // Truth tracking does not change the bytes; the first word is a heartbeat (eoc 0xE0).
    expect(bytesOf(createVmiGenerator4(o, { truth: false })).equals(a)).toBe(true);
    expect((a.readUInt32BE(0) >>> 23) & 0xff).toBe(0xe0);
  });

  it.each([
    ['camera timer at 0', 0],
    ['just before a 16-bit ToA roll-over', 5 * 65536 - 1000],
    ['high 48-bit times', 2 ** 40 + 12345],
  ])('decodes to the generated counts and times: %s', (_, startLongtime) => {
    const rate = 1000;
    const d = run({ seconds: 0.03, triggerRate: rate, seed: 11, startLongtime, chunkBytes: 65536 });
    const c = d.gen.counts;
    const p = d.decoder.counts;
    expect(c.triggers).toBe(30);
    expect(p.droppedBeforeHeartbeat).toBe(0);
    expect(p.unknown).toBe(0);
    expect(p.invalidUltraFast).toBe(0);
    expect(p.longHeartbeatGaps).toBe(0);
    expect(p.heartbeats).toBe(c.heartbeats);
    expect(p.pixels).toBe(c.pixels);
    expect(c.pixels).toBe(c.ionHits + c.noiseHits + c.hotHits);
    expect(c.words).toBe(c.pixels + c.heartbeats + 2 * c.triggers);
    expect(c.timePairs).toBe(0);
    expect(p.signalRise).toBe(c.triggers);
    expect(p.signalFall).toBe(c.triggers);
    expect(d.hits).toHaveLength(c.pixels);
    expect(d.hitIon).toHaveLength(c.pixels);
    expect(d.ions).toHaveLength(c.ions);
    // Triggers (k + 1/2) periods after the first heartbeat, on the 25 ns grid.
    d.rises.forEach((t, k) => {
      expect(t * 4e7).toBeCloseTo(startLongtime + Math.floor((k + 0.5) * 4e4), 1);
    });
    // Every ion hit decodes at trigger + tof + walk (0..5 ns), +-3 ns jitter; on the sensor, within
    // 3 px of its ion's centre; noise lies on the sensor.
    let ionHits = 0;
    d.hits.forEach((h, i) => {
      expect(h.x).toBeLessThan(448);
      expect(h.y).toBeLessThan(512);
      const k = d.hitIon[i];
      if (k < 0) return;
      ionHits++;
      const ion = d.ions[k];
      const dt = h.toa - d.rises[ion.triggerNr] - ion.tof;
      expect(dt).toBeGreaterThan(-3e-9);
      expect(dt).toBeLessThan(8e-9);
      expect(Math.hypot(h.x + 0.5 - ion.x, h.y + 0.5 - ion.y)).toBeLessThan(3.5);
    });
    expect(ionHits).toBe(c.ionHits);
    // Rings centred on the sensor centre (224, 256).
    const mx = d.ions.reduce((s, ion) => s + ion.x, 0) / d.ions.length;
    const my = d.ions.reduce((s, ion) => s + ion.y, 0) / d.ions.length;
    expect(Math.abs(mx - 224)).toBeLessThan(10);
    expect(Math.abs(my - 256)).toBeLessThan(10);
  });

  it('keeps the hits in bounded readout disorder, always after the first heartbeat', () => {
    const d = run({ seconds: 0.02, seed: 5, maxReadoutDelay: 0.4e-3, chunkBytes: 65536 });
    let latest = -Infinity;
    let worst = 0;
    for (const h of d.hits) {
      latest = Math.max(latest, h.toa);
      worst = Math.max(worst, latest - h.toa);
    }
    expect(worst).toBeGreaterThan(0.1e-3); // out of order, as data-driven readout delivers them
    expect(worst).toBeLessThan(0.41e-3);
    expect(d.decoder.counts.pixels).toBe(d.gen.counts.pixels);
  });

  it('rejects what Timepix4 cannot do', () => {
    expect(() => createVmiGenerator4({ seconds: 1, tdc2: true })).toThrow(UserError);
    expect(() => createVmiGenerator4({ seconds: 1, maxReadoutDelay: 0.8e-3 })).toThrow(/0\.5 ms/);
    expect(() => createVmiGenerator4({ seconds: -1 })).toThrow(UserError);
  });
});
