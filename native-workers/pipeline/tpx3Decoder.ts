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
import { TimeTracker, fillExtendTable } from './globalTime';
import { newHitBatch, newTriggerEdges, pushEdge, reserveHits } from './hitColumns';
import { type PacketCounts, newPacketCounts } from './packetCounts';

export interface DecoderConfig {
  orientation: Orientation;
  offsetX: number;
  offsetY: number;
  /** Hit time-walk LUT, seconds; entry i corrects ToT (i + 1) * 25 ns (Decision 4). */
  hitLut?: Float64Array;
  timeMode: 'file' | 'live';
}

/** Decoder output for one batch; arrays are reused between batches and grown as needed. */
export interface DecodedBatch {
  hits: HitBatch;
  /** All TDC1 edges in packet order, seconds, falling edges negative. */
  tdc1: TriggerEdges;
  tdc2: TriggerEdges;
  /** TDC1 rising edges (the event triggers), seconds. */
  triggers: TriggerEdges;
}

export function newDecodedBatch(capacity = 0): DecodedBatch {
  return {
    hits: newHitBatch(capacity),
    tdc1: newTriggerEdges(),
    tdc2: newTriggerEdges(),
    triggers: newTriggerEdges(),
  };
}

const TOA_UNIT = 0.006103515625; // 25 / 4096 ns

export class Tpx3Decoder {
  readonly time = new TimeTracker();
  readonly counts: PacketCounts = newPacketCounts();
  private readonly table = new Float64Array(4);
  private tableFor = -1;

  constructor(readonly config: DecoderConfig) {}

  /**
   * Decodes `words` (2 uint32 per packet) into `out`, which is reset first. In live mode pass the
   * batch's longtime; in file mode it is taken from the stream.
   */
  decode(words: Uint32Array, out: DecodedBatch, liveLongtime = -1): void {
    const n = words.length >>> 1;
    const hits = out.hits;
    reserveHits(hits, n);
    hits.n = 0;
    out.tdc1.n = 0;
    out.tdc2.n = 0;
    out.triggers.n = 0;
    const live = this.config.timeMode === 'live';
    if (live) this.setTable(liveLongtime);
    else if (this.time.longtime >= 0) this.setTable(this.time.longtime);
    const c = this.counts;
    const table = this.table;
    const hx = hits.x;
    const hy = hits.y;
    const htoa = hits.toa;
    const htot = hits.tot;
    const lut = this.config.hitLut;
    const lutLast = lut ? lut.length - 1 : 0;
    let nh = 0;
    let started = live || this.time.longtime >= 0;
    for (let i = 0; i < n; i++) {
      const lo = words[2 * i];
      const hi = words[2 * i + 1];
      const header = hi >>> 28;
      if (header === 0xb || header === 0xa) {
        if (!started) {
          c.droppedBeforeTime++;
          continue;
        }
        const pix = (hi >>> 12) & 7;
        const col = ((hi >>> 20) & 0xfe) + (pix >>> 2);
        const row = ((hi >>> 13) & 0xfc) + (pix & 3);
        const toa = (lo >>> 30) | ((hi & 0xfff) << 2);
        const arr = ((lo & 0xffff) << 14) | toa;
        const coarse = table[arr >>> 28] + arr;
        const phase = (col >>> 1) & 15;
        const g = coarse * 4096 + ((phase === 0 ? 16 : phase) - ((lo >>> 16) & 0xf)) * 256;
        const tot = ((lo >>> 20) & 0x3ff) * 25;
        let t = g * TOA_UNIT * 1e-9;
        if (lut !== undefined) {
          let k = Math.floor(tot / 25) - 1;
          k = k < 0 ? 0 : k > lutLast ? lutLast : k;
          t -= lut[k];
        }
        hx[nh] = col;
        hy[nh] = row;
        htoa[nh] = t;
        htot[nh] = tot;
        nh++;
        continue;
      }
      const sub = (hi >>> 24) & 0xf;
      if (header === 0x6 || header === 0x4) {
        if (sub === 0x4) {
          c.timeLsb++;
          this.time.onLsb(((lo >>> 16) | (hi << 16)) >>> 0);
          continue;
        }
        if (sub === 0x5) {
          c.timeMsb++;
          if (this.time.onMsb(lo >>> 16) && !live) this.setTable(this.time.longtime);
          if (!live) started = true;
          continue;
        }
        const isTdc1 = sub === 0xf || sub === 0xa;
        const isTdc2 = header === 0x6 && (sub === 0xe || sub === 0xb);
        if (!isTdc1 && !isTdc2) {
          c.otherTime++;
          continue;
        }
        if (!started) {
          c.droppedBeforeTime++;
          continue;
        }
        const arr = ((lo >>> 12) | (hi << 20)) >>> 0;
        const coarse = table[(arr >>> 28) & 3] + (arr & 0x3fffffff);
        const f = (lo >>> 5) & 0xf;
        const fine = (lo & 0xe00) | (Math.floor(((f - 1) << 9) / 12) & 0x1ff);
        const t = coarse * 25e-9 + fine * TOA_UNIT * 1e-9;
        if (isTdc1) {
          if (sub === 0xf) {
            c.tdc1Rise++;
            pushEdge(out.tdc1, t);
            pushEdge(out.triggers, t);
          } else {
            c.tdc1Fall++;
            pushEdge(out.tdc1, -t);
          }
        } else if (sub === 0xe) {
          c.tdc2Rise++;
          pushEdge(out.tdc2, t);
        } else {
          c.tdc2Fall++;
          pushEdge(out.tdc2, -t);
        }
        continue;
      }
      if (header === 0x5) {
        if (sub === 0x0) c.packetId++;
        else if (sub === 0xf) c.shutterOpen++;
        else if (sub === 0xa) c.shutterClose++;
        else if (sub === 0xc) c.heartbeat++;
        else c.otherSpidr++;
        continue;
      }
      if (header === 0x7) {
        c.control++;
        continue;
      }
      c.unknownByHeader[header]++;
    }
    c.pixels += nh;
    hits.n = nh;
    this.orient(hits);
  }

  private setTable(longtime: number): void {
    if (longtime === this.tableFor) return;
    if (longtime < 0 || longtime >= 2 ** 48) throw new Error(`invalid longtime ${longtime}`);
    fillExtendTable(longtime, this.table);
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
