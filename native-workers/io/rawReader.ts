// Reads a Timepix `.raw` file as a stream of whole 64-bit words in bounded chunks, so any file size
// converts in constant memory. Checks first that the file is one (Decision 6), detects the optional
// 8-byte start-time header (Decision 5), and counts a truncated last word instead of failing.
// Reads run one chunk ahead of the consumer, overlapping disk and decoding.
import { open, stat, type FileHandle } from 'node:fs/promises';
import { UserError } from '../../shared/userError';
import { LOOKS_LIKE_THRESHOLD, SAMPLE_BYTES, scoreGenerations } from '../pipeline/detectCamera';

const HEADER_MIN = 2n ** 60n;
const HEADER_MAX = 2n ** 61n;

export interface RawFileInfo {
  path: string;
  size: number;
  /** Start-time header in ns since the epoch, or null when the file has none. */
  startTimeNs: bigint | null;
  /** Byte offset of the first packet word. */
  dataOffset: number;
  /** Whole words after the header. */
  words: number;
  /** Bytes of an incomplete last word (0 normally). */
  truncatedBytes: number;
  generation: 3 | 4;
  /** Fraction of known packet kinds in the sampled start, for the chosen generation. */
  knownFraction: number;
}

/** Opens and checks a raw file; throws UserError naming the file and what is wrong with it. */
export async function inspectRawFile(path: string, camera?: 3 | 4): Promise<RawFileInfo> {
  let size: number;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new UserError(`${path} is a directory; give a .raw file`);
    size = st.size;
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${path}: no such file`);
    throw new UserError(`${path}: cannot read (${code ?? (err as Error).message})`);
  }
  if (size === 0) throw new UserError(`${path} is empty: not a raw file`);
  const fh = await openForReading(path);
  try {
    const sample = new Uint8Array(Math.min(size, SAMPLE_BYTES + 8));
    await readFully(fh, sample, 0);
    let startTimeNs: bigint | null = null;
    let dataOffset = 0;
    if (size >= 8) {
      const first = new DataView(sample.buffer).getBigUint64(0, true);
      if (first >= HEADER_MIN && first < HEADER_MAX) {
        startTimeNs = first;
        dataOffset = 8;
      }
    }
    const dataBytes = size - dataOffset;
    if (dataBytes < 8) {
      throw new UserError(
        startTimeNs !== null
          ? `${path} holds only the start-time header, no data`
          : `${path} is ${size} bytes, shorter than one 8-byte word: not a raw file`,
      );
    }
    const scores = scoreGenerations(sample.subarray(dataOffset));
    let generation: 3 | 4;
    if (camera !== undefined) generation = camera;
    else if (scores.tpx3 >= LOOKS_LIKE_THRESHOLD) generation = 3;
    else if (scores.tpx4 >= LOOKS_LIKE_THRESHOLD) generation = 4;
    else {
      throw new UserError(
        `${path} does not look like Timepix raw data: only ${pct(scores.tpx3)} of its first ${scores.words} words ` +
          `are Timepix3 packets and ${pct(scores.tpx4)} Timepix4 packets (at least ${pct(LOOKS_LIKE_THRESHOLD)} needed)`,
      );
    }
    // Timepix4 files have no start-time header (their first word is data, and about one in 16
    // big-endian words reads as a plausible header in little-endian): take it back.
    if (generation === 4 && startTimeNs !== null) {
      startTimeNs = null;
      dataOffset = 0;
    }
    const known = generation === 3 ? scores.tpx3 : scores.tpx4;
    if (known < LOOKS_LIKE_THRESHOLD) {
      throw new UserError(
        `${path} does not look like a Timepix${generation} file: only ${pct(known)} of its first ${scores.words} words ` +
          `are Timepix${generation} packets` +
          (generation === 3 && scores.tpx4 >= LOOKS_LIKE_THRESHOLD
            ? ' (it looks like Timepix4: try --camera 4)'
            : ''),
      );
    }
    return {
      path,
      size,
      startTimeNs,
      dataOffset,
      words: Math.floor((size - dataOffset) / 8),
      truncatedBytes: (size - dataOffset) % 8,
      generation,
      knownFraction: known,
    };
  } finally {
    await fh.close();
  }
}

function pct(f: number): string {
  return `${Math.round(f * 100)}%`;
}

async function openForReading(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (err) {
    throw new UserError(
      `${path}: cannot open (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
}

async function readFully(fh: FileHandle, into: Uint8Array, position: number): Promise<number> {
  let done = 0;
  while (done < into.length) {
    const { bytesRead } = await fh.read(into, done, into.length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/**
 * Yields the file's whole words as Uint32Array views (lo, hi interleaved) of at most `chunkBytes`,
 * each on a buffer of its own (so it may be transferred to another thread). The next chunk is read
 * while the caller works on the current one. `reuse` may hand back the buffer of a chunk the caller
 * is done with (one that was not transferred away): reading into it spares a fresh buffer's page
 * faults, zeroing and garbage.
 */
export async function* readWords(
  info: RawFileInfo,
  chunkBytes = 4 << 20,
  reuse?: () => ArrayBuffer | undefined,
): AsyncGenerator<Uint32Array> {
  const chunk = Math.max(8, chunkBytes - (chunkBytes % 8));
  const fh = await openForReading(info.path);
  try {
    const end = info.dataOffset + info.words * 8;
    const readAt = async (p: number): Promise<Uint8Array> => {
      const size = Math.min(chunk, end - p);
      const old = reuse?.();
      const buf = old && old.byteLength >= size ? new Uint8Array(old, 0, size) : new Uint8Array(size);
      const got = await readFully(fh, buf, p);
      return got === buf.length ? buf : buf.subarray(0, got - (got % 8));
    };
    let pos = info.dataOffset;
    let next: Promise<Uint8Array> | null = pos < end ? readAt(pos) : null;
    while (next) {
      const buf = await next;
      pos += buf.length;
      // A file that shrank while being read ends the stream early.
      next = buf.length > 0 && pos < end ? readAt(pos) : null;
      if (buf.length === 0) break;
      yield new Uint32Array(buf.buffer, 0, buf.length >>> 2);
    }
  } finally {
    await fh.close();
  }
}
