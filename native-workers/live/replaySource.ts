// The emulator's file replay (Decision 17; openSource in emulatorSource.ts picks it for a 'replay'
// configuration): a .raw file's own words (start-time header skipped), optionally looped, as
// DatagramBatches cut like the generated source's (cutDatagrams). A file chunk comes in a fresh
// buffer, so its datagrams are views of it without a copy. For pacing, each datagram carries its
// camera time from the file's own time packets (StreamClock): seconds, non-decreasing over the whole
// stream (loops included: a pass continues one mean datagram interval after the previous one), NaN
// while unknown. A looped file that fits in memory is read and cut once.
import { inspectRawFile, readWords, type RawFileInfo } from '../io/rawReader';
import { TimeTracker, fillExtendTable } from '../pipeline/globalTime';
import { COARSE_PER_SECOND } from '../pipeline/tpx3Encoder';
import { cutDatagrams, datagramWords, type DatagramBatch, type EmulatorSource } from './datagrams';

export interface ReplaySourceOptions {
  /** The .raw file. */
  path: string;
  /** Start again at the first word after the last. */
  loop?: boolean;
  maxDatagramBytes?: number;
  /** Bytes read from the file at a time. Default 1 MiB. */
  readChunkBytes?: number;
}

/** Opens and checks the file (a UserError names it and the problem) before anything is sent. */
export async function openReplaySource(
  options: ReplaySourceOptions,
  needTimes = true,
): Promise<ReplaySource> {
  const perDatagram = datagramWords(options.maxDatagramBytes);
  const info = await inspectRawFile(options.path);
  return new ReplaySource(
    info,
    perDatagram,
    options.loop === true,
    options.readChunkBytes ?? 1 << 20,
    needTimes,
  );
}

/**
 * Camera times of a Timepix3 word stream, per datagram: the global time follows the stream's time
 * packets (the file reading rules, TimeTracker); a datagram's time is that of its last pixel or TDC
 * word, extended with it, capped at 1.5 s after the global time (time packets come once a second, so
 * one corrupt word cannot hold the stream back) and never before the previous datagram's. NaN before
 * the first time packet.
 */
export class StreamClock {
  private readonly tracker = new TimeTracker();
  private readonly table = new Float64Array(4);
  private tableFor = -1;
  private last = -Infinity;

  /** Times for datagrams of `perDatagram` words of `words`; cameraTime[d] is written for each. */
  times(words: Uint32Array, perDatagram: number, out: Float64Array): void {
    const nWords = words.length >>> 1;
    for (let d = 0; d * perDatagram < nWords; d++) {
      const from = d * perDatagram;
      const to = Math.min(nWords, from + perDatagram);
      // Only the datagram's last pixel or TDC word gives its time: found from the end, then timed
      // in the forward pass over the time packets, with the global time in force at that word.
      let last = to - 1;
      while (last >= from && !timesDatagram(words[2 * last + 1])) last--;
      let coarse = -1;
      for (let i = from; i < to; i++) {
        const hi = words[2 * i + 1];
        if (i === last) coarse = this.coarseOf(words[2 * i], hi);
        else if (hi >>> 29 !== 5) this.timePacket(words[2 * i], hi);
      }
      if (this.tableFor < 0) {
        out[d] = NaN;
        continue;
      }
      const cap = this.tableFor / COARSE_PER_SECOND + 1.5;
      const t = coarse < 0 ? this.tableFor / COARSE_PER_SECOND : Math.min(coarse / COARSE_PER_SECOND, cap);
      this.last = Math.max(this.last, t);
      out[d] = this.last;
    }
  }

  /** The extended coarse time of a pixel or TDC word (-1 before the first global time). */
  private coarseOf(lo: number, hi: number): number {
    if (this.tableFor < 0) return -1;
    const table = this.table;
    if (hi >>> 29 === 5) {
      const arr = ((lo & 0xffff) << 14) | (lo >>> 30) | ((hi & 0xfff) << 2);
      return table[arr >>> 28] + arr;
    }
    const arr = ((lo >>> 12) | (hi << 20)) >>> 0;
    return table[(arr >>> 28) & 3] + (arr & 0x3fffffff);
  }

  /** Global-time packets move the clock; every other word is ignored. */
  private timePacket(lo: number, hi: number): void {
    const header = hi >>> 28;
    if (header !== 0x4 && header !== 0x6) return;
    const sub = (hi >>> 24) & 0xf;
    if (sub === 0x4) this.tracker.onLsb(((lo >>> 16) | (hi << 16)) >>> 0);
    else if (sub === 0x5) {
      this.tracker.onMsb(lo >>> 16);
      if (this.tracker.longtime !== this.tableFor) {
        fillExtendTable(this.tracker.longtime, this.table);
        this.tableFor = this.tracker.longtime;
      }
    }
  }
}

/** A pixel (0xA, 0xB) or TDC (0x4/0x6 with sub 0xF, 0xA, 0xE, 0xB) word: the words that time a datagram. */
function timesDatagram(hi: number): boolean {
  if (hi >>> 29 === 5) return true;
  const header = hi >>> 28;
  const sub = (hi >>> 24) & 0xf;
  return (header === 0x4 || header === 0x6) && (sub === 0xf || sub === 0xa || sub === 0xe || sub === 0xb);
}

/** A .raw file's own words, optionally looped; camera times continue across loops. */
export class ReplaySource implements EmulatorSource {
  readonly description: string;
  readonly timed: boolean;
  /** Completed passes over the file. */
  passes = 0;

  constructor(
    readonly info: RawFileInfo,
    private readonly perDatagram: number,
    readonly loop: boolean,
    private readonly readChunkBytes: number,
    needTimes = true,
  ) {
    this.timed = info.generation === 3 && needTimes;
    this.description =
      `replay of ${info.path} (${info.words.toLocaleString('en-US')} words` +
      `${info.generation === 4 ? ', Timepix4' : ''}${loop ? ', looped' : ''})`;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<DatagramBatch> {
    // Pacing offset of the current pass: its times continue one mean datagram interval after the
    // previous pass's last one.
    let offset = 0;
    // A looped file that fits is kept from the first pass (its datagrams and their own times), so
    // later passes neither read nor cut it again: about a tenth of a core at 300 MB/s.
    const keep = this.loop && this.info.words * 8 <= KEEP_LOOPED_BYTES;
    const kept: { batch: DatagramBatch; times: Float64Array }[] = [];
    for (;;) {
      let first = NaN;
      let last = NaN;
      let datagrams = 0;
      // Kept passes yield new time columns (the sender may still hold the earlier ones).
      const replayKept = keep && this.passes > 0;
      for await (const { batch, times } of replayKept ? kept : this.pass(keep ? kept : null)) {
        const out = replayKept ? { ...batch, cameraTime: new Float64Array(times.length) } : batch;
        for (let d = 0; d < times.length; d++) {
          const t = times[d];
          out.cameraTime[d] = t + offset;
          if (Number.isNaN(t)) continue;
          if (Number.isNaN(first)) first = t;
          last = t;
        }
        datagrams += batch.datagrams.length;
        yield out;
      }
      this.passes++;
      if (!this.loop || datagrams === 0) return;
      // Every pass sends the same words, so the next pass's first time is this pass's `first`.
      if (!Number.isNaN(first)) offset += last - first + (last - first) / Math.max(1, datagrams - 1);
    }
  }

  /** One pass over the file: its datagrams and their own camera times (NaN untimed); `kept`
   * collects them for later passes. */
  private async *pass(
    kept: { batch: DatagramBatch; times: Float64Array }[] | null,
  ): AsyncGenerator<{ batch: DatagramBatch; times: Float64Array }> {
    const clock = new StreamClock();
    for await (const words of readWords(this.info, this.readChunkBytes)) {
      const batch = cutDatagrams(words, this.perDatagram, () => NaN, this.info.generation);
      if (this.timed) clock.times(words, this.perDatagram, batch.cameraTime);
      // Kept times stay the file's own; the pass yielding them adds its offset to the batch's.
      const item = { batch, times: kept ? batch.cameraTime.slice() : batch.cameraTime };
      kept?.push(item);
      yield item;
    }
  }
}

/** Looped replays of files up to this size are kept in memory after the first pass. */
const KEEP_LOOPED_BYTES = 512 << 20;
