// Snapshots of the node's and link's counters, so one run's share can be taken as a difference.
import type { Direction, DirectionCounts, Link } from '../net/link.js';
import type { StorageNode } from './node.js';

/** CounterSnapshot is a copy of every counter a run report needs. */
export interface CounterSnapshot {
  readonly deviceBytes: number;
  readonly deviceRequests: number;
  readonly deviceSeconds: number;
  readonly pageHits: number;
  readonly pageMisses: number;
  readonly chunks: number;
  readonly bytesServed: number;
  readonly copiedBytes: number;
  readonly notCopiedBytes: number;
  readonly link: Record<Direction, DirectionCounts>;
}

/** snapshot copies the counters of a node and a link now. */
export function snapshot(node: StorageNode, link: Link): CounterSnapshot {
  return {
    deviceBytes: node.devices.counts.bytes,
    deviceRequests: node.devices.counts.requests,
    deviceSeconds: node.devices.counts.seconds,
    pageHits: node.pageCache.counts.hits,
    pageMisses: node.pageCache.counts.misses,
    chunks: node.counts.chunks,
    bytesServed: node.counts.bytesServed,
    copiedBytes: node.counts.copiedBytes,
    notCopiedBytes: node.counts.notCopiedBytes,
    link: { toStorage: { ...link.counts.toStorage }, toCompute: { ...link.counts.toCompute } },
  };
}

/** since returns what happened between two snapshots (later minus earlier, field by field). */
export function since(earlier: CounterSnapshot, later: CounterSnapshot): CounterSnapshot {
  const scalars = {} as Record<string, number>;
  for (const key of Object.keys(later) as (keyof CounterSnapshot)[]) {
    if (key !== 'link') scalars[key] = (later[key] as number) - (earlier[key] as number);
  }
  return {
    ...(scalars as Omit<CounterSnapshot, 'link'>),
    link: {
      toStorage: subtract(later.link.toStorage, earlier.link.toStorage),
      toCompute: subtract(later.link.toCompute, earlier.link.toCompute),
    },
  };
}

function subtract(a: DirectionCounts, b: DirectionCounts): DirectionCounts {
  const out = { ...a };
  for (const key of Object.keys(out) as (keyof DirectionCounts)[]) out[key] = a[key] - b[key];
  return out;
}
