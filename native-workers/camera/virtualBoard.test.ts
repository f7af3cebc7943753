// The virtual SPIDR board's answers (spidr-control.md sections 3, 10 and 11): its identity and
// monitoring values, the error word for unknown commands, bad arguments and short payloads, the
// 48-bit timer in 25 ns ticks, and the shutter starting and stopping the UDP stream (with a time
// pair per timer read while open). What it remembers is in virtualBoardConfig.test.ts.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SPIDR_COMMANDS as C } from './spidrCommands';
import {
  VIRTUAL_FIRMWARE_VERSION,
  VIRTUAL_SOFTWARE_VERSION,
  VirtualBoard,
  type Answer,
} from './virtualBoard';
import { CHIP_ID, ERR_ILLEGAL_PAR, ERR_MSG_LENGTH, board, fakeStream, words } from './virtualBoardTestKit';

const ERR_UNKNOWN_CMD = 1;
const ERR_NOT_IMPLEMENTED = 5;

/** The board's clock: process.hrtime.bigint(), in ns, moved by the test. */
let nowNs = 0n;

beforeEach(() => {
  nowNs = 1_000_000_000_000n;
  vi.spyOn(process.hrtime, 'bigint').mockImplementation(() => nowNs);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('VirtualBoard: identity and monitoring', () => {
  it('answers versions, one chip with its id, the chip board id and the device port', () => {
    const { ask } = board();
    expect(ask(C.GET_SOFTWVERSION)).toEqual({ error: 0, words: [VIRTUAL_SOFTWARE_VERSION] });
    expect(ask(C.GET_FIRMWVERSION)).toEqual({ error: 0, words: [VIRTUAL_FIRMWARE_VERSION] });
    expect(ask(C.GET_DEVICECOUNT)).toEqual({ error: 0, words: [1] });
    expect(ask(C.GET_DEVICEID)).toEqual({ error: 0, words: [CHIP_ID] });
    expect(ask(C.GET_DEVICEIDS)).toEqual({ error: 0, words: [CHIP_ID] });
    expect(ask(C.GET_CHIPBOARDID)).toEqual({ error: 0, words: [1] });
    expect(ask(C.GET_DEVICEPORT)).toEqual({ error: 0, words: [8192] });
  });

  it('answers supply readings as three words and the environment as one', () => {
    const { ask } = board();
    expect(ask(C.GET_AVDD).words).toEqual([1500, 900, 1350]);
    expect(ask(C.GET_AVDD_NOW).words).toEqual([1500, 900, 1350]);
    expect(ask(C.GET_DVDD).words).toEqual([1500, 600, 900]);
    expect(ask(C.GET_DVDD_NOW).words).toEqual([1500, 600, 900]);
    expect(ask(C.GET_VDD).words).toEqual([1500, 300, 450]);
    expect(ask(C.GET_VDD_NOW).words).toEqual([1500, 300, 450]);
    expect(ask(C.GET_HUMIDITY).words).toEqual([30]);
    expect(ask(C.GET_PRESSURE).words).toEqual([1013]);
    expect(ask(C.GET_FANSPEED).words).toEqual([3000]);
  });

  it('answers temperatures in m°C within 0.25 °C of 38, 45 and 52 °C', () => {
    const { ask } = board();
    for (const [code, milli] of [
      [C.GET_LOCALTEMP, 38_000],
      [C.GET_REMOTETEMP, 45_000],
      [C.GET_FPGATEMP, 52_000],
    ]) {
      for (let i = 0; i < 20; i++) {
        const a = ask(code);
        expect(a.error).toBe(0);
        expect(a.words).toHaveLength(1);
        expect(Math.abs(a.words![0] - milli)).toBeLessThanOrEqual(250);
      }
    }
  });
});

describe('VirtualBoard: errors', () => {
  it('answers a code outside the command table with ERR_UNKNOWN_CMD', () => {
    const { ask, b } = board();
    expect(ask(0x999)).toEqual({ error: ERR_UNKNOWN_CMD });
    expect(ask(0xffff)).toEqual({ error: ERR_UNKNOWN_CMD });
    // Before the device check: an unknown code is unknown on any device.
    expect(b.answer(0x999, 3, words(0))).toEqual({ error: ERR_UNKNOWN_CMD });
  });

  it('answers known commands it does not model with ERR_NOT_IMPLEMENTED', () => {
    const { ask } = board();
    for (const code of [C.NOP, C.GET_CTPR, C.SET_EXTDAC, C.GET_SHUTTERSTART, C.GET_BOARDID, C.SET_FANSPEED]) {
      expect(ask(code), `code 0x${code.toString(16)}`).toEqual({ error: ERR_NOT_IMPLEMENTED });
    }
  });

  it('answers any device but chip 0 with ERR_ILLEGAL_PAR', () => {
    const { b } = board();
    expect(b.answer(C.GET_DEVICEID, 1, words(0))).toEqual({ error: ERR_ILLEGAL_PAR });
    expect(b.answer(C.SET_DAC, 3, words((6 << 16) | 100))).toEqual({ error: ERR_ILLEGAL_PAR });
    expect(b.dac(6)).toBe(420);
  });

  it('answers a missing or short argument with ERR_MSG_LENGTH', () => {
    const { ask } = board();
    const empty = Buffer.alloc(0);
    for (const code of [C.GET_DAC, C.SET_DAC, C.BIAS_SUPPLY_ENA, C.SET_BIAS_ADJUST, C.GET_SPIDR_ADC]) {
      expect(ask(code, empty), `code 0x${code.toString(16)}`).toEqual({ error: ERR_MSG_LENGTH });
    }
    for (const code of [C.GET_PIXCONF, C.SET_PIXCONF, C.GET_SPIDRREG, C.SET_GENCONFIG, C.SET_SERVERPORT]) {
      expect(ask(code, Buffer.alloc(3)), `code 0x${code.toString(16)}`).toEqual({ error: ERR_MSG_LENGTH });
    }
  });

  it('acknowledges the set-only commands it needs no state for', () => {
    const { ask } = board();
    for (const code of [
      C.RESET_DEVICE,
      C.RESET_DEVICES,
      C.REINIT_DEVICE,
      C.REINIT_DEVICES,
      C.SET_BUSY,
      C.CLEAR_BUSY,
      C.DDRIVEN_READOUT,
      C.DECODERS_ENA,
      C.PAUSE_READOUT,
      C.RESET_COUNTERS,
      C.T0_SYNC,
      C.SET_SENSEDAC,
      C.SET_OUTPUTMASK,
    ]) {
      expect(ask(code), `code 0x${code.toString(16)}`).toEqual({ error: 0, words: [0] });
    }
  });
});

describe('VirtualBoard: timer', () => {
  /** The 48-bit timer from GET_TIMER's lo, hi words. */
  function timer(ask: (code: number, payload?: Buffer) => Answer): number {
    const a = ask(C.GET_TIMER);
    expect(a.error).toBe(0);
    expect(a.words).toHaveLength(2);
    const [lo, hi] = a.words!;
    expect(lo).toBeLessThanOrEqual(0xffffffff);
    expect(hi).toBeLessThanOrEqual(0xffff);
    return hi * 2 ** 32 + lo;
  }

  it('counts 25 ns ticks from the board’s start', () => {
    const { ask } = board();
    expect(ask(C.GET_TIMER)).toEqual({ error: 0, words: [0, 0] });
    nowNs += 1_000_000n; // 1 ms
    expect(timer(ask)).toBe(40_000);
    nowNs += 24n; // not yet a tick
    expect(timer(ask)).toBe(40_000);
    nowNs += 1n;
    expect(timer(ask)).toBe(40_001);
  });

  it('counts on from the value SET_TIMER sets, the high word taking 16 bits', () => {
    const { ask } = board();
    nowNs += 5_000_000n;
    expect(ask(C.SET_TIMER, words(0xfffffffe, 0xabcd0012))).toEqual({ error: 0, words: [0] });
    expect(ask(C.GET_TIMER).words).toEqual([0xfffffffe, 0x12]);
    nowNs += 75n; // 3 ticks: carries into the high word
    expect(ask(C.GET_TIMER).words).toEqual([1, 0x13]);
  });

  it('wraps at 48 bits', () => {
    const { ask } = board();
    ask(C.SET_TIMER, words(0xffffffff, 0xffff));
    nowNs += 50n;
    expect(ask(C.GET_TIMER).words).toEqual([1, 0]);
  });

  it('restarts from 0 on RESET_TIMER and RESTART_TIMERS', () => {
    const { ask } = board();
    for (const code of [C.RESET_TIMER, C.RESTART_TIMERS]) {
      ask(C.SET_TIMER, words(123_456, 7));
      nowNs += 1_000_000n;
      expect(ask(code)).toEqual({ error: 0, words: [0] });
      expect(ask(C.GET_TIMER).words).toEqual([0, 0]);
      nowNs += 250n;
      expect(timer(ask)).toBe(10);
    }
  });

  it('answers SET_TIMER without both words with ERR_MSG_LENGTH and keeps counting', () => {
    const { ask } = board();
    nowNs += 2500n;
    expect(ask(C.SET_TIMER, words(5))).toEqual({ error: ERR_MSG_LENGTH });
    expect(timer(ask)).toBe(100);
  });
});

describe('VirtualBoard: shutter and stream', () => {
  it('starts the stream at the destination and timer value on AUTOTRIG_START and stops it on AUTOTRIG_STOP', () => {
    const { ask, b, log } = board();
    ask(C.SET_IPADDR_DEST, words(0xc0a80101)); // 192.168.1.1
    ask(C.SET_SERVERPORT, words(8193));
    nowNs += 1_000_000n;
    expect(b.shutterOpen).toBe(false);
    expect(ask(C.AUTOTRIG_START)).toEqual({ error: 0, words: [0] });
    expect(b.shutterOpen).toBe(true);
    expect(log.starts).toEqual([{ dest: { address: '192.168.1.1', port: 8193 }, longtime: 40_000 }]);
    expect(log.stops).toBe(0);
    expect(ask(C.AUTOTRIG_STOP)).toEqual({ error: 0, words: [0] });
    expect(b.shutterOpen).toBe(false);
    expect(log.stops).toBe(1);
    expect(log.starts).toHaveLength(1);
  });

  it('closes the shutter again when the stream cannot start, without an unhandled rejection', async () => {
    const { log, stream } = fakeStream();
    stream.start = (): Promise<void> => Promise.reject(new Error('EINVAL: bad destination'));
    const b = new VirtualBoard(CHIP_ID, stream);
    expect(b.answer(C.AUTOTRIG_START, 0, words(0))).toEqual({ error: 0, words: [0] });
    await new Promise((r) => setImmediate(r));
    expect(b.shutterOpen).toBe(false);
    expect(log.stops).toBe(0);
  });

  it('writes a time pair into the stream on each GET_TIMER while the shutter is open, and only then', () => {
    const { ask, log } = board();
    nowNs += 250n;
    ask(C.GET_TIMER); // shutter closed: no pair
    ask(C.AUTOTRIG_START);
    nowNs += 250n;
    ask(C.GET_TIMER);
    nowNs += 1_000_000_000n;
    const a = ask(C.GET_TIMER);
    ask(C.AUTOTRIG_STOP);
    nowNs += 250n;
    ask(C.GET_TIMER); // closed again
    expect(log.timePairs).toEqual([20, 40_000_020]);
    // The pair carries the value the reply carries.
    expect(a.words).toEqual([40_000_020, 0]);
  });
});
