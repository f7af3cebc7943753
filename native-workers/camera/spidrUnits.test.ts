// Wire-word conversions: chip names, bias read-back and set words, temperatures, the timer.
import { describe, expect, it } from 'vitest';
import {
  biasAdjustFromVolts,
  biasVoltageFromAdc,
  celsiusFromMilli,
  chipIdFromName,
  chipName,
  longtimeFromWords,
  voltsFromBiasAdjust,
} from './spidrUnits';

describe('spidrUnits', () => {
  it('names chips like the reference, without its @ for x = 0', () => {
    expect(chipName(0x1c68)).toBe('W0028_H06');
    expect(chipIdFromName('W0028_H06')).toBe(0x1c68);
    expect(chipName(0)).toBe('W0000_?00');
    expect(chipIdFromName('W0028_Z06')).toBeUndefined();
  });
  it('converts the bias without the reference +0.1 V (Decision 22)', () => {
    expect(biasVoltageFromAdc(111)).toBeCloseTo(4.0649, 4);
    expect(biasVoltageFromAdc(0x1000 | 111)).toBeCloseTo(4.0649, 4);
    expect(biasAdjustFromVolts(50)).toBe(1691);
    expect(biasAdjustFromVolts(57.5)).toBe(2025);
    expect(voltsFromBiasAdjust(1691)).toBeCloseTo(49.99, 2);
  });
  it('reads signed milli-degrees and the 48-bit timer', () => {
    expect(celsiusFromMilli(41250)).toBe(41.25);
    expect(celsiusFromMilli(0xfffffc18)).toBe(-1);
    expect(longtimeFromWords(0xffffffff, 0x1234)).toBe(0x1234 * 2 ** 32 + 0xffffffff);
  });
});
