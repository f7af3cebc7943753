import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from './wireCodec';

describe('wire codec', () => {
  it('round-trips nested typed arrays, plain values and non-finite numbers', () => {
    const msg = {
      event: 'views',
      data: {
        tof: { counts: new Uint32Array([1, 2, 3]), min: 0, max: 1e-3 },
        map: new Float32Array([0.5, 1.5]),
        trend: new Float64Array([1e-9, 2, 3]),
        ids: new BigUint64Array([2n ** 60n]),
        small: new Uint8Array([7]),
        since: NaN,
        limit: -Infinity,
        names: ['a', 'b'],
      },
    };
    const back = decodeMessage(encodeMessage(msg)) as typeof msg;
    expect(back.event).toBe('views');
    expect(Array.from(back.data.tof.counts)).toEqual([1, 2, 3]);
    expect(back.data.tof.counts).toBeInstanceOf(Uint32Array);
    expect(Array.from(back.data.map)).toEqual([0.5, 1.5]);
    expect(Array.from(back.data.trend)).toEqual([1e-9, 2, 3]);
    expect(back.data.ids[0]).toBe(2n ** 60n);
    expect(Array.from(back.data.small)).toEqual([7]);
    expect(back.data.since).toBeNaN();
    expect(back.data.limit).toBe(-Infinity);
    expect(back.data.names).toEqual(['a', 'b']);
  });
  it('aligns every array so views can be made without copying', () => {
    const frame = encodeMessage({ a: new Uint8Array(3), b: new Float64Array([4]) });
    expect(frame.byteLength % 8).toBe(0);
    const back = decodeMessage(frame) as { b: Float64Array };
    expect(back.b.byteOffset % 8).toBe(0);
  });
  it('rejects truncated frames', () => {
    const frame = encodeMessage({ a: new Float64Array(10) });
    expect(() => decodeMessage(frame.subarray(0, 2))).toThrow(/too short/);
    expect(() => decodeMessage(frame.subarray(0, 20))).toThrow(/truncated|outside/);
  });
});
