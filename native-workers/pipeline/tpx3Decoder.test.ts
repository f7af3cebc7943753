import { describe, expect, it } from 'vitest';
import { extend } from './globalTime';
import { type DecoderConfig, Tpx3Decoder, newDecodedBatch } from './tpx3Decoder';

// Words built bit by bit with BigInt, independently of the encoder, from the format doc's layout.
function pixelWord(
  col: number,
  row: number,
  toa: number,
  tot10: number,
  ftoa: number,
  spidr: number,
  header = 0xbn,
): bigint {
  const dcol = BigInt(col & 0xfe);
  const spix = BigInt(row & 0xfc);
  const pix = BigInt(((col & 1) << 2) | (row & 3));
  return (
    (header << 60n) |
    (dcol << 52n) |
    (spix << 45n) |
    (pix << 44n) |
    (BigInt(toa) << 30n) |
    (BigInt(tot10) << 20n) |
    (BigInt(ftoa) << 16n) |
    BigInt(spidr)
  );
}
function tdcWord(header: number, sub: number, coarse32: number, fineHigh3: number, f: number): bigint {
  return (
    (BigInt(header) << 60n) |
    (BigInt(sub) << 56n) |
    (BigInt(coarse32) << 12n) |
    (BigInt(fineHigh3) << 9n) |
    (BigInt(f) << 5n)
  );
}
const lsbWord = (longtime: number): bigint => (0x44n << 56n) | (BigInt(longtime % 2 ** 32) << 16n);
const msbWord = (longtime: number): bigint =>
  (0x45n << 56n) | (BigInt(Math.floor(longtime / 2 ** 32)) << 16n);
const timePair = (lt: number): bigint[] => [lsbWord(lt), msbWord(lt)];

function words(list: bigint[]): Uint32Array {
  return new Uint32Array(new BigUint64Array(list).buffer);
}

const LIVE: DecoderConfig = { orientation: 'Up', offsetX: 0, offsetY: 0, timeMode: 'live' };
const FILE: DecoderConfig = { ...LIVE, timeMode: 'file' };

function decodeLive(list: bigint[], longtime: number, config: Partial<DecoderConfig> = {}) {
  const d = new Tpx3Decoder({ ...LIVE, ...config });
  const out = newDecodedBatch();
  d.decode(words(list), out, longtime);
  return { d, out };
}

// The doc's toa formula evaluated with exact integers, rounded to float64 once, then (g * 25/4096) * 1e-9.
function toaRef(col: number, toa: number, ftoa: number, spidr: number, longtime: number): number {
  const coarse = BigInt(extend((spidr << 14) | toa, longtime));
  const phase = (col >> 1) % 16;
  const g = (coarse << 12n) - (BigInt(ftoa) << 8n) + (BigInt(phase === 0 ? 16 : phase) << 8n);
  return Number(g) * 0.006103515625 * 1e-9;
}

describe('Tpx3Decoder pixels', () => {
  it('decodes column, row, ToT and ToA for every pixel address bit', () => {
    const lt = 0x123456789a;
    const cases = [
      [0, 0, 0, 0, 0, 0],
      [255, 255, 0x3fff, 0x3ff, 15, 0xffff],
      [1, 2, 100, 3, 0, 7],
      [130, 77, 5000, 40, 9, 12345],
      [31, 33, 1, 1, 1, 1],
    ];
    const { out } = decodeLive(
      cases.map(([c, r, t, tot, f, s]) => pixelWord(c, r, t, tot, f, s)),
      lt,
    );
    expect(out.hits.n).toBe(cases.length);
    cases.forEach(([c, r, t, tot, f, s], i) => {
      expect(out.hits.x[i]).toBe(c);
      expect(out.hits.y[i]).toBe(r);
      expect(out.hits.tot[i]).toBe(tot * 25);
      expect(out.hits.toa[i]).toBe(toaRef(c, t, f, s, lt));
    });
  });
  it('applies the clock-phase correction per column pair, phase 0 counting as 16', () => {
    const lt = 2 ** 31;
    const { out } = decodeLive(
      [0, 2, 30, 32].map((c) => pixelWord(c, 0, 0, 1, 0, 0)),
      lt,
    );
    const unit = 256 * 0.006103515625 * 1e-9; // one phase step: 1.5625 ns
    const base = extend(0, lt) * 25e-9;
    // Absolute times near 54 s carry float64 steps of ~7e-15 s: compare to 5e-14 s.
    expect(out.hits.toa[0] - base).toBeCloseTo(16 * unit, 13); // col 0: phase 0 -> 16
    expect(out.hits.toa[1] - base).toBeCloseTo(1 * unit, 13); // col 2: phase 1
    expect(out.hits.toa[2] - base).toBeCloseTo(15 * unit, 13); // col 30: phase 15
    expect(out.hits.toa[3] - base).toBeCloseTo(16 * unit, 13); // col 32: phase 16 % 16 = 0 -> 16
  });
  it('subtracts the fine ToA: ftoa 0 adds nothing, each step is 1.5625 ns earlier', () => {
    const lt = 2 ** 32;
    const { out } = decodeLive([pixelWord(4, 4, 10, 1, 0, 3), pixelWord(4, 4, 10, 1, 4, 3)], lt);
    expect(out.hits.toa[0] - out.hits.toa[1]).toBeCloseTo(4 * 1.5625e-9, 13);
  });
  it('decodes 0xA (frame readout) pixel words like 0xB', () => {
    const { out } = decodeLive([pixelWord(9, 8, 1, 2, 3, 4, 0xan)], 2 ** 30);
    expect([out.hits.n, out.hits.x[0], out.hits.y[0], out.hits.tot[0]]).toEqual([1, 9, 8, 50]);
  });
  it('places hits across the 26.8 s rollover in both directions', () => {
    const period = 2 ** 30;
    // longtime just after a rollover, hit latched just before it (quarter 3): previous period.
    // (column 2: phase correction +1.5625 ns, less than the 25 ns tick)
    const after = decodeLive([pixelWord(2, 0, 0x3fff, 1, 0, 0xffff)], 7 * period + 10).out;
    expect(after.hits.toa[0]).toBe(toaRef(2, 0x3fff, 0, 0xffff, 7 * period + 10));
    expect(after.hits.toa[0]).toBeLessThan(7 * period * 25e-9);
    // longtime just before a rollover, hit latched just after it (quarter 0): next period.
    const before = decodeLive([pixelWord(0, 0, 5, 1, 0, 0)], 7 * period - 10).out;
    expect(before.hits.toa[0]).toBeGreaterThan(7 * period * 25e-9);
    expect(before.hits.toa[0]).toBeCloseTo((7 * period + 5) * 25e-9 + 16 * 1.5625e-9, 12);
  });
  it('subtracts the hit time-walk LUT in seconds at floor(tot/25)-1, clamped', () => {
    const lut = new Float64Array([1e-9, 2e-9, 3e-9]);
    const list = [pixelWord(0, 0, 0, 0, 0, 0), pixelWord(0, 0, 0, 2, 0, 0), pixelWord(0, 0, 0, 500, 0, 0)];
    const plain = decodeLive(list, 2 ** 33).out.hits.toa.slice(0, 3);
    const corrected = decodeLive(list, 2 ** 33, { hitLut: lut }).out.hits.toa;
    expect(corrected[0]).toBe(plain[0] - 1e-9); // tot 0 -> index -1 -> clamped to 0
    expect(corrected[1]).toBe(plain[1] - 2e-9); // tot 50 ns -> index 1
    expect(corrected[2]).toBe(plain[2] - 3e-9); // beyond the table -> last entry
  });
  it('applies orientation and offset', () => {
    const list = [pixelWord(10, 20, 0, 1, 0, 0)];
    const at = (orientation: DecoderConfig['orientation'], ox = 0, oy = 0): number[] => {
      const { out } = decodeLive(list, 2 ** 30, { orientation, offsetX: ox, offsetY: oy });
      return [out.hits.x[0], out.hits.y[0]];
    };
    expect(at('Up')).toEqual([10, 20]);
    expect(at('Left')).toEqual([20, 245]);
    expect(at('Down')).toEqual([245, 235]);
    expect(at('Right')).toEqual([235, 10]);
    expect(at('Up', 256, 3)).toEqual([266, 23]);
  });
});

describe('Tpx3Decoder triggers', () => {
  it('decodes TDC1/TDC2 rising and falling edges, falling negative', () => {
    const lt = 0x20000000; // quarter 2
    const coarse = 0x2abcdef0; // quarter 2 too
    const list = [
      tdcWord(0x6, 0xf, coarse, 5, 7),
      tdcWord(0x6, 0xa, coarse + 4, 0, 12),
      tdcWord(0x6, 0xe, coarse + 8, 7, 1),
      tdcWord(0x6, 0xb, coarse + 12, 1, 3),
      tdcWord(0x4, 0xf, coarse + 16, 0, 2), // 0x4/0xF is accepted as TDC1 too
    ];
    const { out, d } = decodeLive(list, lt);
    const t = (c: number, hi3: number, f: number): number =>
      extend(c, lt) * 25e-9 +
      ((hi3 << 9) | (Math.floor(((f - 1) << 9) / 12) & 0x1ff)) * 0.006103515625 * 1e-9;
    expect(Array.from(out.tdc1.time.subarray(0, out.tdc1.n))).toEqual([
      t(coarse, 5, 7),
      -t(coarse + 4, 0, 12),
      t(coarse + 16, 0, 2),
    ]);
    expect(Array.from(out.tdc2.time.subarray(0, out.tdc2.n))).toEqual([
      t(coarse + 8, 7, 1),
      -t(coarse + 12, 1, 3),
    ]);
    expect(Array.from(out.triggers.time.subarray(0, out.triggers.n))).toEqual([
      t(coarse, 5, 7),
      t(coarse + 16, 0, 2),
    ]);
    expect([d.counts.tdc1Rise, d.counts.tdc1Fall, d.counts.tdc2Rise, d.counts.tdc2Fall]).toEqual([
      2, 1, 1, 1,
    ]);
  });
  it('handles fine value 0 from old firmware as floor division: -43 masked to 9 bits', () => {
    const lt = 0;
    const { out } = decodeLive([tdcWord(0x6, 0xf, 100, 0, 0)], lt);
    expect(out.triggers.time[0]).toBe(100 * 25e-9 + (-43 & 0x1ff) * 0.006103515625 * 1e-9);
  });
});

describe('Tpx3Decoder time modes and counts', () => {
  it('file mode drops pixels and triggers before the first MSB, an LSB alone does not start', () => {
    const lt = 3 * 2 ** 32 + 0x12345678;
    const d = new Tpx3Decoder(FILE);
    const out = newDecodedBatch();
    d.decode(
      words([
        pixelWord(1, 1, 0, 1, 0, 0),
        lsbWord(lt),
        tdcWord(6, 0xf, 0, 0, 1),
        msbWord(lt),
        pixelWord(2, 2, 0, 1, 0, 0),
      ]),
      out,
    );
    expect(out.hits.n).toBe(1);
    expect(out.hits.x[0]).toBe(2);
    expect(out.triggers.n).toBe(0);
    expect(d.counts.droppedBeforeTime).toBe(2);
    expect(d.time.longtime).toBe(lt);
  });
  it('file mode extends with the longtime current when the word is read', () => {
    const lt1 = 2 ** 32;
    const lt2 = 2 ** 32 + 0x08000000;
    const d = new Tpx3Decoder(FILE);
    const out = newDecodedBatch();
    d.decode(
      words([...timePair(lt1), pixelWord(0, 0, 0, 1, 0, 0), ...timePair(lt2), pixelWord(0, 0, 0, 1, 0, 0)]),
      out,
    );
    expect(out.hits.toa[0]).toBe(toaRef(0, 0, 0, 0, lt1));
    expect(out.hits.toa[1]).toBe(toaRef(0, 0, 0, 0, lt2));
    // state carries over to the next batch
    d.decode(words([pixelWord(0, 0, 0, 1, 0, 0)]), out);
    expect(out.hits.n).toBe(1);
    expect(out.hits.toa[0]).toBe(toaRef(0, 0, 0, 0, lt2));
  });
  it('live mode uses the handed-in longtime for the whole batch; its time packets only update the tracker', () => {
    const handed = 5 * 2 ** 32;
    const inStream = 9 * 2 ** 32;
    const { out, d } = decodeLive(
      [pixelWord(0, 0, 0, 1, 0, 0), ...timePair(inStream), pixelWord(0, 0, 0, 1, 0, 0)],
      handed,
    );
    expect(out.hits.toa[1]).toBe(toaRef(0, 0, 0, 0, handed));
    expect(d.time.longtime).toBe(inStream);
  });
  it('counts every other packet kind and never throws on any word', () => {
    const list = [
      0x50n << 56n, // packet id
      0x5fn << 56n, // shutter open
      0x5an << 56n, // shutter close
      0x5cn << 56n, // heartbeat
      0x53n << 56n, // other 0x5
      0x71n << 56n, // control
      0x46n << 56n, // other 0x4
      0x1n << 60n, // unknown header 1 (e.g. a start-time header decoded as a packet)
      0xfn << 60n,
      0x0n,
    ];
    const { d, out } = decodeLive(list, 0);
    const c = d.counts;
    expect(out.hits.n).toBe(0);
    expect([
      c.packetId,
      c.shutterOpen,
      c.shutterClose,
      c.heartbeat,
      c.otherSpidr,
      c.control,
      c.otherTime,
    ]).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(c.unknownByHeader[1]).toBe(1);
    expect(c.unknownByHeader[0xf]).toBe(1);
    expect(c.unknownByHeader[0]).toBe(1);
  });
});
