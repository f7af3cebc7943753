// The SPIDR calls that change a camera or drive an acquisition (spidr-control.md sections 3, 5, 7),
// as typed functions over one SpidrClient: pixel configuration upload with read-back verification,
// packet filter, readout mode, GENCONFIG/PLL, shutter and trigger configuration, timers and T0, the
// UDP destination, bias supply. Every argument is checked before anything is sent (a bad request
// is a SpidrClientError of kind 'bad-request' and the camera sees nothing). The sequences that
// combine these calls live in cameraSession.ts; spidrClient.ts keeps the read-only queries.
import { buildPixelUpload, pixelValue, type PixelConfig } from './pixelUpload';
import { SpidrClientError, type SpidrClient } from './spidrClient';
import { SPIDR_COMMANDS as C } from './spidrCommands';
import { replyWord } from './spidrFraming';

/** Shutter trigger modes (section 5). */
export const TRIGGER_MODES = {
  externalRisingFalling: 0,
  externalFallingRising: 1,
  externalRisingTimer: 2,
  externalFallingTimer: 3,
  auto: 4,
  pulseCounter: 5,
  open: 6,
} as const;

export interface TriggerConfig {
  /** 0..6, see TRIGGER_MODES. */
  mode: number;
  /** Shutter open time in µs; 0 with mode 4 = open until AUTOTRIG_STOP. */
  lengthUs: number;
  /** Auto-trigger frequency, Hz. */
  frequencyHz: number;
  /** Auto-trigger count, 0 = endless. */
  count: number;
  /** Delay in ns (the 5th word is sent only when ≠ 0). */
  delayNs?: number;
}

/** What the reference's start sends (section 7 step 5): auto-trigger, open until stopped. */
export const SHUTTER_OPEN_CONFIG: TriggerConfig = { mode: 4, lengthUs: 0, frequencyHz: 10, count: 1 };
/** What stop leaves configured: auto mode with the shutter closed, so no external edge re-opens it
 * (the reference leaves external mode 0 armed, defect 4). */
export const SHUTTER_SAFE_CONFIG: TriggerConfig = { mode: 4, lengthUs: 0, frequencyHz: 10, count: 1 };

/** GENCONFIG as the reference's start sets it: positive, ToA+ToT, gray counter, superpixel. */
export function startGenConfig(previous: number): number {
  return ((previous & ~0x4f) | 0x48) >>> 0;
}
export const START_PLL_CONFIG = 0x11e;

function badRequest(message: string): SpidrClientError {
  return new SpidrClientError('bad-request', message);
}

function checkInt(what: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max)
    throw badRequest(`${what} must be an integer ${min}..${max}, got ${v}`);
}

const setInt = (client: SpidrClient, code: number, value: number, device = 0) =>
  client.request({ code, device, shape: { kind: 'SetInt' }, words: [value] });

async function getInt(client: SpidrClient, code: number, device = 0, arg = 0): Promise<number> {
  return replyWord(await client.request({ code, device, shape: { kind: 'GetInt' }, words: [arg] }), 0);
}

/** BIAS_SUPPLY_ENA 1/0 (board-wide). */
export async function setBiasSupply(client: SpidrClient, on: boolean): Promise<void> {
  await setInt(client, C.BIAS_SUPPLY_ENA, on ? 1 : 0);
}

/** GET_DEVICEIDS: one chip id word per chip. */
export async function deviceIds(client: SpidrClient, count: number): Promise<number[]> {
  checkInt('device count', count, 1, 16);
  const reply = await client.request({
    code: C.GET_DEVICEIDS,
    shape: { kind: 'GetInts', n: count },
    words: [0],
  });
  return Array.from({ length: count }, (_, i) => replyWord(reply, i));
}

export interface HeaderFilter {
  /** Packet types sent to the UDP data stream, one bit per header type. */
  eth: number;
  /** Packet types sent to the board CPU. */
  cpu: number;
}

export async function getHeaderFilter(client: SpidrClient, device = 0): Promise<HeaderFilter> {
  const w = await getInt(client, C.GET_HEADERFILTER, device);
  return { eth: w & 0xffff, cpu: w >>> 16 };
}

export async function setHeaderFilter(client: SpidrClient, filter: HeaderFilter, device = 0): Promise<void> {
  checkInt('eth filter mask', filter.eth, 0, 0xffff);
  checkInt('cpu filter mask', filter.cpu, 0, 0xffff);
  await setInt(client, C.SET_HEADERFILTER, (filter.eth | (filter.cpu << 16)) >>> 0, device);
}

/** Data-driven readout (the only mode Chronopix uses) with the FPGA's ToA decoders on or off. */
export async function setDataDrivenReadout(client: SpidrClient, decoders = true): Promise<void> {
  await setInt(client, C.DECODERS_ENA, decoders ? 1 : 0);
  await setInt(client, C.DDRIVEN_READOUT, 0);
}

/** PAUSE_READOUT: the board stops sending (the reference never pauses; we do at stop). */
export async function pauseReadout(client: SpidrClient): Promise<void> {
  await setInt(client, C.PAUSE_READOUT, 0);
}

export async function getGenConfig(client: SpidrClient, device = 0): Promise<number> {
  return getInt(client, C.GET_GENCONFIG, device);
}

export async function setGenConfig(client: SpidrClient, value: number, device = 0): Promise<void> {
  checkInt('GENCONFIG', value, 0, 0xffff);
  await setInt(client, C.SET_GENCONFIG, value, device);
}

export async function setPllConfig(client: SpidrClient, value: number, device = 0): Promise<void> {
  checkInt('PLL configuration', value, 0, 0xffff);
  await setInt(client, C.SET_PLLCONFIG, value, device);
}

/** SET_TRIGCONFIG: mode, length µs, frequency Hz, count[, delay ns]. */
export async function setTriggerConfig(client: SpidrClient, t: TriggerConfig): Promise<void> {
  checkInt('trigger mode', t.mode, 0, 6);
  checkInt('shutter length (µs)', t.lengthUs, 0, 0xffffffff);
  checkInt('trigger frequency (Hz)', t.frequencyHz, 1, 40_000_000);
  checkInt('trigger count', t.count, 0, 0xffffffff);
  const delay = t.delayNs ?? 0;
  checkInt('trigger delay (ns)', delay, 0, 0xffffffff);
  const words = [t.mode, t.lengthUs, t.frequencyHz, t.count];
  if (delay !== 0) words.push(delay);
  await client.request({ code: C.SET_TRIGCONFIG, shape: { kind: 'SetInts' }, words });
}

/** AUTOTRIG_START: opens the shutter (with SHUTTER_OPEN_CONFIG it stays open until closeShutter). */
export async function openShutter(client: SpidrClient): Promise<void> {
  await setInt(client, C.AUTOTRIG_START, 0);
}

/** AUTOTRIG_STOP: closes the shutter. */
export async function closeShutter(client: SpidrClient): Promise<void> {
  await setInt(client, C.AUTOTRIG_STOP, 0);
}

/** RESET_TIMER then RESTART_TIMERS: the chips' timers and SPIDR's restart from zero together. */
export async function resetTimers(client: SpidrClient): Promise<void> {
  await setInt(client, C.RESET_TIMER, 0);
  await setInt(client, C.RESTART_TIMERS, 0);
}

/** RESTART_TIMERS alone (after the chip configuration, as the reference's start does). */
export async function restartTimers(client: SpidrClient): Promise<void> {
  await setInt(client, C.RESTART_TIMERS, 0);
}

/** T0_SYNC of one chip (never sent by the reference's flows; offered for multi-board setups). */
export async function t0Sync(client: SpidrClient, device = 0): Promise<void> {
  await setInt(client, C.T0_SYNC, 0, device);
}

/** `a.b.c.d` -> `a << 24 | b << 16 | c << 8 | d`; throws 'bad-request' for anything else. */
export function ipv4Word(address: string): number {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  const parts = m ? m.slice(1).map(Number) : [];
  if (!m || parts.some((p) => p > 255)) {
    throw badRequest(`UDP destination ${address}: the board needs an IPv4 address a.b.c.d`);
  }
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

export function ipv4Text(word: number): string {
  return [24, 16, 8, 0].map((s) => (word >>> s) & 0xff).join('.');
}

export interface UdpDestination {
  address: string;
  port: number;
}

export async function getUdpDestination(client: SpidrClient, device = 0): Promise<UdpDestination> {
  const address = ipv4Text(await getInt(client, C.GET_IPADDR_DEST, device));
  const port = await getInt(client, C.GET_SERVERPORT, device);
  return { address, port };
}

/** SET_IPADDR_DEST and SET_SERVERPORT of chip `device`, read back (a board may refuse silently). */
export async function setUdpDestination(
  client: SpidrClient,
  dest: UdpDestination,
  device = 0,
): Promise<void> {
  const word = ipv4Word(dest.address);
  checkInt('UDP port', dest.port, 1, 65535);
  await setInt(client, C.SET_IPADDR_DEST, word, device);
  await setInt(client, C.SET_SERVERPORT, dest.port, device);
  const back = await getUdpDestination(client, device);
  if (back.address !== dest.address || back.port !== dest.port) {
    throw new SpidrClientError(
      'bad-reply',
      `SPIDR ${client.host}:${client.port}: chip ${device} kept UDP destination ${back.address}:${back.port}, asked for ${dest.address}:${dest.port}`,
    );
  }
}

/** GET_PIXCONF of column x: the 256 pixel values, y = 0..255. */
export async function readPixelColumn(client: SpidrClient, x: number, device = 0): Promise<Uint8Array> {
  checkInt('pixel column', x, 0, 255);
  const reply = await client.request({
    code: C.GET_PIXCONF,
    device,
    shape: { kind: 'GetIntBytes', n: 256 },
    words: [x],
  });
  if (replyWord(reply, 0) !== x) {
    throw new SpidrClientError(
      'bad-reply',
      `SPIDR ${client.host}:${client.port}: GET_PIXCONF answered for column ${replyWord(reply, 0)}, expected ${x}`,
    );
  }
  return reply.bytes.slice(20, 20 + 256);
}

export interface PixelUploadResult {
  /** Requests sent: RESET_PIXELS + 86 SET_PIXCONF + 256 GET_PIXCONF. */
  requests: number;
  masked: number;
}

/**
 * RESET_PIXELS, the 86 SET_PIXCONF messages, then GET_PIXCONF of every column, compared with what
 * was sent (6 bits a pixel). A difference fails with the first differing pixel named.
 */
export async function uploadPixelConfig(
  client: SpidrClient,
  cfg: PixelConfig,
  device = 0,
): Promise<PixelUploadResult> {
  let messages;
  try {
    messages = buildPixelUpload(cfg, device);
  } catch (e) {
    throw badRequest((e as Error).message);
  }
  await setInt(client, C.RESET_PIXELS, 0, device);
  for (const m of messages) {
    await client.request({
      code: C.SET_PIXCONF,
      device,
      shape: { kind: 'SetIntBytes' },
      words: [m.firstColumn],
      bytes: m.request.subarray(20),
    });
  }
  let masked = 0;
  for (let x = 0; x < 256; x++) {
    const column = await readPixelColumn(client, x, device);
    for (let y = 0; y < 256; y++) {
      const want = pixelValue(cfg, x, y);
      if ((column[y] & 0x3f) !== want) {
        throw new SpidrClientError(
          'bad-reply',
          `SPIDR ${client.host}:${client.port}: pixel configuration read-back differs at chip ${device} x=${x} y=${y}: ` +
            `sent ${want}, read ${column[y] & 0x3f}`,
        );
      }
      masked += want & 1;
    }
  }
  return { requests: 1 + messages.length + 256, masked };
}
