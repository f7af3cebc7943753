import { describe, expect, it } from 'vitest';
import { QUARTER, TimeTracker, extend } from './globalTime';
import { SeededRandom } from './seededRandom';

// The doc's extend, in BigInt, as the independent reference.
function extendRef(arr: bigint, longtime: bigint): bigint {
  const d = ((longtime >> 28n) & 3n) - ((arr >> 28n) & 3n);
  let base = longtime;
  if (d === 1n || d === -3n) base = longtime - 0x10000000n;
  if (d === -1n || d === 3n) base = longtime + 0x10000000n;
  base = BigInt.asUintN(64, base);
  return ((base & 0xffffc0000000n) | (arr & 0x3fffffffn)) & 0xffffffffffffn;
}

describe('extend', () => {
  it('keeps a value in the same quarter as the longtime', () => {
    const lt = 5 * 2 ** 30 + 0x1000;
    expect(extend(0x2000, lt)).toBe(5 * 2 ** 30 + 0x2000);
  });
  it('reaches back across a rollover: longtime just after 2^30, value just before', () => {
    const lt = 3 * 2 ** 30 + 100; // quarter 0
    const arr = 0x3fffff00; // quarter 3: from the previous period
    expect(extend(arr, lt)).toBe(2 * 2 ** 30 + 0x3fffff00);
  });
  it('reaches forward across a rollover: longtime just before 2^30, value just after', () => {
    const lt = 3 * 2 ** 30 - 100; // quarter 3
    const arr = 0x50; // quarter 0: the next period
    expect(extend(arr, lt)).toBe(3 * 2 ** 30 + 0x50);
  });
  it('matches the BigInt formula on random values, including bases that wrap below 0', () => {
    const rng = new SeededRandom(12345);
    const rnd = (): number => rng.int(2 ** 32);
    for (let i = 0; i < 20000; i++) {
      const lt = i < 100 ? rnd() % QUARTER : (rnd() % 0x10000) * 2 ** 32 + rnd();
      const arr = rnd() >>> 0;
      expect(extend(arr, lt)).toBe(Number(extendRef(BigInt(arr), BigInt(lt))));
    }
  });
});

describe('TimeTracker', () => {
  const pair = (t: TimeTracker, longtime: number): boolean => {
    t.onLsb(longtime % 2 ** 32);
    return t.onMsb(Math.floor(longtime / 2 ** 32));
  };
  it('starts at the first MSB with the latest LSB, with no jump check', () => {
    const t = new TimeTracker();
    expect(t.longtime).toBe(-1);
    t.onLsb(1234);
    expect(t.longtime).toBe(-1);
    t.onMsb(7);
    expect(t.longtime).toBe(7 * 2 ** 32 + 1234);
    expect(t.jumps).toEqual({ backwardJumps: 0, forwardJumps: 0, recoveries: 0 });
  });
  it('rejects a stale pair, takes a forward jump as is (the reference formula is a defect)', () => {
    const t = new TimeTracker();
    pair(t, 10 * 2 ** 32);
    expect(pair(t, 10 * 2 ** 32 - QUARTER - 1)).toBe(false);
    expect(t.longtime).toBe(10 * 2 ** 32);
    expect(t.jumps.backwardJumps).toBe(1);
    pair(t, 12 * 2 ** 32 + 5);
    expect(t.longtime).toBe(12 * 2 ** 32 + 5);
    expect(t.jumps.forwardJumps).toBe(1);
  });
  it('accepts small steps both ways without counting jumps', () => {
    const t = new TimeTracker();
    pair(t, 2 ** 33);
    pair(t, 2 ** 33 + 40000000);
    pair(t, 2 ** 33 + 39000000);
    expect(t.longtime).toBe(2 ** 33 + 39000000);
    expect(t.jumps).toEqual({ backwardJumps: 0, forwardJumps: 0, recoveries: 0 });
  });
  it('adopts two consecutive rejected pairs that agree (a timer reset), not one corrupt pair', () => {
    const t = new TimeTracker();
    pair(t, 50 * 2 ** 32);
    pair(t, 1000);
    expect(t.longtime).toBe(50 * 2 ** 32);
    pair(t, 50 * 2 ** 32 + 40000000); // the good time again: the stale pair is forgotten
    pair(t, 2000);
    expect(t.longtime).toBe(50 * 2 ** 32 + 40000000);
    pair(t, 2000 + 40000000); // agrees with the previous rejected pair
    expect(t.longtime).toBe(2000 + 40000000);
    expect(t.jumps).toEqual({ backwardJumps: 2, forwardJumps: 0, recoveries: 1 });
  });
});
