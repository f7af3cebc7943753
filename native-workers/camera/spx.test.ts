// SoPhy .spx parsing: the reference's sample file (W0028_H06, 50 V), a small synthetic file that
// pins the orientation rules (Decision 21), and truncated / non-ZIP input.
import { readFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { FIXTURES_SKIP_REASON, HAVE_FIXTURES, fixturePath } from '../../test/fixtures';
import { UserError } from '../../shared/userError';
import { SPX_PIXELS, parseSpx, reverse4 } from './spx';

const SPX = 'test_config_W0028_H06_50V.spx';

function javaShorts(values: (k: number) => number): Uint8Array {
  const out = new Uint8Array(27 + 2 * SPX_PIXELS);
  out.set([0xac, 0xed, 0x00, 0x05, 0x75, 0x72, 0x00, 0x02, 0x5b, 0x53]);
  const v = new DataView(out.buffer);
  v.setInt32(23, SPX_PIXELS);
  for (let k = 0; k < SPX_PIXELS; k++) v.setInt16(27 + 2 * k, values(k));
  return out;
}

function syntheticSpx(vthFine = 300): Uint8Array {
  const arr = (key: string, name: string): string =>
    `<element class="java.util.Map.Entry"><key class="java.lang.String" value="${key}"></key>` +
    `<entry class="sophy.medipix.SPBitMaskMetaDataItem"><data class="sophy.core.data.SPshortVector2D">` +
    `<data class="[S" externalObject="${name}"></data></data></entry></element>`;
  const xml =
    `<?xml version="1.0" ?><SoPhy><entry class="sophy.medipix.SPMPXDACCollection"><data>` +
    `<element class="java.util.Map.Entry"><key class="java.lang.String" value="Vthreshold_fine"></key>` +
    `<entry class="sophy.medipix.SPMPXDAC"><data class="java.lang.Integer" value="${vthFine}"></data></entry></element>` +
    `<element class="java.util.Map.Entry"><key class="java.lang.String" value="Mystery_DAC"></key>` +
    `<entry class="sophy.medipix.SPMPXDAC"><data class="java.lang.Integer" value="1"></data></entry></element>` +
    `</data></entry>` +
    `<entry><data class="java.lang.String" value="W0001_A02"></data><name value="ChipNames"></name></entry>` +
    // Arrays deliberately in a different archive order from their XML order.
    arr('maskBits', 'm') +
    arr('testBits', 't') +
    arr('thlAdj', 'a') +
    `</SoPhy>`;
  // SoPhy row r = 0 is chip row y = 255. Masked (0) only at SoPhy (r 0, c 3); thlAdj = 1 at (r 0, c 4);
  // test bit set only at SoPhy (r 1, c 5).
  return zipSync({
    '__data.xml': new TextEncoder().encode(xml),
    a: javaShorts((k) => (k === 4 ? 1 : 0)),
    t: javaShorts((k) => (k === 256 + 5 ? 1 : 0)),
    m: javaShorts((k) => (k === 3 ? 0 : 1)),
  });
}

describe('parseSpx (synthetic)', () => {
  const cfg = parseSpx(syntheticSpx(), 'synthetic.spx');
  it('reads DACs, fills missing ones with the spx fallback and ignores unknown names', () => {
    expect(cfg.dacs.Vthreshold_fine).toBe(300);
    expect(cfg.dacs.Ibias_Ikrum).toBe(10);
    expect(cfg.dacs.Ibias_PixelDAC).toBe(150);
    expect(cfg.missingDacs).toHaveLength(17);
    expect(cfg.unknownDacs).toEqual(['Mystery_DAC']);
    expect(cfg.chipName).toBe('W0001_A02');
    expect(cfg.biasVoltage).toBeUndefined();
  });
  it('flips mask, thresholds and test bits in y, finding arrays by name', () => {
    expect(cfg.mask.reduce((s, v) => s + v, 0)).toBe(1);
    expect(cfg.mask[255 * 256 + 3]).toBe(1);
    expect(cfg.thresholdAdjust[255 * 256 + 4]).toBe(8); // reverse4(1)
    expect(cfg.thresholdAdjust.reduce((s, v) => s + v, 0)).toBe(8);
    expect(cfg.testBits[254 * 256 + 5]).toBe(1);
    expect(cfg.testBits.reduce((s, v) => s + v, 0)).toBe(1);
  });
  it('rejects an out-of-range value of a known DAC', () => {
    expect(() => parseSpx(syntheticSpx(600), 'hot.spx')).toThrow(
      'hot.spx: DAC Vthreshold_fine = 600 is out of range: must be an integer 0..511 (9 bits)',
    );
    expect(reverse4(3)).toBe(12);
  });
});

describe('parseSpx (bad input)', () => {
  it('says a non-ZIP file is not a ZIP archive', () => {
    expect(() => parseSpx(new TextEncoder().encode('<SoPhy/>'), 'x.spx')).toThrow(UserError);
    expect(() => parseSpx(new Uint8Array(0), 'x.spx')).toThrow(
      'x.spx: not a valid SoPhy .spx file: it is not a ZIP archive (no "PK" signature)',
    );
  });
  it('says a truncated archive is truncated', () => {
    const whole = syntheticSpx();
    for (const n of [4, 30, Math.floor(whole.length / 2), whole.length - 10]) {
      expect(() => parseSpx(whole.subarray(0, n), 'cut.spx')).toThrow(UserError);
      expect(() => parseSpx(whole.subarray(0, n), 'cut.spx')).toThrow(
        /cut\.spx: not a valid SoPhy \.spx file: /,
      );
    }
  });
  it('says what is missing from the XML', () => {
    const only = zipSync({ '__data.xml': new TextEncoder().encode('<SoPhy></SoPhy>') });
    expect(() => parseSpx(only, 'e.spx')).toThrow(/no DAC collection/);
  });
});

describe(`parseSpx (${SPX})`, () => {
  it.skipIf(!HAVE_FIXTURES)(HAVE_FIXTURES ? 'reads the sample file' : FIXTURES_SKIP_REASON, () => {
    const cfg = parseSpx(readFileSync(fixturePath(SPX)), SPX);
    expect(cfg.chipName).toBe('W0028_H06');
    expect(cfg.dacs).toEqual({
      Ibias_Preamp_ON: 128,
      Ibias_Preamp_OFF: 8,
      VPreamp_NCAS: 128,
      Ibias_Ikrum: 20,
      Vfbk: 128,
      Vthreshold_fine: 150,
      Vthreshold_coarse: 6,
      Ibias_DiscS1_ON: 128,
      Ibias_DiscS1_OFF: 8,
      Ibias_DiscS2_ON: 128,
      Ibias_DiscS2_OFF: 8,
      Ibias_PixelDAC: 150,
      Ibias_TPbufferIn: 128,
      Ibias_TPbufferOut: 128,
      VTP_coarse: 128,
      VTP_fine: 256,
      Ibias_CP_PLL: 128,
      PLL_Vcntrl: 128,
    });
    expect(cfg.missingDacs).toEqual([]);
    expect(cfg.unknownDacs).toEqual([]);
    expect(cfg.biasVoltage).toBe(50);
    expect(cfg.biasSupplyEnabled).toBe(true);
    expect(cfg.mask.reduce((s, v) => s + v, 0)).toBe(160);
    // First masked pixels in chip order (y, then x), with the mask flipped in y.
    const masked: [number, number][] = [];
    cfg.mask.forEach((v, i) => v && masked.length < 3 && masked.push([i & 0xff, i >> 8]));
    expect(masked).toEqual([
      [21, 2],
      [234, 2],
      [65, 3],
    ]);
    expect(cfg.testBits.every((v) => v === 1)).toBe(true);
    // Thresholds: chip value = reverse4(SoPhy value), rows flipped. SoPhy row 255 starts 8,6,7,6.
    expect(Array.from(cfg.thresholdAdjust.subarray(0, 8))).toEqual([1, 6, 14, 6, 14, 14, 10, 15]);
    expect(Array.from(cfg.thresholdAdjust.subarray(255 * 256, 255 * 256 + 8))).toEqual([
      1, 6, 3, 14, 1, 6, 6, 14,
    ]);
    expect(cfg.thresholdAdjust.reduce((s, v) => s + v, 0)).toBe(493458);
    const hist = new Array<number>(16).fill(0);
    cfg.thresholdAdjust.forEach((v) => hist[v]++);
    expect(hist[14]).toBe(11536); // SoPhy 7
    expect(hist[1]).toBe(11499); // SoPhy 8
    expect(hist[0]).toBe(33);
  });
});
