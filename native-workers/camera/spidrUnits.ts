// Conversions between SPIDR wire words and physical units (spidr-control.md sections 3 and 6,
// Decision 22), shared by the control client and the virtual camera so both sides agree.

/** Chip id word -> name, e.g. 0x1C68 -> `W0028_H06` (section 3). */
export function chipName(id: number): string {
  const wafer = (id >>> 8) & 0xfff;
  const y = (id >>> 4) & 0xf;
  const x = id & 0xf;
  // The reference prints '@' for x = 0 (defect 11); '?' says plainly that no column letter exists.
  const letter = x === 0 ? '?' : String.fromCharCode(0x41 + x - 1);
  return `W${String(wafer).padStart(4, '0')}_${letter}${String(y).padStart(2, '0')}`;
}

/** Name -> chip id word; undefined when the name does not follow `W<wafer>_<letter><y>`. */
export function chipIdFromName(name: string): number | undefined {
  const m = /^W(\d{1,4})_([A-O])(\d{1,2})$/.exec(name);
  if (!m) return undefined;
  const wafer = Number(m[1]);
  const x = m[2].charCodeAt(0) - 0x40;
  const y = Number(m[3]);
  if (wafer > 0xfff || y > 0xf) return undefined;
  return (wafer << 8) | (y << 4) | x;
}

/** GET_SPIDR_ADC channel of the bias read-back. */
export const BIAS_ADC_CHANNEL = 1;
/** GET_SPIDR_ADC channel of VDDA ((N)). */
export const VDDA_ADC_CHANNEL = 2;
export const BIAS_MIN_V = 12;
export const BIAS_MAX_V = 104;

/** Decision 22: `adc * 150 / 4096` V (1.5 V full scale over 4096 counts, 1:100 divider). */
export function biasVoltageFromAdc(word: number): number {
  return ((word & 0xfff) * 150) / 4096;
}

/** SET_BIAS_ADJUST word for `volts` in [12, 104] (section 6): trunc((V − 12) · 4095 / 92). */
export function biasAdjustFromVolts(volts: number): number {
  return Math.trunc(((volts - BIAS_MIN_V) * 4095) / 92);
}

/** Inverse of biasAdjustFromVolts (the set voltage a SET_BIAS_ADJUST word stands for). */
export function voltsFromBiasAdjust(dac: number): number {
  return BIAS_MIN_V + (dac * 92) / 4095;
}

/** Temperature word (milli-degrees C, signed) -> degrees C. */
export function celsiusFromMilli(word: number): number {
  return (word | 0) / 1000;
}

/** The 48-bit timer from GET_TIMER's lo, hi words, in 25 ns ticks. */
export function longtimeFromWords(lo: number, hi: number): number {
  return (hi & 0xffff) * 2 ** 32 + (lo >>> 0);
}
