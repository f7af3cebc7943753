// Reads a SoPhy .spx configuration (spidr-control.md section 8): a ZIP holding `__data.xml` and
// Java-serialised short[65536] arrays. The XML gives the DACs (first SPMPXDACCollection, i.e.
// chip 0), the bias and the chip name, and names the mask / test / threshold arrays by key, so
// arrays are found by name, not by archive position (defect 5). Pixel arrays come out in chip
// coordinates, index `y * 256 + x`, with our fixes (Decision 21): mask and thresholds both flipped
// in y; test bits taken from the file (flipped the same way, the orientation SoPhy stores all
// three in) instead of the reference's all-zero.
import { unzipSync, type Unzipped } from 'fflate';
import { UserError } from '../../shared/userError';
import { DacError, TPX3_DACS, checkDac } from './dacs';
import { child, findFirst, mapEntries, namedItemValue, parseXml, type XmlElement } from './spxXml';

export const SPX_PIXELS = 256 * 256;
const JAVA_MAGIC = [0xac, 0xed, 0x00, 0x05];
const JAVA_SHORT_ARRAY_HEADER = 27;

export interface SpxConfig {
  /** Chip name from the XML's ChipNames item (else detectorName without its leading `_`). */
  chipName: string;
  /** Every Timepix3 DAC: the file's value, or the reference's spx fallback when missing. */
  dacs: Record<string, number>;
  /** DAC names the file lacks (filled with the fallback). */
  missingDacs: string[];
  /** DAC names in the file that Timepix3 does not have (ignored; the reference fails on them). */
  unknownDacs: string[];
  /** BiasAdjust, volts, if the file has it (the reference ignores it). */
  biasVoltage?: number;
  /** BiasSupplyEnabled, if present. */
  biasSupplyEnabled?: boolean;
  /** Chip bit 0: 1 = masked (SoPhy stores 1 = enabled). Index y * 256 + x. */
  mask: Uint8Array;
  /** 4-bit chip threshold adjustment (SoPhy's value with its 4 bits reversed). Index y * 256 + x. */
  thresholdAdjust: Uint8Array;
  /** Chip test bit as stored in the file (0/1). Index y * 256 + x. */
  testBits: Uint8Array;
}

function fail(source: string, what: string): never {
  throw new UserError(`${source}: not a valid SoPhy .spx file: ${what}`);
}

function unzip(bytes: Uint8Array, source: string): Unzipped {
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b || bytes[2] !== 0x03 || bytes[3] !== 0x04) {
    fail(source, 'it is not a ZIP archive (no "PK" signature)');
  }
  try {
    return unzipSync(bytes);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    fail(source, `the ZIP archive is truncated or damaged (${reason})`);
  }
}

/** Decodes a Java-serialised short[65536] (big-endian) into an Int16Array in SoPhy's row-major order. */
export function decodeJavaShortArray(bytes: Uint8Array, source: string, name: string): Int16Array {
  const want = JAVA_SHORT_ARRAY_HEADER + 2 * SPX_PIXELS;
  if (bytes.length < want || JAVA_MAGIC.some((b, i) => bytes[i] !== b)) {
    fail(source, `array ${name} is not a serialised short[${SPX_PIXELS}] (${bytes.length} bytes)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getInt32(23);
  if (count !== SPX_PIXELS) fail(source, `array ${name} has ${count} elements, expected ${SPX_PIXELS}`);
  const out = new Int16Array(SPX_PIXELS);
  for (let k = 0; k < SPX_PIXELS; k++) out[k] = view.getInt16(JAVA_SHORT_ARRAY_HEADER + 2 * k);
  return out;
}

/** Reverses the 4 low bits: 1 -> 8, 3 -> 12. */
export function reverse4(v: number): number {
  return ((v & 1) << 3) | ((v & 2) << 1) | ((v & 4) >> 1) | ((v & 8) >> 3);
}

function readDacs(
  roots: XmlElement[],
  source: string,
): Pick<SpxConfig, 'dacs' | 'missingDacs' | 'unknownDacs'> {
  const collection = findFirst(
    roots,
    (el) => el.tag === 'entry' && el.attrs.class === 'sophy.medipix.SPMPXDACCollection',
  );
  const data = collection ? child(collection, 'data') : undefined;
  if (!data) fail(source, 'no DAC collection (sophy.medipix.SPMPXDACCollection) in __data.xml');
  const found = new Map<string, number>();
  const unknownDacs: string[] = [];
  for (const { key, entry } of mapEntries(data)) {
    const raw = child(entry, 'data')?.attrs.value;
    if (raw === undefined) continue;
    const value = Number(raw);
    try {
      checkDac(key, value);
    } catch (e) {
      if (!(e instanceof DacError)) throw e;
      if (TPX3_DACS.some((d) => d.name === key)) throw new UserError(`${source}: ${e.message}`);
      unknownDacs.push(key);
      continue;
    }
    found.set(key, value);
  }
  const dacs: Record<string, number> = {};
  const missingDacs: string[] = [];
  for (const spec of TPX3_DACS) {
    const v = found.get(spec.name);
    if (v === undefined) missingDacs.push(spec.name);
    dacs[spec.name] = v ?? spec.spxFallback;
  }
  return { dacs, missingDacs, unknownDacs };
}

function arrayName(roots: XmlElement[], key: string, source: string): string {
  const holder = findFirst(
    roots,
    (el) =>
      el.tag === 'element' &&
      el.attrs.class === 'java.util.Map.Entry' &&
      child(el, 'key')?.attrs.value === key &&
      child(el, 'entry') !== undefined,
  );
  const outer = holder ? child(child(holder, 'entry') as XmlElement, 'data') : undefined;
  const name = outer ? child(outer, 'data')?.attrs.externalObject : undefined;
  if (name === undefined) fail(source, `__data.xml names no array for "${key}"`);
  return name;
}

/** Parses a .spx file's bytes; `source` names it in error messages. Throws UserError on bad input. */
export function parseSpx(bytes: Uint8Array, source = 'configuration'): SpxConfig {
  const files = unzip(bytes, source);
  const xmlBytes = files['__data.xml'];
  if (!xmlBytes) fail(source, 'the archive has no __data.xml');
  let roots: XmlElement[];
  try {
    roots = parseXml(new TextDecoder('utf-8').decode(xmlBytes));
  } catch (e) {
    fail(source, `__data.xml is not well-formed XML (${e instanceof Error ? e.message : String(e)})`);
  }
  const { dacs, missingDacs, unknownDacs } = readDacs(roots, source);

  const chipName =
    namedItemValue(roots, 'ChipNames') ?? namedItemValue(roots, 'detectorName')?.replace(/^_/, '') ?? '';

  const arrays = (['maskBits', 'testBits', 'thlAdj'] as const).map((key) => {
    const name = arrayName(roots, key, source);
    const entry = files[name];
    if (!entry) fail(source, `array ${name} (${key}) is missing from the archive`);
    return decodeJavaShortArray(entry, source, name);
  });
  const [maskBits, testStored, thlAdj] = arrays;

  const mask = new Uint8Array(SPX_PIXELS);
  const thresholdAdjust = new Uint8Array(SPX_PIXELS);
  const testBits = new Uint8Array(SPX_PIXELS);
  for (let y = 0; y < 256; y++) {
    const src = (255 - y) * 256;
    for (let x = 0; x < 256; x++) {
      const k = src + x;
      const i = y * 256 + x;
      mask[i] = 1 - (maskBits[k] & 1);
      thresholdAdjust[i] = reverse4(thlAdj[k]);
      testBits[i] = testStored[k] & 1;
    }
  }

  const config: SpxConfig = { chipName, dacs, missingDacs, unknownDacs, mask, thresholdAdjust, testBits };
  const bias = namedItemValue(roots, 'BiasAdjust');
  if (bias !== undefined && Number.isFinite(Number(bias))) config.biasVoltage = Number(bias);
  const supply = namedItemValue(roots, 'BiasSupplyEnabled');
  if (supply !== undefined) config.biasSupplyEnabled = supply === 'true';
  return config;
}
