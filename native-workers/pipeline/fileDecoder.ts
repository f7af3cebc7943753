// Decoding of a raw file's word chunks, for the converter's decode stage (stages.ts) and the offline
// browser's passes: the one Timepix3 decoder ('file' time mode: the global time comes from the
// stream) or the one Timepix4 decoder with its hit shaping (Tpx4Hits: trigger pixels, time-walk,
// orientation, offset), giving each chunk's hits, its event triggers (rising edges) and both
// triggers' edges. Output buffers are reused between chunks: read them before the next.
import type { HitBatch, TriggerEdges } from '../../shared/batches';
import type { Orientation } from '../../shared/processingSettings';
import { type PacketCounts, totalUnknown } from './packetCounts';
import { Tpx3Decoder, newDecodedBatch } from './tpx3Decoder';
import type { Tpx4PacketCounts } from './tpx4Decoder';
import { Tpx4Hits } from './tpx4Hits';

export interface FileDecoderConfig {
  generation: 3 | 4;
  orientation: Orientation;
  offsetX: number;
  offsetY: number;
  /** Hit time-walk table. */
  hitLut?: Float64Array;
  /** Timepix4 only: trigger pixels (x + 448 * y) replacing the signal packets as triggers. */
  triggerPixels?: readonly number[];
  /** Timepix4 only: Gray-coded ToA, and the readout mode of pixel words (Tpx4DecoderConfig). */
  gray?: boolean;
  readoutMode?: 'event' | 'pc24';
}

export interface DecodedChunk {
  /** Hits placed in time; Timepix4 hits carry `totNs`. */
  hits: HitBatch;
  /** Trigger-1 rising edges (Timepix4: signal rises), seconds, in stream order. */
  triggers: TriggerEdges;
  /** Both triggers' edges (falling edges stored negative), as the HDF5 trigger datasets take them. */
  tdc1: TriggerEdges;
  tdc2: TriggerEdges;
}

export class FileDecoder {
  /** The decoder of the generation in use (the other is null): for its end-of-stream counts. */
  readonly tpx3: Tpx3Decoder | null = null;
  readonly tpx4: Tpx4Hits | null = null;
  private readonly batch3 = newDecodedBatch();

  constructor(config: FileDecoderConfig) {
    if (config.generation === 4) {
      this.tpx4 = new Tpx4Hits({
        orientation: config.orientation,
        offsetX: config.offsetX,
        offsetY: config.offsetY,
        hitLut: config.hitLut,
        triggerPixels: config.triggerPixels,
        gray: config.gray,
        readoutMode: config.readoutMode,
      });
    } else {
      this.tpx3 = new Tpx3Decoder({
        orientation: config.orientation,
        offsetX: config.offsetX,
        offsetY: config.offsetY,
        hitLut: config.hitLut,
        timeMode: 'file',
      });
    }
  }

  /** Decodes one chunk of whole words (as readWords yields them). */
  decode(words: Uint32Array): DecodedChunk {
    if (this.tpx3) {
      const b = this.batch3;
      this.tpx3.decode(words, b);
      return { hits: b.hits, triggers: b.triggers, tdc1: b.tdc1, tdc2: b.tdc2 };
    }
    const b = this.tpx4!.decode(new Uint8Array(words.buffer, words.byteOffset, words.byteLength));
    return { hits: { ...b.hits, totNs: b.totNs }, triggers: b.triggers, tdc1: b.trigger1, tdc2: b.trigger2 };
  }

  /** End of stream: an open Timepix4 photon-counting frame ends (counted as incomplete). */
  finish(): void {
    this.tpx4?.decoder.flush(this.tpx4.batch);
  }

  /** The stream had its time reference (a global-time pair, or a Timepix4 heartbeat). */
  get sawTime(): boolean {
    return this.tpx3 ? this.tpx3.time.longtime >= 0 : this.tpx4!.decoder.heartbeatTick >= 0;
  }

  /** Packet counts so far, flat (see packetCountsRecord). */
  packetCounts(): Record<string, number> {
    return this.tpx3
      ? packetCountsRecord(this.tpx3.counts)
      : packetCountsRecord(null, this.tpx4!.decoder.counts);
  }
}

/**
 * Packet counts as one flat record of numbers, under the field names of the converter's summary
 * (ConvertSummary.packets, or .tpx4Packets for Timepix4); unknown packets as one total, `unknown`.
 */
export function packetCountsRecord(
  packets: PacketCounts | null,
  tpx4Packets?: Tpx4PacketCounts,
): Record<string, number> {
  if (tpx4Packets) {
    const { unknownByEoc: _byEoc, heartbeatGapWarning: _warned, ...rest } = tpx4Packets;
    return { ...rest };
  }
  if (!packets) throw new Error('packetCountsRecord: no counts');
  const { unknownByHeader: _byHeader, ...rest } = packets;
  return { ...rest, unknown: totalUnknown(packets) };
}
