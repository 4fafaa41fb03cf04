// A join's data movement: each build side's own run, the maps sent toward the probe node, and the whole query against shipping every table.
import type { RunStats } from '../storage/run-stats.js';
import { linkTotal } from './data-movement.js';
import { formatBytes, formatPercent, formatSeconds } from './units.js';
import { formatCount } from '../util/count.js';

/** JoinBuildStats is one build side: its rows after its filter, its map, and its own pushdown run. */
export interface JoinBuildStats {
  readonly table: string;
  readonly rows: number;
  readonly mapType: string;
  /** Why the map is an array or a hash map. */
  readonly reason: string;
  /** Key and value bytes of the map, which travel to the probe node inside the probe program's message. */
  readonly mapBytes: number;
  /** Its pushdown scans: one, or one per node of a cluster holding its table. */
  readonly pushdown: readonly RunStats[];
}

/**
 * JoinReport totals a join's link payload bytes, both directions: by pushdown, the probe run (whose
 * message toward storage carries the build maps) plus every build run; by ship-all, every table.
 */
export interface JoinReport {
  readonly builds: readonly JoinBuildStats[];
  readonly pushdownBytes: number;
  readonly pushdownSeconds: number;
  readonly shipAllBytes?: number;
  readonly shipAllSeconds?: number;
  /** pushdownBytes / shipAllBytes. */
  readonly fraction?: number;
}

/** buildJoinReport adds up a join's runs (each side's on each of its nodes); the build sides run one after another, then the probe side. */
export function buildJoinReport(probes: readonly RunStats[], builds: readonly JoinBuildStats[], shipAll?: { readonly probe: RunStats; readonly builds: readonly RunStats[] }): JoinReport {
  const bytes = (runs: readonly RunStats[]) => runs.reduce((sum, run) => sum + linkTotal(run, 'payloadBytes'), 0);
  const seconds = (runs: readonly RunStats[]) => runs.reduce((sum, run) => sum + run.pipeline.endToEnd, 0);
  const buildRuns = builds.flatMap((build) => build.pushdown);
  // Nodes scan in parallel: each build side, then the probe side, takes as long as its slowest node.
  const slowest = (runs: readonly RunStats[]) => Math.max(0, ...runs.map((run) => run.pipeline.endToEnd));
  const buildSeconds = builds.reduce((sum, build) => sum + slowest(build.pushdown), 0);
  const report = { builds, pushdownBytes: bytes([...probes, ...buildRuns]), pushdownSeconds: buildSeconds + slowest(probes) };
  if (shipAll === undefined) return report;
  const shipAllRuns = [shipAll.probe, ...shipAll.builds];
  const shipAllBytes = bytes(shipAllRuns);
  return { ...report, shipAllBytes, shipAllSeconds: seconds(shipAllRuns), fraction: shipAllBytes === 0 ? 0 : report.pushdownBytes / shipAllBytes };
}

/** formatJoinReport shows the build sides and the join's totals, one line each. */
export function formatJoinReport(report: JoinReport): string {
  const lines = ['join build sides (each filtered where its table is stored; its map sent with the probe program to each probe node):'];
  for (const build of report.builds) {
    const toStorage = build.pushdown.reduce((sum, run) => sum + run.link.toStorage.payloadBytes, 0);
    const toCompute = build.pushdown.reduce((sum, run) => sum + run.link.toCompute.payloadBytes, 0);
    const scans = build.pushdown.length === 1 ? 'build run' : `build runs on ${build.pushdown.length} nodes`;
    lines.push(
      `  ${build.table}: ${formatCount(build.rows)} rows after its filter -> ${build.reason}; map ${formatBytes(build.mapBytes)} to the probe node; ` +
        `${scans} ${formatBytes(toStorage)} to storage, ${formatBytes(toCompute)} back`,
    );
    if (build.pushdown.length > 1) {
      build.pushdown.forEach((run, node) => lines.push(`    node ${node}: ${formatBytes(run.link.toStorage.payloadBytes)} to storage, ${formatBytes(run.link.toCompute.payloadBytes)} back`));
    }
  }
  const total = `join, every table, link payload both ways: pushdown ${formatBytes(report.pushdownBytes)} (modelled ${formatSeconds(report.pushdownSeconds)})`;
  lines.push(report.shipAllBytes === undefined || report.fraction === undefined
    ? total
    : `${total}, ship-all ${formatBytes(report.shipAllBytes)} (modelled ${formatSeconds(report.shipAllSeconds ?? 0)}): pushdown moves ${formatPercent(report.fraction)} of ship-all's bytes`);
  return `${lines.join('\n')}\n`;
}
