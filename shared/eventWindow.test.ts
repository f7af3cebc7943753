import { describe, expect, it } from 'vitest';
import { formatSeconds, parseEventWindow } from './eventWindow';

describe('parseEventWindow', () => {
  it('reads bare seconds and every unit', () => {
    expect(parseEventWindow('0:10000')).toEqual([0, 10000]);
    expect(parseEventWindow('0:10us')).toEqual([0, 1e-5]);
    expect(parseEventWindow('1.5ms:2s')).toEqual([1.5e-3, 2]);
    expect(parseEventWindow('100ns:2µs')).toEqual([1e-7, 2e-6]);
    expect(parseEventWindow(' 1e-6 : 3e-6 ')).toEqual([1e-6, 3e-6]);
    expect(parseEventWindow('-1us:1us')).toEqual([-1e-6, 1e-6]);
  });
  it('rejects malformed windows with a message naming the problem', () => {
    expect(() => parseEventWindow('10us')).toThrow(/MIN:MAX/);
    expect(() => parseEventWindow('2:1')).toThrow(/MIN must not exceed MAX/);
    expect(() => parseEventWindow('a:1')).toThrow(/'a' is not a number/);
    expect(() => parseEventWindow('1:2 hours')).toThrow(/is not a number/);
    expect(() => parseEventWindow('1:2:3')).toThrow(/MIN:MAX/);
  });
  it('formats seconds with a readable unit', () => {
    expect(formatSeconds(1e-5)).toBe('10 us');
    expect(formatSeconds(2.5e-9)).toBe('2.5 ns');
    expect(formatSeconds(0.25)).toBe('250 ms');
    expect(formatSeconds(10000)).toBe('10000 s');
  });
});
