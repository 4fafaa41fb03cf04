// The cluster's network: every storage node has its own NIC to a switch; the compute node's one NIC carries all of them (incast).
import { linkOptions, type DirectionCounts, type LinkOptions } from './link.js';

/** NodeTraffic is what one storage node's link carried and how long the node took, as modelled on its own NIC. */
export interface NodeTraffic {
  readonly toStorage: DirectionCounts;
  readonly toCompute: DirectionCounts;
  /** The node's modelled end-to-end seconds on its own link (program over, scan, result back). */
  readonly seconds: number;
}

/** Bottleneck names what sets a cluster query's pace: the slowest storage node, or the compute node's NIC. */
export type Bottleneck = { readonly kind: 'node'; readonly index: number } | { readonly kind: 'compute-nic' };

/** TopologyTimes is the model's answer for one query over the cluster. */
export interface TopologyTimes {
  /** Wire bytes and packets through the compute node's NIC, each way (all nodes' traffic together). */
  readonly computeNic: { readonly inWireBytes: number; readonly outWireBytes: number; readonly inPackets: number; readonly outPackets: number };
  /** Serialization of the busier direction at the compute NIC's bandwidth. */
  readonly computeNicSeconds: number;
  readonly slowestNode: number;
  readonly endToEnd: number;
  readonly bottleneck: Bottleneck;
}

/**
 * modelTopology places the storage nodes' traffic on a switch: each node's messages cross its own
 * NIC (its `seconds` already include that link), and all of them also cross the compute node's NIC,
 * which serializes their frames one after another (incast; the switch buffers the rest). The query
 * ends when the slowest node is done and the compute NIC has carried every frame plus one latency:
 * endToEnd = max(slowest node, compute NIC serialization + latency).
 */
export function modelTopology(nodes: readonly NodeTraffic[], computeNic: Partial<LinkOptions> = {}): TopologyTimes {
  const nic = linkOptions(computeNic);
  let inWireBytes = 0;
  let outWireBytes = 0;
  let inPackets = 0;
  let outPackets = 0;
  let slowestNode = 0;
  nodes.forEach((node, i) => {
    inWireBytes += node.toCompute.wireBytes;
    inPackets += node.toCompute.packets;
    outWireBytes += node.toStorage.wireBytes;
    outPackets += node.toStorage.packets;
    if (node.seconds > (nodes[slowestNode]?.seconds ?? 0)) slowestNode = i;
  });
  const computeNicSeconds = (Math.max(inWireBytes, outWireBytes) * 8) / nic.bandwidth;
  const slowest = nodes[slowestNode]?.seconds ?? 0;
  const nicDone = computeNicSeconds + nic.latency;
  return {
    computeNic: { inWireBytes, outWireBytes, inPackets, outPackets },
    computeNicSeconds,
    slowestNode,
    endToEnd: Math.max(slowest, nicDone),
    bottleneck: nicDone > slowest ? { kind: 'compute-nic' } : { kind: 'node', index: slowestNode },
  };
}
