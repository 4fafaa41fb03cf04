// Pushdown against ship-all at data-centre scale: end-to-end times projected from measured per-core rates, with what binds each path.
import { formatBytes, formatSeconds } from './units.js';

/** ClusterShape describes a cluster (bytes per second for bandwidths). */
export interface ClusterShape {
  readonly nodes: number;
  readonly devicesPerNode: number;
  readonly deviceBytesPerSecond: number;
  readonly coresPerNode: number;
  readonly nodeNicBytesPerSecond: number;
  readonly computeCores: number;
  readonly computeNicBytesPerSecond: number;
  readonly tableBytes: number;
}

/** DEFAULT_CLUSTER: 64 SSDs at 2 GB/s and a 16 GB/s NIC per storage node (the data movement wall), 16 nodes, a 64-core compute node, 10 TB. */
export const DEFAULT_CLUSTER: ClusterShape = {
  nodes: 16,
  devicesPerNode: 64,
  deviceBytesPerSecond: 2e9,
  coresPerNode: 64,
  nodeNicBytesPerSecond: 16e9,
  computeCores: 64,
  computeNicBytesPerSecond: 16e9,
  tableBytes: 10e12,
};

/** Rates are measured bytes of CSV per second on one core: the hook running the query, and each ship-all engine on the compute node. */
export interface Rates {
  readonly hookPerCore: number;
  readonly computePerCore: Readonly<Record<string, number>>;
}

/** Bound names what limits a path. */
export type Bound = 'devices' | 'storage CPU' | 'storage NIC' | 'compute NIC' | 'compute CPU';

/** Projection is one path's time and what binds it. */
export interface Projection {
  readonly path: string;
  readonly seconds: number;
  readonly bound: Bound;
  /** Seconds each resource would need alone. */
  readonly limits: Readonly<Record<Bound, number>>;
}

/**
 * project returns the end-to-end time of pushdown and of ship-all with each compute engine, as the
 * slowest resource: every storage node reads tableBytes / nodes from its devices; pushdown runs the
 * program on the node's cores and sends a negligible result; ship-all sends the node's share through
 * its NIC, all shares through the compute node's NIC (incast), and parses all of it on the compute
 * node's cores. Streaming overlaps the stages, so the slowest one sets the time (start-up costs such as
 * verification, a fraction of a second, are left out).
 */
export function project(shape: ClusterShape, rates: Rates): Projection[] {
  const share = shape.tableBytes / shape.nodes;
  const devices = share / (shape.devicesPerNode * shape.deviceBytesPerSecond);
  const pushdown = pick('pushdown', { devices, 'storage CPU': share / (shape.coresPerNode * rates.hookPerCore), 'storage NIC': 0, 'compute NIC': 0, 'compute CPU': 0 });
  const shipAll = Object.entries(rates.computePerCore).map(([engine, rate]) =>
    pick(`ship-all (${engine})`, {
      devices,
      'storage CPU': 0,
      'storage NIC': share / shape.nodeNicBytesPerSecond,
      'compute NIC': shape.tableBytes / shape.computeNicBytesPerSecond,
      'compute CPU': shape.tableBytes / (shape.computeCores * rate),
    }),
  );
  return [pushdown, ...shipAll];
}

function pick(path: string, limits: Record<Bound, number>): Projection {
  let bound: Bound = 'devices';
  for (const name of Object.keys(limits) as Bound[]) if (limits[name] > limits[bound]) bound = name;
  return { path, seconds: limits[bound], bound, limits };
}

/**
 * crossoverNodes is the smallest node count (up to `max`) at which pushdown is faster than the
 * given ship-all path, or undefined if it never is within `max`.
 */
export function crossoverNodes(shape: ClusterShape, rates: Rates, path: string, max = 4096): number | undefined {
  for (let nodes = 1; nodes <= max; nodes++) {
    const [pushdown, ...rest] = project({ ...shape, nodes }, rates);
    const other = rest.find((p) => p.path === path);
    if (pushdown && other && pushdown.seconds < other.seconds) return nodes;
  }
  return undefined;
}

/** linkBend is the NIC bandwidth (bytes/s, nodes' and compute node's alike) above which a ship-all path stops being bound by a NIC. */
export function linkBend(shape: ClusterShape, rates: Rates, path: string): number {
  const engine = /\((.*)\)/.exec(path)?.[1] ?? '';
  const rate = rates.computePerCore[engine] ?? 0;
  const cpu = shape.tableBytes / (shape.computeCores * rate);
  const devices = shape.tableBytes / shape.nodes / (shape.devicesPerNode * shape.deviceBytesPerSecond);
  // The compute NIC carries the whole table; it binds until it is faster than the slower of CPU and devices.
  return shape.tableBytes / Math.max(cpu, devices);
}

/**
 * formatModel renders the rates, the cluster, each path's projected time and bound, and the
 * crossovers as lines of text (for `sluice model` and the model section of `sluice bench`).
 */
export function formatModel(shape: ClusterShape, rates: Rates & { readonly file: string; readonly fileBytes: number }): string[] {
  const perSecond = (bytes: number) => `${formatBytes(bytes)}/s`;
  const projections = project(shape, rates);
  const paths = projections.slice(1).map((p) => p.path);
  return [
    `rates measured on ${rates.file} (${formatBytes(rates.fileBytes)}), one core each: hook ${perSecond(rates.hookPerCore)}; ${Object.entries(rates.computePerCore).map(([engine, rate]) => `ship-all ${engine} ${perSecond(rate)}`).join('; ')}`,
    `cluster: ${shape.nodes} storage nodes x ${shape.devicesPerNode} SSDs at ${perSecond(shape.deviceBytesPerSecond)}, ${shape.coresPerNode} cores, NIC ${perSecond(shape.nodeNicBytesPerSecond)}; compute node ${shape.computeCores} cores, NIC ${perSecond(shape.computeNicBytesPerSecond)}; table ${formatBytes(shape.tableBytes)}`,
    ...projections.map((p) => `  ${p.path.padEnd(22)} ${formatSeconds(p.seconds).padStart(9)}  bound by ${p.bound}`),
    ...paths.map((p) => {
      const nodes = crossoverNodes(shape, rates, p);
      return `  pushdown beats ${p} from ${nodes === undefined ? '(never, up to 4096)' : `${nodes} node${nodes === 1 ? '' : 's'}`}; ${p} stops being NIC-bound above ${perSecond(linkBend(shape, rates, p))} NICs`;
    }),
  ];
}
