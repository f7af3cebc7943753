// SPIDR reply error word (spidr-control.md section 2) decoded to the doc's names. The reference
// names only ids 1..10 and sub-codes of id 6 (and crashes on sub-code 12); here every id and
// sub-code decodes to something readable and nothing throws (section 9, defect 7).

/** Error ids (err & 0xFF), index = id. Id 0 is success. */
export const SPIDR_ERROR_NAMES: readonly string[] = [
  'NO_ERROR',
  'ERR_UNKNOWN_CMD',
  'ERR_MSG_LENGTH',
  'ERR_SEQUENCE',
  'ERR_ILLEGAL_PAR',
  'ERR_NOT_IMPLEMENTED',
  'ERR_TPX3_HARDW',
  'ERR_ADC_HARDW',
  'ERR_DAC_HARDW',
  'ERR_MON_HARDW',
  'ERR_FLASH_STORAGE',
  'ERR_MONITOR',
];

export const ERR_TPX3_HARDW = 6;
export const ERR_MON_HARDW = 9;
export const ERR_FLASH_STORAGE = 10;
export const ERR_MONITOR = 11;

/** Sub-code index of ERR_TPX3_HARDW (bits 8..15). */
export const TPX3_ERROR_NAMES: readonly string[] = [
  'NO_ERROR',
  'TPX3_ERR_SC_ILLEGAL',
  'TPX3_ERR_SC_STATE',
  'TPX3_ERR_SC_ERRSTATE',
  'TPX3_ERR_SC_WORDS',
  'TPX3_ERR_TX_TIMEOUT',
  'TPX3_ERR_EMPTY',
  'TPX3_ERR_NOTEMPTY',
  'TPX3_ERR_FULL',
  'TPX3_ERR_UNEXP_REPLY',
  'TPX3_ERR_UNEXP_HEADER',
  'TPX3_ERR_LINKS_UNLOCKED',
];
export const TPX3_ERR_EMPTY = 6;

/** Sub-code bit mask of ERR_MON_HARDW, index = bit (names as the doc writes them, (N)). */
export const MON_HARDW_BIT_NAMES: readonly string[] = [
  'I2C_INIT',
  'LINK_INIT',
  'MPL_INIT',
  'MPU_INIT',
  'MAX6642_INIT',
  'INA219_0_INIT',
  'INA219_1_INIT',
  'I2C',
];

/** Sub-code index of ERR_FLASH_STORAGE ((N)). */
export const FLASH_STORAGE_ERROR_NAMES: readonly string[] = [
  'NO_ERROR',
  'STORE_ERR_TPX',
  'STORE_ERR_WRITE',
  'STORE_ERR_WRITE_CHECK',
  'STORE_ERR_READ',
  'STORE_ERR_UNMATCHED_ID',
  'STORE_ERR_NOFLASH',
];

/** Sub-code bit mask of ERR_MONITOR ((N)). */
export const MONITOR_BIT_NAMES: readonly string[] = ['MON_ERR_TEMP_DAQ', 'MON_ERR_POWER_DAQ'];

export interface SpidrErrorInfo {
  /** The whole error word as received. */
  word: number;
  /** err & 0xFF. */
  id: number;
  /** The doc's name of the id, or `UNKNOWN_ERROR_<id>`. */
  name: string;
  /** (err >> 8) & 0xFF. */
  subCode: number;
  /** Decoded sub-code: one name for index sub-codes, one per set bit for bit masks; empty if none. */
  subNames: string[];
  /** True for success, including ERR_TPX3_HARDW/TPX3_ERR_EMPTY, which the reference accepts. */
  ok: boolean;
  /** One line for a log or an error message, e.g. `ERR_TPX3_HARDW (TPX3_ERR_SC_STATE)`. */
  text: string;
}

function bitNames(mask: number, names: readonly string[]): string[] {
  const out: string[] = [];
  for (let bit = 0; bit < 8; bit++) {
    if (mask & (1 << bit)) out.push(names[bit] ?? `bit${bit}`);
  }
  return out;
}

function indexName(index: number, names: readonly string[]): string[] {
  if (index === 0) return [];
  return [names[index] ?? `unknown sub-code ${index}`];
}

/** Decodes reply word 2. Never throws. */
export function decodeSpidrError(word: number): SpidrErrorInfo {
  const w = word >>> 0;
  const id = w & 0xff;
  const subCode = (w >>> 8) & 0xff;
  const name = SPIDR_ERROR_NAMES[id] ?? `UNKNOWN_ERROR_${id}`;
  let subNames: string[];
  switch (id) {
    case ERR_TPX3_HARDW:
      subNames = indexName(subCode, TPX3_ERROR_NAMES);
      break;
    case ERR_MON_HARDW:
      subNames = bitNames(subCode, MON_HARDW_BIT_NAMES);
      break;
    case ERR_FLASH_STORAGE:
      subNames = indexName(subCode, FLASH_STORAGE_ERROR_NAMES);
      break;
    case ERR_MONITOR:
      subNames = bitNames(subCode, MONITOR_BIT_NAMES);
      break;
    default:
      subNames = subCode === 0 ? [] : [`sub-code ${subCode}`];
  }
  const ok = id === 0 || (id === ERR_TPX3_HARDW && subCode === TPX3_ERR_EMPTY);
  const text = subNames.length > 0 ? `${name} (${subNames.join(', ')})` : name;
  return { word: w, id, name, subCode, subNames, ok, text };
}
