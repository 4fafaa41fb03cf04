// Device striping arithmetic, page cache hits/misses/evictions, and the pipeline overlap model.
import { describe, expect, it } from 'vitest';
import { DeviceArray, WALL_NODE_DEVICES } from '../../src/storage/device.js';
import { PageCache } from '../../src/storage/page-cache.js';
import { pipelineTimes } from '../../src/storage/pipeline.js';

describe('DeviceArray', () => {
  it('charges one NVMe request as 80 µs + bytes / 3.5 GB/s', () => {
    const d = new DeviceArray();
    expect(d.read(0, 3_500_000)).toBeCloseTo(80e-6 + 1e-3, 12);
    expect(d.counts).toEqual({ requests: 1, bytes: 3_500_000, seconds: d.counts.seconds });
  });

  it('splits a request over striped devices and waits for the busiest', () => {
    const d = new DeviceArray({ count: 4, stripeBytes: 1000, bandwidth: 1e6, latency: 0 });
    // [500, 4500): units 0..4 -> devices 0,1,2,3,0 get 500, 1000, 1000, 1000, 500 bytes: device 0 has 1000.
    expect(d.largestShare(500, 4000)).toBe(1000);
    // [0, 6000): units 0..5 -> device 0 and 1 get two units each.
    expect(d.largestShare(0, 6000)).toBe(2000);
    expect(d.read(0, 6000)).toBeCloseTo(2000 / 1e6, 12);
    expect(d.largestShare(1500, 200)).toBe(200);
  });

  it('reads a full stripe of the 64-device wall node at 64 x 3.5 GB/s', () => {
    const wall = new DeviceArray(WALL_NODE_DEVICES);
    expect(wall.read(0, 64 << 20)).toBeCloseTo(80e-6 + (1 << 20) / 3.5e9, 12);
  });

  it('reads ahead one full stripe over all devices', () => {
    expect(new DeviceArray({ count: 64, stripeBytes: 1 << 20 }).readAheadBytes).toBe(64 << 20);
  });

  it('refuses impossible devices', () => {
    expect(() => new DeviceArray({ count: 0 })).toThrow(/device count/);
    expect(() => new DeviceArray({ bandwidth: -1 })).toThrow(/bandwidth/);
  });
});

describe('PageCache', () => {
  it('misses cold pages, hits warm ones, per file', () => {
    const c = new PageCache(10);
    expect(c.touch(0, 0)).toBe(false);
    expect(c.touch(0, 0)).toBe(true);
    expect(c.touch(1, 0)).toBe(false);
    expect(c.counts).toEqual({ hits: 1, misses: 2, evictions: 0 });
  });

  it('evicts the least recently used page when full', () => {
    const c = new PageCache(2);
    c.touch(0, 1);
    c.touch(0, 2);
    c.touch(0, 1); // page 2 is now least recent
    c.touch(0, 3); // evicts 2
    expect(c.counts.evictions).toBe(1);
    expect(c.touch(0, 1)).toBe(true);
    expect(c.touch(0, 2)).toBe(false);
  });

  it('forgets everything on drop', () => {
    const c = new PageCache(4);
    c.touch(0, 0);
    c.drop();
    expect(c.touch(0, 0)).toBe(false);
  });

  it('answers every touch as a least-recently-used list would, through evictions, drops and many files', () => {
    for (const capacity of [1, 3, 17, 64]) {
      let seed = capacity;
      const random = (n: number) => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return seed % n;
      };
      const cache = new PageCache(capacity);
      const recency = new Map<string, true>(); // insertion order: least recent first
      const expected = { hits: 0, misses: 0, evictions: 0 };
      for (let step = 0; step < 20_000; step++) {
        if (random(5_000) === 0) {
          cache.drop();
          recency.clear();
          continue;
        }
        const file = random(3);
        const page = random(capacity * 3) + (random(50) === 0 ? 0xffff_ff00 : 0);
        const key = `${file}:${page}`;
        const hit = recency.delete(key);
        if (hit) expected.hits += 1;
        else {
          expected.misses += 1;
          if (recency.size >= capacity) {
            recency.delete(recency.keys().next().value as string);
            expected.evictions += 1;
          }
        }
        recency.set(key, true);
        expect(cache.touch(file, page)).toBe(hit);
      }
      expect(cache.counts).toEqual(expected);
    }
  });
});

describe('pipelineTimes', () => {
  it('is sum of per-chunk stage times + (n - 1) x the slowest, plus fixed costs', () => {
    // 10 chunks; per chunk: device 1 ms, hook 3 ms, link 0.5 ms, compute 0 -> 4.5 + 9 * 3 = 31.5 ms.
    const t = pipelineTimes({
      chunks: 10,
      stages: { device: 0.01, hook: 0.03, link: 0.005, compute: 0 },
      before: 0.002,
      after: 0.001,
    });
    expect(t.bottleneck).toBe('hook');
    expect(t.streaming).toBeCloseTo(0.0315, 12);
    expect(t.endToEnd).toBeCloseTo(0.0345, 12);
  });

  it('approaches the slowest stage for many chunks and the sum for one', () => {
    const stages = { device: 1, hook: 2, link: 4, compute: 3 };
    expect(pipelineTimes({ chunks: 1, stages, before: 0, after: 0 }).streaming).toBeCloseTo(10, 12);
    const many = pipelineTimes({ chunks: 1_000_000, stages, before: 0, after: 0 });
    expect(many.bottleneck).toBe('link');
    expect(many.streaming).toBeCloseTo(4 + 6e-6, 9);
  });

  it('has only fixed costs without chunks', () => {
    const t = pipelineTimes({ chunks: 0, stages: { device: 0, hook: 0, link: 0, compute: 0 }, before: 1, after: 2 });
    expect(t.endToEnd).toBe(3);
  });
});
