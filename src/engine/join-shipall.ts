// Ship-all for a join: every table crosses the link whole, and the compute node joins them (hash join) and aggregates.
import { basename, dirname } from 'node:path';
import { joinLookup } from '../baseline/join.js';
import { createBaselineConsumer } from '../baseline/scan.js';
import { buildMap } from '../codegen/build-map.js';
import { compileQuery } from '../codegen/compile.js';
import { MAX_BUILD_ROWS_LIMIT } from './join-limits.js';
import { Link, type LinkOptions } from '../net/link.js';
import { buildRows, buildSidePlan } from '../sql/join-build.js';
import type { JoinBuild, Plan } from '../sql/plan.js';
import type { ResultTable } from '../sql/result.js';
import type { DeviceOptions } from '../storage/device.js';
import { StorageNode } from '../storage/node.js';
import type { RunStats } from '../storage/run-stats.js';
import { runShipAll } from '../storage/shipall.js';
import { UsageError } from '../util/errors.js';
import type { Value } from '../values/types.js';
import type { EngineName } from '../vm/engine.js';
import { computeConsumer, type ComputeEngine } from './compute-engines.js';

/** ShipAllJoinOptions are what shipping every table of a join needs. */
export interface ShipAllJoinOptions {
  readonly link: Partial<LinkOptions>;
  readonly engine: EngineName;
  readonly chunkBytes: number;
  readonly devices?: Partial<DeviceOptions>;
  readonly compute?: ComputeEngine;
  readonly maxGroups?: number;
  readonly onProgress?: (run: 'pushdown' | 'ship-all', bytesDone: number, bytesTotal: number) => void;
}

/** ShipAllJoinRun is the compute node's answer, the probe table's run and each build table's run. */
export interface ShipAllJoinRun {
  readonly result: ResultTable;
  readonly stats: RunStats;
  readonly builds: readonly RunStats[];
}

/**
 * shipAllJoin ships each build table, then the probe table, to the compute node. With csv-parse the
 * compute node evaluates each build side's query and keeps its rows in a JavaScript map, then
 * evaluates the probe table's rows against them; with `program` it runs the build sides' programs and
 * the probe program (with maps made from the shipped build rows) over the shipped bytes.
 */
export async function shipAllJoin(plan: Plan, options: ShipAllJoinOptions, rows?: number): Promise<ShipAllJoinRun> {
  const compute = options.compute ?? 'csv-parse';
  if (compute !== 'csv-parse' && compute !== 'program') throw new UsageError(`--compute ${compute} does not answer joins; use csv-parse or program`);
  const builds = plan.join?.builds ?? [];
  const buildStats: RunStats[] = [];
  const buildRowMaps: Map<bigint, Value[]>[] = [];
  for (let index = 0; index < builds.length; index++) {
    const side = buildSidePlan(plan, index);
    const consumer = compute === 'csv-parse'
      ? createBaselineConsumer(side)
      : computeConsumer('program', side, compileQuery(side, { maxChunk: options.chunkBytes, maxGroups: MAX_BUILD_ROWS_LIMIT + 1, groupsLimit: MAX_BUILD_ROWS_LIMIT + 1 }), options.engine, plan.sql);
    const shipped = await ship(side.table.path, consumer, options);
    buildStats.push(shipped.stats);
    buildRowMaps.push(buildRows(plan, index, shipped.result));
  }
  const consumer = compute === 'csv-parse'
    ? createBaselineConsumer(plan, plan.table.path, joinLookup(plan, buildRowMaps))
    : computeConsumer('program', plan, compileQuery(plan, {
      maxChunk: options.chunkBytes,
      ...(options.maxGroups !== undefined && { maxGroups: options.maxGroups }),
      buildMaps: builds.map((build: JoinBuild, index) => buildMap(build, index, buildRowMaps[index] as Map<bigint, Value[]>)),
    }), options.engine, plan.sql);
  const probe = await ship(plan.table.path, consumer, options, rows);
  return { result: probe.result, stats: probe.stats, builds: buildStats };
}

function ship(path: string, consumer: Parameters<typeof runShipAll<ResultTable>>[0]['consumer'], options: ShipAllJoinOptions, rows?: number) {
  return runShipAll({
    node: new StorageNode({ dataDir: dirname(path), chunkBytes: options.chunkBytes, engine: options.engine, ...(options.devices ? { devices: options.devices } : {}) }),
    link: new Link(options.link),
    file: basename(path),
    consumer,
    ...(rows === undefined ? {} : { rows }),
    ...(options.onProgress && { onProgress: (done: number, total: number) => options.onProgress?.('ship-all', done, total) }),
  });
}
