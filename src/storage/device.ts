// The storage node's block devices: NVMe-like bandwidth and latency, striped RAID-0 style across N devices.
import { UsageError } from '../util/errors.js';

/**
 * DeviceOptions describes the node's devices. Defaults (DEFAULT_DEVICES) are one NVMe SSD:
 * 3.5 GB/s sequential read, 80 µs per request, 1 MiB stripe unit.
 * Striping: file byte `o` lives on device `floor(o / stripeBytes) mod count` (RAID-0 over the
 * file's offsets). A request is served by every device holding part of it, in parallel, and takes
 * `latency + (largest share of one device) / bandwidth`. The node reads ahead one full stripe
 * (`stripeBytes * count`) at a time, so a sequential scan keeps every device busy.
 */
export interface DeviceOptions {
  /** Read bandwidth of one device in bytes per second. */
  readonly bandwidth: number;
  /** Fixed cost of one request on one device, in seconds. */
  readonly latency: number;
  /** Number of devices the data is striped across. */
  readonly count: number;
  /** Bytes of a stripe unit: consecutive bytes on one device. */
  readonly stripeBytes: number;
}

/** DEFAULT_DEVICES is one NVMe SSD: 3.5 GB/s, 80 µs, 1 MiB stripe unit. */
export const DEFAULT_DEVICES: DeviceOptions = {
  bandwidth: 3.5e9,
  latency: 80e-6,
  count: 1,
  stripeBytes: 1 << 20,
};

/** WALL_NODE_DEVICES is the data-movement-wall node: 64 such SSDs striped, 224 GB/s together. */
export const WALL_NODE_DEVICES: DeviceOptions = { ...DEFAULT_DEVICES, count: 64 };

/** DeviceCounts is what the devices did: requests, bytes read and modelled busy time. */
export interface DeviceCounts {
  requests: number;
  bytes: number;
  seconds: number;
}

/** DeviceArray models the node's devices and adds up the cost of the requests sent to them. */
export class DeviceArray {
  readonly options: DeviceOptions;
  readonly counts: DeviceCounts = { requests: 0, bytes: 0, seconds: 0 };

  constructor(options: Partial<DeviceOptions> = {}) {
    const o = { ...DEFAULT_DEVICES, ...options };
    if (!(o.bandwidth > 0)) throw new UsageError(`device bandwidth must be positive, got ${o.bandwidth}`);
    if (!(o.latency >= 0)) throw new UsageError(`device latency must not be negative, got ${o.latency}`);
    if (!Number.isInteger(o.count) || o.count < 1) throw new UsageError(`device count must be a positive integer, got ${o.count}`);
    if (!Number.isInteger(o.stripeBytes) || o.stripeBytes < 1) {
      throw new UsageError(`stripe unit must be a positive whole number of bytes, got ${o.stripeBytes}`);
    }
    this.options = o;
  }

  /** readAheadBytes is the span the node asks for at a time: one full stripe over all devices. */
  get readAheadBytes(): number {
    return this.options.stripeBytes * this.options.count;
  }

  /** read serves bytes [offset, offset + length) of a file and returns the modelled seconds it takes. */
  read(offset: number, length: number): number {
    if (length <= 0) return 0;
    const seconds = this.options.latency + this.largestShare(offset, length) / this.options.bandwidth;
    this.counts.requests += 1;
    this.counts.bytes += length;
    this.counts.seconds += seconds;
    return seconds;
  }

  /** largestShare is the most bytes of [offset, offset + length) that fall on one device. */
  largestShare(offset: number, length: number): number {
    const { stripeBytes, count } = this.options;
    const shares = new Array<number>(Math.min(count, Math.ceil(length / stripeBytes) + 1)).fill(0);
    const firstUnit = Math.floor(offset / stripeBytes);
    for (let at = offset; at < offset + length; ) {
      const unit = Math.floor(at / stripeBytes);
      const end = Math.min(offset + length, (unit + 1) * stripeBytes);
      shares[(unit - firstUnit) % shares.length]! += end - at;
      at = end;
    }
    return Math.max(...shares);
  }
}
