// Tpx4Decoder's frame side on hand-built words: frame and sequence packets' segment and mode bits, the
// 24-bit photon-counting mode assembling count images between frame start and end, implicit and cut
// frames, and the mode check against the setting.
import { describe, expect, it } from 'vitest';
import { TPX4_EOC, TPX4_READOUT_MODES, Tpx4Decoder, newTpx4Batch } from './tpx4Decoder';
import { tpx4Address, writeTpx4Heartbeat, writeTpx4Pixel, writeWordBE } from './tpx4Encoder';

type Word = (bytes: Uint8Array, i: number) => void;

/** A frame or sequence packet: eoc, segment (bits 54..52), mode bits (51..50). */
const control =
  (eoc: number, segment: number, modeBits: number): Word =>
  (b, i) =>
    writeWordBE(b, i, ((eoc << 23) | (segment << 20) | (modeBits << 18)) >>> 0, 0);
/** A photon-counting pixel word: the address bits of (x, y) and 24-bit counts. */
const counts =
  (x: number, y: number, n: number, junkAbove24 = 0): Word =>
  (b, i) => {
    const a = tpx4Address(x, y);
    const hi = (a.top << 31) | (a.eoc << 23) | (a.superpix << 17) | (a.pix << 14);
    writeWordBE(b, i, hi >>> 0, ((junkAbove24 << 24) | n) >>> 0);
  };

function bytesOf(words: Word[]): Uint8Array {
  const b = new Uint8Array(8 * words.length);
  words.forEach((w, i) => w(b, i));
  return b;
}

const PC24 = TPX4_READOUT_MODES.indexOf('pc24');
const EVENT = TPX4_READOUT_MODES.indexOf('event');

describe('Tpx4Decoder frames', () => {
  it('assembles 24-bit counts between frame start and end into a count image', () => {
    const dec = new Tpx4Decoder({ readoutMode: 'pc24' });
    const out = newTpx4Batch();
    dec.decode(
      bytesOf([
        control(TPX4_EOC.SEQUENCE_START, 0, PC24),
        control(TPX4_EOC.FRAME_START, 5, PC24),
        counts(0, 0, 7),
        counts(447, 511, 0xffffff),
        counts(100, 300, 3, 0x5a), // bits above 24 are not counts
        counts(100, 300, 4), // the same pixel again: summed
      ]),
      out,
    );
    expect(out.frames).toEqual([]); // still open
    dec.decode(bytesOf([counts(10, 20, 1), control(TPX4_EOC.FRAME_END, 5, PC24)]), out);
    expect(out.frames).toHaveLength(1);
    const f = out.frames[0];
    expect([f.index, f.sequence, f.segment, f.mode, f.pixels, f.complete]).toEqual([
      0,
      1,
      5,
      'pc24',
      5,
      true,
    ]);
    expect(f.counts).toHaveLength(448 * 512);
    expect(f.counts[0]).toBe(7);
    expect(f.counts[447 + 448 * 511]).toBe(0xffffff);
    expect(f.counts[100 + 448 * 300]).toBe(7);
    expect(f.counts[10 + 448 * 20]).toBe(1);
    expect(f.counts.reduce((s, v) => s + v, 0)).toBe(7 + 0xffffff + 7 + 1);
    expect(out.hits.n).toBe(0); // no event hits in this mode, no heartbeat needed
    const c = dec.counts;
    expect([c.pc24Pixels, c.framesCompleted, c.framesIncomplete, c.readoutModeMismatch]).toEqual([
      5, 1, 0, 0,
    ]);
    expect([c.frameStart, c.frameEnd, c.sequenceStart]).toEqual([1, 1, 1]);
  });

  it('opens implicit frames, cuts a frame at the next start, and flushes the open one', () => {
    const dec = new Tpx4Decoder({ readoutMode: 'pc24' });
    const out = newTpx4Batch();
    dec.decode(
      bytesOf([
        counts(1, 1, 2), // no frame open: an implicit frame
        control(TPX4_EOC.FRAME_START, 1, PC24), // cuts it
        counts(2, 2, 3),
        control(TPX4_EOC.FRAME_END, 1, PC24),
        control(TPX4_EOC.FRAME_END, 1, PC24), // nothing open
        control(TPX4_EOC.FRAME_START, 2, PC24),
        counts(3, 3, 4),
      ]),
      out,
    );
    expect(out.frames.map((f) => [f.index, f.segment, f.mode, f.pixels, f.complete])).toEqual([
      [0, -1, null, 1, false],
      [1, 1, 'pc24', 1, true],
    ]);
    expect(out.frames[0].counts[1 + 448]).toBe(2);
    expect(out.frames[1].counts[2 + 448 * 2]).toBe(3);
    dec.flush(out);
    expect(out.frames.map((f) => [f.index, f.segment, f.pixels, f.complete])).toEqual([[2, 2, 1, false]]);
    expect(out.frames[0].counts[3 + 448 * 3]).toBe(4);
    const c = dec.counts;
    expect([c.pc24OutsideFrame, c.frameEndWithoutStart, c.framesCompleted, c.framesIncomplete]).toEqual([
      1, 1, 1, 2,
    ]);
    dec.flush(out);
    expect(out.frames).toEqual([]);
  });

  it('in event mode counts frame packets, checks their mode bits, and decodes hits as usual', () => {
    const dec = new Tpx4Decoder();
    const out = newTpx4Batch();
    const b = new Uint8Array(8 * 6);
    control(TPX4_EOC.SEQUENCE_START, 0, EVENT)(b, 0);
    control(TPX4_EOC.FRAME_START, 3, EVENT)(b, 1);
    writeTpx4Heartbeat(b, 2, 100_000);
    writeTpx4Pixel(b, 3, {
      x: 5,
      y: 6,
      tick: 100_010,
      ftoaRise: 0,
      ftoaFall: 0,
      uftStart: 0x0f,
      uftStop: 0x0f,
      totRaw: 2,
      pileup: 0,
    });
    control(TPX4_EOC.FRAME_END, 3, PC24)(b, 4); // names another mode than the setting
    control(TPX4_EOC.SEQUENCE_END, 0, EVENT)(b, 5);
    dec.decode(b, out);
    expect(out.hits.n).toBe(1);
    expect([out.hits.x[0], out.hits.y[0]]).toEqual([5, 6]);
    expect(out.frames).toEqual([]);
    const c = dec.counts;
    expect([c.frameStart, c.frameEnd, c.sequenceStart, c.sequenceEnd]).toEqual([1, 1, 1, 1]);
    expect(c.readoutModeMismatch).toBe(1);
    expect([c.pc24Pixels, c.framesCompleted]).toEqual([0, 0]);
  });
});
