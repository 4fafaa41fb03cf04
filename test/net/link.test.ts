// Link model: packet and byte counts computed by hand, timing, loss with retransmission, option parsing.
import { describe, expect, it } from 'vitest';
import { DEFAULT_LINK, Link, frameOverhead, mss } from '../../src/net/link.js';
import { parseDuration, parseRate, parseSize } from '../../src/net/units.js';
import { UsageError } from '../../src/util/errors.js';

describe('link defaults', () => {
  it('has MSS 1500 - 20 (IPv4) - 32 (TCP + timestamps) = 1448', () => {
    expect(mss(DEFAULT_LINK)).toBe(1448);
  });
  it('charges 20 + 32 + 14 + 4 + 8 + 12 = 90 byte times per frame beyond the payload', () => {
    expect(frameOverhead(DEFAULT_LINK)).toBe(90);
  });
});

describe('Link.send', () => {
  it('counts a 100-byte request as one segment of 190 wire bytes and one 90-byte ACK back', () => {
    const link = new Link();
    const t = link.send('toStorage', 100);
    expect(t.segments).toBe(1);
    expect(t.dataWireBytes).toBe(190);
    expect(t.acks).toBe(1);
    expect(link.counts.toStorage).toMatchObject({ payloadBytes: 100, wireBytes: 190, packets: 1, segments: 1, acks: 0 });
    expect(link.counts.toCompute).toMatchObject({ payloadBytes: 0, wireBytes: 90, packets: 1, segments: 0, acks: 1 });
    // 190 bytes * 8 / 10 Gbit/s = 0.152 µs, plus 50 µs latency.
    expect(t.seconds).toBeCloseTo(50.152e-6, 12);
  });

  it('splits 3 * 1448 + 1 bytes into 4 segments with 2 ACKs', () => {
    const link = new Link();
    const t = link.send('toCompute', 4345);
    expect(t.segments).toBe(4);
    expect(t.dataWireBytes).toBe(4345 + 4 * 90);
    expect(t.acks).toBe(2);
    expect(link.counts.toStorage.wireBytes).toBe(180);
    expect(t.serializationSeconds).toBeCloseTo((4705 * 8) / 10e9, 15);
  });

  it('rounds odd segment counts up to a whole ACK and adds up several messages', () => {
    const link = new Link();
    link.send('toCompute', 1448 * 5); // 5 segments, 3 ACKs
    link.send('toCompute', 10); // 1 segment, 1 ACK
    expect(link.counts.toCompute).toMatchObject({ payloadBytes: 7250, segments: 6, packets: 6, messages: 2 });
    expect(link.counts.toCompute.wireBytes).toBe(7250 + 6 * 90);
    expect(link.counts.toStorage).toMatchObject({ acks: 4, packets: 4, wireBytes: 360 });
  });

  it('sends nothing and takes no time for an empty message', () => {
    const link = new Link();
    const t = link.send('toCompute', 0);
    expect(t).toMatchObject({ segments: 0, acks: 0, dataWireBytes: 0, seconds: 0 });
  });

  it('uses the configured bandwidth and latency', () => {
    const link = new Link({ bandwidth: parseRate('1gbit'), latency: parseDuration('1ms') });
    const t = link.send('toCompute', 1448);
    expect(t.seconds).toBeCloseTo((1538 * 8) / 1e9 + 1e-3, 12);
  });

  it('retransmits lost segments, counts them, and is repeatable for a seed', () => {
    const run = () => {
      const link = new Link({ lossRate: 0.3, seed: 42 });
      return { t: link.send('toCompute', 1448 * 200), counts: link.counts.toCompute };
    };
    const { t, counts } = run();
    expect(t.retransmittedPackets).toBeGreaterThan(20);
    expect(t.retransmittedPackets).toBeLessThan(200);
    expect(counts.retransmittedBytes).toBe(t.retransmittedPackets * 1538);
    expect(counts.wireBytes).toBe((200 + t.retransmittedPackets) * 1538);
    expect(counts.payloadBytes).toBe(1448 * 200);
    expect(t.recoveryRounds).toBeGreaterThan(0);
    expect(t.seconds).toBeCloseTo(t.serializationSeconds + 50e-6 + t.recoveryRounds * 100e-6, 12);
    expect(run().t).toEqual(t);
  });

  it('refuses impossible options', () => {
    expect(() => new Link({ mtu: 40 })).toThrow(UsageError);
    expect(() => new Link({ lossRate: 1 })).toThrow(/loss rate/);
  });
});

describe('units', () => {
  it('reads rates in bits and bytes per second', () => {
    expect(parseRate('10gbit')).toBe(10e9);
    expect(parseRate('400gbit')).toBe(400e9);
    expect(parseRate('1gbit')).toBe(1e9);
    expect(parseRate('3.5GB/s')).toBe(28e9);
  });
  it('reads durations', () => {
    expect(parseDuration('50us')).toBeCloseTo(50e-6, 15);
    expect(parseDuration('1ms')).toBe(1e-3);
    expect(parseDuration('80µs')).toBeCloseTo(80e-6, 15);
  });
  it('reads sizes', () => {
    expect(parseSize('4096')).toBe(4096);
    expect(parseSize('64KiB')).toBe(65536);
    expect(parseSize('1MiB')).toBe(1 << 20);
  });
  it('says what it expected when it cannot read a value', () => {
    expect(() => parseRate('fast')).toThrow(/cannot read rate 'fast' \(examples: 10gbit/);
    expect(() => parseDuration('5 parsecs')).toThrow(UsageError);
  });
});
