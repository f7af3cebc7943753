// The pixel configuration upload (spidr-control.md section 8, Decision 21): per chip, 86
// SET_PIXCONF requests, 3 columns each (first column 0, 3, …, 252) and column 255 alone. Each
// pixel is `mask | threshold << 1 | test << 5` (6 bits), packed 4 pixels into 3 bytes, most
// significant first, column by column, y = 0..255 within a column. The client sends RESET_PIXELS
// before these and reads back with GET_PIXCONF after; this module only builds the bytes.
import { SPIDR_COMMANDS } from './spidrCommands';
import { encodeSpidrRequest } from './spidrFraming';
import { SPX_PIXELS } from './spx';

/** What the upload needs from a configuration; arrays are indexed y * 256 + x. */
export interface PixelConfig {
  mask: Uint8Array;
  thresholdAdjust: Uint8Array;
  testBits: Uint8Array;
}

export const PIXCONF_MESSAGES_PER_CHIP = 86;
export const PIXCONF_COLUMNS_PER_MESSAGE = 3;

/** 6-bit chip value of pixel (x, y). */
export function pixelValue(cfg: PixelConfig, x: number, y: number): number {
  const i = y * 256 + x;
  return (cfg.mask[i] & 1) | ((cfg.thresholdAdjust[i] & 0xf) << 1) | ((cfg.testBits[i] & 1) << 5);
}

/** Packs the pixels of columns first..first+count-1 (y 0..255 each), 4 pixels per 3 bytes. */
export function packColumns(cfg: PixelConfig, first: number, count: number): Uint8Array {
  const out = new Uint8Array(count * 192);
  let o = 0;
  for (let x = first; x < first + count; x++) {
    for (let y = 0; y < 256; y += 4) {
      const p1 = pixelValue(cfg, x, y);
      const p2 = pixelValue(cfg, x, y + 1);
      const p3 = pixelValue(cfg, x, y + 2);
      const p4 = pixelValue(cfg, x, y + 3);
      out[o++] = (p1 << 2) | (p2 >> 4);
      out[o++] = ((p2 & 0xf) << 4) | (p3 >> 2);
      out[o++] = ((p3 & 0x3) << 6) | p4;
    }
  }
  return out;
}

export interface PixconfMessage {
  firstColumn: number;
  columns: number;
  /** The whole SET_PIXCONF request, header included (596 bytes, or 212 for column 255). */
  request: Uint8Array;
}

/** The 86 SET_PIXCONF requests for chip `device` (0-based). */
export function buildPixelUpload(cfg: PixelConfig, device: number): PixconfMessage[] {
  for (const name of ['mask', 'thresholdAdjust', 'testBits'] as const) {
    const arr: unknown = cfg[name];
    if (!(arr instanceof Uint8Array) || arr.length !== SPX_PIXELS) {
      throw new RangeError(`pixel configuration ${name} must be a Uint8Array of ${SPX_PIXELS}`);
    }
  }
  const messages: PixconfMessage[] = [];
  for (let first = 0; first < 256; first += PIXCONF_COLUMNS_PER_MESSAGE) {
    const columns = Math.min(PIXCONF_COLUMNS_PER_MESSAGE, 256 - first);
    const request = encodeSpidrRequest({
      code: SPIDR_COMMANDS.SET_PIXCONF,
      device,
      words: [first],
      bytes: packColumns(cfg, first, columns),
    });
    messages.push({ firstColumn: first, columns, request });
  }
  return messages;
}
