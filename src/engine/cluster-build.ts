// A join's build side on a cluster: every node runs the build program over its share of the small table, and the compute node joins their maps.
import { basename } from 'node:path';
import type { ClusterNode } from '../storage/cluster-node.js';
import { decodeResult } from '../storage/wire.js';
import type { BuildScan } from './join-build-run.js';
import { linesBefore, runOnRanges } from './node-ranges.js';

/**
 * clusterBuildScan runs a build side's program on the cluster's nodes, each over its byte range of
 * the build table (the table is spread over the nodes as the probe table is), and returns each node's
 * maps and run; the build side's rows are the union of theirs (see mergeEntries in join-build-run.ts).
 */
export function clusterBuildScan(nodes: readonly ClusterNode[]): BuildScan {
  return async (side, compiled) => {
    const { replies } = await runOnRanges(nodes, side.table, compiled.spec);
    return {
      maps: replies.map((reply) => decodeResult(reply.result)),
      stats: replies.map((reply) => reply.stats),
      linesBefore: (index) => linesBefore(nodes[index] as ClusterNode, replies[index] as (typeof replies)[number], basename(side.table.path)),
    };
  };
}
