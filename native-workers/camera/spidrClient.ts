// SPIDR control client over TCP (spidr-control.md sections 1, 2, 6, 11). One request is in
// flight at a time; the others wait in a promise queue. Each request: connect if needed, arm the
// SpidrReplyAssembler with the command's expected length, send, then wait for the reply, the
// reply timeout or the connection's end. After a timeout, a lost connection or a reply that fails
// its checks, the socket is destroyed, so a late or surplus reply can never be read as the
// answer to a later request; the next request opens a fresh connection. A device error (reply
// word 2) keeps the connection: the exchange stayed in step. Every failure is a
// SpidrClientError with a one-line message. Only read-only queries and explicit sets live here
// (Decision 20): configure and start sequences build on `request()`.
import { createConnection, type Socket } from 'node:net';
import { UserError } from '../../shared/userError';
import { checkDac, dacByName, setDacWord } from './dacs';
import { SPIDR_COMMANDS, spidrCommandName } from './spidrCommands';
import type { SpidrErrorInfo } from './spidrErrors';
import {
  checkSpidrReply,
  encodeSpidrRequest,
  expectedReplyBytes,
  replyWord,
  SpidrReplyAssembler,
  SpidrReplyError,
  type SpidrReply,
  type SpidrShape,
} from './spidrFraming';
import {
  BIAS_ADC_CHANNEL,
  BIAS_MAX_V,
  BIAS_MIN_V,
  biasAdjustFromVolts,
  biasVoltageFromAdc,
  celsiusFromMilli,
  chipName,
  longtimeFromWords,
} from './spidrUnits';

export const SPIDR_DEFAULT_PORT = 50000;
/** (N): 2 s to wait for a reply. */
export const SPIDR_DEFAULT_TIMEOUT_MS = 2000;

export type SpidrClientErrorKind =
  | 'unreachable'
  | 'refused'
  | 'timeout'
  | 'connection-lost'
  | 'device-error'
  | 'bad-reply'
  | 'bad-request'
  | 'closed';

/** Every failure of the client; `message` is one line, fit for a user. */
export class SpidrClientError extends UserError {
  readonly kind: SpidrClientErrorKind;
  /** Set for kind 'device-error'. */
  readonly spidrError: SpidrErrorInfo | undefined;
  constructor(kind: SpidrClientErrorKind, message: string, spidrError?: SpidrErrorInfo) {
    super(message);
    this.name = 'SpidrClientError';
    this.kind = kind;
    this.spidrError = spidrError;
  }
}

export interface SpidrClientOptions {
  host: string;
  /** Default 50000. */
  port?: number;
  /** Reply timeout per request, also the connect timeout; default 2000 ms. */
  timeoutMs?: number;
}

export interface SpidrTemperatures {
  localC: number;
  remoteC: number;
  fpgaC: number;
}

export interface SpidrRequestArgs {
  code: number;
  /** Word 3: chip index, 0 for board-wide commands. */
  device?: number;
  shape: SpidrShape;
  words?: ArrayLike<number>;
  bytes?: Uint8Array;
}

interface InFlight {
  resolve: (reply: SpidrReply) => void;
  reject: (err: SpidrClientError) => void;
}

const ONE_LINE = (s: string): string => s.replace(/\s+/g, ' ').trim();

export class SpidrClient {
  readonly host: string;
  readonly port: number;
  readonly timeoutMs: number;
  private socket: Socket | null = null;
  private readonly assembler = new SpidrReplyAssembler();
  private inFlight: InFlight | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Connections opened so far (1 + reconnects); for logs and tests. */
  connectCount = 0;

  constructor(options: SpidrClientOptions) {
    this.host = options.host;
    this.port = options.port ?? SPIDR_DEFAULT_PORT;
    this.timeoutMs = options.timeoutMs ?? SPIDR_DEFAULT_TIMEOUT_MS;
  }

  private get where(): string {
    return `SPIDR ${this.host}:${this.port}`;
  }

  /** Sends one request after those already queued and resolves with its checked reply. */
  request(args: SpidrRequestArgs): Promise<SpidrReply> {
    const run = this.queue.then(() => this.exchange(args));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Destroys the connection; queued and later requests fail with kind 'closed'. */
  close(): void {
    this.closed = true;
    this.dropSocket(new SpidrClientError('closed', `${this.where}: client closed`));
  }

  private async exchange(args: SpidrRequestArgs): Promise<SpidrReply> {
    const device = args.device ?? 0;
    const name = spidrCommandName(args.code);
    if (this.closed) throw new SpidrClientError('closed', `${this.where}: client closed, ${name} not sent`);
    let frame: Uint8Array;
    let expected: number;
    try {
      frame = encodeSpidrRequest({ code: args.code, device, words: args.words, bytes: args.bytes });
      expected = expectedReplyBytes(args.shape);
    } catch (e) {
      throw new SpidrClientError('bad-request', ONE_LINE(`${name}: ${(e as Error).message}`));
    }
    const socket = this.socket ?? (await this.connect());
    const reply = await this.awaitReply(socket, frame, expected, name, device);
    try {
      checkSpidrReply(reply, args.code, device, expected);
    } catch (e) {
      if (e instanceof SpidrReplyError && e.kind === 'device-error') {
        throw new SpidrClientError('device-error', ONE_LINE(`${this.where}: ${e.message}`), e.spidrError);
      }
      // Out of step or malformed: start afresh rather than guess where the next reply begins.
      this.dropSocket(null);
      throw new SpidrClientError('bad-reply', ONE_LINE(`${this.where}: ${(e as Error).message}`));
    }
    return reply;
  }

  private awaitReply(
    socket: Socket,
    frame: Uint8Array,
    expected: number,
    name: string,
    device: number,
  ): Promise<SpidrReply> {
    return new Promise<SpidrReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        // A header that arrived in time is still checked (the dummy's header-only replies);
        // either way the socket goes: the rest of the reply may yet arrive.
        const got = this.assembler.receivedBytes;
        const reply = got >= 16 ? this.assembler.takeShort() : null;
        this.inFlight = null;
        this.dropSocket(null);
        if (reply) {
          resolve(reply);
          return;
        }
        const why =
          got > 0
            ? `${name} (device ${device}): reply of ${got} bytes, no complete header within ${this.timeoutMs} ms`
            : `no reply to ${name} (device ${device}) within ${this.timeoutMs} ms`;
        reject(new SpidrClientError('timeout', `${this.where}: ${why}`));
      }, this.timeoutMs);
      this.inFlight = {
        resolve: (r) => {
          clearTimeout(timer);
          this.inFlight = null;
          resolve(r);
        },
        reject: (err) => {
          clearTimeout(timer);
          this.inFlight = null;
          reject(err);
        },
      };
      if (socket !== this.socket || socket.destroyed) {
        this.inFlight.reject(
          new SpidrClientError(
            'connection-lost',
            `${this.where}: connection closed by the camera before ${name}`,
          ),
        );
        return;
      }
      this.assembler.expect(expected);
      socket.write(frame);
    });
  }

  private connect(): Promise<Socket> {
    return new Promise<Socket>((resolve, reject) => {
      const socket = createConnection({ host: this.host, port: this.port });
      const fail = (err: SpidrClientError): void => {
        clearTimeout(timer);
        socket.destroy();
        reject(err);
      };
      const timer = setTimeout(
        () =>
          fail(
            new SpidrClientError('unreachable', `${this.where}: no connection within ${this.timeoutMs} ms`),
          ),
        this.timeoutMs,
      );
      socket.once('error', (e: NodeJS.ErrnoException) => fail(this.connectError(e)));
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        socket.setNoDelay(true);
        this.attach(socket);
        this.connectCount++;
        resolve(socket);
      });
    });
  }

  private connectError(e: NodeJS.ErrnoException): SpidrClientError {
    switch (e.code) {
      case 'ECONNREFUSED':
        return new SpidrClientError(
          'refused',
          `${this.where}: connection refused (nothing listens on that port)`,
        );
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return new SpidrClientError('unreachable', `${this.where}: host name not found`);
      default:
        return new SpidrClientError(
          'unreachable',
          ONE_LINE(`${this.where}: cannot connect (${e.code ?? e.message})`),
        );
    }
  }

  private attach(socket: Socket): void {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      if (socket !== this.socket) return;
      const reply = this.assembler.push(chunk);
      if (reply && this.inFlight) this.inFlight.resolve(reply);
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      if (socket !== this.socket) return;
      this.dropSocket(
        new SpidrClientError(
          'connection-lost',
          ONE_LINE(`${this.where}: connection lost (${e.code ?? e.message})`),
        ),
      );
    });
    socket.on('close', () => {
      if (socket !== this.socket) return;
      this.dropSocket(
        new SpidrClientError('connection-lost', `${this.where}: connection closed by the camera`),
      );
    });
  }

  /** Forgets the socket; `err` fails the request in flight, if any. */
  private dropSocket(err: SpidrClientError | null): void {
    const socket = this.socket;
    this.socket = null;
    socket?.destroy();
    if (err && this.inFlight) this.inFlight.reject(err);
  }

  // --- Typed queries (read-only) and explicit sets ----------------------------------------

  private async getInt(code: number, device = 0, arg = 0): Promise<number> {
    const reply = await this.request({ code, device, shape: { kind: 'GetInt' }, words: [arg] });
    return replyWord(reply, 0);
  }

  private async setInt(code: number, value: number, device = 0): Promise<void> {
    await this.request({ code, device, shape: { kind: 'SetInt' }, words: [value] });
  }

  softwareVersion(): Promise<number> {
    return this.getInt(SPIDR_COMMANDS.GET_SOFTWVERSION);
  }

  firmwareVersion(): Promise<number> {
    return this.getInt(SPIDR_COMMANDS.GET_FIRMWVERSION);
  }

  deviceCount(): Promise<number> {
    return this.getInt(SPIDR_COMMANDS.GET_DEVICECOUNT);
  }

  /** Raw chip id word of chip `device`. */
  deviceId(device: number): Promise<number> {
    return this.getInt(SPIDR_COMMANDS.GET_DEVICEID, device);
  }

  /** One name per chip (`W0028_H06`), from GET_DEVICECOUNT and GET_DEVICEID per chip. */
  async chipIds(): Promise<string[]> {
    const count = await this.deviceCount();
    const names: string[] = [];
    for (let d = 0; d < count; d++) names.push(chipName(await this.deviceId(d)));
    return names;
  }

  /** DAC value in counts; an unknown name fails before anything is sent. */
  async getDac(name: string, device = 0): Promise<number> {
    // An unknown name: checkDac throws the one-line DacError listing the valid names.
    const code = (dacByName(name) ?? checkDac(name, 0)).code;
    const word = await this.getInt(SPIDR_COMMANDS.GET_DAC, device, code);
    if (word >>> 16 !== code) {
      this.dropSocket(null);
      throw new SpidrClientError(
        'bad-reply',
        `${this.where}: GET_DAC ${name} answered for DAC code ${word >>> 16}, expected ${code}`,
      );
    }
    return word & 0xffff;
  }

  /** Range-checked (DacError) before anything is sent. */
  async setDac(name: string, value: number, device = 0): Promise<void> {
    await this.setInt(SPIDR_COMMANDS.SET_DAC, setDacWord(name, value), device);
  }

  /** Bias read-back in volts (Decision 22: adc * 150 / 4096, without the reference's +0.1 V). */
  async biasVoltage(): Promise<number> {
    const samples = 1;
    const word = await this.getInt(SPIDR_COMMANDS.GET_SPIDR_ADC, 0, BIAS_ADC_CHANNEL | (samples << 16));
    return biasVoltageFromAdc(word);
  }

  /** SET_BIAS_ADJUST for `volts` in [12, 104]; outside that range fails before sending. */
  async setBiasVoltage(volts: number): Promise<void> {
    if (!Number.isFinite(volts) || volts < BIAS_MIN_V || volts > BIAS_MAX_V) {
      throw new SpidrClientError(
        'bad-request',
        `bias ${volts} V is out of range ${BIAS_MIN_V}..${BIAS_MAX_V} V`,
      );
    }
    await this.setInt(SPIDR_COMMANDS.SET_BIAS_ADJUST, biasAdjustFromVolts(volts));
  }

  /** Board temperatures in degrees C (section 6: the words are milli-degrees). */
  async temperatures(): Promise<SpidrTemperatures> {
    const localC = celsiusFromMilli(await this.getInt(SPIDR_COMMANDS.GET_LOCALTEMP));
    const remoteC = celsiusFromMilli(await this.getInt(SPIDR_COMMANDS.GET_REMOTETEMP));
    const fpgaC = celsiusFromMilli(await this.getInt(SPIDR_COMMANDS.GET_FPGATEMP));
    return { localC, remoteC, fpgaC };
  }

  /** The chip's 48-bit timer (longtime) in 25 ns ticks: the live path's time base. */
  async getTimer(device = 0): Promise<number> {
    const reply = await this.request({
      code: SPIDR_COMMANDS.GET_TIMER,
      device,
      shape: { kind: 'GetInts', n: 2 },
      words: [0],
    });
    return longtimeFromWords(replyWord(reply, 0), replyWord(reply, 1));
  }
}
