// Timepix3 DAC table and range checks.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/userError';
import { DacError, TPX3_DACS, checkDac, dacByCode, setDacWord } from './dacs';

describe('TPX3_DACS', () => {
  it('has the 18 DACs, codes 1..18 in order, with the doc’s ranges', () => {
    expect(TPX3_DACS.map((d) => d.code)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
    expect(dacByCode(6)?.name).toBe('Vthreshold_fine');
    expect(dacByCode(6)?.max).toBe(511);
    expect(dacByCode(7)?.max).toBe(15);
    expect(dacByCode(16)?.max).toBe(511);
    expect(dacByCode(18)?.name).toBe('PLL_Vcntrl');
    expect(dacByCode(18)?.max).toBe(255);
    expect(TPX3_DACS.filter((d) => d.max === 15).map((d) => d.name)).toEqual([
      'Ibias_Preamp_OFF',
      'Vthreshold_coarse',
      'Ibias_DiscS1_OFF',
      'Ibias_DiscS2_OFF',
    ]);
  });
});

describe('checkDac', () => {
  it('accepts values inside the range, ends included', () => {
    expect(checkDac('Vthreshold_fine', 0).code).toBe(6);
    expect(checkDac('Vthreshold_fine', 511).code).toBe(6);
    expect(checkDac('Ibias_Preamp_OFF', 15).code).toBe(2);
  });
  it('names the range for an out-of-range value', () => {
    expect(() => checkDac('Vthreshold_coarse', 16)).toThrow(
      'DAC Vthreshold_coarse = 16 is out of range: must be an integer 0..15 (4 bits)',
    );
    expect(() => checkDac('Ibias_Ikrum', -1)).toThrow(/0\.\.255/);
    expect(() => checkDac('Ibias_Ikrum', 2.5)).toThrow(/must be an integer 0\.\.255/);
  });
  it('lists the valid names for an unknown name, as a one-line user error', () => {
    let err: unknown;
    try {
      checkDac('Vthreshold', 1);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DacError);
    expect(err).toBeInstanceOf(UserError);
    const msg = (err as Error).message;
    expect(msg).not.toContain('\n');
    expect(msg).toMatch(
      /^unknown Timepix3 DAC "Vthreshold"; valid names: Ibias_Preamp_ON, Ibias_Preamp_OFF, /,
    );
    expect(msg).toMatch(/PLL_Vcntrl$/);
  });
  it('builds the SET_DAC word without spilling', () => {
    expect(setDacWord('Vthreshold_fine', 420)).toBe(0x000601a4);
    expect(() => setDacWord('Vthreshold_fine', 0x10006)).toThrow(DacError);
  });
});
