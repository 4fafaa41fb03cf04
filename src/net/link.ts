// The network link between the compute node and the storage node: TCP/IPv4 over Ethernet, counted packet by packet.
import { seededRandom } from '../util/random.js';
import { UsageError } from '../util/errors.js';

/**
 * LinkOptions describes one full-duplex point-to-point link. Defaults (DEFAULT_LINK) are a 10 Gbit/s
 * Ethernet link with 50 µs one-way latency, MTU 1500, TCP over IPv4 with the timestamps option.
 * Every frame on the wire costs its IP packet plus `ethernetHeader + fcs + preamble + interFrameGap`
 * byte times (14 + 4 + 8 + 12 = 38 by default).
 */
export interface LinkOptions {
  /** Bits per second in each direction. */
  readonly bandwidth: number;
  /** One-way propagation latency in seconds. */
  readonly latency: number;
  /** Largest IP packet in bytes. */
  readonly mtu: number;
  readonly ethernetHeader: number;
  readonly fcs: number;
  readonly preamble: number;
  readonly interFrameGap: number;
  readonly ipHeader: number;
  /** TCP header including options (20 + 12 for timestamps). */
  readonly tcpHeader: number;
  /** Data segments acknowledged by one ACK (delayed ACK: 2). */
  readonly segmentsPerAck: number;
  /** Probability in [0, 1) that a data segment is lost and must be sent again. */
  readonly lossRate: number;
  /** Seed of the loss generator, so that a lossy run is repeatable. */
  readonly seed: number;
}

/** DEFAULT_LINK is 10 Gbit/s, 50 µs, MTU 1500, Ethernet + IPv4 + TCP with timestamps, one ACK per two segments, no loss. */
export const DEFAULT_LINK: LinkOptions = {
  bandwidth: 10e9,
  latency: 50e-6,
  mtu: 1500,
  ethernetHeader: 14,
  fcs: 4,
  preamble: 8,
  interFrameGap: 12,
  ipHeader: 20,
  tcpHeader: 32,
  segmentsPerAck: 2,
  lossRate: 0,
  seed: 1,
};

/** Direction names the two ways across the link. */
export type Direction = 'toStorage' | 'toCompute';

/** DirectionCounts is what crossed the link one way. Wire bytes include every frame's overheads. */
export interface DirectionCounts {
  /** Application bytes (each sent once, retransmissions not counted again). */
  payloadBytes: number;
  /** Byte times on the wire: data segments, retransmissions and ACKs with all headers, preamble and gap. */
  wireBytes: number;
  /** All frames: data segments, retransmissions and ACKs. */
  packets: number;
  /** Data segments sent the first time. */
  segments: number;
  /** ACK frames (acknowledging data that travelled the other way). */
  acks: number;
  retransmittedPackets: number;
  /** Wire bytes of the retransmitted segments. */
  retransmittedBytes: number;
  messages: number;
}

/** Transfer is the cost of one message: its counts and its modelled time. */
export interface Transfer {
  readonly direction: Direction;
  readonly payloadBytes: number;
  readonly segments: number;
  readonly acks: number;
  readonly retransmittedPackets: number;
  /** Wire bytes of data segments, including retransmissions. */
  readonly dataWireBytes: number;
  /** Wire bytes of the retransmitted segments alone. */
  readonly retransmittedWireBytes: number;
  readonly ackWireBytes: number;
  /** Serialization of all data frames (incl. retransmissions) at the link's bandwidth, in seconds. */
  readonly serializationSeconds: number;
  /** Extra round trips spent recovering losses. */
  readonly recoveryRounds: number;
  /** serialization + one-way latency + recovery round trips, in seconds. */
  readonly seconds: number;
}

/** mss is the TCP payload per segment: MTU - IP header - TCP header (1448 by default). */
export function mss(options: LinkOptions): number {
  return options.mtu - options.ipHeader - options.tcpHeader;
}

/** frameOverhead is the wire bytes a frame costs beyond its TCP payload (90 by default). */
export function frameOverhead(options: LinkOptions): number {
  return (
    options.ipHeader +
    options.tcpHeader +
    options.ethernetHeader +
    options.fcs +
    options.preamble +
    options.interFrameGap
  );
}

/** linkOptions fills defaults and checks that the numbers describe a possible link. */
export function linkOptions(overrides: Partial<LinkOptions> = {}): LinkOptions {
  const options = { ...DEFAULT_LINK, ...overrides };
  if (!(options.bandwidth > 0)) throw new UsageError(`link bandwidth must be positive, got ${options.bandwidth}`);
  if (!(options.latency >= 0)) throw new UsageError(`link latency must not be negative, got ${options.latency}`);
  if (mss(options) < 1) throw new UsageError(`MTU ${options.mtu} leaves no room for TCP payload`);
  if (!(options.lossRate >= 0 && options.lossRate < 1)) {
    throw new UsageError(`loss rate must be in [0, 1), got ${options.lossRate}`);
  }
  if (!Number.isInteger(options.segmentsPerAck) || options.segmentsPerAck < 1) {
    throw new UsageError(`segments per ACK must be a positive integer, got ${options.segmentsPerAck}`);
  }
  return options;
}

/**
 * Link counts the traffic of a sequence of messages in both directions. A message of B bytes is
 * ceil(B / MSS) data segments (an empty message sends nothing); the receiver answers with one ACK
 * (a bare TCP/IP header) per `segmentsPerAck` segments, rounded up, travelling the other way.
 * ACKs are counted but do not delay the sender (full duplex, window never full). With loss, each
 * segment is lost independently with probability `lossRate` (seeded) and resent until it arrives;
 * the losses of a message are recovered in parallel, one extra round trip per retransmission round.
 */
export class Link {
  readonly options: LinkOptions;
  readonly counts: Record<Direction, DirectionCounts>;
  private random: () => number;

  constructor(options: Partial<LinkOptions> = {}) {
    this.options = linkOptions(options);
    this.counts = { toStorage: emptyCounts(), toCompute: emptyCounts() };
    this.random = seededRandom(this.options.seed);
  }

  /** send counts one message of `bytes` payload bytes going `direction` and returns its cost. */
  send(direction: Direction, bytes: number): Transfer {
    if (!Number.isSafeInteger(bytes) || bytes < 0) throw new UsageError(`message size must be a whole number of bytes, got ${bytes}`);
    const o = this.options;
    const segments = Math.ceil(bytes / mss(o));
    const overhead = frameOverhead(o);
    const { retransmitted, retransmittedPayload, rounds } = this.losses(bytes, segments);
    const dataFrames = segments + retransmitted;
    const dataWireBytes = bytes + retransmittedPayload + dataFrames * overhead;
    const acks = Math.ceil(dataFrames / o.segmentsPerAck);
    const ackWireBytes = acks * overhead;
    const serializationSeconds = (dataWireBytes * 8) / o.bandwidth;
    const seconds = segments === 0 ? 0 : serializationSeconds + o.latency + rounds * 2 * o.latency;

    const transfer: Transfer = {
      direction,
      payloadBytes: bytes,
      segments,
      acks,
      retransmittedPackets: retransmitted,
      dataWireBytes,
      retransmittedWireBytes: retransmittedPayload + retransmitted * overhead,
      ackWireBytes,
      serializationSeconds,
      recoveryRounds: rounds,
      seconds,
    };
    addTransfer(this.counts, transfer);
    return transfer;
  }

  /** losses draws, for each segment, how many times it is lost before it gets through. */
  private losses(bytes: number, segments: number) {
    let retransmitted = 0;
    let retransmittedPayload = 0;
    let rounds = 0;
    if (this.options.lossRate === 0) return { retransmitted, retransmittedPayload, rounds };
    const size = mss(this.options);
    for (let i = 0; i < segments; i++) {
      const payload = i === segments - 1 ? bytes - size * (segments - 1) : size;
      let lost = 0;
      while (this.random() < this.options.lossRate) lost++;
      retransmitted += lost;
      retransmittedPayload += lost * payload;
      rounds = Math.max(rounds, lost);
    }
    return { retransmitted, retransmittedPayload, rounds };
  }
}

/** countTransfers adds up what some messages put on the link, each direction with the other's ACKs. */
export function countTransfers(transfers: readonly Transfer[]): Record<Direction, DirectionCounts> {
  const counts = { toStorage: emptyCounts(), toCompute: emptyCounts() };
  for (const transfer of transfers) addTransfer(counts, transfer);
  return counts;
}

function addTransfer(counts: Record<Direction, DirectionCounts>, t: Transfer): void {
  const out = counts[t.direction];
  out.payloadBytes += t.payloadBytes;
  out.wireBytes += t.dataWireBytes;
  out.packets += t.segments + t.retransmittedPackets;
  out.segments += t.segments;
  out.retransmittedPackets += t.retransmittedPackets;
  out.retransmittedBytes += t.retransmittedWireBytes;
  out.messages += 1;
  const back = counts[t.direction === 'toStorage' ? 'toCompute' : 'toStorage'];
  back.acks += t.acks;
  back.packets += t.acks;
  back.wireBytes += t.ackWireBytes;
}

function emptyCounts(): DirectionCounts {
  return {
    payloadBytes: 0,
    wireBytes: 0,
    packets: 0,
    segments: 0,
    acks: 0,
    retransmittedPackets: 0,
    retransmittedBytes: 0,
    messages: 0,
  };
}
