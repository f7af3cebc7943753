// The virtual SPIDR camera's board (spidr-control.md sections 10 and 11): what it remembers and
// how it answers each command; virtualCamera.ts does the TCP side (framing, replies, faults) and
// hands every request's code, device and payload here. It remembers what is set (DACs, bias,
// register-like settings, the pixel and trigger configuration), answers unknown commands and bad
// arguments with a proper error word, and runs GET_TIMER as a 48-bit count of 25 ns ticks since
// start (or the last timer reset). The shutter (AUTOTRIG_START .. AUTOTRIG_STOP) starts and stops
// the UDP stream to chip 0's destination, and every GET_TIMER while it is open writes a time pair
// into that stream (virtualCameraStream.ts).
import { dacByCode, TPX3_DACS } from './dacs';
import { SPIDR_COMMANDS } from './spidrCommands';
import { BIAS_ADC_CHANNEL, VDDA_ADC_CHANNEL, voltsFromBiasAdjust } from './spidrUnits';
import type { VirtualCameraStream } from './virtualCameraStream';

const C = SPIDR_COMMANDS;
const ERR_UNKNOWN_CMD = 1;
const ERR_MSG_LENGTH = 2;
const ERR_ILLEGAL_PAR = 4;
const ERR_NOT_IMPLEMENTED = 5;

export const VIRTUAL_SOFTWARE_VERSION = 0x18082100;
export const VIRTUAL_FIRMWARE_VERSION = 0x19041800;

/** A command's answer: an error word, or the reply's data words and bytes. */
export interface Answer {
  error: number;
  words?: number[];
  bytes?: Uint8Array;
}

/** Commands whose set value a matching get returns: SET code -> GET code. */
const REMEMBERED: ReadonlyArray<[number, number, number]> = [
  // [set, get, initial]
  [C.SET_GENCONFIG, C.GET_GENCONFIG, 0],
  [C.SET_PLLCONFIG, C.GET_PLLCONFIG, 0],
  [C.SET_OUTBLOCKCONFIG, C.GET_OUTBLOCKCONFIG, 0],
  [C.SET_SLVSCONFIG, C.GET_SLVSCONFIG, 0],
  [C.SET_PWRPULSECONFIG, C.GET_PWRPULSECONFIG, 0],
  [C.SET_TPPERIODPHASE, C.GET_TPPERIODPHASE, 4],
  [C.SET_TPNUMBER, C.GET_TPNUMBER, 0],
  [C.SET_READOUTSPEED, C.GET_READOUTSPEED, 640],
  [C.SET_HEADERFILTER, C.GET_HEADERFILTER, 0xffff],
  [C.SET_IPADDR_SRC, C.GET_IPADDR_SRC, 0x7f000001],
  [C.SET_IPADDR_DEST, C.GET_IPADDR_DEST, 0x7f000001],
  [C.SET_SERVERPORT, C.GET_SERVERPORT, 8192],
];

/** Set-only commands that are simply acknowledged. */
const ACKED = new Set<number>([
  C.RESET_DEVICE,
  C.RESET_DEVICES,
  C.REINIT_DEVICE,
  C.REINIT_DEVICES,
  C.SET_BUSY,
  C.CLEAR_BUSY,
  C.DDRIVEN_READOUT,
  C.DECODERS_ENA,
  C.PAUSE_READOUT,
  C.RESET_COUNTERS,
  C.T0_SYNC,
  C.SET_SENSEDAC,
  C.SET_OUTPUTMASK,
]);

const KNOWN = new Set<number>(Object.values(SPIDR_COMMANDS));

export class VirtualBoard {
  private readonly dacs = new Map<number, number>(TPX3_DACS.map((d) => [d.code, d.connectDefault]));
  private readonly settings = new Map<number, number>(REMEMBERED.map(([, get, v]) => [get, v]));
  private readonly registers = new Map<number, number>([[0x0300, 0x00ff0000]]);
  private biasEnabled = 0;
  private biasAdjust = 0;
  private timerZero = process.hrtime.bigint();
  private timerOffset = 0n;
  /** 6-bit pixel values, index x * 256 + y. */
  private readonly pixels = new Uint8Array(65536);
  private trigConfig = [0, 10000, 5, 1, 0];
  private shutter = false;
  private shutterChanges = 0;

  constructor(
    private readonly chipId: number,
    /** The UDP stream the shutter starts and stops (owned by the camera). */
    private readonly stream: VirtualCameraStream,
  ) {}

  /** DAC value by code, as the camera holds it. */
  dac(code: number): number | undefined {
    return this.dacs.get(code);
  }

  /** Chip 0's 6-bit pixel value at (x, y). */
  pixel(x: number, y: number): number {
    return this.pixels[x * 256 + y];
  }

  get shutterOpen(): boolean {
    return this.shutter;
  }

  /** The bias the supply delivers, V (0 when the supply is off). */
  get biasVolts(): number {
    return this.biasEnabled ? voltsFromBiasAdjust(this.biasAdjust) : 0;
  }

  /** Chip 0's UDP destination as set over TCP. */
  get udpDestination(): { address: string; port: number } {
    const w = this.settings.get(C.GET_IPADDR_DEST) ?? 0;
    const address = [24, 16, 8, 0].map((s) => (w >>> s) & 0xff).join('.');
    return { address, port: this.settings.get(C.GET_SERVERPORT) ?? 0 };
  }

  private setShutter(open: boolean): void {
    this.shutter = open;
    const change = ++this.shutterChanges;
    const done = open ? this.stream.start(this.udpDestination, Number(this.ticks())) : this.stream.stop();
    // A stream that cannot start (a destination the socket refuses, say) leaves the shutter closed
    // (unless it was opened again since), instead of an unhandled rejection, which would end the
    // camera's process.
    done.catch(() => {
      if (change === this.shutterChanges) this.shutter = false;
    });
  }

  /** The answer to one request (device: the chip index from the header). */
  answer(code: number, device: number, payload: Buffer): Answer {
    if (!KNOWN.has(code)) return { error: ERR_UNKNOWN_CMD };
    const arg = payload.length >= 4 ? payload.readUInt32BE(0) : undefined;
    const word = (i: number): number | undefined =>
      payload.length >= 4 * i + 4 ? payload.readUInt32BE(4 * i) : undefined;
    if (device !== 0) return { error: ERR_ILLEGAL_PAR }; // one chip, index 0
    const ok = (...words: number[]): Answer => ({ error: 0, words });
    const needArg = (fn: (a: number) => Answer): Answer =>
      arg === undefined ? { error: ERR_MSG_LENGTH } : fn(arg);
    switch (code) {
      case C.GET_SOFTWVERSION:
        return ok(VIRTUAL_SOFTWARE_VERSION);
      case C.GET_FIRMWVERSION:
        return ok(VIRTUAL_FIRMWARE_VERSION);
      case C.GET_DEVICECOUNT:
        return ok(1);
      case C.GET_DEVICEID:
        return ok(this.chipId);
      case C.GET_DEVICEIDS:
        return ok(this.chipId);
      case C.GET_CHIPBOARDID:
        return ok(1);
      case C.GET_DAC:
        return needArg((a) => {
          const value = this.dacs.get(a & 0xffff);
          return value === undefined ? { error: ERR_ILLEGAL_PAR } : ok((((a & 0xffff) << 16) | value) >>> 0);
        });
      case C.SET_DAC:
        return needArg((a) => {
          const spec = dacByCode(a >>> 16);
          const value = a & 0xffff;
          if (!spec || value > spec.max) return { error: ERR_ILLEGAL_PAR };
          this.dacs.set(spec.code, value);
          return ok(0);
        });
      case C.SET_DACS_DFLT:
        for (const d of TPX3_DACS) this.dacs.set(d.code, d.connectDefault);
        return ok(0);
      case C.BIAS_SUPPLY_ENA:
        return needArg((a) => {
          this.biasEnabled = a ? 1 : 0;
          return ok(0);
        });
      case C.SET_BIAS_ADJUST:
        return needArg((a) => {
          if (a > 4095) return { error: ERR_ILLEGAL_PAR };
          this.biasAdjust = a;
          return ok(0);
        });
      case C.GET_SPIDR_ADC:
        return needArg((a) => {
          const channel = a & 0xffff;
          if (channel === BIAS_ADC_CHANNEL) {
            const volts = this.biasEnabled ? voltsFromBiasAdjust(this.biasAdjust) : 0;
            return ok(Math.min(4095, Math.round((volts * 4096) / 150)));
          }
          if (channel === VDDA_ADC_CHANNEL) return ok(Math.round((1500 / 2) * (4096 / 1500)));
          return { error: ERR_ILLEGAL_PAR };
        });
      case C.GET_LOCALTEMP:
        return ok(jitter(38_000));
      case C.GET_REMOTETEMP:
        return ok(jitter(45_000));
      case C.GET_FPGATEMP:
        return ok(jitter(52_000));
      case C.GET_AVDD:
      case C.GET_AVDD_NOW:
        return ok(1500, 900, 1350);
      case C.GET_DVDD:
      case C.GET_DVDD_NOW:
        return ok(1500, 600, 900);
      case C.GET_VDD:
      case C.GET_VDD_NOW:
        return ok(1500, 300, 450);
      case C.GET_HUMIDITY:
        return ok(30);
      case C.GET_PRESSURE:
        return ok(1013);
      case C.GET_FANSPEED:
        return ok(3000);
      case C.GET_TIMER: {
        const t = this.ticks();
        // The chip writes its timer into the data stream when it is read (Decision 17).
        if (this.shutter) this.stream.sendTimePair(Number(t));
        return ok(Number(t & 0xffffffffn), Number(t >> 32n));
      }
      case C.RESET_PIXELS:
        this.pixels.fill(0);
        return ok(0);
      case C.SET_PIXCONF:
        return needArg((first) => {
          const bytes = payload.subarray(4);
          // No pixel bytes at all is a short message, as a missing argument word is.
          if (bytes.length === 0) return { error: ERR_MSG_LENGTH };
          if (bytes.length % 192 !== 0 || first + bytes.length / 192 > 256) return { error: ERR_ILLEGAL_PAR };
          unpackColumns(bytes, first, this.pixels);
          return ok(0);
        });
      case C.GET_PIXCONF:
        return needArg((x) => {
          if (x > 255) return { error: ERR_ILLEGAL_PAR };
          return { error: 0, words: [x], bytes: this.pixels.slice(x * 256, x * 256 + 256) };
        });
      case C.SET_TRIGCONFIG: {
        const words = [0, 1, 2, 3, 4].map((i) => word(i));
        if (words[3] === undefined) return { error: ERR_MSG_LENGTH }; // fewer than 4 words, as elsewhere
        if (words[0]! > 6) return { error: ERR_ILLEGAL_PAR };
        this.trigConfig = words.map((w) => w ?? 0);
        return ok(0);
      }
      case C.GET_TRIGCONFIG:
        return ok(...this.trigConfig);
      case C.AUTOTRIG_START:
        // Auto-trigger with length 0: open until AUTOTRIG_STOP; other modes wait for edges that a
        // virtual camera never sees, so they open it too (the data are what tests need).
        this.setShutter(true);
        return ok(0);
      case C.AUTOTRIG_STOP:
        this.setShutter(false);
        return ok(0);
      case C.SET_TIMER: {
        const lo = word(0);
        const hi = word(1);
        if (lo === undefined || hi === undefined) return { error: ERR_MSG_LENGTH };
        this.timerZero = process.hrtime.bigint();
        this.timerOffset = (BigInt(hi & 0xffff) << 32n) | BigInt(lo);
        return ok(0);
      }
      case C.RESET_TIMER:
      case C.RESTART_TIMERS:
        this.timerZero = process.hrtime.bigint();
        this.timerOffset = 0n;
        return ok(0);
      case C.GET_SPIDRREG:
        return needArg((a) => ok(a, this.registers.get(a) ?? 0));
      case C.SET_SPIDRREG: {
        const addr = word(0);
        const value = word(1);
        if (addr === undefined || value === undefined) return { error: ERR_MSG_LENGTH };
        this.registers.set(addr, value);
        return ok(0);
      }
      case C.GET_DEVICEPORT:
        return ok(8192);
      default:
        break;
    }
    for (const [set, get] of REMEMBERED) {
      if (code === get) return ok(this.settings.get(get) ?? 0);
      if (code === set) {
        return needArg((a) => {
          this.settings.set(get, a);
          return ok(0);
        });
      }
    }
    if (ACKED.has(code)) return ok(0);
    return { error: ERR_NOT_IMPLEMENTED };
  }

  private ticks(): bigint {
    const elapsedNs = process.hrtime.bigint() - this.timerZero;
    return (this.timerOffset + elapsedNs / 25n) & 0xffffffffffffn;
  }
}

/** SET_PIXCONF payload bytes (4 pixels of 6 bits in 3 bytes, column by column) into `pixels`. */
function unpackColumns(bytes: Uint8Array, first: number, pixels: Uint8Array): void {
  let o = 0;
  for (let x = first; o < bytes.length; x++) {
    for (let y = 0; y < 256; y += 4) {
      const b0 = bytes[o++];
      const b1 = bytes[o++];
      const b2 = bytes[o++];
      const base = x * 256 + y;
      pixels[base] = b0 >> 2;
      pixels[base + 1] = ((b0 & 3) << 4) | (b1 >> 4);
      pixels[base + 2] = ((b1 & 0xf) << 2) | (b2 >> 6);
      pixels[base + 3] = b2 & 0x3f;
    }
  }
}

function jitter(milli: number): number {
  return milli + Math.round((Math.random() - 0.5) * 500);
}
