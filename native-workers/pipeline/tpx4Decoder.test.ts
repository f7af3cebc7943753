// Tpx4Decoder on hand-built words (every field, geometry, ultra-fast table, Gray, the nearest-period
// heartbeat rule, packet counts) and a random round trip through Tpx4Encoder.
import { describe, expect, it } from 'vitest';
import { SeededRandom } from './seededRandom';
import { type Tpx4Batch, TPX4_EOC, Tpx4Decoder, grayDecode16, newTpx4Batch } from './tpx4Decoder';
import {
  type Tpx4PixelFields,
  grayEncode16,
  tpx4PixelUnits,
  writeTpx4Heartbeat,
  writeTpx4Pixel,
  writeTpx4Signal,
} from './tpx4Encoder';

// Words built bit by bit with BigInt from the format doc's layout, independently of the encoder.
interface RawPixel {
  top: number;
  eoc: number;
  superpix: number;
  pix: number;
  toa: number;
  uftStart?: number;
  uftStop?: number;
  ftoaRise?: number;
  ftoaFall?: number;
  totRaw?: number;
  pileup?: number;
}
function pixelWord(p: RawPixel): bigint {
  return (
    (BigInt(p.top) << 63n) |
    (BigInt(p.eoc) << 55n) |
    (BigInt(p.superpix) << 49n) |
    (BigInt(p.pix) << 46n) |
    (BigInt(p.toa) << 30n) |
    (BigInt(p.uftStart ?? 0x0f) << 26n) |
    (BigInt(p.uftStop ?? 0x0f) << 22n) |
    (BigInt(p.ftoaRise ?? 0) << 17n) |
    (BigInt(p.ftoaFall ?? 0) << 12n) |
    (BigInt(p.totRaw ?? 0) << 1n) |
    BigInt(p.pileup ?? 0)
  );
}
const stampWord = (eoc: number, tick: number, top = 0): bigint =>
  (BigInt(top) << 63n) | (BigInt(eoc) << 55n) | BigInt(tick);
const hbWord = (tick: number): bigint => stampWord(TPX4_EOC.HEARTBEAT, tick);

function toBytes(words: bigint[]): Uint8Array {
  const b = new Uint8Array(words.length * 8);
  const v = new DataView(b.buffer);
  words.forEach((w, i) => v.setBigUint64(8 * i, w, false));
  return b;
}

function decode(words: bigint[], dec = new Tpx4Decoder()): { dec: Tpx4Decoder; out: Tpx4Batch } {
  const out = newTpx4Batch();
  dec.decode(toBytes(words), out);
  return { dec, out };
}

// The doc's ns formula, for hits whose ns times are exact in float64.
const UF_NS: Record<number, number> = {
  0x0f: 0,
  0x0e: 0.1953125,
  0x0c: 0.390625,
  0x08: 0.5859375,
  0x00: 0.78125,
  0x01: 0.9765625,
  0x03: 1.171875,
  0x07: 1.3671875,
};
const HB = 10 * 65536 + 1000; // a heartbeat well inside a ToA period

describe('Tpx4Decoder pixel fields', () => {
  it('maps both chip halves, including the corners', () => {
    const cases: [RawPixel, number, number][] = [
      [{ top: 0, eoc: 0, superpix: 0, pix: 0, toa: 0 }, 0, 511],
      [{ top: 1, eoc: 0, superpix: 0, pix: 0, toa: 0 }, 447, 0],
      [{ top: 1, eoc: 223, superpix: 0, pix: 4, toa: 0 }, 0, 0],
      [{ top: 0, eoc: 223, superpix: 0, pix: 4, toa: 0 }, 447, 511],
      [{ top: 0, eoc: 223, superpix: 63, pix: 7, toa: 0 }, 447, 256],
      [{ top: 1, eoc: 0, superpix: 63, pix: 3, toa: 0 }, 447, 255],
      [{ top: 0, eoc: 100, superpix: 37, pix: 6, toa: 0 }, 201, 361],
      [{ top: 1, eoc: 100, superpix: 37, pix: 6, toa: 0 }, 246, 150],
    ];
    const { dec, out } = decode([hbWord(HB), ...cases.map((c) => pixelWord(c[0]))]);
    expect(out.hits.n).toBe(cases.length);
    cases.forEach(([, x, y], i) => {
      expect([out.hits.x[i], out.hits.y[i]]).toEqual([x, y]);
    });
    expect(dec.counts.pixels).toBe(cases.length);
  });

  it('places every pixel of the sensor where the encoder put it', () => {
    const bytes = new Uint8Array(8 * (1 + 448 * 512));
    writeTpx4Heartbeat(bytes, 0, 1000);
    let i = 1;
    for (let y = 0; y < 512; y++) {
      for (let x = 0; x < 448; x++) {
        const f = {
          x,
          y,
          tick: 1000,
          ftoaRise: 0,
          ftoaFall: 0,
          uftStart: 0x0f,
          uftStop: 0x0f,
          totRaw: 1,
          pileup: 0,
        };
        writeTpx4Pixel(bytes, i++, f);
      }
    }
    const out = newTpx4Batch();
    new Tpx4Decoder().decode(bytes, out);
    expect(out.hits.n).toBe(448 * 512);
    let wrong = 0;
    for (let k = 0; k < out.hits.n; k++)
      if (out.hits.x[k] !== k % 448 || out.hits.y[k] !== Math.floor(k / 448)) wrong++;
    expect(wrong).toBe(0);
  });

  it('decodes time and ToT from every field', () => {
    const p: RawPixel = {
      top: 1,
      eoc: 17,
      superpix: 45, // spgroup 11: -4 * 0.78125 ns
      pix: 2,
      toa: 1000 + 7, // 7 ticks after the heartbeat
      uftStart: 0x0c, // 0.390625
      uftStop: 0x01, // 0.9765625
      ftoaRise: 19,
      ftoaFall: 3,
      totRaw: 1234,
    };
    const { out } = decode([hbWord(HB), pixelWord(p)]);
    const ns = (HB + 7) * 25 - 19 * 1.5625 + 0.390625 - 0.9765625 + (11 - 15) * 0.78125;
    expect(out.hits.toa[0]).toBe(ns / 1e9);
    expect(out.totNs[0]).toBe(1234 * 25 + (19 - 3) * 1.5625);
    expect(out.hits.tot[0]).toBe(Math.round(1234 * 25 + 16 * 1.5625));
  });

  it('clamps the integer ToT column at 0 and keeps the exact value in totNs', () => {
    const { out } = decode([
      hbWord(HB),
      pixelWord({ top: 0, eoc: 1, superpix: 1, pix: 1, toa: 1000, ftoaFall: 5 }),
    ]);
    expect(out.totNs[0]).toBe(-5 * 1.5625);
    expect(out.hits.tot[0]).toBe(0);
  });

  it('applies the ultra-fast table and counts invalid codes as correction 0', () => {
    const base = { top: 0, eoc: 5, superpix: 60, pix: 0, toa: 1000 }; // spgroup 15: no group term
    const codes = Object.keys(UF_NS).map(Number);
    const words = [hbWord(HB)];
    for (const code of codes) words.push(pixelWord({ ...base, uftStart: code }));
    for (const code of codes) words.push(pixelWord({ ...base, uftStop: code }));
    words.push(pixelWord({ ...base, uftStart: 0x02, uftStop: 0x0e })); // invalid start
    words.push(pixelWord({ ...base, uftStart: 0x0c, uftStop: 0x0b })); // invalid stop
    const { dec, out } = decode(words);
    const t0 = HB * 25;
    codes.forEach((code, i) => {
      expect(out.hits.toa[i]).toBe((t0 + UF_NS[code]) / 1e9);
      expect(out.hits.toa[codes.length + i]).toBe((t0 - UF_NS[code]) / 1e9);
    });
    expect(out.hits.toa[2 * codes.length]).toBe((t0 - 0.1953125) / 1e9);
    expect(out.hits.toa[2 * codes.length + 1]).toBe((t0 + 0.390625) / 1e9);
    expect(dec.counts.invalidUltraFast).toBe(2);
    expect(out.hits.n).toBe(2 * codes.length + 2);
  });

  it('counts and keeps pileup hits', () => {
    const p = { top: 0, eoc: 5, superpix: 60, pix: 0, toa: 1000 };
    const { dec, out } = decode([hbWord(HB), pixelWord({ ...p, pileup: 1 }), pixelWord(p)]);
    expect(out.hits.n).toBe(2);
    expect(dec.counts.pileup).toBe(1);
  });

  it('decodes a Gray-coded ToA when configured', () => {
    const toa = 1000 + 4321;
    const word = pixelWord({ top: 0, eoc: 5, superpix: 60, pix: 0, toa: grayEncode16(toa) });
    const { out } = decode([hbWord(HB), word], new Tpx4Decoder({ gray: true }));
    expect(out.hits.toa[0]).toBe(((HB + 4321) * 25) / 1e9);
    let bad = 0;
    for (let v = 0; v < 65536; v++) {
      if (grayDecode16(grayEncode16(v)) !== v) bad++;
      const flip = grayEncode16(v) ^ grayEncode16((v + 1) & 0xffff);
      if ((flip & (flip - 1)) !== 0) bad++; // one bit changes per step, the roll-over included
    }
    expect(bad).toBe(0);
  });
});

describe('Tpx4Decoder heartbeat extension', () => {
  const hitAt = (toa: number): bigint => pixelWord({ top: 0, eoc: 5, superpix: 60, pix: 0, toa });
  const ticksOf = (out: Tpx4Batch, i: number): number => Math.round(out.hits.toa[i] * 4e7);

  it('puts a hit after the roll-over following its heartbeat in the next period', () => {
    const hb = 5 * 65536 + 65530;
    const { out } = decode([hbWord(hb), hitAt(3)]);
    expect(ticksOf(out, 0)).toBe(6 * 65536 + 3); // the reference's floor rule would give 5 * 65536 + 3
  });

  it('puts a hit latched before the roll-over preceding its heartbeat in the previous period', () => {
    const hb = 6 * 65536 + 5;
    const { out } = decode([hbWord(hb), hitAt(65533)]);
    expect(ticksOf(out, 0)).toBe(6 * 65536 - 3);
  });

  it('covers -2^15 to 2^15 - 1 ticks around the heartbeat', () => {
    const hb = 9 * 65536 + 100;
    const { out } = decode([hbWord(hb), hitAt((100 - 32768 + 65536) % 65536), hitAt(100 + 32767)]);
    expect(ticksOf(out, 0)).toBe(hb - 32768);
    expect(ticksOf(out, 1)).toBe(hb + 32767);
  });

  it('counts and drops hits before the first heartbeat, keeping signal edges', () => {
    const { dec, out } = decode([
      hitAt(1),
      stampWord(TPX4_EOC.SIGNAL_RISE, 77),
      hitAt(2),
      hbWord(HB),
      hitAt(1000),
    ]);
    expect(dec.counts.droppedBeforeHeartbeat).toBe(2);
    expect(out.hits.n).toBe(1);
    expect(out.triggers.n).toBe(1);
    expect(out.triggers.time[0]).toBe(77 / 4e7);
  });

  it('carries the heartbeat over between decode calls, from either half of the chip', () => {
    const dec = new Tpx4Decoder();
    decode([stampWord(TPX4_EOC.HEARTBEAT, HB, 1)], dec);
    expect(dec.heartbeatTick).toBe(HB);
    const { out } = decode([hitAt(1010)], dec);
    expect(out.hits.n).toBe(1);
    expect(ticksOf(out, 0)).toBe(HB + 10);
    expect(dec.counts.droppedBeforeHeartbeat).toBe(0);
    expect(dec.counts.heartbeats).toBe(1);
  });

  it('flags heartbeat intervals over 0.5 ms', () => {
    const { dec } = decode([hbWord(1000), hbWord(1000 + 20000), hbWord(1000 + 40001)]);
    expect(dec.counts.longHeartbeatGaps).toBe(1);
    expect(dec.counts.heartbeatGapWarning).toBe(true);
  });

  it('decodes a 48-bit heartbeat near the end of the range', () => {
    const hb = 2 ** 48 - 70000;
    const { out } = decode([hbWord(hb), hitAt((hb + 12) % 65536)]);
    const exact = (hb + 12) / 4e7;
    expect(Math.abs(out.hits.toa[0] - exact)).toBeLessThanOrEqual(2 * ulp(exact));
  });
});

describe('Tpx4Decoder other packets', () => {
  it('counts every kind and decodes signal edges, falling negative', () => {
    const e = TPX4_EOC;
    const kinds = [
      e.SHUTTER_RISE,
      e.SHUTTER_FALL,
      e.T0_SYNC,
      e.CONTROL_DATA_TEST,
      e.FRAME_START,
      e.FRAME_END,
      e.SEQUENCE_START,
      e.SEQUENCE_END,
      e.FACILITY_HEADER,
      0xe6,
      0xe9,
      0xff,
    ];
    const words = kinds.map((k) => stampWord(k, 123, 1));
    words.push(stampWord(e.SIGNAL_RISE, 2 ** 40 + 5), stampWord(e.SIGNAL_FALL, 2 ** 40 + 9, 1));
    const { dec, out } = decode(words);
    const c = dec.counts;
    expect([c.shutterRise, c.shutterFall, c.t0Sync, c.controlDataTest]).toEqual([1, 1, 1, 1]);
    expect([c.frameStart, c.frameEnd, c.sequenceStart, c.sequenceEnd, c.facilityHeader]).toEqual([
      1, 1, 1, 1, 1,
    ]);
    expect(c.unknown).toBe(3);
    expect([c.unknownByEoc[0xe6], c.unknownByEoc[0xe9], c.unknownByEoc[0xff]]).toEqual([1, 1, 1]);
    expect([c.signalRise, c.signalFall, c.heartbeats, c.pixels]).toEqual([1, 1, 0, 0]);
    expect(Array.from(out.trigger1.time.subarray(0, out.trigger1.n))).toEqual([
      (2 ** 40 + 5) / 4e7,
      -(2 ** 40 + 9) / 4e7,
    ]);
    expect(Array.from(out.triggers.time.subarray(0, out.triggers.n))).toEqual([(2 ** 40 + 5) / 4e7]);
  });

  it('rejects a partial word and reads a view at a byte offset', () => {
    expect(() => new Tpx4Decoder().decode(new Uint8Array(12), newTpx4Batch())).toThrow(RangeError);
    const raw = toBytes([hbWord(HB), pixelWord({ top: 0, eoc: 2, superpix: 60, pix: 0, toa: 1001 })]);
    const shifted = new Uint8Array(raw.length + 3);
    shifted.set(raw, 3);
    const out = newTpx4Batch();
    new Tpx4Decoder().decode(shifted.subarray(3), out);
    expect([out.hits.n, out.hits.x[0], out.hits.toa[0]]).toEqual([1, 4, ((HB + 1) * 25) / 1e9]);
  });
});

function ulp(v: number): number {
  return 2 ** (Math.floor(Math.log2(Math.abs(v))) - 52);
}

describe('Tpx4Encoder round trip', () => {
  it('decodes random encoded hits exactly', () => {
    for (const gray of [false, true]) {
      const rng = new SeededRandom(gray ? 7 : 4);
      const n = 20000;
      const bytes = new Uint8Array(n * 8);
      const expected: Tpx4PixelFields[] = [];
      const valid = [0x0f, 0x0e, 0x0c, 0x08, 0x00, 0x01, 0x03, 0x07];
      let hb = 0;
      for (let i = 0; i < n; i++) {
        if (i % 100 === 0) {
          // heartbeats from early to the end of the 48-bit range
          hb = i < n / 2 ? 40000 + rng.int(2 ** 30) : 2 ** 47 + rng.int(2 ** 30) * 2 ** 16 + rng.int(65536);
          writeTpx4Heartbeat(bytes, i, hb, rng.int(2));
          continue;
        }
        const f: Tpx4PixelFields = {
          x: rng.int(448),
          y: rng.int(512),
          tick: hb + rng.int(65536) - 32768,
          ftoaRise: rng.int(32),
          ftoaFall: rng.int(32),
          uftStart: rng.int(4) === 0 ? rng.int(16) : valid[rng.int(8)],
          uftStop: valid[rng.int(8)],
          totRaw: rng.int(2048),
          pileup: rng.int(2),
        };
        if (i % 37 === 0) writeTpx4Signal(bytes, i, true, f.tick);
        else {
          writeTpx4Pixel(bytes, i, f, gray);
          expected.push(f);
        }
      }
      const dec = new Tpx4Decoder({ gray });
      const out = newTpx4Batch();
      dec.decode(bytes, out);
      expect(out.hits.n).toBe(expected.length);
      let bad = 0;
      expected.forEach((f, i) => {
        const units = tpx4PixelUnits(f);
        const exact = units / 5.12e9;
        const tol = Math.max(0.05e-9, 2 * ulp(exact));
        if (Math.abs(out.hits.toa[i] - exact) > tol) bad++;
        if (out.hits.x[i] !== f.x || out.hits.y[i] !== f.y) bad++;
        if (out.totNs[i] !== f.totRaw * 25 + (f.ftoaRise - f.ftoaFall) * 1.5625) bad++;
      });
      expect(bad).toBe(0);
      expect(dec.counts.pileup).toBe(expected.filter((f) => f.pileup === 1).length);
      expect(dec.counts.invalidUltraFast).toBe(expected.filter((f) => !valid.includes(f.uftStart)).length);
    }
  });
});
