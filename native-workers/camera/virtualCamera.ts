// A virtual SPIDR camera on TCP (spidr-control.md sections 10 and 11): the "real board" mode the
// doc asks for, not a copy of the reference's dummy. It reassembles requests across segments by
// their length word, echoes the device index and hands each request to the board (virtualBoard.ts:
// what is set, the timer, the pixel and trigger configuration, and the shutter that streams UDP
// to chip 0's destination through virtualCameraStream.ts). Fault injection (`faults`, changeable
// at any time) lets tests exercise a client's failure paths.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { SPIDR_NOREPLY_FLAG, SPIDR_REPLY_FLAG } from './spidrCommands';
import { SPIDR_HEADER_BYTES, SPIDR_MAX_REQUEST_BYTES } from './spidrFraming';
import { chipIdFromName } from './spidrUnits';
import { type Answer, VirtualBoard } from './virtualBoard';
import { VirtualCameraStream, type VirtualStreamOptions } from './virtualCameraStream';

// The versions the board reports, exported here too: users of the virtual camera (cameraClient.test.ts)
// compare them with what a client reads, and need not know the board's module.
export { VIRTUAL_FIRMWARE_VERSION, VIRTUAL_SOFTWARE_VERSION } from './virtualBoard';

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

export class VirtualCamera {
  faults: VirtualCameraFaults;
  /** Requests received (complete frames), over all connections. */
  requestCount = 0;
  /** Command codes received, in order (complete frames, over all connections). */
  readonly received: number[] = [];
  readonly chipId: number;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly board: VirtualBoard;
  readonly stream: VirtualCameraStream;

  private constructor(server: Server, options: VirtualCameraOptions) {
    this.server = server;
    this.faults = options.faults ?? {};
    this.chipId = chipIdFromName(options.chipName ?? 'W0028_H06') ?? 0x1c68;
    this.stream = new VirtualCameraStream(options.stream);
    this.board = new VirtualBoard(this.chipId, this.stream);
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
    return this.board.dac(code);
  }

  /** Chip 0's 6-bit pixel value at (x, y). */
  pixel(x: number, y: number): number {
    return this.board.pixel(x, y);
  }

  get shutterOpen(): boolean {
    return this.board.shutterOpen;
  }

  /** The bias the supply delivers, V (0 when the supply is off). */
  get biasVolts(): number {
    return this.board.biasVolts;
  }

  /** Chip 0's UDP destination as set over TCP. */
  get udpDestination(): { address: string; port: number } {
    return this.board.udpDestination;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await this.stream.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
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
      reply = encodeReply(code, device, this.board.answer(code, device, payload));
    }
    if (word0 & SPIDR_NOREPLY_FLAG) return;
    if (f.truncateReplyBytes !== undefined) reply = reply.subarray(0, f.truncateReplyBytes);
    const send = (): void => {
      if (!socket.destroyed) socket.write(reply);
    };
    if (f.delayMs) setTimeout(send, f.delayMs);
    else send();
  }
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
