// Counts of every packet kind the decoder saw, for summaries, metadata and live health.

export interface PacketCounts {
  pixels: number;
  tdc1Rise: number;
  tdc1Fall: number;
  tdc2Rise: number;
  tdc2Fall: number;
  timeLsb: number;
  timeMsb: number;
  /** 0x4/0x6 packets that are neither time nor TDC. */
  otherTime: number;
  packetId: number;
  heartbeat: number;
  shutterOpen: number;
  shutterClose: number;
  /** 0x5 packets of other sub-types. */
  otherSpidr: number;
  /** 0x7: end-of-readout and control packets. */
  control: number;
  /** Pixel and TDC packets before the first global time (file reading rule 1). */
  droppedBeforeTime: number;
  /** Packets of unknown kind, by header nibble. */
  unknownByHeader: number[];
}

export function newPacketCounts(): PacketCounts {
  return {
    pixels: 0,
    tdc1Rise: 0,
    tdc1Fall: 0,
    tdc2Rise: 0,
    tdc2Fall: 0,
    timeLsb: 0,
    timeMsb: 0,
    otherTime: 0,
    packetId: 0,
    heartbeat: 0,
    shutterOpen: 0,
    shutterClose: 0,
    otherSpidr: 0,
    control: 0,
    droppedBeforeTime: 0,
    unknownByHeader: new Array<number>(16).fill(0),
  };
}

export function totalUnknown(c: PacketCounts): number {
  return c.unknownByHeader.reduce((a, b) => a + b, 0);
}
