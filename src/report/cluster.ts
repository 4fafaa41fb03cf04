// The data-movement report of a cluster query: per storage node and in total, and the compute NIC every node's traffic shares.
import type { LinkOptions } from '../net/link.js';
import { modelTopology, type TopologyTimes } from '../net/topology.js';
import type { NodeTimeline } from '../storage/cluster-node.js';
import type { RunStats } from '../storage/run-stats.js';
import { verifyAndLoad } from './run-summary.js';
import { formatBytes, formatSeconds } from './units.js';
import { formatCount } from '../util/count.js';

/** ClusterNodeStats is one storage node's part: the rows it served and its run's numbers. */
export interface ClusterNodeStats {
  readonly name: string;
  /** [start, end) of the file: the rows the node served. */
  readonly start: number;
  readonly end: number;
  readonly stats: RunStats;
  readonly peakHeapBytes?: number;
  readonly restarts: number;
  readonly rescans: number;
  readonly timeline?: NodeTimeline;
}

/** ComputeTimeline is when (ms since the epoch) the compute node sent the program to the nodes and had merged their answers. */
export interface ComputeTimeline {
  readonly sentAt: number;
  readonly mergedAt: number;
}

/** ClusterReport is the per-node numbers, their totals and the topology model's answer. */
export interface ClusterReport {
  readonly nodes: readonly ClusterNodeStats[];
  readonly totals: { readonly deviceBytes: number; readonly hookBytes: number; readonly linkWireBytes: number; readonly linkPackets: number; readonly instructions: number; readonly cpuSeconds: number };
  readonly topology: TopologyTimes;
  /** Measured compute-node time to decode and merge the answers. */
  readonly mergeSeconds: number;
  readonly timeline?: ComputeTimeline;
}

/** buildClusterReport totals the nodes and models the compute node's shared NIC. */
export function buildClusterReport(nodes: readonly ClusterNodeStats[], computeNic: Partial<LinkOptions>, mergeSeconds: number, timeline?: ComputeTimeline): ClusterReport {
  const wire = (s: RunStats) => s.link.toStorage.wireBytes + s.link.toCompute.wireBytes;
  const sum = (f: (s: RunStats) => number) => nodes.reduce((total, node) => total + f(node.stats), 0);
  return {
    nodes,
    totals: {
      deviceBytes: sum((s) => s.device.bytesRead),
      hookBytes: sum((s) => s.hook.bytes),
      linkWireBytes: sum(wire),
      linkPackets: sum((s) => s.link.toStorage.packets + s.link.toCompute.packets),
      instructions: sum((s) => s.hook.instructions),
      cpuSeconds: sum((s) => s.hook.cpuSeconds),
    },
    topology: modelTopology(
      nodes.map((node) => ({ toStorage: node.stats.link.toStorage, toCompute: node.stats.link.toCompute, seconds: node.stats.pipeline.endToEnd })),
      computeNic,
    ),
    mergeSeconds,
    ...(timeline ? { timeline } : {}),
  };
}

/** formatClusterReport renders the report as a table: one line per node, the totals, the compute NIC and the bottleneck. */
export function formatClusterReport(report: ClusterReport): string {
  const header = ['node', 'rows from byte', 'to byte', 'hook bytes', 'link wire', 'packets', 'verify + load', 'program CPU', 'end to end', 'bound by'];
  const rows = report.nodes.map((node) => [
    node.name,
    formatCount(node.start),
    formatCount(node.end),
    formatBytes(node.stats.hook.bytes),
    formatBytes(node.stats.link.toStorage.wireBytes + node.stats.link.toCompute.wireBytes),
    formatCount(node.stats.link.toStorage.packets + node.stats.link.toCompute.packets),
    verifyAndLoad(node.stats),
    formatSeconds(node.stats.hook.cpuSeconds),
    formatSeconds(node.stats.pipeline.endToEnd),
    node.stats.pipeline.bottleneck,
  ]);
  const t = report.totals;
  rows.push(['total', '', '', formatBytes(t.hookBytes), formatBytes(t.linkWireBytes), formatCount(t.linkPackets), '', formatSeconds(t.cpuSeconds), '', '']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  const top = report.topology;
  const bound = top.bottleneck.kind === 'compute-nic' ? "the compute node's NIC (incast)" : `${report.nodes[top.bottleneck.index]?.name ?? 'a node'} (${report.nodes[top.bottleneck.index]?.stats.pipeline.bottleneck ?? ''})`;
  return [
    line(header),
    ...rows.map(line),
    `compute node NIC: in ${formatBytes(top.computeNic.inWireBytes)} (${formatCount(top.computeNic.inPackets)} packets), out ${formatBytes(top.computeNic.outWireBytes)} (${formatCount(top.computeNic.outPackets)} packets), ${formatSeconds(top.computeNicSeconds)} on the wire`,
    `merge on the compute node (measured): ${formatSeconds(report.mergeSeconds)}`,
    `end to end (modelled): ${formatSeconds(top.endToEnd)}, bottleneck: ${bound}`,
    '',
  ].join('\n');
}

/** clusterReportJson is the report as a JSON-ready object with a `nodes` list (RunStats per node, see reportJson). */
export function clusterReportJson(report: ClusterReport): object {
  return {
    nodes: report.nodes.map((node) => ({ ...node })),
    totals: report.totals,
    computeNic: { ...report.topology.computeNic, seconds: report.topology.computeNicSeconds },
    mergeSeconds: report.mergeSeconds,
    ...(report.timeline ? { timeline: report.timeline } : {}),
    endToEnd: report.topology.endToEnd,
    bottleneck: report.topology.bottleneck.kind === 'compute-nic' ? 'compute-nic' : report.nodes[report.topology.bottleneck.index]?.name,
  };
}
