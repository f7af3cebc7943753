// The emulator's datagram contract, shared by its sources (emulatorSource.ts, replaySource.ts), the
// paced sender and the virtual camera: batches of UDP payloads of whole 8-byte words, each with the
// camera time that paces it and its count of pixel hits.
import { UserError } from '../../shared/userError';
import { TPX4_EOC } from '../pipeline/tpx4Decoder';

/** A realistic SPIDR datagram: 1024 words. */
export const DEFAULT_MAX_DATAGRAM_BYTES = 8192;
/** Largest UDP payload rounded down to whole words. */
export const MAX_DATAGRAM_BYTES = 65504;
/** Datagrams ready to send: payloads of whole words, and per datagram its camera time and hits. */
export interface DatagramBatch {
  datagrams: Uint8Array[];
  /** Camera time (s) of each datagram's last word, for pacing; non-decreasing; NaN when unknown. */
  cameraTime: Float64Array;
  /** Pixel hit words (Timepix3 headers 0xB and 0xA; Timepix4 eoc <= 0xDF) of each datagram. */
  hits: Uint32Array;
}

export interface EmulatorSource extends AsyncIterable<DatagramBatch> {
  /** One line for the operator. */
  readonly description: string;
  /** Whether datagrams carry camera times (pacing by camera time is possible). */
  readonly timed: boolean;
}

/** Words per datagram for a `maxDatagramBytes` option, checked (a UserError when out of range). */
export function datagramWords(maxDatagramBytes = DEFAULT_MAX_DATAGRAM_BYTES): number {
  if (!(
    Number.isInteger(maxDatagramBytes) &&
    maxDatagramBytes >= 8 &&
    maxDatagramBytes <= MAX_DATAGRAM_BYTES
  )) {
    throw new UserError(
      `datagram size must be a whole number of bytes in 8..${MAX_DATAGRAM_BYTES}, got ${maxDatagramBytes}`,
    );
  }
  return Math.floor(maxDatagramBytes / 8);
}

/**
 * Cuts `words` (interleaved uint32 halves, a buffer the batch may keep) into datagrams of at most
 * `perDatagram` words. `timeAt(endWord)` gives the camera time of the datagram ending before word
 * index endWord; hits are counted here (`camera` 4: the words are big-endian Timepix4 words).
 */
export function cutDatagrams(
  words: Uint32Array,
  perDatagram: number,
  timeAt: (endWord: number) => number,
  camera: 3 | 4 = 3,
): DatagramBatch {
  const nWords = words.length >>> 1;
  const n = Math.ceil(nWords / perDatagram);
  const batch: DatagramBatch = { datagrams: [], cameraTime: new Float64Array(n), hits: new Uint32Array(n) };
  for (let d = 0; d < n; d++) {
    const from = d * perDatagram;
    const to = Math.min(nWords, from + perDatagram);
    let hits = 0;
    if (camera === 4) {
      // The first uint32 holds bytes 0..3 of the word: eoc is byte 0's low 7 bits and byte 1's top bit.
      for (let i = from; i < to; i++) {
        const b = words[2 * i];
        if ((((b & 0x7f) << 1) | ((b >>> 15) & 1)) <= TPX4_EOC.PIXEL_EOC_MAX) hits++;
      }
    } else {
      for (let i = from; i < to; i++) if (words[2 * i + 1] >>> 29 === 0x5) hits++; // header 0xA or 0xB
    }
    batch.datagrams.push(new Uint8Array(words.buffer, words.byteOffset + from * 8, (to - from) * 8));
    batch.cameraTime[d] = timeAt(to);
    batch.hits[d] = hits;
  }
  return batch;
}
