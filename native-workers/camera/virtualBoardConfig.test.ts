// What the virtual SPIDR board remembers (spidr-control.md sections 3, 10 and 11): DACs, bias,
// chip settings and the UDP destination, registers, trigger and pixel configuration, and the
// error word for values out of range or short payloads. Its other answers are in virtualBoard.test.ts.
import { describe, expect, it } from 'vitest';
import { TPX3_DACS } from './dacs';
import { packColumns, type PixelConfig } from './pixelUpload';
import { SPIDR_COMMANDS as C } from './spidrCommands';
import { BIAS_ADC_CHANNEL, VDDA_ADC_CHANNEL, biasVoltageFromAdc } from './spidrUnits';
import { ERR_ILLEGAL_PAR, ERR_MSG_LENGTH, board, words } from './virtualBoardTestKit';

describe('VirtualBoard: DACs', () => {
  it('starts with every DAC at the connect default, GET_DAC echoing the code', () => {
    const { ask, b } = board();
    expect(ask(C.GET_DAC, words(6))).toEqual({ error: 0, words: [(6 << 16) | 420] });
    expect(ask(C.GET_DAC, words(4))).toEqual({ error: 0, words: [(4 << 16) | 5] });
    for (const d of TPX3_DACS) expect(b.dac(d.code), d.name).toBe(d.connectDefault);
  });

  it('sets a DAC up to its maximum and reads it back', () => {
    const { ask, b } = board();
    expect(ask(C.SET_DAC, words((6 << 16) | 511))).toEqual({ error: 0, words: [0] });
    expect(ask(C.GET_DAC, words(6)).words).toEqual([(6 << 16) | 511]);
    expect(ask(C.SET_DAC, words((7 << 16) | 0))).toEqual({ error: 0, words: [0] });
    expect(b.dac(7)).toBe(0);
    expect(b.dac(6)).toBe(511);
  });

  it('rejects a value above the DAC’s range and leaves the DAC as it was', () => {
    const { ask, b } = board();
    expect(ask(C.SET_DAC, words((6 << 16) | 512))).toEqual({ error: ERR_ILLEGAL_PAR });
    expect(ask(C.SET_DAC, words((7 << 16) | 16))).toEqual({ error: ERR_ILLEGAL_PAR });
    expect(ask(C.SET_DAC, words((18 << 16) | 256))).toEqual({ error: ERR_ILLEGAL_PAR });
    expect(b.dac(6)).toBe(420);
    expect(b.dac(7)).toBe(6);
    expect(b.dac(18)).toBe(128);
  });

  it('rejects DAC codes outside 1..18 for set and get', () => {
    const { ask, b } = board();
    expect(ask(C.SET_DAC, words((0 << 16) | 1))).toEqual({ error: ERR_ILLEGAL_PAR });
    expect(ask(C.SET_DAC, words((19 << 16) | 1))).toEqual({ error: ERR_ILLEGAL_PAR });
    expect(ask(C.GET_DAC, words(0))).toEqual({ error: ERR_ILLEGAL_PAR });
    expect(ask(C.GET_DAC, words(19))).toEqual({ error: ERR_ILLEGAL_PAR });
    expect(b.dac(19)).toBeUndefined();
  });

  it('puts every DAC back to its connect default on SET_DACS_DFLT', () => {
    const { ask, b } = board();
    ask(C.SET_DAC, words((6 << 16) | 1));
    ask(C.SET_DAC, words((12 << 16) | 2));
    expect(ask(C.SET_DACS_DFLT)).toEqual({ error: 0, words: [0] });
    expect(b.dac(6)).toBe(420);
    expect(b.dac(12)).toBe(192);
  });
});

describe('VirtualBoard: bias', () => {
  it('delivers no bias until the supply is enabled, then 12..104 V over the adjust range', () => {
    const { ask, b } = board();
    expect(b.biasVolts).toBe(0);
    expect(ask(C.SET_BIAS_ADJUST, words(4095))).toEqual({ error: 0, words: [0] });
    expect(b.biasVolts).toBe(0);
    expect(ask(C.BIAS_SUPPLY_ENA, words(1))).toEqual({ error: 0, words: [0] });
    expect(b.biasVolts).toBe(104);
    ask(C.SET_BIAS_ADJUST, words(0));
    expect(b.biasVolts).toBe(12);
    ask(C.SET_BIAS_ADJUST, words(2002));
    expect(b.biasVolts).toBeCloseTo(12 + (2002 * 92) / 4095, 12);
    ask(C.BIAS_SUPPLY_ENA, words(0));
    expect(b.biasVolts).toBe(0);
  });

  it('rejects an adjust above 4095 and keeps the last one', () => {
    const { ask, b } = board();
    ask(C.BIAS_SUPPLY_ENA, words(1));
    ask(C.SET_BIAS_ADJUST, words(0));
    expect(ask(C.SET_BIAS_ADJUST, words(4096))).toEqual({ error: ERR_ILLEGAL_PAR });
    expect(b.biasVolts).toBe(12);
  });

  it('reads the bias on ADC channel 1 as adc * 150 / 4096 V, and VDDA on channel 2', () => {
    const { ask } = board();
    expect(ask(C.GET_SPIDR_ADC, words(BIAS_ADC_CHANNEL))).toEqual({ error: 0, words: [0] });
    ask(C.BIAS_SUPPLY_ENA, words(1));
    ask(C.SET_BIAS_ADJUST, words(0));
    expect(ask(C.GET_SPIDR_ADC, words(BIAS_ADC_CHANNEL)).words).toEqual([328]); // 12 V
    ask(C.SET_BIAS_ADJUST, words(4095));
    // The sample count in the upper half is ignored.
    const adc = ask(C.GET_SPIDR_ADC, words((16 << 16) | BIAS_ADC_CHANNEL)).words![0];
    expect(adc).toBe(2840); // 104 V
    expect(Math.abs(biasVoltageFromAdc(adc) - 104)).toBeLessThan(150 / 4096);
    // VDDA, 1.5 V, halved by the divider: half of full scale.
    expect(ask(C.GET_SPIDR_ADC, words(VDDA_ADC_CHANNEL)).words).toEqual([2048]);
    expect(ask(C.GET_SPIDR_ADC, words(3))).toEqual({ error: ERR_ILLEGAL_PAR });
  });
});

describe('VirtualBoard: chip settings and the UDP destination', () => {
  const initial: [string, number, number][] = [
    ['GENCONFIG', C.GET_GENCONFIG, 0],
    ['PLLCONFIG', C.GET_PLLCONFIG, 0],
    ['OUTBLOCKCONFIG', C.GET_OUTBLOCKCONFIG, 0],
    ['SLVSCONFIG', C.GET_SLVSCONFIG, 0],
    ['PWRPULSECONFIG', C.GET_PWRPULSECONFIG, 0],
    ['TPPERIODPHASE', C.GET_TPPERIODPHASE, 4],
    ['TPNUMBER', C.GET_TPNUMBER, 0],
    ['READOUTSPEED', C.GET_READOUTSPEED, 640],
    ['HEADERFILTER', C.GET_HEADERFILTER, 0xffff],
    ['IPADDR_SRC', C.GET_IPADDR_SRC, 0x7f000001],
    ['IPADDR_DEST', C.GET_IPADDR_DEST, 0x7f000001],
    ['SERVERPORT', C.GET_SERVERPORT, 8192],
  ];

  it('starts each setting at its initial value', () => {
    const { ask } = board();
    for (const [name, get, value] of initial) {
      expect(ask(get), name).toEqual({ error: 0, words: [value] });
    }
  });

  it('returns what was set, for every setting', () => {
    const { ask } = board();
    const pairs: [number, number][] = [
      [C.SET_GENCONFIG, C.GET_GENCONFIG],
      [C.SET_PLLCONFIG, C.GET_PLLCONFIG],
      [C.SET_OUTBLOCKCONFIG, C.GET_OUTBLOCKCONFIG],
      [C.SET_SLVSCONFIG, C.GET_SLVSCONFIG],
      [C.SET_PWRPULSECONFIG, C.GET_PWRPULSECONFIG],
      [C.SET_TPPERIODPHASE, C.GET_TPPERIODPHASE],
      [C.SET_TPNUMBER, C.GET_TPNUMBER],
      [C.SET_READOUTSPEED, C.GET_READOUTSPEED],
      [C.SET_HEADERFILTER, C.GET_HEADERFILTER],
      [C.SET_IPADDR_SRC, C.GET_IPADDR_SRC],
      [C.SET_IPADDR_DEST, C.GET_IPADDR_DEST],
      [C.SET_SERVERPORT, C.GET_SERVERPORT],
    ];
    // A distinct value per setting, so a set landing on the wrong get shows.
    pairs.forEach(([set], i) => expect(ask(set, words(0x1000 + i))).toEqual({ error: 0, words: [0] }));
    expect(pairs.map(([, get]) => ask(get).words)).toEqual(pairs.map((_, i) => [0x1000 + i]));
  });

  it('sends chip 0’s data to the destination address and server port set over TCP', () => {
    const { ask, b } = board();
    expect(b.udpDestination).toEqual({ address: '127.0.0.1', port: 8192 });
    ask(C.SET_IPADDR_DEST, words(0xc0a86401)); // 192.168.100.1
    ask(C.SET_SERVERPORT, words(8200));
    expect(b.udpDestination).toEqual({ address: '192.168.100.1', port: 8200 });
  });
});

describe('VirtualBoard: registers and trigger configuration', () => {
  it('reads the link status register as all 8 links enabled and locked, other registers as 0', () => {
    const { ask } = board();
    expect(ask(C.GET_SPIDRREG, words(0x0300))).toEqual({ error: 0, words: [0x0300, 0x00ff0000] });
    expect(ask(C.GET_SPIDRREG, words(0x02b8))).toEqual({ error: 0, words: [0x02b8, 0] });
  });

  it('remembers registers written with SET_SPIDRREG', () => {
    const { ask } = board();
    expect(ask(C.SET_SPIDRREG, words(0x01c8, 0x03000000))).toEqual({ error: 0, words: [0] });
    expect(ask(C.SET_SPIDRREG, words(0x0300, 0))).toEqual({ error: 0, words: [0] });
    expect(ask(C.GET_SPIDRREG, words(0x01c8)).words).toEqual([0x01c8, 0x03000000]);
    expect(ask(C.GET_SPIDRREG, words(0x0300)).words).toEqual([0x0300, 0]);
    expect(ask(C.SET_SPIDRREG, words(0x02b8))).toEqual({ error: ERR_MSG_LENGTH });
    expect(ask(C.GET_SPIDRREG, words(0x02b8)).words).toEqual([0x02b8, 0]);
  });

  it('remembers the trigger configuration, the delay defaulting to 0', () => {
    const { ask } = board();
    expect(ask(C.GET_TRIGCONFIG)).toEqual({ error: 0, words: [0, 10000, 5, 1, 0] });
    expect(ask(C.SET_TRIGCONFIG, words(4, 0, 1000, 0, 250))).toEqual({ error: 0, words: [0] });
    expect(ask(C.GET_TRIGCONFIG).words).toEqual([4, 0, 1000, 0, 250]);
    expect(ask(C.SET_TRIGCONFIG, words(6, 100, 10, 3))).toEqual({ error: 0, words: [0] });
    expect(ask(C.GET_TRIGCONFIG).words).toEqual([6, 100, 10, 3, 0]);
  });

  it('rejects a trigger mode above 6 (illegal) or fewer than 4 words (length), keeping the last configuration', () => {
    const { ask } = board();
    ask(C.SET_TRIGCONFIG, words(4, 0, 1000, 0));
    expect(ask(C.SET_TRIGCONFIG, words(7, 0, 1000, 0))).toEqual({ error: ERR_ILLEGAL_PAR });
    expect(ask(C.SET_TRIGCONFIG, words(4, 0, 1000))).toEqual({ error: ERR_MSG_LENGTH });
    expect(ask(C.GET_TRIGCONFIG).words).toEqual([4, 0, 1000, 0, 0]);
  });
});

describe('VirtualBoard: pixel configuration', () => {
  /** A configuration with a different 6-bit value in every pixel of the first columns. */
  function config(): PixelConfig {
    const mask = new Uint8Array(65536);
    const thresholdAdjust = new Uint8Array(65536);
    const testBits = new Uint8Array(65536);
    for (let y = 0; y < 256; y++) {
      for (let x = 0; x < 256; x++) {
        const v = (x * 7 + y * 3) & 0x3f;
        const i = y * 256 + x;
        mask[i] = v & 1;
        thresholdAdjust[i] = (v >> 1) & 0xf;
        testBits[i] = v >> 5;
      }
    }
    return { mask, thresholdAdjust, testBits };
  }
  const expected = (x: number, y: number): number => (x * 7 + y * 3) & 0x3f;

  it('unpacks what the client packs (3 columns a message) and reads it back column by column', () => {
    const { ask, b } = board();
    const bytes = packColumns(config(), 3, 3);
    expect(ask(C.SET_PIXCONF, Buffer.concat([words(3), bytes]))).toEqual({ error: 0, words: [0] });
    for (const x of [3, 4, 5]) {
      for (const y of [0, 1, 2, 3, 4, 127, 254, 255])
        expect(b.pixel(x, y), `(${x}, ${y})`).toBe(expected(x, y));
      const a = ask(C.GET_PIXCONF, words(x));
      expect(a.error).toBe(0);
      expect(a.words).toEqual([x]);
      expect(Array.from(a.bytes!)).toEqual(Array.from({ length: 256 }, (_, y) => expected(x, y)));
    }
    // Columns either side untouched.
    expect(Array.from(ask(C.GET_PIXCONF, words(2)).bytes!)).toEqual(new Array(256).fill(0));
    expect(Array.from(ask(C.GET_PIXCONF, words(6)).bytes!)).toEqual(new Array(256).fill(0));
  });

  it('takes column 255 alone, and clears every pixel on RESET_PIXELS', () => {
    const { ask, b } = board();
    expect(ask(C.SET_PIXCONF, Buffer.concat([words(255), packColumns(config(), 255, 1)]))).toEqual({
      error: 0,
      words: [0],
    });
    expect(b.pixel(255, 10)).toBe(expected(255, 10));
    expect(b.pixel(255, 10)).not.toBe(0);
    expect(ask(C.RESET_PIXELS)).toEqual({ error: 0, words: [0] });
    expect(b.pixel(255, 10)).toBe(0);
  });

  it('rejects a payload that is not whole columns or runs past column 255, changing nothing', () => {
    const { ask, b } = board();
    const three = packColumns(config(), 253, 3);
    expect(ask(C.SET_PIXCONF, Buffer.concat([words(0), three.subarray(0, 191)]))).toEqual({
      error: ERR_ILLEGAL_PAR,
    });
    expect(ask(C.SET_PIXCONF, Buffer.concat([words(254), three]))).toEqual({ error: ERR_ILLEGAL_PAR });
    expect(b.pixel(0, 1)).toBe(0);
    expect(b.pixel(254, 1)).toBe(0);
    // 253 + 3 columns ends exactly at 255.
    expect(ask(C.SET_PIXCONF, Buffer.concat([words(253), three]))).toEqual({ error: 0, words: [0] });
    expect(b.pixel(255, 1)).toBe(expected(255, 1));
  });

  it('answers a SET_PIXCONF with a column but no pixel bytes as too short, as a missing argument', () => {
    const { ask } = board();
    expect(ask(C.SET_PIXCONF, words(0))).toEqual({ error: ERR_MSG_LENGTH });
    expect(ask(C.SET_PIXCONF)).toEqual({ error: ERR_MSG_LENGTH });
  });

  it('rejects GET_PIXCONF for a column above 255', () => {
    const { ask } = board();
    expect(ask(C.GET_PIXCONF, words(256))).toEqual({ error: ERR_ILLEGAL_PAR });
  });
});
