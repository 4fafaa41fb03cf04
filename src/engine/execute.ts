// Runs a SQL query end to end: plan, compile to eBPF, push down to the storage node, and optionally ship-all to compare.
import { isDeepStrictEqual } from 'node:util';
import { basename, dirname } from 'node:path';
import type { LinkOptions } from '../net/link.js';
import { Link } from '../net/link.js';
import { buildReport, type DataMovementReport } from '../report/data-movement.js';
import type { DeviceOptions } from '../storage/device.js';
import { StorageNode } from '../storage/node.js';
import type { ProgramStore } from '../storage/program-store.js';
import { runPushdown } from '../storage/pushdown.js';
import type { RunStats } from '../storage/run-stats.js';
import { runShipAll } from '../storage/shipall.js';
import type { MapContents } from '../storage/wire.js';
import { SluiceError } from '../util/errors.js';
import type { EngineName } from '../vm/engine.js';
import { compileQuery, type CompiledQuery } from '../codegen/compile.js';
import { readCounters, type MapReader } from '../codegen/read-maps.js';
import { TOP_MAP, readTopRows } from '../codegen/top-rows.js';
import { planQuery } from '../sql/bind.js';
import { computeConsumer, type ComputeEngine } from './compute-engines.js';
import { runBuildSides, type BuildRun, type BuildScan } from './join-build-run.js';
import { emittedPrograms } from './emitted-programs.js';
import { shipAllJoin, type ShipAllJoinRun } from './join-shipall.js';
import { buildJoinReport, type JoinReport } from '../report/join.js';
import type { Catalog, ErrorPolicy, Plan } from '../sql/plan.js';
import type { ResultTable } from '../sql/result.js';

/** QueryOptions configure one run of `sluice query`. */
export interface QueryOptions {
  readonly sql: string;
  /** Name of the query text in errors (a file name, or "query.sql" for inline SQL). */
  readonly queryFile: string;
  readonly catalog: Catalog;
  readonly engine: EngineName;
  /** Bytes per copyOut call at the hook (1 .. 65536). */
  readonly chunkBytes: number;
  readonly link: Partial<LinkOptions>;
  readonly devices?: Partial<DeviceOptions>;
  /** Also ship the whole file and compute the answer on the compute node, then compare. */
  readonly compare: boolean;
  /** How the compute node answers in ship-all (default csv-parse). */
  readonly compute?: ComputeEngine;
  readonly onError: ErrorPolicy;
  /** Capacity of the GROUP BY map (default DEFAULT_MAX_GROUPS). */
  readonly maxGroups?: number;
  /** Rows a join's build side may have after its filter (default DEFAULT_MAX_BUILD_ROWS). */
  readonly maxBuildRows?: number;
  /** Where emitted programs, and the storage node's verdicts and JIT code, are kept across processes (see ProgramStore); default none. */
  readonly store?: ProgramStore;
  /** onProgress is told how far each run has read the file: bytes so far and the file's size. */
  readonly onProgress?: (run: 'pushdown' | 'ship-all', bytesDone: number, bytesTotal: number) => void;
}

/** QueryRun is everything one query produced. */
export interface QueryRun {
  readonly plan: Plan;
  readonly compiled: CompiledQuery;
  readonly result: ResultTable;
  /** Well-formed data rows the program scanned. */
  readonly rows: number;
  readonly pushdown: RunStats;
  /** Present with `compare`: the ship-all run and the side-by-side report. */
  readonly shipAll?: { readonly result: ResultTable; readonly stats: RunStats };
  readonly report?: DataMovementReport;
  /** A join's build sides (their pushdown runs and maps), and the whole join's data movement. */
  readonly builds?: readonly BuildRun[];
  readonly join?: JoinReport;
}

/** ResultMismatch reports that pushdown and the ship-all baseline disagreed: never print a wrong answer. */
export class ResultMismatch extends SluiceError {
  override name = 'ResultMismatch';
}

/** planAndCompile plans the SQL against the catalog and compiles it for chunks of `chunkBytes` (one table; joins need prepareQuery). */
export function planAndCompile(sql: string, queryFile: string, catalog: Catalog, chunkBytes: number, onError: ErrorPolicy = 'stop', maxGroups?: number) {
  const plan = planQuery(sql, catalog, { file: queryFile, onError });
  if (plan.join !== undefined) throw new SluiceError(`${queryFile} joins tables: its build sides run before the probe program can be compiled (use prepareQuery)`);
  const compiled = compileQuery(plan, { maxChunk: chunkBytes, file: plan.table.path, ...(maxGroups !== undefined && { maxGroups }) });
  return { plan, compiled };
}

/**
 * prepareQuery plans the SQL and compiles it; a join's build sides run first (by pushdown on their
 * tables' storage nodes), since the probe program carries their maps.
 */
export async function prepareQuery(
  options: Pick<QueryOptions, 'sql' | 'queryFile' | 'catalog' | 'chunkBytes' | 'onError' | 'maxGroups' | 'maxBuildRows' | 'engine' | 'link' | 'devices' | 'store'> & {
    readonly buildScan?: BuildScan;
  },
) {
  const plan = planQuery(options.sql, options.catalog, { file: options.queryFile, onError: options.onError });
  const builds = plan.join === undefined ? [] : await runBuildSides(plan, options, options.buildScan);
  const compiled = compileQuery(plan, {
    maxChunk: options.chunkBytes,
    file: plan.table.path,
    ...(options.maxGroups !== undefined && { maxGroups: options.maxGroups }),
    buildMaps: builds.map((build) => build.map),
    // Emitted programs are kept in the store across processes, except a join's probe program, which
    // carries its build maps' contents and is emitted afresh.
    ...(options.store && builds.length === 0 && { programs: emittedPrograms(options.store) }),
  });
  return { plan, compiled, builds };
}

/** executeQuery answers the query by pushdown and, with `compare`, by ship-all too, checking both agree. */
export async function executeQuery(options: QueryOptions): Promise<QueryRun> {
  const { plan, compiled, builds } = await prepareQuery(options);
  const dataDir = dirname(plan.table.path);
  const file = basename(plan.table.path);
  const node = () =>
    new StorageNode({
      dataDir,
      chunkBytes: options.chunkBytes,
      engine: options.engine,
      ...(options.devices ? { devices: options.devices } : {}),
      ...(options.store ? { store: options.store } : {}),
    });

  const pushed = await runPushdown({
    node: node(),
    link: new Link(options.link),
    file,
    spec: compiled.spec,
    engine: options.engine,
    tenant: 'query',
    ...(options.onProgress && { onProgress: (done: number, total: number) => options.onProgress?.('pushdown', done, total) }),
  });
  const reader = mapReader(pushed.maps);
  const result = compiled.decode(reader);
  const rows = Number(readCounters(reader).rows);
  // A top-N heap is returned whole after the scan: its rows are what the program returned.
  const returned = compiled.top && readTopRows(compiled.top, reader(TOP_MAP)).returned;
  const pushdown = { ...pushed.stats, rows, ...(returned && { returned }) };
  if (plan.join !== undefined) {
    const joined = { plan, compiled, result, rows, pushdown, builds };
    if (!options.compare) return { ...joined, join: joinReport([pushdown], builds) };
    const shipped = await shipAllJoin(plan, options, rows);
    if (!isDeepStrictEqual(shipped.result, result)) throw mismatch(options.queryFile, plan);
    return { ...joined, shipAll: shipped, report: buildReport(pushdown, shipped.stats), join: joinReport([pushdown], builds, shipped) };
  }
  if (!options.compare) return { plan, compiled, result, rows, pushdown };

  const shipped = await shipAllBaseline(plan, compiled, node(), options, rows);
  if (!isDeepStrictEqual(shipped.result, result)) throw mismatch(options.queryFile, plan);
  const shipAll = { result: shipped.result, stats: shipped.stats };
  return { plan, compiled, result, rows, pushdown, shipAll, report: buildReport(pushdown, shipped.stats) };
}

/** shipAllBaseline ships the whole table from `node` and answers the plan on the compute node with `options.compute`. */
export function shipAllBaseline(
  plan: Plan,
  compiled: CompiledQuery,
  node: StorageNode,
  options: Pick<QueryOptions, 'link' | 'onProgress' | 'compute' | 'engine' | 'sql'>,
  rows?: number,
) {
  return runShipAll({
    node,
    link: new Link(options.link),
    file: basename(plan.table.path),
    consumer: computeConsumer(options.compute ?? 'csv-parse', plan, compiled, options.engine, options.sql),
    ...(rows === undefined ? {} : { rows }),
    ...(options.onProgress && { onProgress: (done: number, total: number) => options.onProgress?.('ship-all', done, total) }),
  });
}

/** joinReport describes a join's data movement: each build side, the maps sent to the probe node, and the totals. */
export function joinReport(probes: readonly RunStats[], builds: readonly BuildRun[], shipped?: ShipAllJoinRun): JoinReport {
  return buildJoinReport(
    probes,
    builds.map((build) => ({
      table: build.table,
      rows: build.map.rows,
      mapType: build.map.spec.type,
      reason: build.map.reason,
      mapBytes: (build.map.spec.contents?.keys?.length ?? 0) + (build.map.spec.contents?.values.length ?? 0),
      pushdown: build.runs,
    })),
    shipped === undefined ? undefined : { probe: shipped.stats, builds: shipped.builds },
  );
}

/** mismatch is the error for answers that differ between pushdown and ship-all. */
export function mismatch(queryFile: string, plan: Plan): ResultMismatch {
  return new ResultMismatch(`pushdown and ship-all answers differ for ${queryFile} over ${plan.table.path}; this is a Sluice bug, please report it`);
}

/** mapReader lets a compiled query's decoder read the map contents that crossed the link. */
export function mapReader(maps: readonly MapContents[]): MapReader {
  return (name) => {
    const map = maps.find((m) => m.name === name);
    if (!map) throw new SluiceError(`the storage node returned no map named '${name}'`);
    return map.entries;
  };
}
