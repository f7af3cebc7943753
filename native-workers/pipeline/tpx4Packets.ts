// Timepix4 packet vocabulary shared by the decoder and its users: packet kinds by eoc, readout modes,
// the photon-counting frame and the run's packet counts (shared/docs/timepix4-format.md).

/** Packet kinds by eoc (bits 62..55). eoc <= PIXEL_EOC_MAX is a pixel hit. */
export const TPX4_EOC = {
  PIXEL_EOC_MAX: 0xdf,
  HEARTBEAT: 0xe0,
  SHUTTER_RISE: 0xe1,
  SHUTTER_FALL: 0xe2,
  T0_SYNC: 0xe3,
  SIGNAL_RISE: 0xe4,
  SIGNAL_FALL: 0xe5,
  CONTROL_DATA_TEST: 0xea,
  FRAME_START: 0xf0,
  FRAME_END: 0xf1,
  SEQUENCE_START: 0xf2,
  SEQUENCE_END: 0xf3,
  FACILITY_HEADER: 0xf8,
} as const;

/**
 * Readout mode by the mode bits (51..50) of frame and sequence packets. The reference marks these
 * values as assumed, not found in the manual: this table is the one place to correct them.
 */
export const TPX4_READOUT_MODES = ['frame8', 'frame16', 'event', 'pc24'] as const;
export type Tpx4ReadoutMode = (typeof TPX4_READOUT_MODES)[number];

/** A photon-counting frame: counts per pixel of the 448 x 512 sensor. */
export interface Tpx4Frame {
  /** Frames opened before this one in the run (its number, from 0). */
  index: number;
  /** Sequence starts (0xF2) seen before the frame opened. */
  sequence: number;
  /** Segment (bits 54..52) and readout mode of its frame start packet; -1 and null when the frame
   * was opened by a pixel word without a frame start. */
  segment: number;
  mode: Tpx4ReadoutMode | null;
  /** Summed 24-bit counts, index x + 448 * y in decoded sensor coordinates. Owned by the frame. */
  counts: Uint32Array;
  /** Pixel words summed into it. */
  pixels: number;
  /** Closed by a frame end (0xF1); false when the next frame start or flush() cut it. */
  complete: boolean;
}

/** Counts of every Timepix4 packet kind seen over the decoder's life (the run). */
export interface Tpx4PacketCounts {
  /** Pixel hits kept (placed in time). */
  pixels: number;
  heartbeats: number;
  shutterRise: number;
  shutterFall: number;
  t0Sync: number;
  signalRise: number;
  signalFall: number;
  /** 0xEA: control data test packets (not a time). */
  controlDataTest: number;
  frameStart: number;
  frameEnd: number;
  sequenceStart: number;
  sequenceEnd: number;
  /** 0xF8: facility (DESY) headers, counted, not decoded. */
  facilityHeader: number;
  /** Frame and sequence packets whose mode bits name another readout mode than the setting. */
  readoutModeMismatch: number;
  /** Photon-counting mode: pixel words summed into frames, and frames completed by a frame end. */
  pc24Pixels: number;
  framesCompleted: number;
  /** Frames cut short: a frame start while one was open, or still open at flush(). */
  framesIncomplete: number;
  /** Photon-counting pixel words with no frame open (they open an implicit frame). */
  pc24OutsideFrame: number;
  /** Frame ends with no open frame. */
  frameEndWithoutStart: number;
  /** Packets of no known kind (incl. 0xE6..0xE9); by eoc in unknownByEoc. */
  unknown: number;
  unknownByEoc: number[];
  /** Kept hits whose ultra-fast start or stop code is not in the table (that correction taken as 0). */
  invalidUltraFast: number;
  /** Kept hits with the pileup bit set. */
  pileup: number;
  /** Pixel hits before the first heartbeat of the run: dropped. */
  droppedBeforeHeartbeat: number;
  /** Heartbeat-to-heartbeat intervals above 0.5 ms (the ToA extension may be wrong near them). */
  longHeartbeatGaps: number;
  /** Set by the first long heartbeat gap: the caller warns once when it sees it set. */
  heartbeatGapWarning: boolean;
}

export function newTpx4PacketCounts(): Tpx4PacketCounts {
  return {
    pixels: 0,
    heartbeats: 0,
    shutterRise: 0,
    shutterFall: 0,
    t0Sync: 0,
    signalRise: 0,
    signalFall: 0,
    controlDataTest: 0,
    frameStart: 0,
    frameEnd: 0,
    sequenceStart: 0,
    sequenceEnd: 0,
    facilityHeader: 0,
    readoutModeMismatch: 0,
    pc24Pixels: 0,
    framesCompleted: 0,
    framesIncomplete: 0,
    pc24OutsideFrame: 0,
    frameEndWithoutStart: 0,
    unknown: 0,
    unknownByEoc: new Array<number>(256).fill(0),
    invalidUltraFast: 0,
    pileup: 0,
    droppedBeforeHeartbeat: 0,
    longHeartbeatGaps: 0,
    heartbeatGapWarning: false,
  };
}
