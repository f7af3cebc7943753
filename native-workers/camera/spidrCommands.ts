// SPIDR command codes (spidr-control.md section 3), names exactly as the doc writes them. The
// framing (spidrFraming.ts), the control client and the camera simulator all take their codes
// from this one table, so a typo cannot make a client and its simulator agree on a wrong code.

export const SPIDR_COMMANDS = {
  NOP: 0x000,
  // General, versions, chip ids and count
  GET_SOFTWVERSION: 0x901,
  GET_FIRMWVERSION: 0x902,
  RESET_MODULE: 0x907,
  SET_BUSY: 0x908,
  CLEAR_BUSY: 0x909,
  SET_LOGLEVEL: 0x90a,
  DISPLAY_INFO: 0x90b,
  SET_TIMEOFDAY: 0x90c,
  GET_DEVICECOUNT: 0x90d,
  GET_BOARDID: 0x90e,
  SET_BOARDID: 0x786,
  GET_CHIPBOARDID: 0x90f,
  SET_CHIPBOARDID: 0x785,
  GET_DEVICEID: 0x110,
  GET_DEVICEIDS: 0x111,
  RESET_DEVICE: 0x124,
  RESET_DEVICES: 0x125,
  REINIT_DEVICE: 0x126,
  REINIT_DEVICES: 0x127,
  GET_EFUSES: 0x128,
  BURN_EFUSE: 0x129,
  // DACs
  GET_DAC: 0x11a,
  SET_DAC: 0x11b,
  SET_DACS_DFLT: 0x11f,
  SET_SENSEDAC: 0x338,
  SET_EXTDAC: 0x33a,
  // Pixel configuration
  RESET_PIXELS: 0x22e,
  SET_PIXCONF: 0x22a,
  GET_PIXCONF: 0x22d,
  CONFIG_CTPR: 0x120,
  SET_CTPR: 0x121,
  GET_CTPR: 0x122,
  SET_CTPR_LEON: 0x123,
  // Chip configuration (per chip)
  GET_GENCONFIG: 0x334,
  SET_GENCONFIG: 0x335,
  GET_PLLCONFIG: 0x336,
  SET_PLLCONFIG: 0x337,
  GET_OUTBLOCKCONFIG: 0x33c,
  SET_OUTBLOCKCONFIG: 0x33d,
  GET_SLVSCONFIG: 0x33e,
  SET_SLVSCONFIG: 0x33f,
  GET_PWRPULSECONFIG: 0x55b,
  SET_PWRPULSECONFIG: 0x55c,
  PWRPULSE_ENA: 0x55d,
  TPX_POWER_ENA: 0x55e,
  GET_TPPERIODPHASE: 0x330,
  SET_TPPERIODPHASE: 0x331,
  SET_TPNUMBER: 0x332,
  GET_TPNUMBER: 0x333,
  SET_READOUTSPEED: 0x563,
  GET_READOUTSPEED: 0x564,
  SET_OUTPUTMASK: 0x562,
  UPLOAD_PACKET: 0x33b,
  // Readout, shutter and trigger (board-wide)
  DDRIVEN_READOUT: 0x446,
  SEQ_READOUT: 0x445,
  PAUSE_READOUT: 0x447,
  DECODERS_ENA: 0x561,
  SET_TRIGCONFIG: 0x441,
  GET_TRIGCONFIG: 0x440,
  AUTOTRIG_START: 0x442,
  AUTOTRIG_STOP: 0x443,
  GET_SHUTTERSTART: 0x554,
  GET_SHUTTEREND: 0x555,
  GET_EXTSHUTTERCNTR: 0x556,
  GET_SHUTTERCNTR: 0x557,
  RESET_COUNTERS: 0x558,
  // Timers and T0
  RESET_TIMER: 0x551,
  RESTART_TIMERS: 0x550,
  GET_TIMER: 0x552,
  SET_TIMER: 0x553,
  T0_SYNC: 0x565,
  // Packet filters
  GET_HEADERFILTER: 0x905,
  SET_HEADERFILTER: 0x906,
  // Bias
  BIAS_SUPPLY_ENA: 0x55f,
  SET_BIAS_ADJUST: 0x560,
  GET_SPIDR_ADC: 0x54e,
  // Monitoring
  GET_LOCALTEMP: 0x54a,
  GET_REMOTETEMP: 0x549,
  GET_FPGATEMP: 0x568,
  GET_AVDD: 0x54b,
  GET_AVDD_NOW: 0x54d,
  GET_DVDD: 0x54c,
  GET_DVDD_NOW: 0x54f,
  GET_VDD: 0x56c,
  GET_VDD_NOW: 0x56d,
  GET_HUMIDITY: 0x56e,
  GET_PRESSURE: 0x56f,
  GET_FANSPEED: 0x569,
  SET_FANSPEED: 0x56a,
  SELECT_CHIPBOARD: 0x56b,
  GET_ADC: 0x548,
  // Network
  GET_IPADDR_SRC: 0x112,
  SET_IPADDR_SRC: 0x113,
  GET_IPADDR_DEST: 0x114,
  SET_IPADDR_DEST: 0x115,
  GET_DEVICEPORT: 0x116,
  GET_SERVERPORT: 0x117,
  SET_SERVERPORT: 0x119,
  // Board registers, GPIO
  GET_SPIDRREG: 0x783,
  SET_SPIDRREG: 0x784,
  GET_GPIO: 0x780,
  SET_GPIO: 0x781,
  SET_GPIO_PIN: 0x782,
} as const;

export type SpidrCommandName = keyof typeof SPIDR_COMMANDS;

/** Request word 0 flag: the board sends no reply (defined, never used by the reference). */
export const SPIDR_NOREPLY_FLAG = 0x00080000;
/** Reply word 0 = command code | this flag. */
export const SPIDR_REPLY_FLAG = 0x00010000;

const NAME_BY_CODE = new Map<number, SpidrCommandName>(
  (Object.entries(SPIDR_COMMANDS) as [SpidrCommandName, number][]).map(([name, code]) => [code, name]),
);

/** The doc's name of a command code, or `0x…` hex when the table does not know it. */
export function spidrCommandName(code: number): string {
  return NAME_BY_CODE.get(code & 0xffff) ?? `0x${(code & 0xffff).toString(16).toUpperCase()}`;
}
