// The one Timepix3 word decoder: SPIDR packets (interleaved little-endian uint32 halves, exactly the
// bytes of a .raw file or a UDP datagram) to column batches of hits and trigger edges, plus counts of
// every packet kind. Used by the converter, the live pipeline, the emulator's self-check and tests.
//
// Two time modes. 'file': the reading rules of timepix3-format.md (nothing before the first MSB,
// longtime from the stream's own time packets with the jump rules). 'live': each batch is decoded with
// the one longtime handed in beside it; the batch's time packets only update `time` for the caller's
// next batch (Decision 8). Field formulas and float64 evaluation order follow the format doc exactly.
import type { HitBatch, TriggerEdges } from '../../shared/batches';
import type { Orientation } from '../../shared/processingSettings';
import { assertNever } from '../../shared/assertNever';
import { TimeTracker } from './globalTime';
import { newHitBatch, newTriggerEdges, pushEdge } from './hitColumns';
import { KERNEL_SLICE, Tpx3Kernel } from './tpx3Kernel';
import { type PacketCounts, newPacketCounts } from './packetCounts';

export interface DecoderConfig {
  orientation: Orientation;
  offsetX: number;
  offsetY: number;
  /** Hit time-walk LUT, seconds; entry i corrects ToT (i + 1) * 25 ns (Decision 4). */
  hitLut?: Float64Array;
  timeMode: 'file' | 'live';
}

/** Decoder output for one batch, valid until the next decode: the hit columns are views of the
 * decoder's kernel memory; the edge lists are reused and grown as needed. */
export interface DecodedBatch {
  hits: HitBatch;
  /** All TDC1 edges in packet order, seconds, falling edges negative. */
  tdc1: TriggerEdges;
  tdc2: TriggerEdges;
  /** TDC1 rising edges (the event triggers), seconds. */
  triggers: TriggerEdges;
}

/** An empty batch: the first decode puts its kernel's hit columns in it. */
export function newDecodedBatch(): DecodedBatch {
  return {
    hits: newHitBatch(0),
    tdc1: newTriggerEdges(),
    tdc2: newTriggerEdges(),
    triggers: newTriggerEdges(),
  };
}

/** Subtracts the time-walk of each hit's ToT: entry i corrects ToT (i + 1) * 25 ns (Decision 4). */
function applyTimewalk(hits: HitBatch, lut: Float64Array): void {
  const { toa, tot } = hits;
  const last = lut.length - 1;
  for (let i = 0; i < hits.n; i++) {
    let q = Math.floor(tot[i] / 25) - 1;
    q = q < 0 ? 0 : q > last ? last : q;
    toa[i] -= lut[q];
  }
}

export class Tpx3Decoder {
  readonly time = new TimeTracker();
  readonly counts: PacketCounts = newPacketCounts();
  private readonly kernel = new Tpx3Kernel();
  private tableFor = -1;
  /** Hits can be placed in time (file mode: a global-time pair was seen). */
  private started = false;

  constructor(readonly config: DecoderConfig) {}

  /**
   * Decodes `words` (2 uint32 per packet) into `out`, which is reset first. In live mode pass the
   * batch's longtime; in file mode it is taken from the stream.
   */
  decode(words: Uint32Array, out: DecodedBatch, liveLongtime = -1): void {
    const n = words.length >>> 1;
    out.tdc1.n = 0;
    out.tdc2.n = 0;
    out.triggers.n = 0;
    const live = this.config.timeMode === 'live';
    if (live) this.setTable(liveLongtime);
    else if (this.time.longtime >= 0) this.setTable(this.time.longtime);
    this.started = live || this.time.longtime >= 0;
    const kernel = this.kernel;
    kernel.reserve(n);
    let nh = 0;
    for (let s = 0; s < n; s += KERNEL_SLICE) {
      const len = Math.min(KERNEL_SLICE, n - s);
      kernel.words.set(words.subarray(2 * s, 2 * (s + len)));
      // Pixels and TDC packets go to the kernel; every other packet (and everything before the time
      // is known) is handled here, one at a time, between the kernel's runs.
      for (let j = 0; j < len; j++) {
        if (this.started) {
          j = kernel.pixels(j, len, nh);
          nh = kernel.count;
          this.takeEdges(out);
          if (j === len) break;
        }
        this.other(words[2 * (s + j)], words[2 * (s + j) + 1], out, live);
      }
    }
    // The hits are the kernel's columns: views, valid until the next decode.
    const hits = out.hits;
    hits.x = kernel.hits.x;
    hits.y = kernel.hits.y;
    hits.toa = kernel.hits.toa;
    hits.tot = kernel.hits.tot;
    hits.n = nh;
    this.counts.pixels += nh;
    if (this.config.hitLut) applyTimewalk(hits, this.config.hitLut);
    this.orient(hits);
  }

  /** The TDC edges the kernel met, to their lists in packet order (falling edges negative). */
  private takeEdges(out: DecodedBatch): void {
    const { edgeCount, edgeTimes, edgeKinds } = this.kernel;
    const c = this.counts;
    for (let e = 0; e < edgeCount[0]; e++) {
      const t = edgeTimes[e];
      switch (edgeKinds[e]) {
        case 1:
          c.tdc1Rise++;
          pushEdge(out.tdc1, t);
          pushEdge(out.triggers, t);
          break;
        case 2:
          c.tdc1Fall++;
          pushEdge(out.tdc1, -t);
          break;
        case 3:
          c.tdc2Rise++;
          pushEdge(out.tdc2, t);
          break;
        default:
          c.tdc2Fall++;
          pushEdge(out.tdc2, -t);
      }
    }
    edgeCount[0] = 0;
  }

  /** One packet that is not a pixel the kernel took: time, trigger, SPIDR and other packets. */
  private other(lo: number, hi: number, out: DecodedBatch, live: boolean): void {
    const c = this.counts;
    const header = hi >>> 28;
    if (header === 0xb || header === 0xa) {
      // The kernel takes every pixel once the time is known; before that they cannot be placed.
      c.droppedBeforeTime++;
      return;
    }
    const sub = (hi >>> 24) & 0xf;
    if (header === 0x6 || header === 0x4) {
      if (sub === 0x4) {
        c.timeLsb++;
        this.time.onLsb(((lo >>> 16) | (hi << 16)) >>> 0);
        return;
      }
      if (sub === 0x5) {
        c.timeMsb++;
        if (this.time.onMsb(lo >>> 16) && !live) this.setTable(this.time.longtime);
        if (!live) this.started = true;
        return;
      }
      const isTdc1 = sub === 0xf || sub === 0xa;
      const isTdc2 = header === 0x6 && (sub === 0xe || sub === 0xb);
      if (!isTdc1 && !isTdc2) {
        c.otherTime++;
        return;
      }
      // TDC packets: the kernel takes them once the time is known; before that they cannot be placed.
      c.droppedBeforeTime++;
      return;
    }
    if (header === 0x5) {
      if (sub === 0x0) c.packetId++;
      else if (sub === 0xf) c.shutterOpen++;
      else if (sub === 0xa) c.shutterClose++;
      else if (sub === 0xc) c.heartbeat++;
      else c.otherSpidr++;
      return;
    }
    if (header === 0x7) {
      c.control++;
      return;
    }
    c.unknownByHeader[header]++;
  }

  private setTable(longtime: number): void {
    if (longtime === this.tableFor) return;
    if (longtime < 0 || longtime >= 2 ** 48) throw new Error(`invalid longtime ${longtime}`);
    this.kernel.setTable(longtime);
    this.tableFor = longtime;
  }

  /** Orientation and position offset, applied in place (a no-op for Up without offset). */
  private orient(h: HitBatch): void {
    const { orientation, offsetX: ox, offsetY: oy } = this.config;
    if (orientation === 'Up' && ox === 0 && oy === 0) return;
    const { x, y } = h;
    for (let i = 0; i < h.n; i++) {
      const col = x[i];
      const row = y[i];
      switch (orientation) {
        case 'Up':
          x[i] = col + ox;
          y[i] = row + oy;
          break;
        case 'Left':
          x[i] = row + ox;
          y[i] = 255 - col + oy;
          break;
        case 'Down':
          x[i] = 255 - col + ox;
          y[i] = 255 - row + oy;
          break;
        case 'Right':
          x[i] = 255 - row + ox;
          y[i] = col + oy;
          break;
        default:
          assertNever(orientation, 'orientation');
      }
    }
  }
}
