// Test helpers shared by virtualBoard.test.ts and virtualBoardConfig.test.ts: the board's error
// words, request payloads of big-endian words, and a board on chip 0 whose stream only records.
import { VirtualBoard, type Answer } from './virtualBoard';
import type { VirtualCameraStream } from './virtualCameraStream';

export const ERR_MSG_LENGTH = 2;
export const ERR_ILLEGAL_PAR = 4;
export const CHIP_ID = 0x1c68; // W0028_H06

/** A request payload of big-endian words. */
export function words(...ws: number[]): Buffer {
  const b = Buffer.alloc(4 * ws.length);
  ws.forEach((w, i) => b.writeUInt32BE(w >>> 0, 4 * i));
  return b;
}

/** What the board asked of its stream. */
export interface StreamLog {
  starts: { dest: { address: string; port: number }; longtime: number }[];
  stops: number;
  timePairs: number[];
}

export function fakeStream(): { log: StreamLog; stream: VirtualCameraStream } {
  const log: StreamLog = { starts: [], stops: 0, timePairs: [] };
  const stream = {
    start: (dest: { address: string; port: number }, longtime: number): Promise<void> => {
      log.starts.push({ dest: { ...dest }, longtime });
      return Promise.resolve();
    },
    stop: (): Promise<void> => {
      log.stops++;
      return Promise.resolve();
    },
    sendTimePair: (longtime: number): void => {
      log.timePairs.push(longtime);
    },
  };
  return { log, stream: stream as unknown as VirtualCameraStream };
}

export function board(): {
  b: VirtualBoard;
  log: StreamLog;
  ask: (code: number, payload?: Buffer) => Answer;
} {
  const { log, stream } = fakeStream();
  const b = new VirtualBoard(CHIP_ID, stream);
  return { b, log, ask: (code, payload = words(0)) => b.answer(code, 0, payload) };
}
