// Tpx4Hits on hand-built words: trigger pixels (removed from the hits, edges in seconds, the first
// pixel's rising edges as event triggers), the hit time-walk table and the four orientations of the
// 448 x 512 sensor with an offset.
import { describe, expect, it } from 'vitest';
import { TPX4_TICKS_PER_SECOND } from './tpx4Decoder';
import { writeTpx4Heartbeat, writeTpx4Pixel, writeTpx4Signal } from './tpx4Encoder';
import { Tpx4Hits, tpx4SensorSize, triggerPixelProblem } from './tpx4Hits';

const HB = 1_000_000;
/** A pixel with no fine terms at (x, y) on tick `tick`, ToT totRaw * 25 ns. */
function pixel(bytes: Uint8Array, i: number, x: number, y: number, tick: number, totRaw = 4): void {
  writeTpx4Pixel(bytes, i, {
    x,
    y,
    tick,
    ftoaRise: 0,
    ftoaFall: 0,
    uftStart: 0x0f,
    uftStop: 0x0f,
    totRaw,
    pileup: 0,
  });
}
/** The decoded time of such a pixel: tick minus the superpixel-group correction of its row. */
function pixelTime(x: number, y: number, tick: number): number {
  const yr = y < 256 ? y : 511 - y;
  return (tick * 128 + ((yr >>> 4) - 15) * 4) / 5.12e9;
}

describe('Tpx4Hits', () => {
  it('takes trigger pixels out of the hits and makes them trigger edges', () => {
    const bytes = new Uint8Array(8 * 7);
    writeTpx4Heartbeat(bytes, 0, HB);
    writeTpx4Signal(bytes, 1, true, HB + 5); // not the trigger source: counted only
    pixel(bytes, 2, 10, 20, HB + 300, 8); // trigger 1 (later)
    pixel(bytes, 3, 10, 20, HB + 100, 8); // trigger 1 (earlier, read out second)
    pixel(bytes, 4, 100, 300, HB + 150); // a plain hit
    pixel(bytes, 5, 447, 511, HB + 200, 2); // trigger 2
    pixel(bytes, 6, 5, 5, HB + 400); // a plain hit
    const h = new Tpx4Hits({ triggerPixels: [10 + 448 * 20, 447 + 448 * 511] });
    expect(h.triggerSource).toBe('trigger pixels');
    const b = h.decode(bytes);
    expect(b.hits.n).toBe(2);
    expect([...b.hits.x.subarray(0, 2)]).toEqual([100, 5]);
    expect([...b.hits.y.subarray(0, 2)]).toEqual([300, 5]);
    expect(b.totNs[0]).toBe(100);
    const t1a = pixelTime(10, 20, HB + 300);
    const t1b = pixelTime(10, 20, HB + 100);
    // Rising edges sorted for the event builder; all edges (falls = toa + ToT, negative) in hit order.
    expect([...b.triggers.time.subarray(0, b.triggers.n)]).toEqual([t1b, t1a]);
    expect([...b.trigger1.time.subarray(0, b.trigger1.n)]).toEqual([
      t1a,
      -(t1a + 200e-9),
      t1b,
      -(t1b + 200e-9),
    ]);
    const t2 = pixelTime(447, 511, HB + 200);
    expect([...b.trigger2.time.subarray(0, b.trigger2.n)]).toEqual([t2, -(t2 + 50e-9)]);
    expect(h.triggerPixelHits).toEqual([2, 1]);
    expect(h.decoder.counts.signalRise).toBe(1);
    // The next batch starts afresh.
    const next = new Uint8Array(8);
    pixel(next, 0, 1, 1, HB + 500);
    const b2 = h.decode(next);
    expect([b2.hits.n, b2.triggers.n, b2.trigger1.n, b2.trigger2.n]).toEqual([1, 0, 0, 0]);
  });

  it('uses signal packets when no trigger pixel is set', () => {
    const bytes = new Uint8Array(8 * 3);
    writeTpx4Heartbeat(bytes, 0, HB);
    writeTpx4Signal(bytes, 1, true, HB + 40);
    pixel(bytes, 2, 10, 20, HB + 100);
    const h = new Tpx4Hits();
    expect(h.triggerSource).toBe('signal packets');
    const b = h.decode(bytes);
    expect(b.hits.n).toBe(1);
    expect([...b.triggers.time.subarray(0, 1)]).toEqual([(HB + 40) / TPX4_TICKS_PER_SECOND]);
  });

  it('rejects trigger pixels off the sensor or repeated', () => {
    expect(triggerPixelProblem([0, 448 * 512 - 1])).toBeNull();
    expect(triggerPixelProblem([448 * 512])).toMatch(/not a pixel index/);
    expect(triggerPixelProblem([1.5])).toMatch(/not a pixel index/);
    expect(triggerPixelProblem([3, 3])).toMatch(/distinct/);
    expect(() => new Tpx4Hits({ triggerPixels: [-1] })).toThrow(RangeError);
  });

  it('applies the hit time-walk table by the exact ToT', () => {
    const bytes = new Uint8Array(8 * 4);
    writeTpx4Heartbeat(bytes, 0, HB);
    pixel(bytes, 1, 1, 1, HB + 10, 0); // ToT 0: entry 0 (clamped)
    pixel(bytes, 2, 1, 1, HB + 10, 3); // ToT 75 ns: entry 2
    pixel(bytes, 3, 1, 1, HB + 10, 50); // beyond the table: its last entry
    const lut = Float64Array.of(1e-9, 2e-9, 3e-9, 4e-9);
    const b = new Tpx4Hits({ hitLut: lut }).decode(bytes);
    const t = pixelTime(1, 1, HB + 10);
    expect([...b.hits.toa.subarray(0, 3)]).toEqual([t - 1e-9, t - 3e-9, t - 4e-9]);
  });

  it('turns the 448 x 512 sensor for every orientation, then offsets', () => {
    const at = (orientation: 'Up' | 'Left' | 'Down' | 'Right', x: number, y: number): number[] => {
      const bytes = new Uint8Array(16);
      writeTpx4Heartbeat(bytes, 0, HB);
      pixel(bytes, 1, x, y, HB + 1);
      const b = new Tpx4Hits({ orientation, offsetX: 3, offsetY: 7 }).decode(bytes);
      return [b.hits.x[0], b.hits.y[0]];
    };
    expect(at('Up', 10, 20)).toEqual([13, 27]);
    expect(at('Down', 10, 20)).toEqual([437 + 3, 491 + 7]);
    expect(at('Left', 10, 20)).toEqual([20 + 3, 437 + 7]);
    expect(at('Right', 10, 20)).toEqual([491 + 3, 10 + 7]);
    // Corners land on the turned sensor's corners.
    expect(at('Left', 447, 0)).toEqual([3, 7]);
    expect(at('Right', 0, 0)).toEqual([511 + 3, 7]);
    expect(tpx4SensorSize('Left')).toEqual([512, 448]);
    expect(tpx4SensorSize('Down')).toEqual([448, 512]);
  });
});
