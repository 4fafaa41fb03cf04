// Ship-all for a join: every table crosses the link whole, and the compute node joins them (hash join) and aggregates.
import { basename, dirname } from 'node:path';
import { joinLookup } from '../baseline/join.js';
import { createBaselineConsumer } from '../baseline/scan.js';
import { compileQuery } from '../codegen/compile.js';
import { runBuildSides } from './join-build-run.js';
import { Link, type LinkOptions } from '../net/link.js';
import { buildRows, buildSidePlan } from '../sql/join-build.js';
import type { Plan } from '../sql/plan.js';
import type { ResultTable } from '../sql/result.js';
import type { DeviceOptions } from '../storage/device.js';
import { StorageNode } from '../storage/node.js';
import type { RunStats } from '../storage/run-stats.js';
import { runShipAll, type ShipAllConsumer } from '../storage/shipall.js';
import type { Value } from '../values/types.js';
import type { EngineName } from '../vm/engine.js';
import { computeConsumer, programMapsConsumer, type ComputeEngine } from './compute-engines.js';
import { DuckDbLanding } from './duckdb-compute.js';

/** ShipAllJoinOptions are what shipping every table of a join needs. */
export interface ShipAllJoinOptions {
  readonly maxBuildRows?: number;
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
 * the probe program (with the maps they filled) over the shipped bytes, as the storage nodes would;
 * with `duckdb` DuckDB joins the shipped tables itself.
 */
export async function shipAllJoin(plan: Plan, options: ShipAllJoinOptions, rows?: number): Promise<ShipAllJoinRun> {
  const compute = options.compute ?? 'csv-parse';
  if (compute === 'duckdb') return shipAllJoinToDuckDb(plan, options, rows);
  if (compute === 'program') {
    // The build sides' own programs run over the shipped tables, then the probe program with their maps.
    const builds = await runBuildSides(plan, options, async (side, compiled) => {
      const shipped = await ship(side.table.path, programMapsConsumer(compiled, options.engine), options);
      return { maps: [shipped.result], stats: [shipped.stats] };
    });
    const compiled = compileQuery(plan, {
      maxChunk: options.chunkBytes,
      ...(options.maxGroups !== undefined && { maxGroups: options.maxGroups }),
      buildMaps: builds.map((build) => build.map),
    });
    const probe = await ship(plan.table.path, computeConsumer('program', plan, compiled, options.engine, plan.sql), options, rows);
    return { result: probe.result, stats: probe.stats, builds: builds.flatMap((build) => build.runs) };
  }
  const buildStats: RunStats[] = [];
  const buildRowMaps: Map<bigint, Value[]>[] = [];
  for (let index = 0; index < (plan.join?.builds.length ?? 0); index++) {
    const side = buildSidePlan(plan, index);
    const shipped = await ship(side.table.path, createBaselineConsumer(side), options);
    buildStats.push(shipped.stats);
    buildRowMaps.push(buildRows(plan, index, shipped.result));
  }
  const probe = await ship(plan.table.path, createBaselineConsumer(plan, plan.table.path, joinLookup(plan, buildRowMaps)), options, rows);
  return { result: probe.result, stats: probe.stats, builds: buildStats };
}

/**
 * shipAllJoinToDuckDb ships each build table, then the probe table, into files on the compute node, and
 * DuckDB answers the query text over views of them (as a compute node receiving the tables would).
 */
async function shipAllJoinToDuckDb(plan: Plan, options: ShipAllJoinOptions, rows?: number): Promise<ShipAllJoinRun> {
  const landing = new DuckDbLanding();
  try {
    const builds: RunStats[] = [];
    for (const build of plan.join?.builds ?? []) builds.push((await ship(build.table.path, landing.consumer(build.table), options)).stats);
    const probe = await ship(plan.table.path, landing.consumer(plan.table), options, rows);
    return { result: await landing.answer(plan, plan.sql, 1), stats: probe.stats, builds };
  } finally {
    landing.close();
  }
}

function ship<T>(path: string, consumer: ShipAllConsumer<T>, options: ShipAllJoinOptions, rows?: number) {
  return runShipAll({
    node: new StorageNode({ dataDir: dirname(path), chunkBytes: options.chunkBytes, engine: options.engine, ...(options.devices ? { devices: options.devices } : {}) }),
    link: new Link(options.link),
    file: basename(path),
    consumer,
    ...(rows === undefined ? {} : { rows }),
    ...(options.onProgress && { onProgress: (done: number, total: number) => options.onProgress?.('ship-all', done, total) }),
  });
}
