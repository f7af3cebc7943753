import { describe, expect, it } from 'vitest';
import { SeededRandom } from './seededRandom';
import {
  TICKS_PER_SECOND,
  phaseTicks,
  pixelCoarseForTicks,
  pixelFieldsForSeconds,
  pixelFtoa,
  pixelToaSeconds,
  secondsToTicks,
  startTimeHeader,
  tdcFieldsForSeconds,
  tdcFieldsForUnits,
  tdcFineUnits,
  tdcSeconds,
  tdcStep,
  tdcSub,
  ticksToSeconds,
  toaUnitsToTicks,
  writeControl,
  writeHeartbeat,
  writePacketId,
  writePixel,
  writePixelAtTicks,
  writePixelRel,
  writeShutterClose,
  writeShutterOpen,
  writeTdc,
  writeTimeLsb,
  writeTimeMsb,
  writeWord,
} from './tpx3Encoder';

// Fields are read back with BigInt and exactly the shifts of timepix3-format.md.
function word(words: Uint32Array, i = 0): bigint {
  return BigInt(words[2 * i]) | (BigInt(words[2 * i + 1]) << 32n);
}
function pixelFields(w: bigint) {
  const dcol = (w >> 52n) & 0xfen;
  const spix = (w >> 45n) & 0xfcn;
  const pix = (w >> 44n) & 7n;
  return {
    header: Number(w >> 60n),
    col: Number(dcol + (pix >> 2n)),
    row: Number(spix + (pix & 3n)),
    toa: Number((w >> 30n) & 0x3fffn),
    tot: Number(((w >> 20n) & 0x3ffn) * 25n),
    ftoa: Number((w >> 16n) & 0xfn),
    spidr: Number(w & 0xffffn),
  };
}
/** The doc's g (25/4096 ns units) for a pixel whose extended coarse time is `coarse`. */
function docG(coarse: number, ftoa: number, col: number): bigint {
  const phase = (col >> 1) % 16;
  return (BigInt(coarse) << 12n) - (BigInt(ftoa) << 8n) + (BigInt(phase === 0 ? 16 : phase) << 8n);
}

describe('pixel words', () => {
  it('puts a hand-built example at the doc bit positions', () => {
    const w = new Uint32Array(2);
    // col 0x93 (dcol 0x92, pix bit 2 set), row 0x6e (spix 0x6c, row & 3 = 2), coarse 0x2abcdef1
    writePixel(w, 0, 0x93, 0x6e, 0x2abcdef1, 0xd, 0x2f7 * 25);
    const toa = 0x2abcdef1 & 0x3fff;
    const spidr = 0x2abcdef1 >>> 14;
    const expected =
      (0xbn << 60n) |
      (0x49n << 53n) | // col >> 1
      (0x1bn << 47n) | // row >> 2
      (0b110n << 44n) | // (col & 1) << 2 | row & 3
      (BigInt(toa) << 30n) |
      (0x2f7n << 20n) |
      (0xdn << 16n) |
      BigInt(spidr);
    expect(word(w).toString(16)).toBe(expected.toString(16));
    expect(pixelFields(word(w))).toEqual({
      header: 0xb,
      col: 0x93,
      row: 0x6e,
      toa,
      tot: 0x2f7 * 25,
      ftoa: 0xd,
      spidr,
    });
  });

  it('round-trips every field through the doc shifts, extremes included', () => {
    const rng = new SeededRandom(42);
    const w = new Uint32Array(2);
    const cases: [number, number, number, number, number, number][] = [
      [0, 0, 0, 0, 0, 0xb],
      [255, 255, 2 ** 48 - 1, 15, 1023 * 25, 0xb],
      [1, 2, 2 ** 30 - 1, 7, 25, 0xa],
      [254, 253, 2 ** 30, 8, 0, 0xa],
    ];
    for (let i = 0; i < 2000; i++) {
      cases.push([
        rng.int(256),
        rng.int(256),
        rng.int(2 ** 32) * 2 ** 16 + rng.int(2 ** 16),
        rng.int(16),
        25 * rng.int(1024),
        0xb,
      ]);
    }
    for (const [col, row, coarse, ftoa, tot, header] of cases) {
      writePixel(w, 0, col, row, coarse, ftoa, tot, header);
      const f = pixelFields(word(w));
      expect(f).toEqual({
        header,
        col,
        row,
        toa: coarse % 2 ** 14,
        tot,
        ftoa,
        spidr: Math.floor(coarse / 2 ** 14) % 2 ** 16,
      });
      expect((f.spidr << 14) | f.toa).toBe(coarse % 2 ** 30);
    }
  });

  it('rejects fields out of range', () => {
    const w = new Uint32Array(2);
    expect(() => writePixel(w, 0, 256, 0, 0, 0, 0)).toThrow(RangeError);
    expect(() => writePixel(w, 0, 0, -1, 0, 0, 0)).toThrow(RangeError);
    expect(() => writePixel(w, 0, 0, 0, 0, 16, 0)).toThrow(RangeError);
    expect(() => writePixel(w, 0, 0, 0, 0, 0, 30)).toThrow(RangeError);
    expect(() => writePixel(w, 0, 0, 0, 0, 0, 1024 * 25)).toThrow(RangeError);
    expect(() => writePixel(w, 0, 0, 0, 2 ** 48, 0, 0)).toThrow(RangeError);
    expect(() => writePixel(w, 0, 0, 0, 1.5, 0, 0)).toThrow(RangeError);
    expect(() => writePixel(w, 0, 0, 0, 0, 0, 0, 0x6)).toThrow(RangeError);
    expect(() => writePixelAtTicks(w, 0, 0, 0, 0, 25)).toThrow(RangeError); // coarse would be -1
    expect(() => writePixelRel(w, 0, 0, 0, 0, 100, 1024)).toThrow(RangeError);
  });

  it('phase correction: (col >> 1) % 16, 0 meaning 16', () => {
    expect([0, 1, 2, 3, 30, 31, 32, 33, 34, 255].map(phaseTicks)).toEqual([
      16, 16, 1, 1, 15, 15, 16, 16, 1, 15,
    ]);
  });

  it('writes a pixel at an exact tick: the doc g is ticks * 256', () => {
    const rng = new SeededRandom(7);
    const w = new Uint32Array(2);
    for (let i = 0; i < 3000; i++) {
      const col = rng.int(256);
      const ticks = 16 + rng.int(2 ** 32) * 2 ** 19 + rng.int(2 ** 19); // up to about 2^51
      writePixelAtTicks(w, 0, col, 7, ticks, 100);
      const f = pixelFields(word(w));
      const coarse = pixelCoarseForTicks(ticks, col);
      expect(f.ftoa).toBe(pixelFtoa(coarse, ticks, col));
      expect((f.spidr << 14) | f.toa).toBe(coarse % 2 ** 30);
      // With the extended coarse time, the doc's formula gives back the tick exactly.
      expect(docG(coarse, f.ftoa, col)).toBe(BigInt(ticks) * 256n);
      expect(pixelToaSeconds(coarse, f.ftoa, col)).toBe(ticksToSeconds(ticks));
      expect(ticksToSeconds(ticks)).toBe(Number(BigInt(ticks) * 256n) * 0.006103515625 * 1e-9);
    }
  });

  it('writePixelRel gives the same word as writePixelAtTicks, across 2^30 wraps', () => {
    const rng = new SeededRandom(9);
    const a = new Uint32Array(2);
    const b = new Uint32Array(2);
    for (let i = 0; i < 3000; i++) {
      const baseCoarse = i % 3 === 0 ? 2 ** 30 - 1 - rng.int(100) : 1 + rng.int(2 ** 32) * 2 ** 15;
      const rel = rng.int(2 ** 24) - 2 ** 10;
      const col = rng.int(256);
      const row = rng.int(256);
      const tot = rng.int(1024);
      writePixelRel(a, 0, col, row, baseCoarse % 2 ** 30, rel, tot);
      writePixelAtTicks(b, 0, col, row, baseCoarse * 16 + rel, tot * 25);
      expect([a[0], a[1]]).toEqual([b[0], b[1]]);
    }
  });

  it('converts times to ticks', () => {
    expect(TICKS_PER_SECOND * 1.5625e-9).toBe(1);
    expect(secondsToTicks(1.5625e-9 * 1234567)).toBe(1234567);
    expect(secondsToTicks(26.8435456)).toBe(2 ** 30 * 16);
    expect(toaUnitsToTicks(256 * 99 + 127)).toBe(99);
    expect(toaUnitsToTicks(256 * 99 + 129)).toBe(100);
    // 1 s in column 2 (phase 1): ticks 640e6 = coarse * 16 + 1 - ftoa
    expect(pixelFieldsForSeconds(1, 2)).toEqual({ coarse: 40_000_000, ftoa: 1 });
    const f = pixelFieldsForSeconds(12.3456789012, 77);
    expect(Math.abs(pixelToaSeconds(f.coarse, f.ftoa, 77) - 12.3456789012)).toBeLessThanOrEqual(0.79e-9);
  });
});

describe('TDC words', () => {
  it('uses the sub-nibble of each trigger and edge', () => {
    const w = new Uint32Array(2);
    const table: [1 | 2, 'rising' | 'falling', number][] = [
      [1, 'rising', 0xf],
      [1, 'falling', 0xa],
      [2, 'rising', 0xe],
      [2, 'falling', 0xb],
    ];
    for (const [trigger, edge, sub] of table) {
      expect(tdcSub(trigger, edge)).toBe(sub);
      writeTdc(w, 0, trigger, edge, 123, 0, 1);
      expect(Number(word(w) >> 60n)).toBe(0x6);
      expect(Number((word(w) >> 56n) & 0xfn)).toBe(sub);
    }
    writeTdc(w, 0, 1, 'rising', 123, 0, 1, 0, 0x4);
    expect(Number(word(w) >> 56n)).toBe(0x4f);
  });

  it('puts coarse, fine and counter at the doc bit positions', () => {
    const w = new Uint32Array(2);
    writeTdc(w, 0, 1, 'rising', 0x1_8765_4321, 5, 11, 0xabc);
    const v = word(w);
    expect(Number((v >> 12n) & 0xffffffffn)).toBe(0x87654321); // low 32 bits of the coarse time
    expect(Number(v & 0xe00n)).toBe(5 << 9);
    expect(Number((v >> 5n) & 0xfn)).toBe(11);
    expect(Number((v >> 44n) & 0xfffn)).toBe(0xabc);
    expect(Number(v & 0x1fn)).toBe(0);
    expect(v).toBe((0x6fn << 56n) | (0xabcn << 44n) | (0x87654321n << 12n) | (5n << 9n) | (11n << 5n));
    expect(() => writeTdc(w, 0, 1, 'rising', 0, 0, 0)).toThrow(RangeError);
    expect(() => writeTdc(w, 0, 1, 'rising', 0, 8, 1)).toThrow(RangeError);
  });

  it('fine time follows the doc: fine3 * 512 + floor((f - 1) * 512 / 12)', () => {
    expect(Array.from({ length: 12 }, (_, i) => tdcStep(i + 1))).toEqual([
      0, 42, 85, 128, 170, 213, 256, 298, 341, 384, 426, 469,
    ]);
    expect(tdcFineUnits(3, 5)).toBe(3 * 512 + 170);
    expect(tdcSeconds(1000, 3, 5)).toBe(1000 * 25e-9 + (3 * 512 + 170) * 0.006103515625 * 1e-9);
  });

  it('snaps any fine time to the nearest encodable one, carrying into coarse', () => {
    for (let u = 0; u < 4096; u += 0.25) {
      const f = tdcFieldsForUnits(10, u);
      const got = (f.coarse - 10) * 4096 + tdcFineUnits(f.fine3, f.f);
      expect(Math.abs(got - u)).toBeLessThanOrEqual(22); // half the largest step (43 units)
      expect(f.f >= 1 && f.f <= 12 && f.fine3 >= 0 && f.fine3 <= 7).toBe(true);
    }
    expect(tdcFieldsForUnits(10, 4095)).toEqual({ coarse: 11, fine3: 0, f: 1 });
    const s = tdcFieldsForSeconds(1.000000012);
    expect(Math.abs(tdcSeconds(s.coarse, s.fine3, s.f) - 1.000000012)).toBeLessThan(0.14e-9);
  });
});

describe('time, SPIDR and control words', () => {
  it('splits a 48-bit longtime into the LSB (bits 16..47) and MSB (bits 16..31) packets', () => {
    const w = new Uint32Array(4);
    const longtime = 0xfedc_ba98_7654;
    writeTimeLsb(w, 0, longtime);
    writeTimeMsb(w, 1, longtime);
    const lsb = word(w, 0);
    const msb = word(w, 1);
    expect(Number(lsb >> 56n)).toBe(0x44);
    expect(Number(msb >> 56n)).toBe(0x45);
    expect(Number((lsb >> 16n) & 0xffffffffn)).toBe(0xba987654);
    expect(Number((msb >> 16n) & 0xffffn)).toBe(0xfedc);
    expect(Number(lsb & 0xffffn)).toBe(0);
    expect((((msb >> 16n) & 0xffffn) << 32n) | ((lsb >> 16n) & 0xffffffffn)).toBe(BigInt(longtime));
  });

  it('writes SPIDR and control packets with their header, sub and 48-bit payload', () => {
    const w = new Uint32Array(2);
    const payload = 0x1234_5678_9abc;
    const cases: [(w: Uint32Array, i: number, p: number) => void, number][] = [
      [writePacketId, 0x50],
      [writeShutterOpen, 0x5f],
      [writeShutterClose, 0x5a],
      [writeHeartbeat, 0x5c],
      [(ws, i, p) => writeControl(ws, i, 0x1, p), 0x71],
    ];
    for (const [write, headerSub] of cases) {
      write(w, 0, payload);
      expect(word(w)).toBe((BigInt(headerSub) << 56n) | BigInt(payload));
    }
    writeWord(w, 0, 0xdeadbeef, 0x01234567);
    expect(word(w)).toBe(0x01234567deadbeefn);
  });

  it('writes the start-time header little-endian and checks its range', () => {
    const h = startTimeHeader(1_735_689_600_000_000_000n);
    expect(new DataView(h.buffer).getBigUint64(0, true)).toBe(1_735_689_600_000_000_000n);
    expect(h[7] >> 4).toBe(0x1); // header nibble 0x1, as Decision 5 detects it
    expect(() => startTimeHeader((1n << 60n) - 1n)).toThrow(RangeError);
    expect(() => startTimeHeader(1n << 61n)).toThrow(RangeError);
  });
});
