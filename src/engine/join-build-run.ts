// A join's build sides by pushdown: each smaller table's storage node filters and projects it, and its rows become the probe's map.
import { basename, dirname } from 'node:path';
import { buildMap, type BuildMap } from '../codegen/build-map.js';
import { compileQuery } from '../codegen/compile.js';
import { DEFAULT_MAX_BUILD_ROWS, MAX_BUILD_ROWS_LIMIT } from './join-limits.js';
import { UsageError } from '../util/errors.js';
import { FatalCode } from '../codegen/layout.js';
import { readAnswer, throwRecordedError } from '../codegen/read-maps.js';
import { Link, type LinkOptions } from '../net/link.js';
import { QueryError } from '../sql/errors.js';
import { buildCountPlan, buildRows, buildSidePlan } from '../sql/join-build.js';
import type { Plan } from '../sql/plan.js';
import { finalizeResult } from '../sql/result.js';
import type { DeviceOptions } from '../storage/device.js';
import { StorageNode } from '../storage/node.js';
import { runPushdown } from '../storage/pushdown.js';
import type { RunStats } from '../storage/run-stats.js';
import type { EngineName } from '../vm/engine.js';
import type { MapContents } from '../storage/wire.js';
import { formatCount } from '../util/count.js';


/** FIRST_CAPACITY is the build side's first map size; a build side with more rows is scanned again with room for --max-build-rows. */
const FIRST_CAPACITY = 1 << 16;

/** BuildOptions are what a build side's run needs. */
export interface BuildOptions {
  readonly engine: EngineName;
  readonly chunkBytes: number;
  readonly link: Partial<LinkOptions>;
  readonly devices?: Partial<DeviceOptions>;
  readonly maxBuildRows?: number;
}

/** BuildRun is one build side's pushdown: its map for the probe side and the run's numbers. */
export interface BuildRun {
  readonly table: string;
  readonly map: BuildMap;
  /** The build side's scans: one, or two when its rows outgrew the first map (see FIRST_CAPACITY). */
  readonly runs: readonly RunStats[];
}

/**
 * runBuildSides runs each build side of a join plan on the storage node that holds its table: a
 * program keeps the rows that pass the build side's own filter and returns key -> values, which
 * the compute node checks (one row per key, at most --max-build-rows) and turns into a map.
 */
export async function runBuildSides(plan: Plan, options: BuildOptions): Promise<BuildRun[]> {
  const maxRows = options.maxBuildRows ?? DEFAULT_MAX_BUILD_ROWS;
  if (!Number.isInteger(maxRows) || maxRows < 1 || maxRows > MAX_BUILD_ROWS_LIMIT) {
    throw new UsageError(`--max-build-rows ${maxRows} is out of range: a build map holds 1 to ${formatCount(MAX_BUILD_ROWS_LIMIT)} rows`);
  }
  const runs: BuildRun[] = [];
  for (let index = 0; index < (plan.join?.builds.length ?? 0); index++) runs.push(await runBuildSide(plan, index, options));
  return runs;
}

async function runBuildSide(plan: Plan, index: number, options: BuildOptions): Promise<BuildRun> {
  const maxRows = options.maxBuildRows ?? DEFAULT_MAX_BUILD_ROWS;
  const side = buildSidePlan(plan, index);
  // The node allocates the whole map: a small one first, the full limit only when the rows need it.
  const attempt = async (capacity: number) => {
    const compiled = compileQuery(side, { maxChunk: options.chunkBytes, maxGroups: capacity, groupsLimit: MAX_BUILD_ROWS_LIMIT + 1 });
    const run = await pushdown(side, compiled.spec, options);
    return { ...run, answer: readAnswer(compiled.layout, reader(run.maps)) };
  };
  let { answer, stats } = await attempt(Math.min(maxRows + 1, FIRST_CAPACITY));
  const runs = [stats];
  if (answer.fatal?.code === FatalCode.groupsFull && maxRows + 1 > FIRST_CAPACITY) {
    ({ answer, stats } = await attempt(maxRows + 1));
    runs.push(stats);
  }
  if (answer.fatal?.code === FatalCode.groupsFull) {
    const counting = buildCountPlan(plan, index);
    const countProgram = compileQuery(counting, { maxChunk: options.chunkBytes });
    const count = await pushdown(counting, countProgram.spec, options);
    const rows = readAnswer(countProgram.layout, reader(count.maps)).groups[0]?.aggregates[0]?.count ?? 0n;
    throw tooManyRows(plan, index, rows, maxRows);
  }
  throwRecordedError(side, answer, side.table.path, maxRows + 1);
  const rows = buildRows(plan, index, finalizeResult(side, answer.groups, Number(answer.skipped)));
  if (rows.size > maxRows) throw tooManyRows(plan, index, BigInt(rows.size), maxRows);
  return { table: side.table.name, map: buildMap(plan.join?.builds[index] as NonNullable<Plan['join']>['builds'][number], index, rows), runs };
}

/** tooManyRows is the refusal of a build side too large for a map. */
export function tooManyRows(plan: Plan, index: number, rows: bigint, maxRows: number): QueryError {
  const build = plan.join?.builds[index];
  return new QueryError(
    plan.queryFile,
    build?.at ?? { line: 1, column: 1 },
    `table '${build?.table.name}' has ${formatCount(rows)} rows after its filter, more than the ${formatCount(maxRows)} a build map may hold (--max-build-rows); filter it further, or raise the limit (at most ${formatCount(MAX_BUILD_ROWS_LIMIT)})`,
  );
}

async function pushdown(side: Plan, spec: Parameters<typeof runPushdown>[0]['spec'], options: BuildOptions): Promise<{ maps: MapContents[]; stats: RunStats }> {
  const node = new StorageNode({ dataDir: dirname(side.table.path), chunkBytes: options.chunkBytes, engine: options.engine, ...(options.devices ? { devices: options.devices } : {}) });
  const run = await runPushdown({ node, link: new Link(options.link), file: basename(side.table.path), spec, engine: options.engine, tenant: `build ${side.table.name}` });
  return run;
}

function reader(maps: readonly MapContents[]) {
  return (name: string) => {
    const map = maps.find((m) => m.name === name);
    if (map === undefined) throw new RangeError(`the build side's storage node returned no map named '${name}'`);
    return map.entries;
  };
}
