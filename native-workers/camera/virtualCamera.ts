// A virtual SPIDR camera on TCP (spidr-control.md sections 10 and 11): the "real board" mode the
// doc asks for, not a copy of the reference's dummy. It reassembles requests across segments by
// their length word, echoes the device index, answers with a proper error word for unknown
// commands and bad arguments, and remembers what is set (DACs, bias, register-like settings).
// GET_TIMER returns a running 48-bit count of 25 ns ticks since start (or the last timer reset).
// It remembers the pixel configuration (SET_PIXCONF unpacked, GET_PIXCONF reads it back) and the
// trigger configuration. While the shutter is open (AUTOTRIG_START .. AUTOTRIG_STOP) it streams UDP
// to chip 0's destination (SET_IPADDR_DEST, SET_SERVERPORT) and writes a time pair into the stream
// at every GET_TIMER (virtualCameraStream.ts). Fault injection (`faults`, changeable at any time)
// lets tests exercise a client's failure paths.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { dacByCode, TPX3_DACS } from './dacs';
import { SPIDR_COMMANDS, SPIDR_NOREPLY_FLAG, SPIDR_REPLY_FLAG } from './spidrCommands';
import { SPIDR_HEADER_BYTES, SPIDR_MAX_REQUEST_BYTES } from './spidrFraming';
import { BIAS_ADC_CHANNEL, chipIdFromName, VDDA_ADC_CHANNEL, voltsFromBiasAdjust } from './spidrUnits';
import { VirtualCameraStream, type VirtualStreamOptions } from './virtualCameraStream';

const C = SPIDR_COMMANDS;
const ERR_UNKNOWN_CMD = 1;
const ERR_MSG_LENGTH = 2;
const ERR_ILLEGAL_PAR = 4;
const ERR_NOT_IMPLEMENTED = 5;

export interface VirtualCameraFaults {
  /** Close every new connection at once. */
  refuse?: boolean;
  /** Per connection: answer this many requests, then close on the next one without a reply. */
  dropAfterRequests?: number;
  /** Delay every reply by this many ms. */
  delayMs?: number;
  /** Answer with this error word (header only), for `errorCodes` or, if unset, every command. */
  errorWord?: number;
  errorCodes?: number[];
  /** Send only the first N bytes of every reply. */
  truncateReplyBytes?: number;
  /** Replace the reply with these bytes (garbage, wrong code word, …). */
  replyOverride?: (code: number, device: number) => Uint8Array;
}

export interface VirtualCameraOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Default W0028_H06. */
  chipName?: string;
  faults?: VirtualCameraFaults;
  /** The UDP stream while the shutter is open. */
  stream?: VirtualStreamOptions;
}

export const VIRTUAL_SOFTWARE_VERSION = 0x18082100;
export const VIRTUAL_FIRMWARE_VERSION = 0x19041800;

interface Answer {
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

export class VirtualCamera {
  faults: VirtualCameraFaults;
  /** Requests received (complete frames), over all connections. */
  requestCount = 0;
  /** Command codes received, in order (complete frames, over all connections). */
  readonly received: number[] = [];
  readonly chipId: number;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
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
  readonly stream: VirtualCameraStream;

  private constructor(server: Server, options: VirtualCameraOptions) {
    this.server = server;
    this.faults = options.faults ?? {};
    this.chipId = chipIdFromName(options.chipName ?? 'W0028_H06') ?? 0x1c68;
    this.stream = new VirtualCameraStream(options.stream);
    server.on('connection', (s) => this.onConnection(s));
  }

  static start(options: VirtualCameraOptions = {}): Promise<VirtualCamera> {
    const server = createServer();
    const cam = new VirtualCamera(server, options);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve(cam);
      });
    });
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get host(): string {
    return (this.server.address() as AddressInfo).address;
  }

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

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await this.stream.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private setShutter(open: boolean): void {
    this.shutter = open;
    if (open) void this.stream.start(this.udpDestination, Number(this.ticks()));
    else void this.stream.stop();
  }

  private onConnection(socket: Socket): void {
    if (this.faults.refuse) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buf = Buffer.alloc(0);
    let served = 0;
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 8) {
        const length = buf.readUInt32BE(4);
        if (length < SPIDR_HEADER_BYTES || length > SPIDR_MAX_REQUEST_BYTES || length % 4 !== 0) {
          // No way to find the next frame: the stream is lost.
          socket.destroy();
          return;
        }
        if (buf.length < length) return;
        const frame = buf.subarray(0, length);
        buf = buf.subarray(length);
        this.requestCount++;
        this.received.push(frame.readUInt32BE(0) & 0xffff);
        if (this.faults.dropAfterRequests !== undefined && served >= this.faults.dropAfterRequests) {
          socket.destroy();
          return;
        }
        served++;
        this.serve(socket, frame);
      }
    });
  }

  private serve(socket: Socket, frame: Buffer): void {
    const word0 = frame.readUInt32BE(0);
    const code = word0 & 0xffff;
    const device = frame.readUInt32BE(12);
    const payload = frame.subarray(SPIDR_HEADER_BYTES);
    const f = this.faults;
    let reply: Uint8Array;
    if (f.replyOverride) {
      reply = f.replyOverride(code, device);
    } else if (f.errorWord !== undefined && (!f.errorCodes || f.errorCodes.includes(code))) {
      reply = encodeReply(code, device, { error: f.errorWord });
    } else {
      reply = encodeReply(code, device, this.answer(code, device, payload));
    }
    if (word0 & SPIDR_NOREPLY_FLAG) return;
    if (f.truncateReplyBytes !== undefined) reply = reply.subarray(0, f.truncateReplyBytes);
    const send = (): void => {
      if (!socket.destroyed) socket.write(reply);
    };
    if (f.delayMs) setTimeout(send, f.delayMs);
    else send();
  }

  private answer(code: number, device: number, payload: Buffer): Answer {
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
        if (words[3] === undefined || (words[0] ?? 99) > 6) return { error: ERR_ILLEGAL_PAR };
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

/** Reply frame: code | REPLY, length, error, device, then the data (none on an error). */
function encodeReply(code: number, device: number, a: Answer): Uint8Array {
  const words = a.error ? [] : (a.words ?? []);
  const bytes = a.error ? new Uint8Array(0) : (a.bytes ?? new Uint8Array(0));
  const length = SPIDR_HEADER_BYTES + 4 * words.length + bytes.length;
  const out = Buffer.alloc(length);
  out.writeUInt32BE((code | SPIDR_REPLY_FLAG) >>> 0, 0);
  out.writeUInt32BE(length, 4);
  out.writeUInt32BE(a.error >>> 0, 8);
  out.writeUInt32BE(device >>> 0, 12);
  words.forEach((w, i) => out.writeUInt32BE(w >>> 0, 16 + 4 * i));
  out.set(bytes, 16 + 4 * words.length);
  return out;
}
