// Photon-counting (PC24) frame assembly for the Timepix4 decoder: 24-bit counts of pixel words summed
// into a 448 x 512 count image per frame, opened by a frame start (0xF0), completed by a frame end
// (0xF1). A pixel word with no frame open opens an implicit one; a frame start while one is open cuts
// it (incomplete). Each frame owns its image, so it outlives the batch that handed it out.
import type { Tpx4Frame, Tpx4PacketCounts, Tpx4ReadoutMode } from './tpx4Packets';
import { TPX4_EOC } from './tpx4Packets';

export class Tpx4FrameAssembler {
  /** Sequence starts (0xF2) seen: the decoder counts them here, frames record it. */
  sequences = 0;
  private frame: Tpx4Frame | null = null;
  private opened = 0;

  constructor(private readonly counts: Tpx4PacketCounts) {}

  /** Photon-counting pixel words from word `from` on, into the open frame; returns the first other word. */
  countRun(view: DataView, from: number, n: number, done: Tpx4Frame[]): number {
    let i = from;
    let frame = this.frame;
    let counted = 0;
    for (; i < n; i++) {
      const hi = view.getUint32(8 * i, false);
      const eoc = (hi >>> 23) & 0xff;
      if (eoc > TPX4_EOC.PIXEL_EOC_MAX) break;
      if (frame === null) {
        this.counts.pc24OutsideFrame++;
        frame = this.open(-1, null, done);
      }
      const top = hi >>> 31;
      const superpix = (hi >>> 17) & 0x3f;
      const pix = (hi >>> 14) & 7;
      const xr = (eoc << 1) | (pix >>> 2);
      const yr = (superpix << 2) | (pix & 3);
      const x = top === 1 ? 447 - xr : xr;
      const y = top === 1 ? yr : 511 - yr;
      frame.counts[x + 448 * y] += view.getUint32(8 * i + 4, false) & 0xffffff;
      frame.pixels++;
      counted++;
    }
    this.counts.pc24Pixels += counted;
    return i;
  }

  /** Opens a frame (an open one is cut: incomplete, into `done`). */
  open(segment: number, mode: Tpx4ReadoutMode | null, done: Tpx4Frame[]): Tpx4Frame {
    this.close(false, done);
    this.frame = {
      index: this.opened++,
      sequence: this.sequences,
      segment,
      mode,
      counts: new Uint32Array(448 * 512),
      pixels: 0,
      complete: false,
    };
    return this.frame;
  }

  /** Closes the open frame into `done`; false when none was open. */
  close(complete: boolean, done: Tpx4Frame[]): boolean {
    const f = this.frame;
    if (!f) return false;
    f.complete = complete;
    if (complete) this.counts.framesCompleted++;
    else this.counts.framesIncomplete++;
    done.push(f);
    this.frame = null;
    return true;
  }
}
