// SPIDR TCP framing (spidr-control.md section 1): requests are encoded into one big-endian
// buffer; replies come back through SpidrReplyAssembler, which collects the bytes of the one
// request in flight across TCP segments until the command's expected length has arrived, then
// hands out the reply. Surplus bytes (replies longer than expected, as the dummy camera sends)
// are discarded until the next request is armed; a reply that never reaches its length (the
// dummy's header-only answers) is handed out on demand by `takeShort()` after the caller's
// timeout. Checks follow the reference, with a typed SpidrReplyError in place of its crashes.
import { SPIDR_NOREPLY_FLAG, SPIDR_REPLY_FLAG, spidrCommandName } from './spidrCommands';
import { decodeSpidrError, type SpidrErrorInfo } from './spidrErrors';

export const SPIDR_HEADER_BYTES = 16;
/** The reference's request buffer: 512 words. */
export const SPIDR_MAX_REQUEST_BYTES = 2048;

/** The seven request shapes (section 1); `n` = reply words (GetInts) or bytes (Get*Bytes). */
export type SpidrShape =
  | { kind: 'GetInt' }
  | { kind: 'GetInts'; n: number }
  | { kind: 'GetBytes'; n: number }
  | { kind: 'GetIntBytes'; n: number }
  | { kind: 'SetInt' }
  | { kind: 'SetInts' }
  | { kind: 'SetIntBytes' };

/** Bytes a reply must have at least, per shape. */
export function expectedReplyBytes(shape: SpidrShape): number {
  switch (shape.kind) {
    case 'GetInt':
    case 'SetInt':
    case 'SetInts':
    case 'SetIntBytes':
      return 20;
    case 'GetInts':
      return 16 + 4 * shape.n;
    case 'GetBytes':
      return 16 + shape.n;
    case 'GetIntBytes':
      return 20 + shape.n;
    default: {
      const never: never = shape;
      throw new Error(`unknown shape ${JSON.stringify(never)}`);
    }
  }
}

export type SpidrFramingErrorKind =
  'bad-request' | 'short-reply' | 'device-error' | 'unexpected-reply' | 'unexpected-device' | 'no-request';

/** The only error this module throws: a malformed request or a reply that fails a check. */
export class SpidrReplyError extends Error {
  readonly kind: SpidrFramingErrorKind;
  /** Set for kind 'device-error'. */
  readonly spidrError: SpidrErrorInfo | undefined;
  constructor(kind: SpidrFramingErrorKind, message: string, spidrError?: SpidrErrorInfo) {
    super(message);
    this.name = 'SpidrReplyError';
    this.kind = kind;
    this.spidrError = spidrError;
  }
}

export interface SpidrRequest {
  /** Command code, 0..0xFFFF. */
  code: number;
  /** Word 3: 0-based chip index, 0 for board-wide commands. */
  device: number;
  /** Payload words (word 4 onwards). */
  words?: ArrayLike<number>;
  /** Raw bytes after the payload words (SetIntBytes). */
  bytes?: Uint8Array;
  /** OR the NOREPLY flag into word 0. */
  noReply?: boolean;
}

function checkUint32(what: string, v: number, max = 0xffffffff): void {
  if (!Number.isInteger(v) || v < 0 || v > max) {
    throw new SpidrReplyError('bad-request', `${what} must be an integer 0..${max}, got ${v}`);
  }
}

/** Encodes a request: code, length in bytes, 0, device, then the payload, all big-endian. */
export function encodeSpidrRequest(req: SpidrRequest): Uint8Array {
  checkUint32('command code', req.code, 0xffff);
  checkUint32('device index', req.device);
  const words = req.words ?? [];
  const bytes = req.bytes ?? new Uint8Array(0);
  const length = SPIDR_HEADER_BYTES + 4 * words.length + bytes.length;
  if (length > SPIDR_MAX_REQUEST_BYTES) {
    throw new SpidrReplyError('bad-request', `request of ${length} bytes exceeds ${SPIDR_MAX_REQUEST_BYTES}`);
  }
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  view.setUint32(0, (req.code | (req.noReply ? SPIDR_NOREPLY_FLAG : 0)) >>> 0);
  view.setUint32(4, length);
  view.setUint32(8, 0);
  view.setUint32(12, req.device);
  for (let i = 0; i < words.length; i++) {
    checkUint32(`payload word ${i}`, words[i]);
    view.setUint32(16 + 4 * i, words[i]);
  }
  out.set(bytes, 16 + 4 * words.length);
  return out;
}

export interface SpidrReply {
  /** The reply: its first `expected` bytes (surplus is discarded), or fewer for a short reply. */
  bytes: Uint8Array;
  /** Reply word 0. */
  codeWord: number;
  /** Reply word 1 (never to be trusted: the dummy sends 0). */
  lengthWord: number;
  error: SpidrErrorInfo;
  /** Reply word 3. */
  device: number;
  /** Bytes after the header. */
  data: Uint8Array;
}

/** Parses the header of a reply of at least 16 bytes. */
export function parseSpidrReply(bytes: Uint8Array): SpidrReply {
  if (bytes.length < SPIDR_HEADER_BYTES) {
    throw new SpidrReplyError('short-reply', `reply of ${bytes.length} bytes has no complete 16-byte header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    bytes,
    codeWord: view.getUint32(0),
    lengthWord: view.getUint32(4),
    error: decodeSpidrError(view.getUint32(8)),
    device: view.getUint32(12),
    data: bytes.subarray(SPIDR_HEADER_BYTES),
  };
}

/** Big-endian data word `i` (word 4 + i of the reply). */
export function replyWord(reply: SpidrReply, i: number): number {
  const off = SPIDR_HEADER_BYTES + 4 * i;
  if (off + 4 > reply.bytes.length) {
    throw new SpidrReplyError('short-reply', `reply has no data word ${i} (${reply.bytes.length} bytes)`);
  }
  return new DataView(reply.bytes.buffer, reply.bytes.byteOffset).getUint32(off);
}

/**
 * The reference's checks, fixed: device error first when the header is there (an error reply may
 * carry no data (i)); then length; then word 0 = code | REPLY; then the echoed device.
 * TPX3_ERR_EMPTY counts as success, as in the reference.
 */
export function checkSpidrReply(
  reply: SpidrReply,
  code: number,
  device: number,
  expectedBytes: number,
): void {
  const name = spidrCommandName(code);
  if (!reply.error.ok) {
    throw new SpidrReplyError(
      'device-error',
      `${name} (device ${device}) failed: ${reply.error.text} [error word 0x${reply.error.word.toString(16)}]`,
      reply.error,
    );
  }
  if (reply.bytes.length < expectedBytes) {
    throw new SpidrReplyError(
      'short-reply',
      `${name} (device ${device}): unexpected reply length ${reply.bytes.length} bytes, expected at least ${expectedBytes}`,
    );
  }
  const want = (code | SPIDR_REPLY_FLAG) >>> 0;
  if (reply.codeWord !== want) {
    throw new SpidrReplyError(
      'unexpected-reply',
      `${name}: unexpected reply 0x${reply.codeWord.toString(16)} (${spidrCommandName(reply.codeWord)}), expected 0x${want.toString(16)}`,
    );
  }
  if (reply.device !== device) {
    throw new SpidrReplyError(
      'unexpected-device',
      `${name}: unexpected device ${reply.device}, expected ${device}`,
    );
  }
}

/**
 * Reassembles the reply to the one request in flight. `expect()` arms it (call it just before
 * sending); `push()` takes every received chunk and returns the reply once complete, else null.
 */
export class SpidrReplyAssembler {
  private buf = new Uint8Array(4096);
  private len = 0;
  private expected = 0;
  private armed = false;
  /** Bytes received while no reply was awaited (surplus of long replies, stray data). */
  discardedBytes = 0;

  expect(expectedBytes: number): void {
    if (!Number.isInteger(expectedBytes) || expectedBytes < SPIDR_HEADER_BYTES) {
      throw new SpidrReplyError('bad-request', `expected reply length must be ≥ 16, got ${expectedBytes}`);
    }
    this.len = 0;
    this.expected = expectedBytes;
    this.armed = true;
  }

  get pending(): boolean {
    return this.armed;
  }

  get receivedBytes(): number {
    return this.len;
  }

  push(chunk: Uint8Array): SpidrReply | null {
    if (!this.armed) {
      this.discardedBytes += chunk.length;
      return null;
    }
    // Only up to the expected length belongs to the reply; the rest of this chunk is surplus
    // (one request in flight, so nothing after it can be the next reply).
    const take = Math.min(chunk.length, this.expected - this.len);
    this.append(chunk.subarray(0, take));
    this.discardedBytes += chunk.length - take;
    if (this.len >= this.expected || this.headerHasError()) return this.finish();
    return null;
  }

  /** After a timeout: the partial reply if it has a header, else a 'short-reply' error. */
  takeShort(): SpidrReply {
    if (!this.armed) throw new SpidrReplyError('no-request', 'no reply is awaited');
    if (this.len < SPIDR_HEADER_BYTES) {
      const got = this.len;
      this.armed = false;
      throw new SpidrReplyError('short-reply', `reply of ${got} bytes, expected at least ${this.expected}`);
    }
    return this.finish();
  }

  private headerHasError(): boolean {
    if (this.len < SPIDR_HEADER_BYTES) return false;
    const word = ((this.buf[8] << 24) | (this.buf[9] << 16) | (this.buf[10] << 8) | this.buf[11]) >>> 0;
    return !decodeSpidrError(word).ok;
  }

  private append(part: Uint8Array): void {
    if (this.len + part.length > this.buf.length) {
      const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.len + part.length));
      bigger.set(this.buf.subarray(0, this.len));
      this.buf = bigger;
    }
    this.buf.set(part, this.len);
    this.len += part.length;
  }

  private finish(): SpidrReply {
    this.armed = false;
    // Copied: the reply outlives the assembler's buffer.
    return parseSpidrReply(this.buf.slice(0, this.len));
  }
}
