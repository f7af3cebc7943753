// SPIDR framing: request bytes, reply reassembly across arbitrary TCP segment boundaries, short
// and long replies, the reference's checks, and every error id and sub-code name.
import { describe, expect, it } from 'vitest';
import { SPIDR_COMMANDS, spidrCommandName } from './spidrCommands';
import { decodeSpidrError } from './spidrErrors';
import {
  SpidrReplyAssembler,
  SpidrReplyError,
  checkSpidrReply,
  encodeSpidrRequest,
  expectedReplyBytes,
  parseSpidrReply,
  replyWord,
  type SpidrReply,
} from './spidrFraming';
import { SeededRandom } from '../pipeline/seededRandom';

function reply(code: number, device: number, err: number, data: number[]): Uint8Array {
  const out = new Uint8Array(16 + 4 * data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, code | 0x10000);
  v.setUint32(4, 0); // the dummy camera's length word
  v.setUint32(8, err);
  v.setUint32(12, device);
  data.forEach((w, i) => v.setUint32(16 + 4 * i, w));
  return out;
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

describe('encodeSpidrRequest', () => {
  it('writes code, byte length, 0, device and payload big-endian', () => {
    const req = encodeSpidrRequest({ code: SPIDR_COMMANDS.SET_DAC, device: 2, words: [(6 << 16) | 150] });
    expect(hex(req)).toBe('0000011b' + '00000014' + '00000000' + '00000002' + '00060096');
  });
  it('appends raw bytes after the words (SetIntBytes) and ORs NOREPLY when asked', () => {
    const req = encodeSpidrRequest({
      code: SPIDR_COMMANDS.SET_PIXCONF,
      device: 0,
      words: [3],
      bytes: Uint8Array.of(0xab, 0xcd),
      noReply: true,
    });
    expect(hex(req)).toBe('0008022a' + '00000016' + '00000000' + '00000000' + '00000003' + 'abcd');
  });
  it('rejects bad codes, devices, words and oversize requests with a typed error', () => {
    expect(() => encodeSpidrRequest({ code: 0x10000, device: 0 })).toThrow(SpidrReplyError);
    expect(() => encodeSpidrRequest({ code: 1, device: -1 })).toThrow(/device index/);
    expect(() => encodeSpidrRequest({ code: 1, device: 0, words: [1.5] })).toThrow(/payload word 0/);
    expect(() => encodeSpidrRequest({ code: 1, device: 0, bytes: new Uint8Array(2100) })).toThrow(
      /exceeds 2048/,
    );
  });
});

describe('expectedReplyBytes', () => {
  it('follows the seven shapes', () => {
    expect(expectedReplyBytes({ kind: 'GetInt' })).toBe(20);
    expect(expectedReplyBytes({ kind: 'GetInts', n: 3 })).toBe(28);
    expect(expectedReplyBytes({ kind: 'GetBytes', n: 32 })).toBe(48);
    expect(expectedReplyBytes({ kind: 'GetIntBytes', n: 256 })).toBe(276);
    expect(expectedReplyBytes({ kind: 'SetInt' })).toBe(20);
    expect(expectedReplyBytes({ kind: 'SetInts' })).toBe(20);
    expect(expectedReplyBytes({ kind: 'SetIntBytes' })).toBe(20);
  });
});

describe('SpidrReplyAssembler', () => {
  const code = SPIDR_COMMANDS.GET_PIXCONF;
  const data = [253, ...Array.from({ length: 64 }, (_, i) => 0x01010101 + i)];
  const whole = reply(code, 1, 0, data); // 276 bytes

  it('reassembles a reply split at every possible boundary', () => {
    for (let cut = 1; cut < whole.length; cut++) {
      const a = new SpidrReplyAssembler();
      a.expect(276);
      expect(a.push(whole.subarray(0, cut))).toBeNull();
      const r = a.push(whole.subarray(cut)) as SpidrReply;
      expect(hex(r.bytes)).toBe(hex(whole));
      checkSpidrReply(r, code, 1, 276);
      expect(replyWord(r, 0)).toBe(253);
    }
  });

  it('reassembles byte-by-byte and from random segments', () => {
    const rng = new SeededRandom(7);
    const rnd = (): number => rng.int(40);
    for (let trial = 0; trial < 50; trial++) {
      const a = new SpidrReplyAssembler();
      a.expect(276);
      let got: SpidrReply | null = null;
      for (let off = 0; off < whole.length;) {
        const n = trial === 0 ? 1 : 1 + rnd();
        const r = a.push(whole.subarray(off, off + n));
        off += n;
        if (r) {
          expect(off).toBeGreaterThanOrEqual(276);
          got = r;
        }
      }
      expect(got && hex(got.bytes)).toBe(hex(whole));
    }
  });

  it('keeps the expected bytes of a long reply and discards the surplus until the next request', () => {
    // The dummy answers GET_PLLCONFIG (one word) with two.
    const long = reply(SPIDR_COMMANDS.GET_PLLCONFIG, 0, 0, [0x11e, 0xdead]);
    const a = new SpidrReplyAssembler();
    a.expect(20);
    const r = a.push(long.subarray(0, 22)) as SpidrReply;
    expect(r.bytes.length).toBe(20);
    expect(replyWord(r, 0)).toBe(0x11e);
    checkSpidrReply(r, SPIDR_COMMANDS.GET_PLLCONFIG, 0, 20);
    expect(a.push(long.subarray(22))).toBeNull();
    expect(a.discardedBytes).toBe(4);
    a.expect(20);
    const next = a.push(reply(SPIDR_COMMANDS.GET_GENCONFIG, 0, 0, [0x48])) as SpidrReply;
    expect(replyWord(next, 0)).toBe(0x48);
  });

  it('hands out a header-only reply after a timeout, and the length check names it', () => {
    const a = new SpidrReplyAssembler();
    a.expect(20);
    expect(a.push(reply(SPIDR_COMMANDS.RESET_MODULE, 0, 0, []))).toBeNull();
    const r = a.takeShort();
    expect(r.bytes.length).toBe(16);
    expect(() => replyWord(r, 0)).toThrow(/no data word 0/);
    expect(() => checkSpidrReply(r, SPIDR_COMMANDS.RESET_MODULE, 0, 20)).toThrow(
      /RESET_MODULE \(device 0\): unexpected reply length 16 bytes, expected at least 20/,
    );
    const b = new SpidrReplyAssembler();
    b.expect(20);
    b.push(Uint8Array.of(0, 0, 5));
    expect(() => b.takeShort()).toThrow(/reply of 3 bytes, expected at least 20/);
    expect(() => b.takeShort()).toThrow(/no reply is awaited/);
  });

  it('completes at the header when the error word reports a failure', () => {
    const a = new SpidrReplyAssembler();
    a.expect(276);
    const r = a.push(reply(code, 0, 0x0106, [])) as SpidrReply;
    expect(r).not.toBeNull();
    let err: unknown;
    try {
      checkSpidrReply(r, code, 0, 276);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpidrReplyError);
    expect((err as SpidrReplyError).kind).toBe('device-error');
    expect((err as SpidrReplyError).message).toBe(
      'GET_PIXCONF (device 0) failed: ERR_TPX3_HARDW (TPX3_ERR_SC_ILLEGAL) [error word 0x106]',
    );
  });

  it('rejects a too-small expected length', () => {
    expect(() => new SpidrReplyAssembler().expect(8)).toThrow(SpidrReplyError);
  });
});

describe('checkSpidrReply', () => {
  const ok = (bytes: Uint8Array): SpidrReply => parseSpidrReply(bytes);
  it('accepts TPX3_ERR_EMPTY as success, like the reference', () => {
    expect(() => checkSpidrReply(ok(reply(0x110, 0, 0x0606, [5])), 0x110, 0, 20)).not.toThrow();
  });
  it('flags a wrong code and a wrong device', () => {
    expect(() => checkSpidrReply(ok(reply(0x111, 0, 0, [5])), 0x110, 0, 20)).toThrow(
      /GET_DEVICEID: unexpected reply 0x10111 \(GET_DEVICEIDS\), expected 0x10110/,
    );
    expect(() => checkSpidrReply(ok(reply(0x110, 0, 0, [5])), 0x110, 1, 20)).toThrow(
      /unexpected device 0, expected 1/,
    );
    expect(() => parseSpidrReply(new Uint8Array(15))).toThrow(/no complete 16-byte header/);
  });
  it('names unknown command codes in hex', () => {
    expect(spidrCommandName(0x1234)).toBe('0x1234');
  });
});

describe('decodeSpidrError', () => {
  it('names every error id', () => {
    const names = [
      'NO_ERROR',
      'ERR_UNKNOWN_CMD',
      'ERR_MSG_LENGTH',
      'ERR_SEQUENCE',
      'ERR_ILLEGAL_PAR',
      'ERR_NOT_IMPLEMENTED',
      'ERR_TPX3_HARDW',
      'ERR_ADC_HARDW',
      'ERR_DAC_HARDW',
      'ERR_MON_HARDW',
      'ERR_FLASH_STORAGE',
      'ERR_MONITOR',
    ];
    names.forEach((name, id) => {
      const e = decodeSpidrError(id);
      expect(e.name).toBe(name);
      expect(e.ok).toBe(id === 0);
      expect(e.text).toBe(name);
    });
    expect(decodeSpidrError(12).name).toBe('UNKNOWN_ERROR_12');
    expect(decodeSpidrError(0x0304).text).toBe('ERR_ILLEGAL_PAR (sub-code 3)');
  });
  it('names every ERR_TPX3_HARDW sub-code and survives sub-code 12', () => {
    const subs = [
      'TPX3_ERR_SC_ILLEGAL',
      'TPX3_ERR_SC_STATE',
      'TPX3_ERR_SC_ERRSTATE',
      'TPX3_ERR_SC_WORDS',
      'TPX3_ERR_TX_TIMEOUT',
      'TPX3_ERR_EMPTY',
      'TPX3_ERR_NOTEMPTY',
      'TPX3_ERR_FULL',
      'TPX3_ERR_UNEXP_REPLY',
      'TPX3_ERR_UNEXP_HEADER',
      'TPX3_ERR_LINKS_UNLOCKED',
    ];
    subs.forEach((name, i) => {
      const e = decodeSpidrError(((i + 1) << 8) | 6);
      expect(e.subCode).toBe(i + 1);
      expect(e.subNames).toEqual([name]);
      expect(e.ok).toBe(name === 'TPX3_ERR_EMPTY');
    });
    expect(decodeSpidrError(0x0006).subNames).toEqual([]);
    expect(decodeSpidrError(0x0c06).text).toBe('ERR_TPX3_HARDW (unknown sub-code 12)');
  });
  it('decodes the ERR_MON_HARDW and ERR_MONITOR bit masks', () => {
    const bits = [
      'I2C_INIT',
      'LINK_INIT',
      'MPL_INIT',
      'MPU_INIT',
      'MAX6642_INIT',
      'INA219_0_INIT',
      'INA219_1_INIT',
      'I2C',
    ];
    bits.forEach((name, bit) => expect(decodeSpidrError(((1 << bit) << 8) | 9).subNames).toEqual([name]));
    expect(decodeSpidrError(0x0509).text).toBe('ERR_MON_HARDW (I2C_INIT, MPL_INIT)');
    expect(decodeSpidrError(0x010b).subNames).toEqual(['MON_ERR_TEMP_DAQ']);
    expect(decodeSpidrError(0x030b).subNames).toEqual(['MON_ERR_TEMP_DAQ', 'MON_ERR_POWER_DAQ']);
    expect(decodeSpidrError(0x040b).subNames).toEqual(['bit2']);
  });
  it('names every ERR_FLASH_STORAGE sub-code', () => {
    const subs = [
      'STORE_ERR_TPX',
      'STORE_ERR_WRITE',
      'STORE_ERR_WRITE_CHECK',
      'STORE_ERR_READ',
      'STORE_ERR_UNMATCHED_ID',
      'STORE_ERR_NOFLASH',
    ];
    subs.forEach((name, i) => expect(decodeSpidrError(((i + 1) << 8) | 10).subNames).toEqual([name]));
    expect(decodeSpidrError(0x070a).subNames).toEqual(['unknown sub-code 7']);
  });
});
