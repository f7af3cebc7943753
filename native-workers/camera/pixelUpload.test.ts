// The 86 SET_PIXCONF messages: sizes, headers, the 6-bit most-significant-first packing, and
// pinned bytes of the upload built from the reference's sample .spx (Decision 21 orientation).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURES_SKIP_REASON, HAVE_FIXTURES, fixturePath } from '../../test/fixtures';
import { buildPixelUpload, packColumns, pixelValue, type PixelConfig } from './pixelUpload';
import { SPX_PIXELS, parseSpx } from './spx';

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

function word(b: Uint8Array, i: number): number {
  return new DataView(b.buffer, b.byteOffset).getUint32(4 * i);
}

function blank(): PixelConfig {
  return {
    mask: new Uint8Array(SPX_PIXELS),
    thresholdAdjust: new Uint8Array(SPX_PIXELS),
    testBits: new Uint8Array(SPX_PIXELS),
  };
}

describe('buildPixelUpload', () => {
  it('builds 86 messages: 85 of 3 columns (596 bytes), column 255 alone (212 bytes)', () => {
    const msgs = buildPixelUpload(blank(), 3);
    expect(msgs).toHaveLength(86);
    msgs.forEach((m, i) => {
      const last = i === 85;
      expect(m.firstColumn).toBe(i * 3);
      expect(m.columns).toBe(last ? 1 : 3);
      expect(m.request.length).toBe(last ? 212 : 596);
      expect(word(m.request, 0)).toBe(0x22a);
      expect(word(m.request, 1)).toBe(m.request.length);
      expect(word(m.request, 2)).toBe(0);
      expect(word(m.request, 3)).toBe(3);
      expect(word(m.request, 4)).toBe(i * 3);
    });
    expect(msgs[85].firstColumn).toBe(255);
  });

  it('packs 4 six-bit pixels into 3 bytes, most significant first, column by column', () => {
    const cfg = blank();
    // Column 0: y 0..3 = 0x3F, 0x01, 0x2A, 0x15; column 1, y 0 = mask+threshold 15 (0x1F).
    const set = (x: number, y: number, mask: number, thr: number, test: number): void => {
      cfg.mask[y * 256 + x] = mask;
      cfg.thresholdAdjust[y * 256 + x] = thr;
      cfg.testBits[y * 256 + x] = test;
    };
    set(0, 0, 1, 15, 1);
    set(0, 1, 1, 0, 0);
    set(0, 2, 0, 5, 1);
    set(0, 3, 1, 10, 0);
    set(1, 0, 1, 15, 0);
    expect([0, 1, 2, 3].map((y) => pixelValue(cfg, 0, y))).toEqual([0x3f, 0x01, 0x2a, 0x15]);
    const packed = packColumns(cfg, 0, 2);
    expect(packed.length).toBe(384);
    // 111111 000001 101010 010101
    expect(hex(packed.subarray(0, 3))).toBe('fc1a95');
    expect(hex(packed.subarray(3, 192))).toBe('00'.repeat(189));
    // Column 1 starts at byte 192: 011111 then zeros.
    expect(hex(packed.subarray(192, 195))).toBe('7c0000');
    const msg = buildPixelUpload(cfg, 0)[0].request;
    expect(hex(msg.subarray(20, 23))).toBe('fc1a95');
  });

  it('rejects arrays of the wrong size', () => {
    expect(() => buildPixelUpload({ ...blank(), mask: new Uint8Array(10) }, 0)).toThrow(/mask must be/);
  });
});

describe('buildPixelUpload (sample .spx)', () => {
  it.skipIf(!HAVE_FIXTURES)(HAVE_FIXTURES ? 'pins the upload of W0028_H06' : FIXTURES_SKIP_REASON, () => {
    const cfg = parseSpx(readFileSync(fixturePath('test_config_W0028_H06_50V.spx')));
    const msgs = buildPixelUpload(cfg, 0);
    expect(msgs).toHaveLength(86);
    expect(msgs.reduce((s, m) => s + m.request.length, 0)).toBe(85 * 596 + 212);
    const first = msgs[0].request;
    expect(hex(first.subarray(0, 20))).toBe('0000022a' + '00000254' + '00000000' + '00000000' + '00000000');
    expect(hex(first.subarray(20, 32))).toBe('8b48bc8bccb2fbeea29a4eaa');
    expect(hex(first.subarray(590))).toBe('f34cbccac8a6');
    const last = msgs[85].request;
    expect(hex(last.subarray(0, 20))).toBe('0000022a' + '000000d4' + '00000000' + '00000000' + '000000ff');
    expect(hex(last.subarray(20, 32))).toBe('b22f26b22ab2cb4d348b2fbf');
    expect(hex(last.subarray(206))).toBe('f22bb4f32e3a');
    // Masked pixel (21, 2): mask 1, threshold 15, test 1 = 63.
    expect(pixelValue(cfg, 21, 2)).toBe(63);
    const payloads = Buffer.concat(msgs.map((m) => m.request.subarray(20)));
    expect(createHash('sha256').update(payloads).digest('hex')).toBe(
      '0fb33af044facde4b11655a172468bb44e53389f834c228d080c3037fbad1691',
    );
  });
});
