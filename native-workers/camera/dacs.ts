// The Timepix3 DAC table (spidr-control.md section 4): names exactly as the .spx XML and the
// reference's API spell them, SET_DAC codes, bit widths, and the reference's defaults. Every DAC
// value goes through checkDac before it is put on the wire: the reference's generic setDac lets a
// too-large value spill into the code field, which is why a range check is not optional here.
import { UserError } from '../../shared/userError';

export interface DacSpec {
  name: string;
  /** SET_DAC / GET_DAC code. */
  code: number;
  bits: number;
  /** 2^bits − 1; the minimum is 0. */
  max: number;
  /** What the reference uploads on every connect. */
  connectDefault: number;
  /** What the reference uses for a DAC missing from a .spx file. */
  spxFallback: number;
}

function dac(name: string, code: number, bits: number, connectDefault: number, spxFallback: number): DacSpec {
  return { name, code, bits, max: (1 << bits) - 1, connectDefault, spxFallback };
}

export const TPX3_DACS: readonly DacSpec[] = [
  dac('Ibias_Preamp_ON', 1, 8, 128, 128),
  dac('Ibias_Preamp_OFF', 2, 4, 8, 8),
  dac('VPreamp_NCAS', 3, 8, 128, 128),
  dac('Ibias_Ikrum', 4, 8, 5, 10),
  dac('Vfbk', 5, 8, 128, 128),
  dac('Vthreshold_fine', 6, 9, 420, 150),
  dac('Vthreshold_coarse', 7, 4, 6, 6),
  dac('Ibias_DiscS1_ON', 8, 8, 84, 128),
  dac('Ibias_DiscS1_OFF', 9, 4, 8, 8),
  dac('Ibias_DiscS2_ON', 10, 8, 128, 128),
  dac('Ibias_DiscS2_OFF', 11, 4, 8, 8),
  dac('Ibias_PixelDAC', 12, 8, 192, 150),
  dac('Ibias_TPbufferIn', 13, 8, 128, 128),
  dac('Ibias_TPbufferOut', 14, 8, 128, 128),
  dac('VTP_coarse', 15, 8, 128, 128),
  dac('VTP_fine', 16, 9, 256, 256),
  dac('Ibias_CP_PLL', 17, 8, 128, 128),
  // The reference leaves PLL_Vcntrl's range open; the .spx file says 0..255.
  dac('PLL_Vcntrl', 18, 8, 128, 128),
];

export const TPX3_DAC_NAMES: readonly string[] = TPX3_DACS.map((d) => d.name);

const BY_NAME = new Map<string, DacSpec>(TPX3_DACS.map((d) => [d.name, d]));
const BY_CODE = new Map<number, DacSpec>(TPX3_DACS.map((d) => [d.code, d]));

export function dacByName(name: string): DacSpec | undefined {
  return BY_NAME.get(name);
}

export function dacByCode(code: number): DacSpec | undefined {
  return BY_CODE.get(code);
}

/** A DAC name or value the chip cannot take; the message is one line, fit for a user. */
export class DacError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'DacError';
  }
}

/** Returns the DAC's spec if `value` fits it; throws a one-line DacError otherwise. */
export function checkDac(name: string, value: number): DacSpec {
  const spec = BY_NAME.get(name);
  if (!spec) {
    throw new DacError(`unknown Timepix3 DAC "${name}"; valid names: ${TPX3_DAC_NAMES.join(', ')}`);
  }
  if (!Number.isInteger(value) || value < 0 || value > spec.max) {
    throw new DacError(
      `DAC ${name} = ${value} is out of range: must be an integer 0..${spec.max} (${spec.bits} bits)`,
    );
  }
  return spec;
}

/** SET_DAC word: code in bits 16..31, value in bits 0..15 (checked, so nothing spills). */
export function setDacWord(name: string, value: number): number {
  const spec = checkDac(name, value);
  return ((spec.code << 16) | value) >>> 0;
}
