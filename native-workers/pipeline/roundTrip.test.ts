// Encoder -> decoder, exactly: every field and time the encoder writes comes back bit for bit (toa and
// TDC times compared with toBe, not toBeCloseTo).
import { describe, expect, it } from 'vitest';
import { SeededRandom } from './seededRandom';
import { Tpx3Decoder, newDecodedBatch, type DecoderConfig } from './tpx3Decoder';
import {
  TICKS_PER_SECOND,
  pixelToaSeconds,
  tdcSeconds,
  ticksToSeconds,
  writeControl,
  writeHeartbeat,
  writePacketId,
  writePixel,
  writePixelAtTicks,
  writeShutterClose,
  writeShutterOpen,
  writeTdc,
  writeTimeLsb,
  writeTimeMsb,
} from './tpx3Encoder';

const FILE: DecoderConfig = { orientation: 'Up', offsetX: 0, offsetY: 0, timeMode: 'file' };

function decodeFile(words: Uint32Array) {
  const d = new Tpx3Decoder(FILE);
  const out = newDecodedBatch();
  d.decode(words, out);
  return { d, out };
}

/** A time pair for `longtime` at word 0 and 1, then room for n words. */
function withTimePair(longtime: number, n: number): Uint32Array {
  const w = new Uint32Array(2 * (n + 2));
  writeTimeLsb(w, 0, longtime);
  writeTimeMsb(w, 1, longtime);
  return w;
}

describe('encode -> decode round trip', () => {
  it('pixel hits at exact ticks decode to those ticks, for longtimes across the 2^30 and 2^32 rollovers', () => {
    const rng = new SeededRandom(2024);
    const longtimes = [
      400_000_000,
      2 ** 30 - 1000,
      2 ** 30 + 5,
      2 ** 32 - 7,
      3 * 2 ** 28 + 12345,
      2 ** 47 + 2 ** 31,
    ];
    for (const lt of longtimes) {
      const n = 2000;
      const w = withTimePair(lt, n);
      const want = { col: [] as number[], row: [] as number[], ticks: [] as number[], tot: [] as number[] };
      for (let i = 0; i < n; i++) {
        const col = rng.int(256);
        const row = rng.int(256);
        // Within +-6 s of the longtime (extend() holds within +-6.7 s).
        const ticks = lt * 16 + Math.round((rng.uniform() * 12 - 6) * TICKS_PER_SECOND);
        const tot = 25 * rng.int(1024);
        writePixelAtTicks(w, i + 2, col, row, ticks, tot, i % 5 === 0 ? 0xa : 0xb);
        want.col.push(col);
        want.row.push(row);
        want.ticks.push(ticks);
        want.tot.push(tot);
      }
      const { out, d } = decodeFile(w);
      const h = out.hits;
      expect(h.n).toBe(n);
      expect(Array.from(h.x.subarray(0, n))).toEqual(want.col);
      expect(Array.from(h.y.subarray(0, n))).toEqual(want.row);
      expect(Array.from(h.tot.subarray(0, n))).toEqual(want.tot);
      expect(Array.from(h.toa.subarray(0, n))).toEqual(want.ticks.map(ticksToSeconds));
      expect(d.time.longtime).toBe(lt);
    }
  });

  it('pixel fields decode to pixelToaSeconds of the extended coarse time', () => {
    const rng = new SeededRandom(5);
    const lt = 0x12_3456_789a;
    const n = 3000;
    const w = withTimePair(lt, n);
    const want: number[] = [];
    for (let i = 0; i < n; i++) {
      const coarse = lt + rng.int(400_000_000) - 200_000_000; // +-5 s
      const col = rng.int(256);
      const ftoa = rng.int(16);
      writePixel(w, i + 2, col, rng.int(256), coarse, ftoa, 25);
      want.push(pixelToaSeconds(coarse, ftoa, col));
    }
    const { out } = decodeFile(w);
    expect(Array.from(out.hits.toa.subarray(0, n))).toEqual(want);
  });

  it('TDC edges decode to tdcSeconds; falling edges negative; only TDC1 rising edges are triggers', () => {
    const rng = new SeededRandom(77);
    const lt = 2 ** 30 + 123_456;
    const n = 2000;
    const w = withTimePair(lt, n);
    const tdc1: number[] = [];
    const tdc2: number[] = [];
    const triggers: number[] = [];
    for (let i = 0; i < n; i++) {
      const coarse = lt + rng.int(200_000_000) - 100_000_000;
      const fine3 = rng.int(8);
      const f = 1 + rng.int(12);
      const trigger = rng.int(2) === 0 ? 1 : 2;
      const edge = rng.int(2) === 0 ? 'rising' : 'falling';
      writeTdc(w, i + 2, trigger, edge, coarse, fine3, f, i);
      const t = tdcSeconds(coarse, fine3, f);
      const signed = edge === 'rising' ? t : -t;
      (trigger === 1 ? tdc1 : tdc2).push(signed);
      if (trigger === 1 && edge === 'rising') triggers.push(t);
    }
    const { out } = decodeFile(w);
    expect(Array.from(out.tdc1.time.subarray(0, out.tdc1.n))).toEqual(tdc1);
    expect(Array.from(out.tdc2.time.subarray(0, out.tdc2.n))).toEqual(tdc2);
    expect(Array.from(out.triggers.time.subarray(0, out.triggers.n))).toEqual(triggers);
  });

  it('live mode decodes with the handed-in longtime', () => {
    const lt = 2 ** 33 + 999;
    const w = new Uint32Array(4);
    writePixelAtTicks(w, 0, 17, 200, lt * 16 + 12345, 500);
    writeTdc(w, 1, 1, 'rising', lt - 1000, 3, 7);
    const d = new Tpx3Decoder({ ...FILE, timeMode: 'live' });
    const out = newDecodedBatch();
    d.decode(w, out, lt);
    expect(out.hits.toa[0]).toBe(ticksToSeconds(lt * 16 + 12345));
    expect(out.triggers.time[0]).toBe(tdcSeconds(lt - 1000, 3, 7));
  });

  it('SPIDR, shutter, heartbeat and control words are counted, not decoded as hits', () => {
    const w = withTimePair(1000, 6);
    writePacketId(w, 2, 42);
    writeShutterOpen(w, 3, 1);
    writeShutterClose(w, 4, 2);
    writeHeartbeat(w, 5, 3);
    writeControl(w, 6, 0x1);
    writeControl(w, 7, 0x0, 5);
    const { out, d } = decodeFile(w);
    expect(out.hits.n).toBe(0);
    const c = d.counts;
    expect([c.packetId, c.shutterOpen, c.shutterClose, c.heartbeat, c.control, c.timeLsb, c.timeMsb]).toEqual(
      [1, 1, 1, 1, 2, 1, 1],
    );
  });
});
